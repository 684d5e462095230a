"""« Déposer une facture PDF »: the PDF is checked (not protected, not damaged), kept as the main
document of a draft, and the form is pre-filled: from the Factur-X XML when there is one, else
from the PDF's text (SIRET, invoice number, dates, amounts), as the real platform's OCR does on
native text PDFs (reference C.1)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

import choeur.einvoice as einvoice
from choeur.core.audit import audit_log_write
from choeur.core.files import stored_file_create
from choeur.einvoice.errors import EInvoiceError
from choeur.einvoice.model import Invoice as Pivot
from choeur.invoices import perms
from choeur.invoices.enums import AttachmentKind, InvoiceStatus, InvoiceType
from choeur.invoices.models import Attachment, InvoiceDraft
from choeur.invoices.services.checks import check_embedded_invoice
from choeur.invoices.services.deposit import Upload
from choeur.invoices.services.drafts import SaisieError
from choeur.invoices.services.integration import invoice_type_of, tva_regime_of
from choeur.structures.models import Structure

SIRET_TEXT = re.compile(r"(?<!\d)(\d{3}[ \u00a0.]?\d{3}[ \u00a0.]?\d{3}[ \u00a0.]?\d{5})(?!\d)")
NUMBER_TEXT = re.compile(
    r"(?:facture|avoir)\s*(?:n[°o]|num[ée]ro)\s*[:.]?\s*([A-Z0-9][A-Z0-9/_.-]{0,40})", re.IGNORECASE
)
DATE_TEXT = re.compile(r"(?<!\d)(\d{2})/(\d{2})/(\d{4})(?!\d)")
AMOUNT = r"(\d{1,3}(?:[ \u00a0.]\d{3})*(?:,\d{2})|\d+(?:[.,]\d{2}))"
TTC_TEXT = re.compile(r"(?:total|montant)\s*TTC[^0-9]{0,20}" + AMOUNT, re.IGNORECASE)
HT_TEXT = re.compile(r"(?:total|montant)\s*HT[^0-9]{0,20}" + AMOUNT, re.IGNORECASE)
EJ_TEXT = re.compile(
    r"(?:engagement|EJ|bon de commande)\s*(?:n[°o])?\s*[:.]?\s*([A-Z0-9][A-Z0-9/_.-]{2,49})",
    re.IGNORECASE,
)


def invoice_pdf_prefill(*, user: Any, supplier: Structure, upload: Upload) -> dict[str, Any]:
    """The checks of a PDF deposit and what the form is pre-filled with; writes nothing (the
    API's `deposer/pdf` answers it, `soumettre` then deposits the invoice)."""
    if not perms.can_deposit(user, supplier):
        raise SaisieError("Vous ne pouvez pas déposer de factures pour cette structure.")
    data = _check_pdf(upload.data)
    problems = check_embedded_invoice(pdf=upload.data, supplier=supplier, depositor=user)
    if problems:
        raise SaisieError(" ".join(problem.message for problem in problems))
    return data


def invoice_draft_from_pdf(*, user: Any, supplier: Structure, upload: Upload) -> InvoiceDraft:
    data = invoice_pdf_prefill(user=user, supplier=supplier, upload=upload)
    with transaction.atomic():
        draft = InvoiceDraft.objects.create(
            supplier=supplier, created_by=user, data=data, number=data.get("number", "")[:100]
        )
        Attachment.objects.create(
            draft=draft,
            kind=AttachmentKind.PRINCIPALE,
            name=upload.name[:255],
            file=stored_file_create(
                data=upload.data, name=upload.name, content_type="application/pdf", user=user
            ),
            added_by=user,
            added_on_status=InvoiceStatus.BROUILLON,
        )
        audit_log_write(
            actor=user, action="invoice_draft.from_pdf", obj=draft, after={"file": upload.name}
        )
    return draft


def _check_pdf(content: bytes) -> dict[str, Any]:
    from choeur.einvoice.security import open_pdf

    try:
        with open_pdf(content) as pdf:
            pages = len(pdf.pages)
    except EInvoiceError as exc:
        raise SaisieError(exc.message_fr) from exc
    if pages == 0:
        raise SaisieError("Le PDF ne contient aucune page.")
    try:
        detected = einvoice.detect(content)
    except EInvoiceError:
        detected = None
    if detected is not None and getattr(detected, "syntax", None) == "facturx":
        try:
            return prefill_from_pivot(einvoice.read(content))
        except EInvoiceError:
            pass
    return prefill_from_text(_text(content))


def _text(content: bytes) -> str:
    import io

    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(content))
        return "\n".join((page.extract_text() or "") for page in reader.pages[:3])[:200_000]
    except Exception:  # pypdf raises many types on odd files; pre-fill is a convenience only
        return ""


