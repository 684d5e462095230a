"""Queue emails through the outbox (a task sends them after commit and retries on failure), and
tell users things through `notify`: an in-app notification plus the email their preference asks."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from choeur.core.audit import audit_log_write
from choeur.core.tasks import send
from choeur.notifications.enums import INVOICING_KINDS, Delivery, NotificationKind
from choeur.notifications.models import (
    Notification,
    NotificationPreference,
    OutboxEmail,
    OutboxStatus,
    ReceivedInvoices,
)
from choeur.notifications.perms import effective_choice, kind_rule, managed_user_ids

logger = logging.getLogger(__name__)

# After this many failed attempts an email is marked FAILED (and stays visible in the admin).
MAX_ATTEMPTS = 10


BODY_AFTER_SENDING = "[contenu effacé après l'envoi : il contenait un lien personnel]"


def email_queue(
    *,
    to: str | list[str],
    subject: str,
    template: str,
    context: dict[str, Any] | None = None,
    carries_secrets: bool = False,
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
        carries_secrets=carries_secrets,
    )
    send("notifications.outbox_send", email.pk)
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
        fields = ["attempts", "status", "sent_at", "last_error"]
        if email.carries_secrets:
            email.body_text = BODY_AFTER_SENDING
            email.body_html = ""
            fields += ["body_text", "body_html"]
        email.save(update_fields=fields)
        return True


def outbox_flush(*, now: dt.datetime | None = None) -> int:
    """Retry every pending email whose retry time has come. Returns how many left."""
    now = now or timezone.now()
    due = OutboxEmail.objects.filter(status=OutboxStatus.PENDING).exclude(next_attempt_at__gt=now)
    return sum(outbox_send_one(email_id=pk) for pk in due.values_list("pk", flat=True))


# --- in-app notifications and their delivery ---------------------------------------------------


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{url}" if url else settings.SITE_URL


def notify(
    *,
    users: Iterable[Any],
    kind: str,
    title: str,
    template: str,
    context: dict[str, Any] | None = None,
    url: str = "",
    body: str = "",
) -> list[Notification]:
    """Tell `users` about something: one in-app notification each, and the email as each one's
    preference says (now, in tomorrow's digest, or not at all).

    Runs in the caller's transaction: if his change rolls back, nobody is told. `url` is the
    path of the object (« /factures/12/ »); templates get it as an absolute `url`. Every user
    who wants it now gets the same email: one outbox row to all of their addresses.
    """
    kind = NotificationKind(kind)
    if url and (not url.startswith("/") or url.startswith("//")):
        raise ValueError(f"Le lien d'une notification est un chemin du site : {url!r}")
    people = {user.pk: user for user in users if user is not None and user.is_active}
    if not people:
        return []
    title = title.strip().replace("\n", " ")[:255]
    stored = dict(
        NotificationPreference.objects.filter(user_id__in=people, kind=kind).values_list(
            "user_id", "choice"
        )
    )
    managers = managed_user_ids(people) if kind in INVOICING_KINDS else set()
    now = timezone.now()
    created = []
    immediate: list[str] = []
    with transaction.atomic():
        for user_id, user in sorted(people.items()):
            delivery = effective_choice(kind, stored.get(user_id), is_manager=user_id in managers)
            created.append(
                Notification(
                    user=user,
                    kind=kind,
                    title=title,
                    body=body,
                    url=url,
                    delivery=delivery,
                    created_at=now,
                )
            )
            if delivery == Delivery.IMMEDIATE and user.notification_email:
                immediate.append(user.notification_email)
        Notification.objects.bulk_create(created)
        if immediate:
            email_queue(
                to=sorted(set(immediate)),
                subject=title,
                template=template,
                context={"url": _absolute(url), "title": title, **(context or {})},
            )
    return created


def notification_mark_read(*, user: Any, notification_id: int) -> Notification:
    """Mark one of the user's notifications read; another user's is not found (404)."""
    with transaction.atomic():
        notification = get_object_or_404(
            Notification.objects.select_for_update(), pk=notification_id, user=user
        )
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
    return notification


def notification_mark_all_read(*, user: Any) -> int:
    with transaction.atomic():
        return Notification.objects.filter(user=user, read_at__isnull=True).update(
            read_at=timezone.now()
        )


def preferences_save(*, user: Any, choices: dict[str, str]) -> None:
    """Record the user's choices; a choice the rules forbid is refused, nothing is written."""
    is_manager = bool(managed_user_ids([user.pk]))
    for kind, choice in choices.items():
        rule = kind_rule(kind, is_manager=is_manager)
        if Delivery(choice) not in rule.allowed:
            raise ValueError(rule.reason or f"Choix impossible : {kind} {choice}")
    with transaction.atomic():
        for kind, choice in choices.items():
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"choice": choice}
            )
        audit_log_write(actor=user, action="notifications.preferences", obj=user, after=choices)


DIGEST_TEMPLATE = "notifications/emails/digest"


def digest_send_all(*, now: dt.datetime | None = None) -> int:
    """Send each user one email listing his notifications kept for the digest, and mark them
    digested in the same transaction: run twice, it sends nothing the second time. Returns how
    many digests were queued."""
    now = now or timezone.now()
    due = Notification.objects.filter(
        delivery=Delivery.DAILY_DIGEST, digested_at__isnull=True, created_at__lte=now
    )
    sent = 0
    for user_id in sorted(set(due.values_list("user_id", flat=True))):
        sent += _digest_send_one(user_id=user_id, now=now)
    return sent


