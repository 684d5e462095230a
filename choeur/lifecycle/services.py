"""The one way an invoice's status changes after deposit: `invoice_apply_action`.

It locks the invoice, checks the transition table and the actor's rights, writes the status
history row (through `choeur.invoices.services.status`), its detail and the audit row, and
queues the emails, which leave after commit. A refused action raises `ActionRefused` and writes
nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from choeur.core.audit import audit_log_write
from choeur.core.formats import format_amount
from choeur.invoices.enums import InvoiceStatus
from choeur.invoices.models import Invoice, InvoiceStatusChange
from choeur.invoices.services.status import invoice_set_status
from choeur.lifecycle import perms
from choeur.lifecycle.enums import RejectionReason
from choeur.lifecycle.models import RecipientProcessing, StatusChangeDetail
from choeur.lifecycle.transitions import (
    LABELS,
    Actor,
    Effect,
    Rule,
    Status,
    TransitionRefused,
    check,
)
from choeur.notifications.webhooks import webhooks_invoice_status_changed

logger = logging.getLogger(__name__)

REASON_MAX = 2000
# SQLite answers « database table is locked » at once (no busy wait) when another connection
# of the same shared-cache database writes: such a conflict is retried, then the loser sees the
# new status and gets the clear refusal. PostgreSQL waits on the row lock instead.
LOCK_RETRIES = 20
MANDAT_NUMBER_MAX = 50


class ActionRefused(Exception):
    """The action is refused; `message` is French and shown as is; nothing was written."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def actor_label(user: Any) -> str:
    """How the history names who acted."""
    if user is None or not getattr(user, "is_authenticated", False):
        return "Chœur (plateforme)"
    name = f"{getattr(user, 'first_name', '')} {getattr(user, 'last_name', '')}".strip()
    return (f"{name} <{user.email}>" if name else str(user.email))[:254]


def _check_rights(*, invoice: Invoice, actor_user: Any, actor: Actor) -> None:
    if actor is Actor.SYSTEM:
        # The platform acts with no user; a person never passes as the platform.
        if actor_user is not None and getattr(actor_user, "is_authenticated", False):
            raise ActionRefused(
                "Seule la plateforme agit en tant que plateforme.", code="FORBIDDEN"
            )
        return
    if actor is Actor.SUPPLIER:
        allowed = perms.can_act_as_supplier(actor_user, invoice)
    else:
        allowed = perms.can_process(actor_user, invoice)
    if not allowed:
        raise ActionRefused(
            "Vous n'avez pas les droits pour traiter cette facture : il faut l'espace "
            "« Factures reçues » en modification sur la structure destinataire"
            + (" et être rattaché au service de la facture." if invoice.service_id else ".")
            if actor is not Actor.SUPPLIER
            else "Vous n'avez pas les droits pour modifier cette facture : il faut l'espace "
            "« Factures émises » en modification sur la structure émettrice.",
            code="FORBIDDEN",
        )


def _sqlite_busy(exc: OperationalError) -> bool:
    message = str(exc).lower()
    return (
        connection.vendor == "sqlite"
        and not connection.in_atomic_block
        and ("database is locked" in message or "database table is locked" in message)
    )


def _full_reason(reason: str, reason_code: str) -> str:
    reason = reason.strip()
    if reason_code:
        label = str(RejectionReason(reason_code).label)
        return f"{label} : {reason}" if reason else label
    return reason


def invoice_apply_action(
    *,
    invoice: Invoice,
    to_status: str,
    actor_user: Any,
    actor_kind: str,
    reason: str = "",
    mandat_number: str = "",
    reason_code: str = "",
    expected_status: str | None = None,
) -> InvoiceStatusChange:
    """Move `invoice` to `to_status` as `actor_kind` (SUPPLIER, RECIPIENT, ACCOUNTANT, SYSTEM).

    `expected_status` is the status the acting user saw: when someone changed it meanwhile the
    action is refused rather than applied to an invoice he has not seen. Returns the history row.
    """
    try:
        actor = Actor(actor_kind)
    except ValueError as exc:
        raise ActionRefused(f"Rôle inconnu : « {actor_kind} ».", code="UNKNOWN_ACTOR") from exc
    if reason_code and reason_code not in RejectionReason.values:
        raise ActionRefused("Motif de rejet inconnu.", code="UNKNOWN_REASON")
    if len(reason) > REASON_MAX:
        raise ActionRefused(
            f"Le motif est trop long ({len(reason)} caractères, {REASON_MAX} au plus).",
            code="REASON_TOO_LONG",
        )
    mandat_number = mandat_number.strip()
    if len(mandat_number) > MANDAT_NUMBER_MAX:
        raise ActionRefused(
            f"Le numéro de mandat compte {MANDAT_NUMBER_MAX} caractères au plus.",
            code="MANDAT_NUMBER_TOO_LONG",
        )
    full_reason = _full_reason(reason, reason_code)
    for attempt in range(LOCK_RETRIES):
        state: dict[str, Any] = {}
        try:
            _apply_once(
                invoice=invoice,
                to_status=to_status,
                actor_user=actor_user,
                actor=actor,
                full_reason=full_reason,
                mandat_number=mandat_number,
                reason_code=reason_code,
                expected_status=expected_status,
                state=state,
            )
        except Exception as exc:
            if state.get("committed"):
                # The change is committed; what failed runs after commit (an email task run
                # in-process). The outbox keeps the email and its periodic flush retries it.
                logger.exception("Effet après validation en échec pour la facture %s", invoice.pk)
                break
            busy = isinstance(exc, OperationalError) and _sqlite_busy(exc)
            if busy and attempt < LOCK_RETRIES - 1:
                time.sleep(0.05 * (attempt + 1))
                continue
            raise
        break
    locked: Invoice = state["result"][0]
    change: InvoiceStatusChange = state["result"][1]
    invoice.status = locked.status
    invoice.status_changed_at = locked.status_changed_at
    return change