def prefill_from_pivot(pivot: Pivot) -> dict[str, Any]:
    buyer_ids = (
        [pivot.buyer.legal_registration_id.value] if pivot.buyer.legal_registration_id else []
    )
    data: dict[str, Any] = {
        "recipient": next(iter(buyer_ids), ""),
        "service_code": pivot.buyer_reference or "",
        "engagement_number": pivot.purchase_order_reference or "",
        "number": pivot.number,
        "type": invoice_type_of(pivot.type_code.value),
        "issue_date": pivot.issue_date.isoformat(),
        "due_date": pivot.due_date.isoformat() if pivot.due_date else "",
        "currency": pivot.currency_code,
        "tva_regime": tva_regime_of(pivot),
        "prefilled_from": "facturx",
        "lines": [
            {
                "designation": line.item.name,
                "quantity": str(line.quantity),
                "unit": line.unit_code,
                "unit_price": str(line.price.net_price),
                "discount": str(sum((a.amount for a in line.allowances), Decimal("0"))),
                "vat_rate": str(line.vat_rate if line.vat_rate is not None else Decimal("0.00")),
            }
            for line in pivot.lines
        ],
    }
    return data


def _amount(text: str) -> Decimal | None:
    cleaned = text.replace("\u00a0", "").replace(" ", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def prefill_from_text(text: str) -> dict[str, Any]:
    """What a native-text PDF tells: the recipient's SIRET (a public structure's), the number,
    the date, the amounts. Anything not found stays blank for the supplier to type."""
    data: dict[str, Any] = {"prefilled_from": "text", "type": InvoiceType.FACTURE}
    sirets = [re.sub(r"\D", "", s) for s in SIRET_TEXT.findall(text)]
    public = list(
        Structure.objects.filter(identifier__in=sirets, is_public=True).values_list(
            "identifier", flat=True
        )
    )
    if public:
        data["recipient"] = public[0]
    if match := NUMBER_TEXT.search(text):
        data["number"] = match.group(1).rstrip(".")
    if match := DATE_TEXT.search(text):
        day, month, year = match.groups()
        data["issue_date"] = f"{year}-{month}-{day}"
    if match := EJ_TEXT.search(text):
        data["engagement_number"] = match.group(1)
    ht = _amount(m.group(1)) if (m := HT_TEXT.search(text)) else None
    ttc = _amount(m.group(1)) if (m := TTC_TEXT.search(text)) else None
    rate = "20.00"
    if ht and ttc and ht > 0:
        computed = ((ttc - ht) * 100 / ht).quantize(Decimal("0.01"))
        for known in ("20.00", "10.00", "5.50", "2.10", "0.00"):
            if abs(computed - Decimal(known)) < Decimal("0.1"):
                rate = known
    if ht is not None:
        data["lines"] = [
            {
                "designation": "Selon facture jointe",
                "quantity": "1",
                "unit": "C62",
                "unit_price": str(ht),
                "discount": "",
                "vat_rate": rate,
            }
        ]
    return data
