"""The EN 16931 pivot -> UN/CEFACT CII D16B CrossIndustryInvoice (CEN/TS 16931-3-3).

Elements come in the order of the Factur-X 1.0 EN 16931 XSD (a restriction of D16B), so the
output of a norm-complete invoice passes both. The terms and their order are the binding table
of `readers.cii`, the one the reader uses: this module only completes the invoice for CII
(`completion`), opens the root and writes the table.
"""

from __future__ import annotations

from choeur.einvoice.model import Invoice
from choeur.einvoice.readers._binding import encode_document, paused_gc, write_group
from choeur.einvoice.readers._common import QDT, RAM, RSM, UDT
from choeur.einvoice.readers.cii import INVOICE
from choeur.einvoice.writers.completion import complete_for
from choeur.einvoice.writers.ubl import XML_DECLARATION

_ROOT = (
    f'<rsm:CrossIndustryInvoice xmlns:rsm="{RSM}" xmlns:ram="{RAM}" xmlns:qdt="{QDT}"'
    f' xmlns:udt="{UDT}">\n'
)


def write_cii(invoice: Invoice, *, guideline_id: str | None = None) -> bytes:
    """CII bytes; BT-24 is `guideline_id` if given, else the invoice's, else EN 16931's."""
    with paused_gc():
        return _write_cii(invoice, guideline_id)


def _write_cii(invoice: Invoice, guideline_id: str | None) -> bytes:
    invoice = complete_for(invoice, "cii", lines_as_written=False)
    context = {
        "currency": invoice.currency_code,
        "vat_currency": invoice.vat_currency_code or invoice.currency_code,
        "tax_point_date": invoice.tax_point_date,
        "tax_point_date_code": invoice.tax_point_date_code,
        "guideline_id": guideline_id,
    }
    out = [XML_DECLARATION, _ROOT]
    write_group(INVOICE, invoice, context, out, 1)
    out.append("</rsm:CrossIndustryInvoice>\n")
    return encode_document("".join(out))