def _apply_once(
    *,
    invoice: Invoice,
    to_status: str,
    actor_user: Any,
    actor: Actor,
    full_reason: str,
    mandat_number: str,
    reason_code: str,
    expected_status: str | None,
    state: dict[str, Any],
) -> None:
    """One attempt, in its own transaction. `state` gets "result" before the commit and
    "committed" from the first after-commit callback, so the caller knows whether a failure
    came before or after the change was saved."""
    with transaction.atomic():
        transaction.on_commit(lambda: state.update(committed=True))
        locked = (
            Invoice.objects.select_for_update(of=("self",))
            .select_related("supplier", "recipient", "service", "deposited_by")
            .get(pk=invoice.pk)
        )
        _check_rights(invoice=locked, actor_user=actor_user, actor=actor)
        if expected_status is not None and locked.status != expected_status:
            raise ActionRefused(
                "Le statut de cette facture a changé entre-temps : elle est maintenant "
                f"« {_status_label(locked.status)} ». Rechargez la page avant d'agir.",
                code="STALE",
            )
        try:
            rule = check(
                from_status=locked.status,
                to_status=to_status,
                actor=actor,
                reason=full_reason,
                mandat_number=mandat_number,
            )
        except TransitionRefused as refused:
            raise ActionRefused(refused.message, code=refused.code) from refused
        before = locked.status
        if rule.out_of_order:
            change = InvoiceStatusChange.objects.create(
                invoice=locked,
                from_status=before,
                to_status=to_status,
                actor=actor_user if getattr(actor_user, "is_authenticated", False) else None,
                actor_label=actor_label(actor_user),
                reason=full_reason,
            )
            audit_log_write(
                actor=actor_user,
                action="invoice.status_late",
                obj=locked,
                before={"status": before},
                after={"status": before, "late_status": to_status, "reason": full_reason},
            )
        else:
            invoice_set_status(invoice=locked, to=to_status, actor=actor_user, reason=full_reason)
            change = InvoiceStatusChange.objects.filter(invoice=locked).latest("pk")
        StatusChangeDetail.objects.create(
            change=change,
            actor_kind=actor.value,
            out_of_order=rule.out_of_order,
            skipped=[status.value for status in rule.skips],
            mandat_number=mandat_number,
            reason_code=reason_code,
        )
        if mandat_number:
            processing, _ = RecipientProcessing.objects.get_or_create(invoice=locked)
            processing.mandat_number = mandat_number
            processing.save(update_fields=["mandat_number", "updated_at"])
        _notify(invoice=locked, rule=rule, before=before, reason=full_reason)
        webhooks_invoice_status_changed(
            invoice=locked, before=before, received=Effect.NOTIFY_RECIPIENT in rule.effects
        )
        state["result"] = (locked, change)


@dataclass
class BulkOutcome:
    done: list[Invoice] = field(default_factory=list)
    refused: list[tuple[Invoice, str]] = field(default_factory=list)


def invoice_apply_action_bulk(
    *,
    invoices: Iterable[Invoice],
    to_status: str,
    actor_user: Any,
    actor_kind: str,
    reason: str = "",
    reason_code: str = "",
) -> BulkOutcome:
    """The same action on a selection: each invoice in its own transaction, so one refusal
    (wrong status, no right) leaves the others done and says which and why."""
    outcome = BulkOutcome()
    for invoice in invoices:
        try:
            invoice_apply_action(
                invoice=invoice,
                to_status=to_status,
                actor_user=actor_user,
                actor_kind=actor_kind,
                reason=reason,
                reason_code=reason_code,
            )
        except ActionRefused as refused:
            outcome.refused.append((invoice, refused.message))
        else:
            outcome.done.append(invoice)
    return outcome


