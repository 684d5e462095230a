"""Queue emails through the outbox; a task sends them after commit and retries on failure."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from choeur.core.tasks import dispatch
from choeur.notifications.models import OutboxEmail, OutboxStatus

logger = logging.getLogger(__name__)

# After this many failed attempts an email is marked FAILED (and stays visible in the admin).
MAX_ATTEMPTS = 10


def email_queue(
    *, to: str | list[str], subject: str, template: str, context: dict[str, Any] | None = None
) -> OutboxEmail:
    """Render `<template>.txt` (and `<template>.html` when it exists) and queue the email.

    The row is written in the caller's transaction: if the change that causes the email rolls
    back, no email leaves. Sending happens after commit, in a task.
    """
    recipients = [to] if isinstance(to, str) else list(to)
    recipients = [address for address in recipients if address]
    full_context = {
        "SITE_URL": settings.SITE_URL,
        "SITE_NAME": settings.SITE_NAME,
        **(context or {}),
    }
    body_text: str = render_to_string(f"{template}.txt", full_context)
    body_html: str
    try:
        body_html = render_to_string(f"{template}.html", full_context)
    except Exception as exc:  # noqa: BLE001 - the HTML part is optional
        if type(exc).__name__ != "TemplateDoesNotExist":
            raise
        body_html = ""
    email = OutboxEmail.objects.create(
        to=recipients,
        subject=subject.strip().replace("\n", " ")[:255],
        body_text=body_text,
        body_html=body_html,
        template=template,
    )
    from choeur.notifications.tasks import outbox_send

    dispatch(outbox_send, email.pk)
    return email


def outbox_send_one(*, email_id: int) -> bool:
    """Send one queued email; on failure record the error and schedule a retry. True if sent."""
    with transaction.atomic():
        email = OutboxEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status != OutboxStatus.PENDING:
            return False
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=email.to,
        )
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        email.attempts += 1
        try:
            message.send(fail_silently=False)
        except Exception as exc:  # noqa: BLE001 - any SMTP/network failure is retried later
            logger.warning("Envoi du courriel %s impossible : %s", email.pk, exc)
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if email.attempts >= MAX_ATTEMPTS:
                email.status = OutboxStatus.FAILED
            else:
                # 1, 2, 4, 8 ... minutes, at most one hour between attempts.
                delay = min(2 ** (email.attempts - 1), 60)
                email.next_attempt_at = timezone.now() + dt.timedelta(minutes=delay)
            email.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            return False
        email.status = OutboxStatus.SENT
        email.sent_at = timezone.now()
        email.last_error = ""
        email.save(update_fields=["attempts", "status", "sent_at", "last_error"])
        return True


def outbox_flush(*, now: dt.datetime | None = None) -> int:
    """Retry every pending email whose retry time has come. Returns how many left."""
    now = now or timezone.now()
    due = OutboxEmail.objects.filter(status=OutboxStatus.PENDING).exclude(next_attempt_at__gt=now)
    return sum(outbox_send_one(email_id=pk) for pk in due.values_list("pk", flat=True))
