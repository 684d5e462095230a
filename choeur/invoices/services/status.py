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


def invoice_set_status(
    *, invoice: Invoice, to: str, actor: Any, reason: str = "", notify: bool = True
) -> Invoice:
    """Move `invoice` to status `to`: lock the row, save, write the history and the audit rows.

    Checks of who may do which move belong to the callers (the supplier actions here, the
    lifecycle's transition table later). The supplier's contact is told by email after commit
    when `notify` (reference C.9: an email at every status change).
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
        if notify:
            _notify_supplier(locked, before=before, reason=reason)
    invoice.status = locked.status
    invoice.status_changed_at = locked.status_changed_at
    return invoice


def history_start(*, invoice: Invoice, actor: Any) -> None:
    """The first history row of a new invoice (« (dépôt) → DEPOSEE »)."""
    InvoiceStatusChange.objects.create(
        invoice=invoice,
        from_status="",
        to_status=invoice.status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=_label(actor),
    )


def _notify_supplier(invoice: Invoice, *, before: str, reason: str) -> None:
    user = invoice.deposited_by
    address = (getattr(user, "contact_email", "") or getattr(user, "email", "")) if user else ""
    if not address:
        return
    from choeur.notifications.services import email_queue

    email_queue(
        to=address,
        subject=f"Facture {invoice.number} : {InvoiceStatus(invoice.status).label}",
        template="invoices/emails/status_changed",
        context={
            "number": invoice.number,
            "recipient": invoice.recipient.raison_sociale,
            "before": InvoiceStatus(before).label if before else "",
            "after": InvoiceStatus(invoice.status).label,
            "reason": reason,
            "invoice_path": f"/factures/{invoice.pk}/",
        },
    )