def invoice_mark_downloaded(*, invoice: Invoice, user: Any) -> RecipientProcessing:
    """« Télécharger » by the recipient marks the invoice downloaded (C.10,
    `factureTelechargeeParDestinataire`; action code TELECHARGEMENT_FACTURE). The first
    download is kept; later ones only leave an audit row."""
    with transaction.atomic():
        processing, _ = RecipientProcessing.objects.select_for_update().get_or_create(
            invoice=invoice
        )
        first = processing.downloaded_at is None
        if first:
            processing.downloaded_at = timezone.now()
            processing.downloaded_by = user if getattr(user, "is_authenticated", False) else None
            processing.save(update_fields=["downloaded_at", "downloaded_by", "updated_at"])
        audit_log_write(
            actor=user,
            action="invoice.download",
            obj=invoice,
            after={"first": first},
        )
    return processing


def _status_label(value: str) -> str:
    try:
        return LABELS[Status(value)]
    except ValueError:
        return str(InvoiceStatus(value).label) if value in InvoiceStatus.values else value


def supplier_users(invoice: Invoice) -> list[Any]:
    """The person who deposited the invoice, while his account is active. A technical
    account (API deposit) is nobody to tell: its login is not a mailbox."""
    user = invoice.deposited_by
    if user is not None and user.is_active and not user.is_technical:
        return [user]
    return []


def supplier_addresses(invoice: Invoice) -> list[str]:
    """The supplier's contact (C.9: « l'adresse de contact du fournisseur »): the depositor's
    contact address, else the supplier structure's address."""
    users = supplier_users(invoice)
    if users:
        return [users[0].notification_email]
    return [invoice.supplier.email] if invoice.supplier.email else []


def recipient_users(invoice: Invoice) -> list[Any]:
    """The recipient's users who read this invoice (espace « Factures reçues », its service)."""
    from choeur.structures.enums import Espace
    from choeur.structures.selectors import espace_users

    users = espace_users(invoice.recipient, Espace.FACTURES_RECUES)
    return [user for user in users if perms.can_view_received(user, invoice)]


def recipient_addresses(invoice: Invoice) -> list[str]:
    return sorted({user.notification_email for user in recipient_users(invoice)})


def notify_supplier(
    invoice: Invoice,
    *,
    title: str,
    body: str,
    template: str,
    context: dict[str, Any],
    path: str,
) -> None:
    """Tell the supplier of its invoice: the person who deposited it (his « Notifications »
    list, and by email as he chose); nobody to show it to in the application (an API deposit,
    an account closed since), the structure's contact address by email."""
    from choeur.notifications.enums import NotificationKind
    from choeur.notifications.services import email_queue, notify

    users = supplier_users(invoice)
    if users:
        notify(
            users=users,
            kind=NotificationKind.INVOICE_STATUS,
            title=title,
            body=body,
            template=template,
            context=context,
            url=path,
        )
    elif invoice.supplier.email:
        email_queue(
            to=invoice.supplier.email,
            subject=title,
            template=template,
            context={**context, "url": settings.SITE_URL + path},
        )


def _notify(*, invoice: Invoice, rule: Rule, before: str, reason: str) -> None:
    """Tell the supplier about a status change and the recipient's users about an invoice to
    process, through `notify`: in their « Notifications » list, and by email as each chose."""
    from choeur.notifications.enums import NotificationKind
    from choeur.notifications.services import notify

    context = {
        "number": invoice.number,
        "supplier": invoice.supplier.raison_sociale,
        "recipient": invoice.recipient.raison_sociale,
        "before": _status_label(before),
        "after": _status_label(invoice.status),
        "reason": reason,
        "acknowledge": Effect.SUPPLIER_ACKNOWLEDGES in rule.effects,
        "total_ttc": invoice.total_ttc,
    }
    amount = f"{format_amount(invoice.total_ttc)} TTC"
    if Effect.NOTIFY_SUPPLIER in rule.effects:
        body = f"Adressée à {invoice.recipient.raison_sociale}, {amount}."
        if reason:
            body += f"\nMotif : {reason}"
        notify_supplier(
            invoice,
            title=f"Votre facture {invoice.number} : {_status_label(invoice.status)}",
            body=body,
            template="lifecycle/emails/status_changed",
            context=context,
            path=f"/factures/{invoice.pk}/",
        )
    if Effect.NOTIFY_RECIPIENT in rule.effects:
        users = recipient_users(invoice)
        if users:
            completed = invoice.status == InvoiceStatus.COMPLETEE
            notify(
                users=users,
                kind=NotificationKind.INVOICE_RECEIVED,
                title=(
                    f"Facture {invoice.number} complétée par {invoice.supplier.raison_sociale}"
                    if completed
                    else f"Nouvelle facture reçue : {invoice.number}"
                ),
                body=f"De {invoice.supplier.raison_sociale}, {amount}.",
                template="lifecycle/emails/invoice_received",
                context={**context, "completed": completed},
                url=reverse("lifecycle:detail", args=[invoice.pk]),
            )
