"""Saisie web: the form's data becomes an EN 16931 pivot (lines, VAT breakdown and totals computed
with Decimal as the norm rounds), kept as a draft (BROUILLON) until submitted; on submit the
platform writes the Factur-X PDF from the pivot and deposits it like any other flux."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

import choeur.einvoice as einvoice
from choeur.core.audit import audit_log_write
from choeur.core.files import stored_file_create
from choeur.einvoice.enums import InvoiceTypeCode, PaymentMeansCode, VatCategory, VatPointDateCode
from choeur.einvoice.errors import EInvoiceError
from choeur.einvoice.model import (
    Address,
    CreditTransfer,
    Delivery,
    Identifier,
    InvoiceLine,
    Item,
    LineAllowanceCharge,
    Note,
    Party,
    PaymentInstructions,
    Price,
    ProcessControl,
    Totals,
)
from choeur.einvoice.model import Invoice as Pivot
from choeur.einvoice.totals import compute_totals, line_net_amount
from choeur.einvoice.writers.completion import for_the_reform
from choeur.invoices import perms
from choeur.invoices.enums import AttachmentKind, InvoiceStatus, InvoiceType, ModeDepot, TvaRegime
from choeur.invoices.models import Attachment, Flux, InvoiceDraft
from choeur.invoices.services.deposit import DepositRefused, Upload, flux_deposit
from choeur.structures.models import BankAccount, Structure

TYPE_CODES: dict[str, str] = {"FACTURE": "380", "AVOIR": "381", "ACOMPTE": "386"}
ZERO = Decimal("0.00")


@dataclass
class SaisieLine:
    designation: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    vat_rate: Decimal
    discount: Decimal = ZERO
    reference: str = ""


@dataclass
class Saisie:
    """What the supplier typed (already checked for shape by the form)."""

    recipient: Structure
    number: str
    issue_date: dt.date
    due_date: dt.date | None
    lines: list[SaisieLine]
    service_code: str = ""
    engagement_number: str = ""
    cadre: str = "A1_FACTURE_FOURNISSEUR"
    type: str = InvoiceType.FACTURE
    currency: str = "EUR"
    tva_regime: str = TvaRegime.TVA_SUR_DEBIT
    exemption_reason: str = ""
    bank_account: BankAccount | None = None
    comment: str = ""
    preceding_number: str = ""
    delivery_date: dt.date | None = None  # BT-72, when it is not the issue date
    preceding_date: dt.date | None = None  # BT-26, of the invoice an avoir corrects
    nature: str = "S"  # the reform's BT-23 letter: B goods, S services, M both
    vat_amount_eur: Decimal | None = None  # BT-111, of an invoice in another currency
    extra: dict[str, Any] = field(default_factory=dict)


class SaisieError(Exception):
    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def french_vat_number(siren: str) -> str:
    """The French intra-EU VAT number of a SIREN: FR + key + SIREN, key = (12 + 3 (SIREN mod 97)) mod 97."""
    key = (12 + 3 * (int(siren) % 97)) % 97
    return f"FR{key:02d}{siren}"


def _address(structure: Structure) -> Address:
    return Address(
        line1=structure.adresse or None,
        line2=structure.complement_adresse_1 or None,
        city=structure.ville or None,
        post_code=structure.code_postal or None,
        country_code=structure.code_pays or "FR",
    )


def _party(structure: Structure, *, seller: bool) -> Party:
    siret = structure.siret
    vat = structure.numero_tva or (french_vat_number(siret[:9]) if siret and seller else None)
    return Party(
        name=structure.raison_sociale,
        legal_registration_id=Identifier(siret, "0009")
        if siret
        else Identifier(structure.identifier),
        vat_id=vat or None,
        address=_address(structure),
    )


def _category(saisie: Saisie, rate: Decimal) -> tuple[VatCategory, Decimal | None]:
    if saisie.tva_regime == TvaRegime.EXONERATION:
        return VatCategory.EXEMPT, Decimal("0")
    if saisie.tva_regime == TvaRegime.SANS_TVA:
        return VatCategory.NOT_SUBJECT, None
    if rate == 0:
        return VatCategory.ZERO_RATED, Decimal("0")
    return VatCategory.STANDARD, rate


def build_pivot(*, supplier: Structure, saisie: Saisie) -> Pivot:
    """The EN 16931 invoice of a saisie, with BT-131, BG-23 and BG-22 computed (EN 16931 rounding)."""
    lines = []
    for index, line in enumerate(saisie.lines, start=1):
        category, rate = _category(saisie, line.vat_rate)
        allowances = (
            [LineAllowanceCharge(is_charge=False, amount=line.discount, reason="Remise")]
            if line.discount
            else []
        )
        lines.append(
            InvoiceLine(
                id=str(index),
                quantity=line.quantity,
                unit_code=line.unit,
                net_amount=line_net_amount(line.quantity, line.unit_price, None, allowances),
                item=Item(name=line.designation, seller_id=line.reference or None),
                price=Price(net_price=line.unit_price),
                vat_category=category,
                vat_rate=rate,
                allowances_charges=allowances,
            )
        )
    instructions = None
    if saisie.bank_account is not None:
        account = saisie.bank_account
        instructions = PaymentInstructions(
            means_code=PaymentMeansCode.CREDIT_TRANSFER,
            credit_transfers=[
                CreditTransfer(
                    account_id=account.iban,
                    account_name=account.holder,
                    service_provider_id=account.bic,
                )
            ],
        )
    notes = [Note(text=saisie.comment)] if saisie.comment else []
    pivot = Pivot(
        number=saisie.number,
        issue_date=saisie.issue_date,
        type_code=InvoiceTypeCode(TYPE_CODES.get(saisie.type, "380")),
        currency_code=saisie.currency,
        seller=_party(supplier, seller=True),
        buyer=_party(saisie.recipient, seller=False),
        totals=Totals(tax_exclusive_amount=ZERO, tax_inclusive_amount=ZERO, payable_amount=ZERO),
        due_date=saisie.due_date,
        # An invoice states the date of the delivery or service when it differs from its own
        # (CGI, art. 242 nonies A, I-7°): none given is the issue date. CII needs a delivery
        # term anyway, or its ram:ApplicableHeaderTradeDelivery is empty (PEPPOL-EN16931-R008).
        delivery=Delivery(actual_delivery_date=saisie.delivery_date or saisie.issue_date),
        buyer_reference=saisie.service_code or None,
        purchase_order_reference=saisie.engagement_number or None,
        tax_point_date_code=(
            VatPointDateCode.PAID_TO_DATE
            if saisie.tva_regime == TvaRegime.TVA_SUR_ENCAISSEMENT
            else None
        ),
        notes=notes,
        process_control=ProcessControl(business_process_type=saisie.cadre.split("_", 1)[0]),
        payment_instructions=instructions,
        lines=lines,
    )
    if saisie.tva_regime == TvaRegime.SANS_TVA:
        # BR-O-02: an invoice outside the scope of VAT names no VAT identifier.
        pivot.seller.vat_id = None
        pivot.buyer.vat_id = None
    pivot = compute_totals(pivot)
    if saisie.tva_regime in (TvaRegime.EXONERATION, TvaRegime.SANS_TVA):
        reason = saisie.exemption_reason or (
            "Exonération de TVA"
            if saisie.tva_regime == TvaRegime.EXONERATION
            else "Non soumis à la TVA"
        )
        for row in pivot.vat_breakdown:
            row.exemption_reason = reason
    if saisie.preceding_number:
        from choeur.einvoice.model import PrecedingInvoice

        pivot.preceding_invoices = [
            PrecedingInvoice(number=saisie.preceding_number, issue_date=saisie.preceding_date)
        ]
    if saisie.currency != "EUR" and saisie.vat_amount_eur is not None:
        # BT-6 and BT-111: the VAT in euros of an invoice in another currency (BR-FR-CO-12).
        pivot.vat_currency_code = "EUR"
        pivot.totals.vat_total_amount_accounting = saisie.vat_amount_eur
    # What the reform's French rules ask of a French VAT-registered seller's invoice (BR-FR).
    return for_the_reform(pivot, nature=saisie.nature)


def invoice_draft_save(
    *, user: Any, supplier: Structure, data: dict[str, Any], draft: InvoiceDraft | None = None
) -> InvoiceDraft:
    """Keep the form as typed (BROUILLON); the supplier comes back to it later."""
    if not perms.can_deposit(user, supplier):
        raise SaisieError("Vous ne pouvez pas saisir de factures pour cette structure.")
    with transaction.atomic():
        if draft is None:
            draft = InvoiceDraft(supplier=supplier, created_by=user)
        elif draft.status != InvoiceStatus.BROUILLON:
            raise SaisieError("Ce brouillon a déjà été déposé.")
        draft.supplier = supplier
        draft.data = data
        draft.number = str(data.get("number", ""))[:100]
        draft.recipient_label = str(data.get("recipient_label", "") or data.get("recipient", ""))[
            :300
        ]
        total = data.get("total_ttc")
        draft.total_ttc = Decimal(total) if total not in (None, "") else None
        created = draft.pk is None
        draft.save()
        audit_log_write(
            actor=user,
            action="invoice_draft.create" if created else "invoice_draft.update",
            obj=draft,
            after={"number": draft.number},
        )
    return draft


def invoice_draft_add_attachment(*, user: Any, draft: InvoiceDraft, upload: Upload) -> Attachment:
    with transaction.atomic():
        attachment = Attachment.objects.create(
            draft=draft,
            name=upload.name[:255],
            file=stored_file_create(
                data=upload.data, name=upload.name, content_type=upload.content_type, user=user
            ),
            added_by=user,
            added_on_status=InvoiceStatus.BROUILLON,
        )
        audit_log_write(
            actor=user, action="invoice_draft.attach", obj=draft, after={"name": upload.name}
        )
    return attachment


def invoice_draft_delete(*, user: Any, draft: InvoiceDraft) -> None:
    if not perms.can_deposit(user, draft.supplier) or draft.status != InvoiceStatus.BROUILLON:
        raise SaisieError("Ce brouillon ne peut pas être supprimé.")
    with transaction.atomic():
        audit_log_write(
            actor=user, action="invoice_draft.delete", obj=draft, before={"number": draft.number}
        )
        draft.delete()


def invoice_submit(
    *,
    user: Any,
    supplier: Structure,
    saisie: Saisie,
    draft: InvoiceDraft | None = None,
    idempotency_key: str = "",
    typed_mode: str = ModeDepot.SAISIE_WEB,
    pdf_mode: str = ModeDepot.DEPOT_PDF_PORTAIL,
) -> Flux:
    """Submit a saisie and deposit it like any flux.

    `typed_mode` / `pdf_mode`: the mode de dépôt recorded (the API passes its own).

    Typed invoice (SAISIE_WEB): the Factur-X PDF is written from the pivot. PDF deposit (the
    draft holds the supplier's PDF as its main attachment, DEPOT_PDF_PORTAIL): the PDF is the
    main document and the typed data travels as CII beside it.
    """
    if draft is not None and draft.status != InvoiceStatus.BROUILLON:
        raise SaisieError("Ce brouillon a déjà été déposé.")
    pivot = build_pivot(supplier=supplier, saisie=saisie)
    principal = None
    extra = []
    if draft is not None:
        for a in draft.attachments.select_related("file"):
            if a.kind == AttachmentKind.PRINCIPALE and principal is None:
                principal = a
            else:
                extra.append(Upload(a.name, a.file.read(), a.file.content_type))
    try:
        if principal is not None:
            upload = Upload(principal.name, principal.file.read(), "application/pdf")
            form_data: bytes | None = einvoice.write_cii(pivot)
            mode = pdf_mode
        else:
            upload = Upload(
                f"{_safe(saisie.number)}.pdf", einvoice.write_facturx(pivot), "application/pdf"
            )
            form_data = None
            mode = typed_mode
    except EInvoiceError as exc:
        raise SaisieError(f"La facture n'a pas pu être produite : {exc.message_fr}") from exc
    with transaction.atomic():
        try:
            flux = flux_deposit(
                user=user,
                supplier=supplier,
                upload=upload,
                mode_depot=mode,
                comment=saisie.comment,
                attachments=extra,
                idempotency_key=idempotency_key,
                form_data=form_data,
            )
        except DepositRefused as exc:
            raise SaisieError(exc.message) from exc
        if draft is not None:
            InvoiceDraft.objects.filter(pk=draft.pk).update(
                status=InvoiceStatus.DEPOSEE, submitted_flux=flux
            )
            audit_log_write(
                actor=user, action="invoice_draft.submit", obj=draft, after={"flux": flux.numero}
            )
    return flux


def _safe(number: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "-_." else "_" for c in number)
    return cleaned[:80] or "facture"
