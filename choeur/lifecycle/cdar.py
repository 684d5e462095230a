"""The reform's lifecycle messages (CDAR D22B) of Chœur's invoices: out and in.

- `cdar_for_change(change=...)`: the CDAR of one status-history row, or None when its Chorus
  Pro status has no reform code (`reform_codes.CHORUS_TO_REFORM`).
- `lifecycle_apply_cdar(user=..., data=...)`: a CDAR received from the buyer's software moves
  the invoice as the portal's button would, through `services.invoice_apply_action` (rights,
  history, audit, notifications), as `user` acting for the recipient structure. A refusal
  (malformed message, unknown invoice, status with no equivalent, move the table refuses)
  changes nothing and says why.

The Flow Service API and the webhooks call these two functions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from choeur.einvoice.cdar import (
    PLATFORM_ROLE,
    ROLE_BUYER,
    ROLE_SELLER,
    SCHEME_PLATFORM,
    SCHEME_SIREN,
    SCHEME_SIRET,
    CdarMessage,
    CdarParty,
    read_cdar,
    write_cdar,
)
from choeur.einvoice.errors import ReadError
from choeur.invoices.enums import InvoiceStatus
from choeur.invoices.models import Invoice, InvoiceStatusChange
from choeur.lifecycle import perms
from choeur.lifecycle.reform_codes import (
    CHORUS_PRO_PLATFORM_ID,
    REASON_LABELS,
    REASON_REQUIRED,
    REFORM_TO_CHORUS,
    REFORM_TO_REJECTION,
    SELLER_CODES,
    STATUS_LABELS,
    Phase,
    phase_of,
    reasons_for,
    reform_reason_for,
    reform_status_for,
)
from choeur.lifecycle.services import ActionRefused, invoice_apply_action
from choeur.structures.enums import IdentifierType
from choeur.structures.models import Structure

# Chœur publishes as Chorus Pro: the platform 9999 of the directory (scheme 0238), which
# BR-FR-CDV-CL-09 requires for the B2G refusal reasons.
CHORUS_PRO = CdarParty(role=PLATFORM_ROLE, global_id=CHORUS_PRO_PLATFORM_ID, scheme=SCHEME_PLATFORM)


def _legal_id(structure: Structure) -> tuple[str, str]:
    """BT-30/BT-47: the SIREN of a French structure (scheme 0002); any other identifier as is."""
    if structure.identifier_type == IdentifierType.SIRET and len(structure.identifier) == 14:
        return structure.identifier[:9], SCHEME_SIREN
    return structure.identifier, ""


def _party(structure: Structure, role: str, *, addressed: bool = False) -> CdarParty:
    legal_id, scheme = _legal_id(structure)
    return CdarParty(
        role=role,
        global_id=legal_id,
        scheme=scheme,
        name=structure.raison_sociale[:200],
        # MDT-73, required for a recipient other than a platform (BR-FR-CDV-08): the SIREN-based
        # address of the directory (scheme 0225), as in XP Z12-014 annexe B.
        address=legal_id if addressed else "",
    )


def _stamp(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def cdar_for_change(*, change: InvoiceStatusChange, now: dt.datetime | None = None) -> bytes | None:
    """The CDAR of one status-history row, or None when the reform has no such status."""
    reform = reform_status_for(change.to_status)
    if reform is None:
        return None
    invoice = change.invoice
    supplier, recipient = invoice.supplier, invoice.recipient
    code = reform.code
    phase = phase_of(code)
    detail = getattr(change, "detail", None)
    seller = _party(supplier, ROLE_SELLER)
    buyer = _party(recipient, ROLE_BUYER)
    if phase is Phase.TRANSMISSION:
        # A platform's status: its author is the platform, anonymous (BR-FR-CDV-CL-03, -07).
        issuer, recipients = (
            CdarParty(role=PLATFORM_ROLE),
            (_party(supplier, ROLE_SELLER, addressed=True),),
        )
        received_at = invoice.created_at
    elif code in SELLER_CODES:
        issuer, recipients = seller, (_party(recipient, ROLE_BUYER, addressed=True),)
        received_at = invoice.created_at
    else:
        issuer, recipients = buyer, (_party(supplier, ROLE_SELLER, addressed=True),)
        made_available = (
            InvoiceStatusChange.objects.filter(
                invoice=invoice, to_status=InvoiceStatus.MISE_A_DISPOSITION
            )
            .order_by("created_at", "pk")
            .values_list("created_at", flat=True)
            .first()
        )
        received_at = made_available or invoice.created_at
    status_at = _stamp(change.created_at)
    legal_id, scheme = _legal_id(supplier)
    message = CdarMessage(
        message_id=f"{invoice.number}_{code}_{status_at:%Y%m%d%H%M%S}_{change.pk}",
        name=f"{invoice.number}-CDV-{code}_{reform.label}",
        created_at=_stamp(now or timezone.now()),
        sender=CHORUS_PRO,
        issuer=issuer,
        recipients=recipients,
        phase=phase.value,
        status_at=status_at,
        invoice_number=invoice.number,
        invoice_issue_date=invoice.issue_date,
        invoice_type_code=invoice.type_code or "380",
        invoice_received_at=_stamp(received_at),
        seller_id=legal_id,
        seller_scheme=scheme or SCHEME_SIREN,
        status_code=code,
        status_label=reform.label,
        buyer=buyer,
        reason_code=reform_reason_for(
            status=reform, rejection_reason=detail.reason_code if detail else ""
        ),
        reason_text=change.reason.strip()[:1000],
    )
    return write_cdar(message)


def cdar_filename(change: InvoiceStatusChange) -> str:
    reform = reform_status_for(change.to_status)
    code = reform.code if reform else "000"
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in change.invoice.number)[:80]
    return f"CDV-{safe}-{code}-{change.pk}.xml"


# --- Incoming ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CdarOutcome:
    """What a received CDAR did: `accepted`, or refused with `code` and a French `message`."""

    accepted: bool
    code: str  # "APPLIED", or the refusal: MALFORMED, UNKNOWN_STATUS_CODE, NO_EQUIVALENT,
    # REASON_REQUIRED, UNKNOWN_REASON, UNKNOWN_INVOICE, AMBIGUOUS_INVOICE, or the service's
    # own (NOT_ALLOWED, FORBIDDEN, SAME_STATUS...)
    message: str
    status_code: str = ""
    invoice: Invoice | None = None
    change: InvoiceStatusChange | None = None


def _refused(code: str, message: str, *, status_code: str = "", invoice: Any = None) -> CdarOutcome:
    return CdarOutcome(
        accepted=False, code=code, message=message, status_code=status_code, invoice=invoice
    )


def _seller_condition(message: CdarMessage) -> Q:
    """The supplier named by MDT-129: a SIRET names one establishment, a SIREN its SIRETs."""
    seller = message.seller_id
    if message.seller_scheme == SCHEME_SIRET or len(seller) == 14:
        return Q(supplier__identifier=seller)
    if seller.isdigit() and len(seller) == 9:
        return Q(
            supplier__identifier_type=IdentifierType.SIRET, supplier__identifier__startswith=seller
        )
    return Q(supplier__identifier=seller)


def _find_invoice(*, user: Any, message: CdarMessage) -> list[Invoice]:
    """The invoice of the reform's uniqueness key (BT-1 + seller + year), among those `user`
    sees as a recipient: someone else's invoice is as unknown as a wrong number."""
    return list(
        Invoice.objects.filter(perms.received_scope(user))
        .filter(
            _seller_condition(message),
            number=message.invoice_number,
            issue_year=message.invoice_issue_date.year,
        )
        .select_related("supplier", "recipient")[:2]
    )


