"""Status changes of an invoice: one small service that every status change goes through
(integration here, the recipient's processing in `lifecycle` later)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from choeur.core.audit import audit_log_write
from choeur.invoices.enums import InvoiceStatus
from choeur.invoices.models import Invoice, InvoiceStatusChange


def _label(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "Chœur (plateforme)"
    name = f"{getattr(actor, 'first_name', '')} {getattr(actor, 'last_name', '')}".strip()
    return (f"{name} <{actor.email}>" if name else str(actor.email))[:254]


def invoice_set_status(*, invoice: Invoice, to: str, actor: Any, reason: str = "") -> Invoice:
    """Move `invoice` to status `to`: lock the row, save, write the history and the audit rows.

    Checks of who may do which move, and the notifications, belong to the caller: the
    lifecycle's `invoice_apply_action` (its transition table says who is told).
    """
    to = InvoiceStatus(to)
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        before = locked.status
        locked.status = to
        locked.status_changed_at = timezone.now()
        locked.save(update_fields=["status", "status_changed_at"])
        InvoiceStatusChange.objects.create(
            invoice=locked,
            from_status=before,
            to_status=to,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            actor_label=_label(actor),
            reason=reason,
        )
        audit_log_write(
            actor=actor,
            action="invoice.status",
            obj=locked,
            before={"status": before},
            after={"status": to, "reason": reason},
        )
    invoice.status = locked.status
    invoice.status_changed_at = locked.status_changed_at
    return invoice


def history_start(*, invoice: Invoice, actor: Any) -> None:
    """The first history row of a new invoice (« (dépôt) → DEPOSEE »)."""
    status_change_entry(
        invoice=invoice, from_status="", to_status=invoice.status, actor=actor
    ).save(force_insert=True)


def status_change_entry(
    *, invoice: Invoice, from_status: str, to_status: str, actor: Any, reason: str = ""
) -> InvoiceStatusChange:
    """One history row, unsaved: for a service that writes many in one statement (the
    integration of an archive, `bulk_create`), in the transaction of the changes."""
    return InvoiceStatusChange(
        invoice=invoice,
        from_status=from_status,
        to_status=to_status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=_label(actor),
        reason=reason,
    )