def _digest_send_one(*, user_id: int, now: dt.datetime) -> int:
    with transaction.atomic():
        items = list(
            Notification.objects.select_for_update()
            .filter(
                user_id=user_id,
                delivery=Delivery.DAILY_DIGEST,
                digested_at__isnull=True,
                created_at__lte=now,
            )
            .select_related("user")
            .order_by("created_at", "pk")
        )
        if not items:
            return 0  # another run took them
        Notification.objects.filter(pk__in=[item.pk for item in items]).update(digested_at=now)
        user = items[0].user
        if not (user.is_active and user.notification_email):
            return 0
        count = len(items)
        email_queue(
            to=user.notification_email,
            subject=ngettext(
                "Votre résumé du jour : %(count)d notification",
                "Votre résumé du jour : %(count)d notifications",
                count,
            )
            % {"count": count},
            template=DIGEST_TEMPLATE,
            context={
                "items": [
                    {
                        "title": item.title,
                        "body": item.body,
                        "url": _absolute(item.url) if item.url else "",
                        "created_at": item.created_at,
                    }
                    for item in items
                ],
                "count": count,
                "list_url": _absolute(reverse("notifications:list")),
                "preferences_url": _absolute(reverse("notifications:preferences")),
            },
        )
        return 1


# --- « nouvelles factures reçues »: the recipient's email, one per address per window -----------

RECEIVED_TEMPLATE = "invoices/emails/invoices_received"
RECEIVED_DIGEST_TEMPLATE = "notifications/emails/invoices_received_digest"


def received_digest_window() -> dt.timedelta:
    return dt.timedelta(seconds=max(0, int(settings.INVOICES_RECEIVED_DIGEST_SECONDS)))


def invoices_received_record(*, supplier: str, counts: dict[str, int]) -> None:
    """Tell each address that `counts[address]` invoices of `supplier` arrived for it, in the
    caller's transaction (a flux's end). With INVOICES_RECEIVED_DIGEST_SECONDS at 0 the email is
    rendered and queued at once, as before; otherwise one cheap row per address, and the
    periodic `invoices_received_digest_send` sends one email for all the rows of a window."""
    counts = {email: count for email, count in counts.items() if email and count > 0}
    if not counts:
        return
    if not received_digest_window():
        for email, count in counts.items():
            email_queue(
                to=email,
                subject=_received_subject(count, supplier),
                template=RECEIVED_TEMPLATE,
                context={"count": count, "supplier": supplier},
            )
        return
    now = timezone.now()
    ReceivedInvoices.objects.bulk_create(
        ReceivedInvoices(email=email, supplier=supplier[:255], count=count, created_at=now)
        for email, count in counts.items()
    )


def _received_subject(count: int, supplier: str) -> str:
    return (
        f"{count} nouvelle facture reçue de {supplier}"
        if count == 1
        else f"{count} nouvelles factures reçues de {supplier}"
    )


def invoices_received_digest_send(*, now: dt.datetime | None = None) -> int:
    """Queue one email to each address whose oldest waiting row is at least one window old,
    listing every invoice counted for it since its last email, and delete those rows in the
    same transaction: run twice (or by two workers at once), it sends nothing the second time;
    a worker dying before the commit leaves the rows for the next run. Returns how many emails
    were queued."""
    now = now or timezone.now()
    cutoff = now - received_digest_window()
    due = (
        ReceivedInvoices.objects.filter(created_at__lte=cutoff)
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )
    return sum(_received_digest_send_one(email=email, now=now) for email in list(due[:1000]))


def _received_digest_send_one(*, email: str, now: dt.datetime) -> int:
    with transaction.atomic():
        rows = list(
            ReceivedInvoices.objects.select_for_update(skip_locked=True)
            .filter(email=email, created_at__lte=now)
            .order_by("created_at", "pk")
        )
        if not rows or rows[0].created_at > now - received_digest_window():
            return 0  # another run took them, or the window is not over
        deleted, _ = ReceivedInvoices.objects.filter(pk__in=[row.pk for row in rows]).delete()
        if deleted != len(rows):
            # A concurrent run deleted some first (a database without row locks): its email
            # covers them; give this run's back (nothing sent twice, nothing lost).
            transaction.set_rollback(True)
            return 0
        by_supplier: dict[str, int] = {}
        for row in rows:
            by_supplier[row.supplier] = by_supplier.get(row.supplier, 0) + row.count
        count = sum(by_supplier.values())
        suppliers = sorted(by_supplier.items(), key=lambda item: (-item[1], item[0]))
        if len(suppliers) == 1:
            subject = _received_subject(count, suppliers[0][0])
        else:
            subject = ngettext(
                "%(count)d nouvelle facture reçue de %(suppliers)d fournisseurs",
                "%(count)d nouvelles factures reçues de %(suppliers)d fournisseurs",
                count,
            ) % {"count": count, "suppliers": len(suppliers)}
        email_queue(
            to=email,
            subject=subject,
            template=RECEIVED_DIGEST_TEMPLATE,
            context={
                "count": count,
                "suppliers": [{"name": name, "count": n} for name, n in suppliers],
                "received_url": _absolute(reverse("lifecycle:list")),
            },
        )
        return 1
