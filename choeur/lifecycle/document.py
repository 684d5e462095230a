"""The invoice as people read it: flat data for the page, taken from the stored XML through the
EN 16931 core, or from the invoice's own rows when there is no readable XML (a PDF deposit)."""

from __future__ import annotations

import logging
from typing import Any

from choeur.invoices.models import Invoice, InvoiceLine

logger = logging.getLogger(__name__)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _party(party: Any) -> dict[str, Any]:
    address = party.address
    lines = []
    if address is not None:
        lines = [a for a in (address.line1, address.line2, address.line3) if a]
        city = " ".join(a for a in (address.post_code, address.city) if a)
        if city:
            lines.append(city)
        if address.country_code and address.country_code != "FR":
            lines.append(address.country_code)
    legal = party.legal_registration_id
    return {
        "name": _text(party.name),
        "address": lines,
        "identifier": _text(legal.value if legal else ""),
        "vat_id": _text(party.vat_id),
    }


def _from_xml(data: bytes) -> dict[str, Any] | None:
    from choeur import einvoice
    from choeur.einvoice.errors import EInvoiceError

    try:
        pivot = einvoice.read(data)
    except (EInvoiceError, ValueError) as exc:
        # Stored XML passed validation at deposit; a reader change must not break the page.
        logger.warning("Lecture du XML impossible pour l'affichage : %s", type(exc).__name__)
        return None
    ibans = []
    means = ""
    if pivot.payment_instructions is not None:
        means = _text(pivot.payment_instructions.means_code)
        ibans = [t.account_id for t in pivot.payment_instructions.credit_transfers]
    return {
        "source": "xml",
        "seller": _party(pivot.seller),
        "buyer": _party(pivot.buyer),
        "notes": [n.text for n in pivot.notes],
        "payment_terms": _text(pivot.payment_terms),
        "payment_means": means,
        "ibans": ibans,
        "buyer_reference": _text(pivot.buyer_reference),
        "purchase_order": _text(pivot.purchase_order_reference),
        "contract": _text(pivot.contract_reference),
        "lines": [
            {
                "id": line.id,
                "name": line.item.name,
                "description": _text(line.item.description),
                "quantity": line.quantity,
                "unit": _text(line.unit_code),
                "price": line.price.net_price,
                "vat_rate": line.vat_rate,
                "net_amount": line.net_amount,
            }
            for line in pivot.lines
        ],
    }


def invoice_document(invoice: Invoice) -> dict[str, Any]:
    """What the invoice page shows of the document itself."""
    if invoice.xml is not None:
        try:
            data = invoice.xml.read()
        except OSError:
            data = b""
        document = _from_xml(data) if data else None
        if document is not None:
            return document
    empty_party = {"name": "", "address": [], "identifier": "", "vat_id": ""}
    return {
        "source": "pdf" if invoice.main_document_id else "data",
        "seller": {**empty_party, "name": invoice.seller_name or invoice.supplier.raison_sociale},
        "buyer": {**empty_party, "name": invoice.buyer_name or invoice.recipient.raison_sociale},
        "notes": [invoice.comment] if invoice.comment else [],
        "payment_terms": "",
        "payment_means": "",
        "ibans": [],
        "buyer_reference": invoice.service.code if invoice.service else "",
        "purchase_order": invoice.engagement_number,
        "contract": "",
        "lines": [
            {
                "id": line.line_id,
                "name": line.designation,
                "description": "",
                "quantity": line.quantity,
                "unit": line.unit,
                "price": line.unit_price,
                "vat_rate": line.vat_rate,
                "net_amount": line.net_amount,
            }
            for line in InvoiceLine.objects.filter(invoice=invoice).order_by("position")
        ],
    }
