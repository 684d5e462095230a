"""The EN 16931 business rules (BR-01..BR-65, BR-CO-*, BR-DEC-*, the VAT category rules), each
a function over the rule view registered under its official id.

Every rule follows the CEN release 1.3.16 stylesheets of both syntaxes. Where the UBL and
the CII stylesheet test a rule differently (a comparison in decimals in one and in doubles
in the other, a context that exists in one only, a tolerance of 1 here and none there), the
rule says so and branches on `doc.syntax`: the native engine must fire exactly where the
official one fires, including its quirks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date
from decimal import Decimal

from lxml import etree

from choeur.einvoice.validation.native import codelists
from choeur.einvoice.validation.native.registry import precondition, rule
from choeur.einvoice.validation.native.values import (
    Several,
    Uncastable,
    dbl,
    dec,
    decimals,
    filled,
    norm,
    round_dbl,
    round_dec,
    to_bool,
    ucmp,
)
from choeur.einvoice.validation.native.view import (
    AllowanceCharge,
    Breakdown,
    Doc,
    Line,
    Party,
    Period,
    TaxCat,
)

_El = etree._Element
D0 = Decimal(0)
D1 = Decimal(1)
D100 = Decimal(100)


# --- helpers -------------------------------------------------------------------------------


def _indicator_is(ac: AllowanceCharge, value: bool) -> bool:
    """[ChargeIndicator = true()/false()]: the indicator cast to xs:boolean."""
    if ac.indicator is None:
        return False
    if ac.all_indicators is not None:  # UBL, repeated: a general comparison, any of them
        return any(to_bool(indicator) is value for indicator in ac.all_indicators)
    return to_bool(ac.indicator) is value


def _allowances(doc: Doc, level: str) -> Iterator[AllowanceCharge]:
    """The allowances (not charges) of a level, as each syntax's context selects them: UBL
    [cbc:ChargeIndicator = false()]; CII ram:ChargeIndicator[udt:Indicator = 'false']."""
    for ac in doc.all_charges:
        if ac.level != level:
            continue
        if (
            doc.syntax == "ubl"
            and _indicator_is(ac, False)
            or doc.syntax == "cii"
            and ac.indicator == "false"
        ):
            yield ac


def _charges(doc: Doc, level: str) -> Iterator[AllowanceCharge]:
    for ac in doc.all_charges:
        if ac.level != level:
            continue
        if (
            doc.syntax == "ubl"
            and _indicator_is(ac, True)
            or doc.syntax == "cii"
            and ac.indicator == "true"
        ):
            yield ac


def _context(ac: AllowanceCharge) -> _El:
    return ac.indicator_el if ac.indicator_el is not None else ac.el


def _several(values: list[str]) -> str | None:
    """One value where the stylesheet takes a node set as one value (values.Several)."""
    if not values:
        return None
    return values[0] if len(values) == 1 else Several(values[0])


def _dec_sum(values: Iterable[str | None]) -> Decimal:
    """sum(x/xs:decimal(.)): absent values add nothing."""
    total = D0
    for value in values:
        if value is not None:
            total += dec(value)
    return total


def _dbl_sum(values: Iterable[str | None]) -> float:
    """sum(x) over untyped values: a sum of doubles, in document order, from the first one
    (so one "-0.00" sums to -0.0); 0 for none."""
    total: float | None = None
    for value in values:
        if value is not None:
            number = dbl(value)
            total = number if total is None else total + number
    return 0.0 if total is None else total


def _round2(value: Decimal) -> Decimal:
    """round(x * 10 * 10) div 100, in decimals."""
    return round_dec(value * D100) / D100


def _round2_dbl(value: float) -> float:
    """round(x * 10 * 10) div 100, in doubles."""
    return round_dbl(value * 10.0 * 10.0) / 100.0


def _first(values: list[str]) -> str | None:
    return values[0] if values else None


def _vat_ids(party: Party | None) -> bool:
    return party is not None and bool(party.vat_ids)


# --- when a rule can fail at all (tested once per document) -------------------------------

precondition("charges")(lambda doc: bool(doc.all_charges))
precondition("payees")(lambda doc: bool(doc.payees))
precondition("tax-representatives")(lambda doc: bool(doc.tax_reps))
precondition("payment-means")(lambda doc: bool(doc.payment_means))
precondition("cards")(lambda doc: bool(doc.cards))
precondition("additional-documents")(lambda doc: bool(doc.additional_refs))
precondition("preceding-invoices")(lambda doc: bool(doc.preceding))
precondition("item-attributes")(lambda doc: bool(doc.item_attributes))
precondition("classifications")(lambda doc: bool(doc.classifications))
precondition("delivery-addresses")(lambda doc: bool(doc.delivery_addresses))
precondition("periods")(lambda doc: bool(doc.periods))
precondition("line-periods")(lambda doc: any(line.periods for line in doc.lines))
precondition("vat-identifiers")(lambda doc: bool(doc.vat_id_els))
precondition("tax-currencies")(lambda doc: bool(doc.tax_currencies))


# --- BR-01 .. BR-16: the document -----------------------------------------------------------


@rule("BR-01")
def br_01(doc: Doc) -> Iterator[_El]:
    if not filled(doc.spec_id):
        yield doc.el


@rule("BR-02")
def br_02(doc: Doc) -> Iterator[_El]:
    if not filled(doc.number):
        yield doc.el


@rule("BR-03")
def br_03(doc: Doc) -> Iterator[_El]:
    if not filled(doc.issue_date):
        yield doc.el


@rule("BR-04")
def br_04(doc: Doc) -> Iterator[_El]:
    if not filled(doc.type_code):
        yield doc.el


@rule("BR-05")
def br_05(doc: Doc) -> Iterator[_El]:
    if not filled(_first(doc.currencies)):
        yield doc.el


@rule("BR-06")
def br_06(doc: Doc) -> Iterator[_El]:
    if doc.seller is None or not filled(doc.seller.legal_name):
        yield doc.el


@rule("BR-07")
def br_07(doc: Doc) -> Iterator[_El]:
    if doc.buyer is None or not filled(doc.buyer.legal_name):
        yield doc.el


@rule("BR-08")
def br_08(doc: Doc) -> Iterator[_El]:
    if doc.seller is None or not doc.seller.has_address:
        yield doc.el


def _country_rule(doc: Doc, party: Party | None) -> Iterator[_El]:
    # UBL judges the country on the postal address (when there is one); CII on the
    # document, so a missing address also fails there.
    if doc.syntax == "ubl":
        if party is not None and party.has_address and not filled(party.country):
            yield party.address_el if party.address_el is not None else doc.el
    elif party is None or not filled(party.country):
        yield doc.el


@rule("BR-09")
def br_09(doc: Doc) -> Iterator[_El]:
    yield from _country_rule(doc, doc.seller)


@rule("BR-10")
def br_10(doc: Doc) -> Iterator[_El]:
    if doc.buyer is None or not doc.buyer.has_address:
        yield doc.el


@rule("BR-11")
def br_11(doc: Doc) -> Iterator[_El]:
    yield from _country_rule(doc, doc.buyer)


def _totals_rule(doc: Doc, attribute: str) -> Iterator[_El]:
    for totals in doc.totals:
        if getattr(totals, attribute) is None:
            yield totals.el


@rule("BR-12")
def br_12(doc: Doc) -> Iterator[_El]:
    yield from _totals_rule(doc, "line_total")


@rule("BR-13")
def br_13(doc: Doc) -> Iterator[_El]:
    yield from _totals_rule(doc, "tax_exclusive")


@rule("BR-14")
def br_14(doc: Doc) -> Iterator[_El]:
    yield from _totals_rule(doc, "tax_inclusive")


@rule("BR-15")
def br_15(doc: Doc) -> Iterator[_El]:
    yield from _totals_rule(doc, "payable")


@rule("BR-16")
def br_16(doc: Doc) -> Iterator[_El]:
    if not doc.lines:
        yield doc.el


# --- BR-17 .. BR-20, BR-56: payee and tax representative ------------------------------------


@rule("BR-17", when="payees")
def br_17(doc: Doc) -> Iterator[_El]:
    seller = doc.seller
    seller_names = set(seller.names) if seller else set()
    seller_ids = {value for value, _ in seller.ids} if seller else set()
    seller_legal = set(seller.legal_ids) if seller else set()
    for payee in doc.payees:
        clash = any(name in seller_names for name in payee.names) or any(
            value in seller_ids for value, _ in payee.ids
        )
        if doc.syntax == "cii":
            clash = clash or any(value in seller_legal for value in payee.legal_ids)
        if not payee.names or clash:
            yield payee.el


@rule("BR-18", when="tax-representatives")
def br_18(doc: Doc) -> Iterator[_El]:
    for rep in doc.tax_reps:
        if not filled(_first(rep.names)):
            yield rep.el


@rule("BR-19", when="tax-representatives")
def br_19(doc: Doc) -> Iterator[_El]:
    for rep in doc.tax_reps:
        if not rep.has_address:
            yield rep.el


@rule("BR-20", when="tax-representatives")
def br_20(doc: Doc) -> Iterator[_El]:
    for rep in doc.tax_reps:
        if doc.syntax == "ubl":
            if rep.has_address and not filled(rep.country):
                yield rep.address_el if rep.address_el is not None else rep.el
        elif not filled(rep.country):
            yield rep.el


@rule("BR-56", when="tax-representatives")
def br_56(doc: Doc) -> Iterator[_El]:
    for rep in doc.tax_reps:
        ok = bool(rep.vat_ids) if doc.syntax == "ubl" else filled(_first(rep.vat_ids))
        if not ok:
            yield rep.el


# --- BR-21 .. BR-28, BR-CO-04, BR-DEC-23: lines ---------------------------------------------


def _line_rule(doc: Doc, broken: Callable[[Line], bool]) -> Iterator[_El]:
    for line in doc.lines:
        if broken(line):
            yield line.el


@rule("BR-21")
def br_21(doc: Doc) -> Iterator[_El]:
    yield from _line_rule(doc, lambda line: not filled(line.id))


@rule("BR-22")
def br_22(doc: Doc) -> Iterator[_El]:
    yield from _line_rule(doc, lambda line: line.quantity is None)


@rule("BR-23")
def br_23(doc: Doc) -> Iterator[_El]:
    yield from _line_rule(doc, lambda line: line.unit_code is None)


@rule("BR-24")
def br_24(doc: Doc) -> Iterator[_El]:
    if doc.syntax == "ubl":
        yield from _line_rule(doc, lambda line: line.net_amount is None)
    else:  # exists(.../ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount)
        yield from _line_rule(doc, lambda line: not line.line_totals)


@rule("BR-25")
def br_25(doc: Doc) -> Iterator[_El]:
    yield from _line_rule(doc, lambda line: not filled(line.item_name))


@rule("BR-26")
def br_26(doc: Doc) -> Iterator[_El]:
    yield from _line_rule(doc, lambda line: not line.prices)


@rule("BR-27")
def br_27(doc: Doc) -> Iterator[_El]:
    yield from _line_rule(doc, lambda line: not any(ucmp(p, 0) >= 0 for p in line.prices))


@rule("BR-28")
def br_28(doc: Doc) -> Iterator[_El]:
    yield from _line_rule(
        doc,
        lambda line: (
            bool(line.gross_prices) and not any(ucmp(p, 0) >= 0 for p in line.gross_prices)
        ),
    )


@rule("BR-CO-04")
def br_co_04(doc: Doc) -> Iterator[_El]:
    # UBL: a VAT-scheme ClassifiedTaxCategory with an ID; CII: an ApplicableTradeTax whose
    # upper-cased TypeCode is VAT, with a CategoryCode.
    if doc.syntax == "ubl":
        yield from _line_rule(
            doc, lambda line: not any(t.vat and t.code is not None for t in line.taxes)
        )
    else:
        yield from _line_rule(
            doc, lambda line: not any(t.vat_strict and t.code is not None for t in line.taxes)
        )


@rule("BR-DEC-23")
def br_dec_23(doc: Doc) -> Iterator[_El]:
    if doc.syntax == "ubl":
        yield from _line_rule(doc, lambda line: decimals(line.net_amount) > 2)
    else:  # substring-after() of every LineTotalAmount of the line (two: a type error)
        yield from _line_rule(doc, lambda line: decimals(_several(line.line_totals)) > 2)


# --- BR-29, BR-30, BR-CO-19, BR-CO-20: periods ----------------------------------------------


def _xs_date(text: str) -> tuple[int, int, int]:
    """xs:date(x), compared on the date (the corpus carries no time zones)."""
    value = text.strip(" \t\r\n")
    core = value[:10] if len(value) >= 10 else value
    if (
        len(core) != 10
        or core[4] != "-"
        or core[7] != "-"
        or not (
            value[10:] in ("", "Z") or (len(value) == 16 and value[10] in "+-" and value[13] == ":")
        )
    ):
        raise Uncastable(value)
    try:
        parsed = date(int(core[:4]), int(core[5:7]), int(core[8:10]))
    except ValueError as exc:
        raise Uncastable(value) from exc
    return parsed.year, parsed.month, parsed.day


def _period_order_broken(doc: Doc, period: Period) -> bool:
    if doc.syntax == "ubl":
        if period.start is None or period.end is None:
            return False
        return _xs_date(period.end) < _xs_date(period.start)
    # CII: (End/DateTimeString[@format='102']) >= (Start/...[@format='102']), compared as
    # strings, or no End, or no Start.
    if not period.has_start or not period.has_end:
        return False
    # a general comparison: true if any end is >= any start
    return not any(end >= start for end in period.ends_102 for start in period.starts_102)


@rule("BR-29", when="periods")
def br_29(doc: Doc) -> Iterator[_El]:
    for period in doc.periods:
        if _period_order_broken(doc, period):
            yield period.el


@rule("BR-30", when="line-periods")
def br_30(doc: Doc) -> Iterator[_El]:
    for line in doc.lines:
        for period in line.periods:
            if _period_order_broken(doc, period):
                yield period.el


@rule("BR-CO-19", when="periods")
def br_co_19(doc: Doc) -> Iterator[_El]:
    for period in doc.periods:
        ok = period.has_start or period.has_end
        if doc.syntax == "ubl":
            ok = ok or period.description_code is not None
        if not ok:
            yield period.el


@rule("BR-CO-20", when="line-periods")
def br_co_20(doc: Doc) -> Iterator[_El]:
    for line in doc.lines:
        for period in line.periods:
            if not (period.has_start or period.has_end):
                yield period.el


# --- BR-31 .. BR-44: allowances and charges -------------------------------------------------


def _ac_vat_category(doc: Doc, ac: AllowanceCharge) -> bool:
    """BT-95 / BT-102 present: a VAT-scheme category with a code (CII: upper-cased TypeCode)."""
    if doc.syntax == "ubl":
        return any(t.vat and t.code is not None for t in ac.taxes)
    return any(t.vat_strict and t.code is not None for t in ac.taxes)


def _has_reason(ac: AllowanceCharge) -> bool:
    return ac.reason is not None or ac.reason_code is not None


@rule("BR-31", when="charges")
def br_31(doc: Doc) -> Iterator[_El]:
    for ac in _allowances(doc, "doc"):
        if not ac.amounts:
            yield _context(ac)


@rule("BR-32", when="charges")
def br_32(doc: Doc) -> Iterator[_El]:
    for ac in _allowances(doc, "doc"):
        if not _ac_vat_category(doc, ac):
            yield _context(ac)


@rule("BR-33", when="charges")
def br_33(doc: Doc) -> Iterator[_El]:
    for ac in _allowances(doc, "doc"):
        if not _has_reason(ac):
            yield _context(ac)


@rule("BR-CO-21", when="charges")
def br_co_21(doc: Doc) -> Iterator[_El]:
    yield from br_33(doc)


@rule("BR-36", when="charges")
def br_36(doc: Doc) -> Iterator[_El]:
    for ac in _charges(doc, "doc"):
        if not ac.amounts:
            yield _context(ac)


@rule("BR-37", when="charges")
def br_37(doc: Doc) -> Iterator[_El]:
    for ac in _charges(doc, "doc"):
        if not _ac_vat_category(doc, ac):
            yield _context(ac)


@rule("BR-38", when="charges")
def br_38(doc: Doc) -> Iterator[_El]:
    for ac in _charges(doc, "doc"):
        if not _has_reason(ac):
            yield _context(ac)


@rule("BR-CO-22", when="charges")
def br_co_22(doc: Doc) -> Iterator[_El]:
    yield from br_38(doc)


@rule("BR-41", when="charges")
def br_41(doc: Doc) -> Iterator[_El]:
    for ac in _allowances(doc, "line"):
        if not ac.amounts:
            yield _context(ac)


@rule("BR-42", when="charges")
def br_42(doc: Doc) -> Iterator[_El]:
    for ac in _allowances(doc, "line"):
        if not _has_reason(ac):
            yield _context(ac)


@rule("BR-CO-23", when="charges")
def br_co_23(doc: Doc) -> Iterator[_El]:
    yield from br_42(doc)


@rule("BR-43", when="charges")
def br_43(doc: Doc) -> Iterator[_El]:
    for ac in _charges(doc, "line"):
        if not ac.amounts:
            yield _context(ac)


@rule("BR-44", when="charges")
def br_44(doc: Doc) -> Iterator[_El]:
    for ac in _charges(doc, "line"):
        if not _has_reason(ac):
            yield _context(ac)


@rule("BR-CO-24", when="charges")
def br_co_24(doc: Doc) -> Iterator[_El]:
    yield from br_44(doc)


def _dec_rule(acs: Iterable[AllowanceCharge], base: bool) -> Iterator[_El]:
    for ac in acs:
        if decimals(ac.base if base else ac.amount) > 2:
            yield _context(ac)


@rule("BR-DEC-01", when="charges")
def br_dec_01(doc: Doc) -> Iterator[_El]:
    yield from _dec_rule(_allowances(doc, "doc"), base=False)


@rule("BR-DEC-02", when="charges")
def br_dec_02(doc: Doc) -> Iterator[_El]:
    yield from _dec_rule(_allowances(doc, "doc"), base=True)


@rule("BR-DEC-05", when="charges")
def br_dec_05(doc: Doc) -> Iterator[_El]:
    yield from _dec_rule(_charges(doc, "doc"), base=False)


@rule("BR-DEC-06", when="charges")
def br_dec_06(doc: Doc) -> Iterator[_El]:
    yield from _dec_rule(_charges(doc, "doc"), base=True)


@rule("BR-DEC-24", when="charges")
def br_dec_24(doc: Doc) -> Iterator[_El]:
    yield from _dec_rule(_allowances(doc, "line"), base=False)


@rule("BR-DEC-25", when="charges")
def br_dec_25(doc: Doc) -> Iterator[_El]:
    yield from _dec_rule(_allowances(doc, "line"), base=True)


@rule("BR-DEC-27", when="charges")
def br_dec_27(doc: Doc) -> Iterator[_El]:
    yield from _dec_rule(_charges(doc, "line"), base=False)


@rule("BR-DEC-28", when="charges")
def br_dec_28(doc: Doc) -> Iterator[_El]:
    yield from _dec_rule(_charges(doc, "line"), base=True)


# --- BR-45 .. BR-48, BR-CO-17, BR-DEC-19/20: the VAT breakdown ------------------------------


def _judged_breakdowns(doc: Doc) -> Iterator[Breakdown]:
    """The breakdowns the generic rule judges. In CII, a breakdown of category L, M or O
    (upper-cased TypeCode VAT) is matched by that category's own, higher-priority rule
    context, which shadows the generic one: BR-45..48, BR-CO-17, BR-DEC-19/20 and BR-CO-03
    are not checked on it by the official stylesheet."""
    for breakdown in doc.breakdowns:
        category = breakdown.category
        if (
            doc.syntax == "cii"
            and category is not None
            and category.vat_strict
            and any(code in ("L", "M", "O") for code in category.codes())
        ):
            continue
        yield breakdown


def _vat_categories(doc: Doc, breakdown: Breakdown) -> list[TaxCat]:
    """The breakdown's VAT-scheme categories (UBL TaxCategory[TaxScheme VAT]; CII the
    ApplicableTradeTax itself when its upper-cased TypeCode is VAT)."""
    if doc.syntax == "ubl":
        return [c for c in breakdown.categories if c.vat]
    return [c for c in breakdown.categories if c.vat_strict]


@rule("BR-45")
def br_45(doc: Doc) -> Iterator[_El]:
    for breakdown in _judged_breakdowns(doc):
        if breakdown.taxable is None:
            yield breakdown.el


@rule("BR-46")
def br_46(doc: Doc) -> Iterator[_El]:
    for breakdown in _judged_breakdowns(doc):
        if breakdown.tax is None:
            yield breakdown.el


@rule("BR-47")
def br_47(doc: Doc) -> Iterator[_El]:
    for breakdown in _judged_breakdowns(doc):
        if not any(c.code is not None for c in _vat_categories(doc, breakdown)):
            yield breakdown.el


@rule("BR-48")
def br_48(doc: Doc) -> Iterator[_El]:
    for breakdown in _judged_breakdowns(doc):
        categories = _vat_categories(doc, breakdown)
        has_rate = any(c.rate is not None for c in categories)
        if doc.syntax == "ubl":
            is_o = any(c.code_n == "O" for c in categories)
        else:
            is_o = any(c.code == "O" for c in categories)
        if not (has_rate or is_o):
            yield breakdown.el


@rule("BR-CO-17")
def br_co_17(doc: Doc) -> Iterator[_El]:
    for breakdown in _judged_breakdowns(doc):
        if doc.syntax == "ubl":
            categories = [c for c in breakdown.categories if c.vat]
        else:
            categories = [
                c for c in breakdown.categories if c.scheme and norm(c.scheme.upper()) == "VAT"
            ]
        if not _co_17_holds(doc, breakdown, categories):
            yield breakdown.el


def _co_17_holds(doc: Doc, breakdown: Breakdown, categories: list[TaxCat]) -> bool:
    rates = [dec(c.rate) for c in categories if c.rate is not None]
    if len(rates) > 1:
        raise Uncastable("several VAT rates in one breakdown")
    tax = dec(breakdown.tax) if breakdown.tax is not None else None
    taxable = dec(breakdown.taxable) if breakdown.taxable is not None else None
    if not rates:
        return tax is not None and round_dec(tax) == 0
    rate = rates[0]
    if round_dec(rate) == 0:
        return tax is not None and round_dec(tax) == 0
    if tax is None or taxable is None:
        return False
    expected = round_dec(abs(taxable) * (rate / D100) * D100) / D100
    if doc.syntax == "ubl":
        return abs(tax) - D1 < expected and abs(tax) + D1 > expected
    return abs(tax) - D1 <= expected and abs(tax) + D1 >= expected


@rule("BR-DEC-19")
def br_dec_19(doc: Doc) -> Iterator[_El]:
    for breakdown in _judged_breakdowns(doc):
        if decimals(breakdown.taxable) > 2:
            yield breakdown.el


@rule("BR-DEC-20")
def br_dec_20(doc: Doc) -> Iterator[_El]:
    for breakdown in _judged_breakdowns(doc):
        if decimals(breakdown.tax) > 2:
            yield breakdown.el


# --- BR-49 .. BR-55, BR-57, BR-61 .. BR-65 --------------------------------------------------


@rule("BR-49", when="payment-means")
def br_49(doc: Doc) -> Iterator[_El]:
    for means in doc.payment_means:
        if not means.codes:
            yield means.el


@rule("BR-50", when="payment-means")
def br_50(doc: Doc) -> Iterator[_El]:
    for means in doc.payment_means:
        if not any(code in ("30", "58") for code in means.codes):
            continue
        for account, first, second in means.accounts:
            if not (filled(first) or filled(second)):
                yield account


@rule("BR-61", when="payment-means")
def br_61(doc: Doc) -> Iterator[_El]:
    for means in doc.payment_means:
        if doc.syntax == "ubl":
            # the means itself: a credit transfer code needs an account identifier
            if norm(means.code) in ("30", "58") and not any(
                first is not None for _, first, _ in means.accounts
            ):
                yield means.el
        elif any(code in ("30", "58") for code in means.codes):
            # CII: each account of such a means needs an IBAN or a proprietary id
            for account, first, second in means.accounts:
                if first is None and second is None:
                    yield account


@rule("BR-51", when="cards")
def br_51(doc: Doc) -> Iterator[_El]:
    for card, number in doc.cards:
        if len(norm(number)) > 10:
            yield card


@rule("BR-52", when="additional-documents")
def br_52(doc: Doc) -> Iterator[_El]:
    for reference, identifier in doc.additional_refs:
        if not filled(identifier):
            yield reference


@rule("BR-53", when="tax-currencies")
def br_53(doc: Doc) -> Iterator[_El]:
    if doc.syntax == "ubl":
        amounts = {currency for total in doc.all_tax_totals for _, currency in total.amounts}
        for currency in doc.tax_currencies:
            if currency not in amounts:
                yield doc.el
                return
        return
    if not doc.tax_currencies:
        return
    for totals in doc.totals:
        currencies = {currency for _, currency, _ in totals.tax_totals}
        ok = any(c in currencies for c in doc.tax_currencies) and not any(
            c in doc.currencies for c in doc.tax_currencies
        )
        if not ok:
            yield totals.el


@rule("BR-54", when="item-attributes")
def br_54(doc: Doc) -> Iterator[_El]:
    for attribute, has_name, has_value in doc.item_attributes:
        if not (has_name and has_value):
            yield attribute


@rule("BR-55", when="preceding-invoices")
def br_55(doc: Doc) -> Iterator[_El]:
    for reference, has_id, issuer_id in doc.preceding:
        ok = has_id if doc.syntax == "ubl" else filled(issuer_id)
        if not ok:
            yield reference


@rule("BR-57", when="delivery-addresses")
def br_57(doc: Doc) -> Iterator[_El]:
    for address, country in doc.delivery_addresses:
        ok = country is not None if doc.syntax == "ubl" else filled(country)
        if not ok:
            yield address


def _endpoint_rule(doc: Doc, party: Party | None) -> Iterator[_El]:
    if party is None or not party.has_endpoint:
        return
    ok = party.endpoint_scheme is not None if doc.syntax == "ubl" else filled(party.endpoint_scheme)
    if not ok:
        yield party.el


@rule("BR-62")
def br_62(doc: Doc) -> Iterator[_El]:
    yield from _endpoint_rule(doc, doc.seller)


@rule("BR-63")
def br_63(doc: Doc) -> Iterator[_El]:
    yield from _endpoint_rule(doc, doc.buyer)


@rule("BR-64")
def br_64(doc: Doc) -> Iterator[_El]:
    for line in doc.lines:
        if doc.syntax == "ubl":
            if any(scheme is None for scheme in line.standard_schemes):
                yield line.el
        elif line.standard_schemes and not filled(line.standard_schemes[0]):
            yield line.el


@rule("BR-65", when="classifications")
def br_65(doc: Doc) -> Iterator[_El]:
    for classification, has_code, list_id in doc.classifications:
        ok = list_id is not None if doc.syntax == "ubl" else (not has_code or filled(list_id))
        if not ok:
            yield classification


# --- BR-CO-03 .. BR-CO-26: conditions -------------------------------------------------------


@rule("BR-CO-03")
def br_co_03(doc: Doc) -> Iterator[_El]:
    if not (doc.has_tax_point_date and doc.has_vat_point_code):
        return
    if doc.syntax == "ubl":
        yield doc.el
    else:
        # CII asserts it on each (unshadowed) VAT breakdown
        for breakdown in _judged_breakdowns(doc):
            yield breakdown.el


@rule("BR-CO-05", when="charges")
def br_co_05(doc: Doc) -> Iterator[_El]:
    return iter(())  # asserted as true() by both stylesheets (not machine-checkable)


@rule("BR-CO-06", when="charges")
def br_co_06(doc: Doc) -> Iterator[_El]:
    return iter(())


@rule("BR-CO-07", when="charges")
def br_co_07(doc: Doc) -> Iterator[_El]:
    return iter(())


@rule("BR-CO-08", when="charges")
def br_co_08(doc: Doc) -> Iterator[_El]:
    return iter(())


_VAT_PREFIX_UBL = " " + " ".join(codelists.VAT_PREFIX_UBL_ORDER) + " "


@rule("BR-CO-09", when="vat-identifiers")
def br_co_09(doc: Doc) -> Iterator[_El]:
    for element, vat_id in doc.vat_id_els:
        if doc.syntax == "ubl":
            # contains(list, substring(CompanyID, 1, 2)): a substring of the spaced list
            ok = vat_id[:2] in _VAT_PREFIX_UBL
        else:
            ok = vat_id[:2] in codelists.VAT_PREFIX_CII and " " not in vat_id[:2]
        if not ok:
            yield element


@rule("BR-CO-10")
def br_co_10(doc: Doc) -> Iterator[_El]:
    for totals in doc.totals:
        if totals.line_total is None:
            yield totals.el
            continue
        stated = dec(totals.line_total)
        if doc.syntax == "ubl":
            expected = _round2(_dec_sum(line.net_amount for line in doc.lines))
        else:
            # sum() of untyped amounts is a double, then cast to decimal exactly
            # (every ram:LineTotalAmount of every line summation)
            expected = (
                round_dec(
                    Decimal(_dbl_sum(a for line in doc.lines for a in line.line_totals)) * D100
                )
                / D100
            )
        if stated != expected:
            yield totals.el


def _doc_total_rule(doc: Doc, charges: bool) -> Iterator[_El]:
    for totals in doc.totals:
        if doc.syntax == "ubl":
            stated = totals.charge_total if charges else totals.allowance_total
            acs = [ac for ac in doc.charges if _indicator_is(ac, charges)]
            if stated is None:
                if acs:
                    yield totals.el
                continue
            amounts: list[Decimal] = []
            for ac in acs:
                if len(ac.amounts) > 1:
                    raise Uncastable("several amounts")
                if ac.amounts:
                    amounts.append(dec(ac.amounts[0]))
            if dec(stated) != _round2(sum(amounts, D0)):
                yield totals.el
        else:
            stated_all = totals.charge_totals if charges else totals.allowance_totals
            acs = [ac for ac in doc.charges if _indicator_is(ac, charges)]
            if not acs and not stated_all:
                continue
            expected = _round2_dbl(_dbl_sum(ac.amount for ac in acs))
            if not any(ucmp(value, expected) == 0 for value in stated_all):
                yield totals.el


@rule("BR-CO-11")
def br_co_11(doc: Doc) -> Iterator[_El]:
    yield from _doc_total_rule(doc, charges=False)


@rule("BR-CO-12")
def br_co_12(doc: Doc) -> Iterator[_El]:
    yield from _doc_total_rule(doc, charges=True)


@rule("BR-CO-13")
def br_co_13(doc: Doc) -> Iterator[_El]:
    for totals in doc.totals:
        if not _co_13_holds(
            doc,
            totals.line_total,
            totals.allowance_total,
            totals.charge_total,
            totals.tax_exclusive,
        ):
            yield totals.el


def _co_13_holds(
    doc: Doc, line: str | None, allowance: str | None, charge: str | None, basis: str | None
) -> bool:
    if basis is None or line is None:
        return False
    stated = dec(basis)
    lines = dec(line)
    a = dec(allowance) if allowance is not None else None
    c = dec(charge) if charge is not None else None
    if doc.syntax == "ubl":
        if c is not None and a is not None:
            return stated == _round2(lines + c - a)
        if a is not None:
            return stated == _round2(lines - a)
        if c is not None:
            return stated == _round2(lines + c)
        return stated == lines
    if c is not None and a is not None:
        return stated == _round2(lines - a + c)
    if a is not None:
        return stated == _round2(lines - a)
    if c is not None:
        return stated == _round2(lines + c)
    return stated == _round2(lines)


@rule("BR-CO-14")
def br_co_14(doc: Doc) -> Iterator[_El]:
    if doc.syntax == "ubl":
        for total in doc.tax_totals:
            if not total.subtotals:
                continue
            if len(total.amounts) != 1:
                if not total.amounts:
                    yield total.el
                    continue
                raise Uncastable("several tax amounts")
            expected = _round2(_dec_sum(sub.tax for sub in total.subtotals))
            if dec(total.amount) != expected:
                yield total.el
        return
    # sum() of every header ram:ApplicableTradeTax/ram:CalculatedAmount, repeated ones too
    expected_dbl = _round2_dbl(_dbl_sum(a for b in doc.breakdowns for a in b.tax_amounts))
    for totals in doc.totals:
        for value, currency, element in totals.tax_totals:
            if (
                currency is not None
                and currency in doc.currencies
                and ucmp(value, expected_dbl) != 0
            ):
                yield element


@rule("BR-CO-15")
def br_co_15(doc: Doc) -> Iterator[_El]:
    if doc.syntax == "ubl":
        for currency in doc.currencies:
            matching = [
                [value for value, cur in total.amounts if cur == currency]
                for total in doc.tax_totals
            ]
            if any(len(found) > 1 for found in matching):
                raise Uncastable("several tax amounts in one currency")
            found = [values[0] for values in matching if values]
            if len(found) != 1:
                yield doc.el
                return
            inclusive = [dec(t.tax_inclusive) for t in doc.totals if t.tax_inclusive is not None]
            exclusive = [dec(t.tax_exclusive) for t in doc.totals if t.tax_exclusive is not None]
            if len(inclusive) > 1 or len(exclusive) > 1:
                raise Uncastable("several totals")
            if not inclusive or not exclusive:
                yield doc.el
                return
            if inclusive[0] != _round2(exclusive[0] + dec(found[0])):
                yield doc.el
                return
        return
    # CII: the counts and the [1] run over every summation of the document
    grand = next((t.tax_inclusive for t in doc.totals if t.tax_inclusive is not None), None)
    basis = next((t.tax_exclusive for t in doc.totals if t.tax_exclusive is not None), None)
    for currency in doc.currencies:
        amounts = [value for t in doc.totals for value, cur, _ in t.tax_totals if cur == currency]
        ok = False
        if len(amounts) == 1 and grand is not None and basis is not None:
            ok = dec(grand) == round_dec((dec(basis) + dec(amounts[0])) * D100) / D100
        if not ok and grand is not None and basis is not None:
            ok = dec(grand) == dec(basis)
        if not ok:
            yield doc.el
            return


@rule("BR-CO-16")
def br_co_16(doc: Doc) -> Iterator[_El]:
    for totals in doc.totals:
        if not _co_16_holds(
            doc, totals.payable, totals.tax_inclusive, totals.prepaid, totals.rounding
        ):
            yield totals.el


def _co_16_holds(
    doc: Doc,
    payable: str | None,
    inclusive: str | None,
    prepaid: str | None,
    rounding: str | None,
) -> bool:
    if payable is None or inclusive is None:
        return False
    due = dec(payable)
    grand = dec(inclusive)
    paid = dec(prepaid) if prepaid is not None else None
    rnd = dec(rounding) if rounding is not None else None
    if doc.syntax == "ubl":
        if paid is not None and rnd is None:
            return due == _round2(grand - paid)
        if paid is None and rnd is None:
            return due == grand
        if paid is not None and rnd is not None:
            return _round2(due - rnd) == _round2(grand - paid)
        assert rnd is not None
        return _round2(due - rnd) == grand
    if paid is not None and rnd is not None:
        return due == grand - paid + rnd
    if rnd is not None:
        return due == grand + rnd
    if paid is not None:
        return due == grand - paid
    return due == grand


@rule("BR-CO-18")
def br_co_18(doc: Doc) -> Iterator[_El]:
    if doc.syntax == "ubl":
        if not any(total.subtotals for total in doc.tax_totals):
            yield doc.el
    elif not doc.breakdowns:
        for line in doc.lines:
            yield line.el


@rule("BR-CO-26")
def br_co_26(doc: Doc) -> Iterator[_El]:
    seller = doc.seller
    if seller is None:
        return
    if doc.syntax == "ubl":
        ok = (
            bool(seller.vat_ids)
            or any(scheme != "SEPA" for _, scheme in seller.ids)
            or bool(seller.legal_ids)
        )
    else:
        ok = bool(seller.ids or seller.global_ids or seller.legal_ids or seller.vat_ids)
    if not ok:
        yield seller.el


# --- BR-DEC-09 .. BR-DEC-18: the document totals --------------------------------------------


def _totals_dec(doc: Doc, attribute: str) -> Iterator[_El]:
    for totals in doc.totals:
        if decimals(getattr(totals, attribute)) > 2:
            yield totals.el


@rule("BR-DEC-09")
def br_dec_09(doc: Doc) -> Iterator[_El]:
    yield from _totals_dec(doc, "line_total")


@rule("BR-DEC-10")
def br_dec_10(doc: Doc) -> Iterator[_El]:
    yield from _totals_dec(doc, "allowance_total")


@rule("BR-DEC-11")
def br_dec_11(doc: Doc) -> Iterator[_El]:
    yield from _totals_dec(doc, "charge_total")


@rule("BR-DEC-12")
def br_dec_12(doc: Doc) -> Iterator[_El]:
    yield from _totals_dec(doc, "tax_exclusive")


@rule("BR-DEC-14")
def br_dec_14(doc: Doc) -> Iterator[_El]:
    yield from _totals_dec(doc, "tax_inclusive")


@rule("BR-DEC-16")
def br_dec_16(doc: Doc) -> Iterator[_El]:
    yield from _totals_dec(doc, "prepaid")


@rule("BR-DEC-17")
def br_dec_17(doc: Doc) -> Iterator[_El]:
    yield from _totals_dec(doc, "rounding")


@rule("BR-DEC-18")
def br_dec_18(doc: Doc) -> Iterator[_El]:
    yield from _totals_dec(doc, "payable")


def _two_decimals_dbl(value: str) -> bool:
    """. = round(. * 100) div 100, in doubles."""
    return ucmp(value, round_dbl(dbl(value) * 100.0) / 100.0) == 0


@rule("BR-DEC-13")
def br_dec_13(doc: Doc) -> Iterator[_El]:
    # UBL: the stylesheet's predicate compares @currencyID with a child of cbc:TaxAmount,
    # which never exists: the rule cannot fire there.
    if doc.syntax == "ubl":
        return
    for totals in doc.totals:
        if not totals.tax_totals:
            continue
        if not any(
            (cur is not None and cur in doc.currencies and _two_decimals_dbl(value))
            or not (cur is not None and cur in doc.currencies)
            for value, cur, _ in totals.tax_totals
        ):
            yield totals.el


@rule("BR-DEC-15", when="tax-currencies")
def br_dec_15(doc: Doc) -> Iterator[_El]:
    if doc.syntax == "ubl":
        return  # as BR-DEC-13
    for totals in doc.totals:
        if not totals.tax_totals or not doc.tax_currencies:
            continue
        if not any(
            cur is not None and cur in doc.tax_currencies and _two_decimals_dbl(value)
            for value, cur, _ in totals.tax_totals
        ):
            yield totals.el
