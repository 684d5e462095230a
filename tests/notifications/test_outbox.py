from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from choeur.notifications.models import OutboxEmail, OutboxStatus
from choeur.notifications.services import MAX_ATTEMPTS, email_queue, outbox_flush

pytestmark = pytest.mark.django_db(transaction=True)


def _queue(**extra: Any) -> OutboxEmail:
    return email_queue(
        to="fournisseur@example.org",
        subject="Essai",
        template="notifications/emails/test",
        context={"name": "Camille"},
        **extra,
    )


def test_email_leaves_after_commit_with_text_and_html_parts() -> None:
    with transaction.atomic():
        email = _queue()
        assert mail.outbox == []
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["fournisseur@example.org"]
    assert "Bonjour Camille" in sent.body
    assert sent.alternatives[0][1] == "text/html"
    email.refresh_from_db()
    assert email.status == OutboxStatus.SENT
    assert email.sent_at is not None


def test_no_email_leaves_when_the_change_rolls_back() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        _queue()
        raise RuntimeError
    assert mail.outbox == []
    assert not OutboxEmail.objects.exists()


def test_smtp_failure_keeps_the_email_and_a_later_flush_sends_it(
    settings: Any, smtp_sink: Any
) -> None:
    real_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1  # nothing listens there: connection refused
    email = _queue()
    email.refresh_from_db()
    assert email.status == OutboxStatus.PENDING
    assert email.attempts == 1
    assert "refused" in email.last_error.lower() or "connection" in email.last_error.lower()

    settings.EMAIL_PORT = real_port
    assert outbox_flush(now=timezone.now()) == 0  # not due yet: backoff
    assert outbox_flush(now=timezone.now() + dt.timedelta(minutes=2)) == 1
    received = smtp_sink.wait_for(lambda m: m["Subject"] == "Essai")
    assert "Bonjour Camille" in smtp_sink.body(received)
    email.refresh_from_db()
    assert email.status == OutboxStatus.SENT


def test_an_email_that_keeps_failing_is_eventually_marked_failed_not_deleted(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1
    email = _queue()
    later = timezone.now()
    for _ in range(MAX_ATTEMPTS):
        later += dt.timedelta(hours=2)
        outbox_flush(now=later)
    email.refresh_from_db()
    assert email.status == OutboxStatus.FAILED
    assert email.attempts == MAX_ATTEMPTS
    assert OutboxEmail.objects.filter(pk=email.pk).exists()