def _service_reason(message: CdarMessage) -> tuple[str, str]:
    """(free text, RejectionReason code) for the service, from MDT-113 and the reason text."""
    code, reason, text = message.status_code, message.reason_code, message.reason_text
    if code == "210":
        rejection = REFORM_TO_REJECTION.get(reason, "AUTRE")
        if reason and reason not in REFORM_TO_REJECTION:
            # No Chorus Pro reason of its own: kept in the text, with its code.
            label = f"{REASON_LABELS[reason]} ({reason})"
            text = f"{label} : {text}" if text else label
        return text, rejection
    if reason:
        label = REASON_LABELS[reason]
        text = f"{label} : {text}" if text else label
    return text, ""


def lifecycle_apply_cdar(*, user: Any, data: bytes) -> CdarOutcome:
    """Apply a CDAR received from the buyer's software, as `user` for the recipient."""
    try:
        message = read_cdar(data)
    except ReadError as exc:
        return _refused("MALFORMED", exc.message_fr)
    code = message.status_code
    if code not in STATUS_LABELS:
        return _refused(
            "UNKNOWN_STATUS_CODE",
            f"Le code de statut « {code} » n'est pas un statut de facture de la réforme.",
            status_code=code,
        )
    label = STATUS_LABELS[code]
    move = REFORM_TO_CHORUS.get(code)
    if move is None:
        return _refused(
            "NO_EQUIVALENT",
            f"Le statut {code} « {label} » n'a pas d'équivalent que l'acheteur puisse poser "
            "dans Chorus Pro : la facture ne change pas.",
            status_code=code,
        )
    reason = message.reason_code
    if code in REASON_REQUIRED and not reason:
        return _refused(
            "REASON_REQUIRED",
            f"Un motif (MDT-113) est obligatoire avec le statut {code} « {label} » (BR-FR-CDV-15).",
            status_code=code,
        )
    allowed = set(reasons_for(code)) | (
        set(reasons_for(code, b2g=True)) if code == "210" else set()
    )
    if reason and reason not in allowed:
        return _refused(
            "UNKNOWN_REASON",
            f"Le motif « {reason} » n'est pas admis avec le statut {code} « {label} » "
            "(BR-FR-CDV-CL-09).",
            status_code=code,
        )
    found = _find_invoice(user=user, message=message)
    if not found:
        return _refused(
            "UNKNOWN_INVOICE",
            f"Aucune facture n° « {message.invoice_number} » de "
            f"{message.invoice_issue_date.year} du vendeur {message.seller_id} parmi les "
            "factures que vous recevez.",
            status_code=code,
        )
    if len(found) > 1:
        return _refused(
            "AMBIGUOUS_INVOICE",
            f"Plusieurs factures n° « {message.invoice_number} » de ce vendeur en "
            f"{message.invoice_issue_date.year} : précisez le SIRET du vendeur.",
            status_code=code,
        )
    invoice = found[0]
    text, rejection = _service_reason(message)
    try:
        change = invoice_apply_action(
            invoice=invoice,
            to_status=move.to_status.value,
            actor_user=user,
            actor_kind="RECIPIENT",
            reason=text,
            reason_code=rejection,
        )
    except ActionRefused as refused:
        return _refused(refused.code, refused.message, status_code=code, invoice=invoice)
    return CdarOutcome(
        accepted=True,
        code="APPLIED",
        message=f"Statut {code} « {label} » appliqué : la facture {invoice.number} est "
        f"« {InvoiceStatus(invoice.status).label} ».",
        status_code=code,
        invoice=invoice,
        change=change,
    )
