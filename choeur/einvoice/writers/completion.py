"""What each syntax cannot leave out, completed with the norm's own formulas before writing.

UBL and CII do not make the same terms mandatory. Where a syntax needs a value that the pivot
does not hold, the writer derives it the way EN 16931 defines it, here, in one place. Reading
the written file back gives exactly `complete_for(invoice, syntax)`: the round-trip tests check
that, so nothing else may change on the way.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Literal

from choeur.einvoice.model import Invoice, InvoiceLine, Price


def _price_for_ubl(price: Price) -> Price:
    # cac:Price/cac:AllowanceCharge needs cbc:Amount: a gross price alone gives its discount,
    # BT-147 = BT-148 - BT-146.
    if price.gross_price is not None and price.discount is None:
        return replace(price, discount=price.gross_price - price.net_price)
    return price


def _price_for_cii(price: Price) -> Price:
    # ram:AppliedTradeAllowanceCharge lives in ram:GrossPriceProductTradePrice, whose
    # ram:ChargeAmount is mandatory: a discount alone gives its gross price, BT-148 = BT-146 + BT-147.
    if price.discount is not None and price.gross_price is None:
        return replace(price, gross_price=price.net_price + price.discount)
    return price


def complete_for(invoice: Invoice, syntax: Literal["ubl", "cii"]) -> Invoice:
    """The invoice as `syntax` will carry it (the same object when nothing needs completing)."""
    changes: dict[str, object] = {}
    if syntax == "ubl":
        lines = [_with_price(line, _price_for_ubl(line.price)) for line in invoice.lines]
        if any(a is not b for a, b in zip(lines, invoice.lines, strict=True)):
            changes["lines"] = lines
        if invoice.totals.vat_total_amount is None and invoice.vat_breakdown:
            # cac:TaxTotal/cbc:TaxAmount is mandatory: BT-110 = sum of BT-117 (BR-CO-14).
            total = sum((row.tax_amount for row in invoice.vat_breakdown), Decimal("0.00"))
            changes["totals"] = replace(invoice.totals, vat_total_amount=total)
        if invoice.sales_order_reference and not invoice.purchase_order_reference:
            # cac:OrderReference/cbc:ID is mandatory: "NA" when only BT-14 is known (CEN, Peppol).
            changes["purchase_order_reference"] = "NA"
    else:
        lines = [_with_price(line, _price_for_cii(line.price)) for line in invoice.lines]
        if any(a is not b for a, b in zip(lines, invoice.lines, strict=True)):
            changes["lines"] = lines
        if not invoice.vat_breakdown and (
            invoice.tax_point_date is not None or invoice.tax_point_date_code is not None
        ):
            # BT-7 and BT-8 are attributes of the ram:ApplicableTradeTax rows in CII.
            changes["tax_point_date"] = None
            changes["tax_point_date_code"] = None
    return replace(invoice, **changes) if changes else invoice  # type: ignore[arg-type]


def _with_price(line: InvoiceLine, price: Price) -> InvoiceLine:
    return line if price is line.price else replace(line, price=price)
