"""EN 16931 calculations over the pivot: line net amounts, VAT breakdown and document totals.

Rounding follows the norm: amounts have two decimals, rounded half up, on each line net amount
(BT-131) and on each VAT category tax amount (BT-117, BR-CO-17); totals are plain sums of rounded
amounts (BR-CO-10 to BR-CO-16), so they need no rounding of their own.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from choeur.einvoice.enums import VatCategory
from choeur.einvoice.model import Invoice, InvoiceLine, LineAllowanceCharge, Totals, VatBreakdown

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def round_amount(value: Decimal) -> Decimal:
    """Two decimals, half up (the norm's rounding for amounts)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def line_net_amount(
    quantity: Decimal,
    net_price: Decimal,
    base_quantity: Decimal | None = None,
    allowances_charges: list[LineAllowanceCharge] | None = None,
) -> Decimal:
    """BT-131 = BT-129 x BT-146 / BT-149 + sum(BT-141) - sum(BT-136), rounded to the cent."""
    base = base_quantity if base_quantity else Decimal(1)
    amount = round_amount(quantity * net_price / base)
    for ac in allowances_charges or []:
        amount += ac.amount if ac.is_charge else -ac.amount
    return round_amount(amount)


def vat_breakdown(invoice: Invoice) -> list[VatBreakdown]:
    """BG-23 computed from the lines and document allowances/charges, one row per category and rate.

    BT-116 = sum of line net amounts + document charges - document allowances of the category and
    rate (BR-S-08 and siblings); BT-117 = BT-116 x BT-119 / 100, rounded (BR-CO-17); 0 for
    categories without VAT (E, AE, K, G, O, Z).
    """
    bases: dict[tuple[str, Decimal | None], Decimal] = {}

    def key(category: VatCategory, rate: Decimal | None) -> tuple[str, Decimal | None]:
        normalised = None if rate is None else rate.normalize()
        return (category.value, normalised)

    for line in invoice.lines:
        k = key(line.vat_category, line.vat_rate)
        bases[k] = bases.get(k, ZERO) + line.net_amount
    for ac in invoice.allowances_charges:
        if ac.vat_category is None:
            continue
        k = key(ac.vat_category, ac.vat_rate)
        bases[k] = bases.get(k, ZERO) + (ac.amount if ac.is_charge else -ac.amount)
    rows = []
    for (category, rate), base in bases.items():
        base = round_amount(base)
        tax = round_amount(base * rate / 100) if rate is not None else ZERO
        rows.append(
            VatBreakdown(
                taxable_amount=base,
                tax_amount=tax,
                category=VatCategory(category),
                rate=None if rate is None else _two_decimals_at_least(rate),
            )
        )
    return rows


def _two_decimals_at_least(rate: Decimal) -> Decimal:
    exponent = rate.as_tuple().exponent
    return rate if isinstance(exponent, int) and exponent <= -2 else rate.quantize(CENT)


def compute_totals(invoice: Invoice, *, keep_vat_breakdown: bool = False) -> Invoice:
    """A copy of the invoice with BG-22 (and BG-23 unless kept) computed from its lines.

    Exemption reasons (BT-120, BT-121) of an existing breakdown row of the same category are kept.
    """
    rows = invoice.vat_breakdown if keep_vat_breakdown else vat_breakdown(invoice)
    if not keep_vat_breakdown:
        reasons = {r.category.value: r for r in invoice.vat_breakdown}
        rows = [
            replace(
                r,
                exemption_reason=reasons[r.category.value].exemption_reason,
                exemption_reason_code=reasons[r.category.value].exemption_reason_code,
            )
            if r.category.value in reasons
            else r
            for r in rows
        ]
    line_total = sum((ln.net_amount for ln in invoice.lines), ZERO)  # BR-CO-10
    allowances = sum((a.amount for a in invoice.allowances), ZERO)  # BR-CO-11
    charges = sum((c.amount for c in invoice.charges), ZERO)  # BR-CO-12
    tax_exclusive = line_total - allowances + charges  # BR-CO-13
    vat_total = sum((r.tax_amount for r in rows), ZERO)  # BR-CO-14
    tax_inclusive = tax_exclusive + vat_total  # BR-CO-15
    old = invoice.totals
    prepaid = old.prepaid_amount
    rounding = old.rounding_amount
    payable = tax_inclusive - (prepaid or ZERO) + (rounding or ZERO)  # BR-CO-16
    totals = Totals(
        line_total_amount=line_total,
        allowance_total_amount=allowances if invoice.allowances else None,
        charge_total_amount=charges if invoice.charges else None,
        tax_exclusive_amount=tax_exclusive,
        vat_total_amount=vat_total,
        vat_total_amount_accounting=old.vat_total_amount_accounting,
        tax_inclusive_amount=tax_inclusive,
        prepaid_amount=prepaid,
        rounding_amount=rounding,
        payable_amount=payable,
    )
    return replace(invoice, totals=totals, vat_breakdown=rows)


def line_with_amount(line: InvoiceLine) -> InvoiceLine:
    """A copy of the line whose BT-131 is computed from quantity, price and its allowances/charges."""
    amount = line_net_amount(
        line.quantity, line.price.net_price, line.price.base_quantity, line.allowances_charges
    )
    return replace(line, net_amount=amount)
