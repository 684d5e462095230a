"""The EN 16931 pivot -> UBL 2.1 Invoice or CreditNote (CEN/TS 16931-3-2), in the XSD's order.

The terms and their order are the binding table of `readers.ubl`, the one the reader uses: this
module only completes the invoice for UBL (`completion`), opens the root and writes the table.
"""

from __future__ import annotations

from decimal import Decimal

from choeur.einvoice.model import Invoice
from choeur.einvoice.readers._binding import encode_document, paused_gc, write_group
from choeur.einvoice.readers._common import CAC, CBC, UBL_CREDITNOTE, UBL_INVOICE
from choeur.einvoice.readers.ubl import CREDIT_NOTE, INVOICE
from choeur.einvoice.writers.completion import complete_for

XML_DECLARATION = "<?xml version='1.0' encoding='UTF-8'?>\n"


def amount(value: Decimal) -> str:
    """xs:decimal text: never an exponent (Decimal('1E+2') is written 100)."""
    return format(value, "f")


def write_ubl(invoice: Invoice) -> bytes:
    with paused_gc():
        return _write_ubl(invoice)


def _write_ubl(invoice: Invoice) -> bytes:
    invoice = complete_for(invoice, "ubl", lines_as_written=False)
    credit = invoice.is_credit_note
    prefix = "CreditNote" if credit else "Invoice"
    pi = invoice.payment_instructions
    creditor_id = pi.direct_debit.creditor_id if pi and pi.direct_debit else None
    context = {
        "currency": invoice.currency_code,
        # BT-90 is a SEPA-scheme identifier of the payee, else of the seller.
        "seller_creditor": creditor_id if invoice.payee is None else None,
        "payee_creditor": creditor_id,
    }
    namespace = UBL_CREDITNOTE if credit else UBL_INVOICE
    out = [
        XML_DECLARATION,
        f'<{prefix} xmlns="{namespace}" xmlns:cac="{CAC}" xmlns:cbc="{CBC}">\n',
    ]
    write_group(CREDIT_NOTE if credit else INVOICE, invoice, context, out, 1)
    out.append(f"</{prefix}>\n")
    return encode_document("".join(out))
