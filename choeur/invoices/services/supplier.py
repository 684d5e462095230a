"""The supplier's actions on a sent invoice (reference C.9): « Compléter » a SUSPENDUE invoice,
« Recycler » an A_RECYCLER one, « Traiter le rejet » of a REJETEE one.

The status moves go through the lifecycle's `invoice_apply_action` (its transition table, rights,
history, audit and the recipient's emails); the data these actions carry (attachments, routing)
is written here, in the same transaction."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils import timezone

from choeur.core.audit import audit_log_write
from choeur.core.files import stored_file_create
from choeur.invoices import perms
from choeur.invoices.enums import InvoiceStatus
from choeur.invoices.models import Attachment, Invoice
from choeur.invoices.services.checks import check_recipient_data
from choeur.invoices.services.deposit import Upload
from choeur.invoices.services.rules import attachment_problems


class InvoiceActionError(Exception):
    """The action is refused; nothing changed (a French message for the user)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _require(invoice: Invoice, actor: Any, status: str, action: str) -> Invoice:
    if not perms.can_act_on_sent(actor, invoice.supplier):
        raise InvoiceActionError(
            "Il faut l'espace « Factures émises » en modification pour agir sur cette facture."
        )
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if locked.status != status:
        raise InvoiceActionError(
            f"« {action} » n'est possible que pour une facture au statut "
            f"« {InvoiceStatus(status).label} » (statut actuel : "
            f"« {InvoiceStatus(locked.status).label} »)."
        )
    return locked


def invoice_complete(
    *, invoice: Invoice, actor: Any, comment: str, attachments: list[Upload] | None = None
) -> Invoice:
    """« Compléter »: add a comment and/or attachments to a SUSPENDUE invoice -> COMPLETEE."""
    attachments = attachments or []
    comment = comment.strip()
    if not comment and not attachments:
        raise InvoiceActionError(
            "Ajoutez un commentaire ou au moins une pièce jointe pour compléter la facture.",
            field="comment",
        )
    with transaction.atomic():
        locked = _require(invoice, actor, InvoiceStatus.SUSPENDUE, "Compléter")
        existing = sum(a.file.size for a in locked.attachments.select_related("file"))
        main = locked.main_document.size if locked.main_document else 0
        problems = attachment_problems(
            [(a.name, len(a.data)) for a in attachments], main_size=main + existing
        )
        if problems:
            raise InvoiceActionError(
                " ".join(f"{p.location} : {p.message}" for p in problems), field="attachments"
            )
        for upload in attachments:
            Attachment.objects.create(
                invoice=locked,
                name=upload.name,
                file=stored_file_create(
                    data=upload.data, name=upload.name, content_type=upload.content_type, user=actor
                ),
                added_by=actor,
                added_on_status=InvoiceStatus.SUSPENDUE,
            )
        _apply(locked, InvoiceStatus.COMPLETEE, actor, "SUPPLIER", comment, InvoiceStatus.SUSPENDUE)
    invoice.refresh_from_db()
    return invoice


def invoice_recycle(
    *, invoice: Invoice, actor: Any, recipient_siret: str, service_code: str, engagement_number: str
) -> Invoice:
    """« Recycler »: an A_RECYCLER invoice goes again to a recipient. Only the recipient, the
    service and the engagement may change; the number stays (C.9)."""
    siret = re.sub(r"\s", "", recipient_siret or "")
    with transaction.atomic():
        locked = _require(invoice, actor, InvoiceStatus.A_RECYCLER, "Recycler")
        outcome = check_recipient_data(
            recipient_ids=[siret] if siret else [],
            service_code=service_code,
            engagement=engagement_number,
            issue_date=locked.issue_date,
            supplier=locked.supplier,
        )
        if outcome.problems or outcome.routing is None:
            raise InvoiceActionError(" ".join(p.message for p in outcome.problems))
        before = {
            "recipient": locked.recipient.identifier,
            "service": locked.service.code if locked.service else "",
            "engagement": locked.engagement_number,
        }
        locked.recipient = outcome.routing.recipient
        locked.service = outcome.routing.service
        locked.engagement_number = outcome.routing.engagement_number
        locked.save(update_fields=["recipient", "service", "engagement_number"])
        audit_log_write(
            actor=actor,
            action="invoice.recycle",
            obj=locked,
            before=before,
            after={
                "recipient": locked.recipient.identifier,
                "service": locked.service.code if locked.service else "",
                "engagement": locked.engagement_number,
            },
        )
        reason = "Recyclage : " + locked.recipient.raison_sociale
        _apply(locked, InvoiceStatus.DEPOSEE, actor, "SUPPLIER", reason, InvoiceStatus.A_RECYCLER)
        # Routed again at once: the new recipient was checked above.
        _apply(locked, InvoiceStatus.MISE_A_DISPOSITION, None, "SYSTEM", "", InvoiceStatus.DEPOSEE)
    invoice.refresh_from_db()
    return invoice


def _apply(invoice: Invoice, to: str, actor: Any, kind: str, reason: str, expected: str) -> None:
    from choeur.lifecycle.services import ActionRefused, invoice_apply_action

    try:
        invoice_apply_action(
            invoice=invoice,
            to_status=to,
            actor_user=actor,
            actor_kind=kind,
            reason=reason,
            expected_status=expected,
        )
    except ActionRefused as exc:
        raise InvoiceActionError(exc.message) from exc


def invoice_acknowledge_rejection(*, invoice: Invoice, actor: Any) -> Invoice:
    """« Traiter le rejet »: the supplier acknowledges a REJETEE invoice; it leaves the Synthèse.
    The invoice stays REJETEE (final); a new invoice needs a new number."""
    with transaction.atomic():
        locked = _require(invoice, actor, InvoiceStatus.REJETEE, "Traiter le rejet")
        if locked.rejection_processed_at is not None:
            raise InvoiceActionError("Le rejet de cette facture a déjà été traité.")
        locked.rejection_processed_at = timezone.now()
        locked.save(update_fields=["rejection_processed_at"])
        audit_log_write(
            actor=actor,
            action="invoice.acknowledge_rejection",
            obj=locked,
            after={"rejection_processed_at": locked.rejection_processed_at},
        )
    invoice.refresh_from_db()
    return invoice
