"""The VAT category rules: BR-S, BR-Z, BR-E, BR-AE, BR-IC (K), BR-G, BR-O, BR-AF (L), BR-AG (M)
-01..-10 (BR-O also -11..-14, BR-IC -11/-12), and BR-B-01/02 (Italian split payment).

The nine categories share ten rule shapes; what varies, and varies between the UBL and the
CII stylesheet, is stated in `CATEGORIES` (one row per category) and in the few branches
below. Each registered function is named after its rule id (br_s_08, br_ic_11...).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from lxml import etree

from choeur.einvoice.validation.native.registry import precondition, rule
from choeur.einvoice.validation.native.values import (
    Uncastable,
    dbl,
    dec,
    round_dbl,
    round_dec,
    to_bool,
    ucmp,
)
from choeur.einvoice.validation.native.view import AllowanceCharge, Breakdown, Doc, Line, TaxCat

_El = etree._Element
D0 = Decimal(0)
D1 = Decimal(1)
D100 = Decimal(100)


@dataclass(frozen=True)
class Category:
    """How the official stylesheets test one VAT category."""

    prefix: str  # the rule family: S, Z, E, AE, IC, G, O, AF, AG
    code: str  # UNTDID 5305: S, Z, E, AE, K, G, O, L, M
    seller: str  # -02..-04 seller condition: "any" (BT-31 or BT-32), "vat" (BT-31), "none"
    buyer: str  # "", "vat" (BT-48), "vat-or-legal" (BT-48 or BT-47)
    rate: str  # -05..-07 test: "positive", "zero", "none", "non-negative"
    rate_cii: str  # the same in CII (L differs: > 0)
    exempt: bool  # -10: an exemption reason is required (True) or forbidden (False)


CATEGORIES = (
    Category("S", "S", "any", "", "positive", "positive", exempt=False),
    Category("Z", "Z", "any", "", "zero", "zero", exempt=False),
    Category("E", "E", "any", "", "zero", "zero", exempt=True),
    Category("AE", "AE", "any", "vat-or-legal", "zero", "zero", exempt=True),
    Category("IC", "K", "vat", "vat", "zero", "zero", exempt=True),
    Category("G", "G", "vat", "", "zero", "zero", exempt=True),
    Category("O", "O", "none", "", "none", "none", exempt=True),
    Category("AF", "L", "any", "", "non-negative", "positive", exempt=False),
    Category("AG", "M", "any", "", "non-negative", "non-negative", exempt=False),
)


# --- where the categories are -----------------------------------------------------------------


def _breakdown_cats(doc: Doc) -> list[TaxCat]:
    """UBL cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory of the document; CII the header
    ram:ApplicableTradeTax."""
    if doc.syntax == "ubl":
        return [c for total in doc.tax_totals for b in total.subtotals for c in b.categories]
    return [b.category for b in doc.breakdowns if b.category is not None]


def _all_tax_categories(doc: Doc) -> list[TaxCat]:
    """UBL //cac:TaxCategory (breakdowns and allowances/charges at every level)."""
    found = [c for b in doc.breakdowns for c in b.categories]
    found += [t for ac in doc.all_charges for t in ac.taxes]
    return found


def _line_cats(doc: Doc) -> list[TaxCat]:
    """UBL //cac:ClassifiedTaxCategory; CII //ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax."""
    return [t for line in doc.lines for t in line.taxes]


def _charge_cats(doc: Doc) -> list[TaxCat]:
    """UBL //cac:AllowanceCharge/cac:TaxCategory; CII //ram:CategoryTradeTax."""
    return [t for ac in doc.all_charges for t in ac.taxes]


def _is(ac: AllowanceCharge, charge: bool) -> bool:
    """[cbc:ChargeIndicator = true()/false()]: any of the indicators (UBL may repeat it)."""
    if ac.indicator is None:
        return False
    if ac.all_indicators is not None:
        return any(to_bool(indicator) is charge for indicator in ac.all_indicators)
    return to_bool(ac.indicator) is charge


def _ac_cats(doc: Doc, charge: bool, *, root_only: bool = False) -> list[TaxCat]:
    """UBL //cac:AllowanceCharge[cbc:ChargeIndicator = true()/false()]/cac:TaxCategory (CII
    //ram:SpecifiedTradeAllowanceCharge[...]/ram:CategoryTradeTax)."""
    return [
        t
        for ac in doc.all_charges
        if (not root_only or ac.level == "doc")
        and not (doc.syntax == "cii" and ac.level == "price")  # ram:AppliedTradeAllowanceCharge
        and _is(ac, charge)
        for t in ac.taxes
    ]


def _matches(doc: Doc, tax: TaxCat, code: str) -> bool:
    """The context predicate of the category rules: UBL [normalize-space(cbc:ID) = code]
    [VAT scheme]; CII [ram:CategoryCode = code][upper-case(ram:TypeCode) = 'VAT']."""
    if doc.syntax == "ubl":
        return tax.code_n == code and tax.vat
    return _cii_context_code(tax) == code and tax.vat_strict


# The CII stylesheet's category contexts on an ApplicableTradeTax / CategoryTradeTax element,
# highest priority first: an element whose codes match several is judged by the first only.
_CII_PRIORITY = ("AE", "L", "M", "E", "G", "K", "O", "S", "Z")


def _cii_context_code(tax: TaxCat) -> str | None:
    """The category whose element-level context (`...[ram:CategoryCode = X]`) judges a CII
    tax element: X is any of its codes, the highest in the stylesheet's priority order."""
    if tax.all_codes is None:
        return tax.code
    for code in _CII_PRIORITY:
        if code in tax.all_codes:
            return code
    return None


# --- the parties' identifiers -----------------------------------------------------------------


def _seller_ok(doc: Doc, cat: Category) -> bool:
    seller = doc.seller
    rep_vat = any(rep.vat_ids for rep in doc.tax_reps)
    if cat.seller == "none":
        buyer_vat = doc.buyer is not None and bool(doc.buyer.vat_ids)
        seller_vat = seller is not None and bool(seller.vat_ids)
        return not seller_vat and not rep_vat and not buyer_vat
    if cat.seller == "any":
        # UBL: any cac:PartyTaxScheme/cbc:CompanyID of the seller; CII: @schemeID VA or FC
        seller_has = seller is not None and bool(seller.tax_ids)
    else:
        seller_has = seller is not None and bool(seller.vat_ids)
    if not (seller_has or rep_vat):
        return False
    buyer = doc.buyer
    if cat.buyer == "vat":
        return buyer is not None and bool(buyer.vat_ids)
    if cat.buyer == "vat-or-legal":
        return buyer is not None and bool(buyer.vat_ids or buyer.legal_ids)
    return True


# --- -01: a category used is in the breakdown (and only once) ---------------------------------


def _rule_01(cat: Category) -> Callable[[Doc], Iterator[_El]]:
    code = cat.code

    def check(doc: Doc) -> Iterator[_El]:
        if doc.syntax == "ubl":
            ok = _ubl_01(doc, cat)
        else:
            # count(...ApplicableTradeTax[ram:CategoryCode = code]): any of its codes
            header = sum(1 for c in _breakdown_cats(doc) if c.has_code(code))
            lines = sum(1 for c in _line_cats(doc) if c.has_code(code))
            charges = sum(1 for c in _charge_cats(doc) if c.has_code(code))
            if code in ("S", "L", "M"):
                ok = (lines + header >= 2 or lines == 0) and (charges + header >= 2 or charges == 0)
            elif code == "O":
                ok = header == 0 or (header == 1 and (lines > 0 or charges > 0))
            else:
                ok = (header == 0 and lines == 0 and charges == 0) or (
                    header == 1 and (lines > 0 or charges > 0)
                )
        if not ok:
            yield doc.el

    return check


def _ubl_01(doc: Doc, cat: Category) -> bool:
    code = cat.code
    top = _breakdown_cats(doc)
    if code == "S":
        # no VAT-scheme filter at all in BR-S-01
        used = sum(1 for c in _charge_cats(doc) if c.code_n == "S") + sum(
            1 for c in _line_cats(doc) if c.code_n == "S"
        )
        listed = sum(1 for c in top if c.code_n == "S")
        return (used > 0 and listed > 0) or (used == 0 and listed == 0)
    if code in ("L", "M"):
        used = sum(1 for c in _charge_cats(doc) if c.code_n == code and c.vat) + sum(
            1 for c in _line_cats(doc) if c.code_n == code and c.vat
        )
        if code == "L":
            listed_any = sum(1 for c in top if c.code == "L")
        else:
            listed_any = sum(1 for c in top if c.code == "M" and c.vat)
        listed = sum(1 for c in top if c.code_n == code and c.vat)
        return (used > 0 and listed_any > 0) or (used == 0 and listed == 0)
    in_use = any(c.vat and c.code_n == code for c in _all_tax_categories(doc)) or any(
        c.vat and c.code_n == code for c in _line_cats(doc)
    )
    listed = sum(1 for c in top if c.vat and c.code_n == code)
    return (in_use and listed == 1) or not in_use


# --- -02 .. -04: the identifiers a category needs ---------------------------------------------


def _rule_02(cat: Category) -> Callable[[Doc], Iterator[_El]]:
    code = cat.code

    def check(doc: Doc) -> Iterator[_El]:
        if doc.syntax == "ubl":
            matching = [c for c in _line_cats(doc) if c.code_n == code and c.vat]
            # BR-S-02 tests the absence without the scheme filter
            present = (
                any(c.code_n == "S" for c in _line_cats(doc)) if code == "S" else bool(matching)
            )
            if present and not (matching and _seller_ok(doc, cat)):
                yield doc.el
            return
        for tax in _line_cats(doc):
            if _matches(doc, tax, code) and not _seller_ok(doc, cat):
                yield tax.el

    return check


def _rule_03_04(cat: Category, charge: bool) -> Callable[[Doc], Iterator[_El]]:
    code = cat.code

    def check(doc: Doc) -> Iterator[_El]:
        if doc.syntax == "ubl":
            cats = _ac_cats(doc, charge, root_only=code == "O")
            matching = [c for c in cats if c.code_n == code and c.vat]
            if code == "L" and charge:
                present = any(c.code == "L" and c.vat for c in cats)
            else:
                present = bool(matching)
            if present and not (matching and _seller_ok(doc, cat)):
                yield doc.el
            return
        for tax in _ac_cats(doc, charge):
            if _matches(doc, tax, code) and not _seller_ok(doc, cat):
                yield tax.el

    return check


# --- -05 .. -07: the rate of a line or of an allowance/charge ---------------------------------


def _rate_ok(doc: Doc, tax: TaxCat, test: str) -> bool:
    if test == "none":
        return tax.rate is None
    if tax.rate is None:
        return False
    if doc.syntax == "ubl":
        if test == "zero":  # xs:decimal(cbc:Percent) = 0
            return dec(tax.rate) == 0
        order = ucmp(tax.rate, 0)
        return order > 0 if test == "positive" else order >= 0
    # CII: ram:RateApplicablePercent = 0 / > 0 / >= 0, in doubles, true if any rate is
    for rate in tax.all_rates or (tax.rate,):
        order = ucmp(rate, 0)
        if order == 0 if test == "zero" else (order > 0 if test == "positive" else order >= 0):
            return True
    return False


def _rule_05(cat: Category) -> Callable[[Doc], Iterator[_El]]:
    def check(doc: Doc) -> Iterator[_El]:
        test = cat.rate if doc.syntax == "ubl" else cat.rate_cii
        for tax in _line_cats(doc):
            if _matches(doc, tax, cat.code) and not _rate_ok(doc, tax, test):
                yield tax.el

    return check


def _rule_06_07(cat: Category, charge: bool) -> Callable[[Doc], Iterator[_El]]:
    def check(doc: Doc) -> Iterator[_El]:
        test = cat.rate if doc.syntax == "ubl" else cat.rate_cii
        for tax in _ac_cats(doc, charge):
            if _matches(doc, tax, cat.code) and not _rate_ok(doc, tax, test):
                yield tax.el

    return check


# --- -08 .. -10: the breakdown of a category ---------------------------------------------------


def _ubl_breakdowns(doc: Doc, code: str) -> Iterator[tuple[TaxCat, str | None, str | None]]:
    """(category, taxable, tax) of the document's breakdowns of a category."""
    for total in doc.tax_totals:
        for breakdown in total.subtotals:
            for category in breakdown.categories:
                if category.code_n == code and category.vat:
                    yield category, breakdown.taxable, breakdown.tax


def _cii_breakdowns(doc: Doc, code: str, vat_filter: bool) -> Iterator[tuple[TaxCat, Breakdown]]:
    for breakdown in doc.breakdowns:
        category = breakdown.category
        if category is None:
            continue
        # header contexts: L, M and O on the ApplicableTradeTax element (one judges it), the
        # others on each ram:CategoryCode element
        if not (
            _cii_context_code(category) == code
            if code in ("L", "M", "O")
            else category.has_code(code)
        ):
            continue
        if vat_filter and not category.vat_strict:
            continue
        yield category, breakdown


# CII -08/-09/-10 contexts: ram:CategoryCode[. = X] without a TypeCode filter for S and Z.
_CII_NO_VAT_FILTER = {"S", "Z"}


def _line_rates(line: Line) -> list[Decimal]:
    return [dec(t.rate) for t in line.taxes if t.rate is not None]


def _ac_rates(ac: AllowanceCharge) -> list[Decimal]:
    return [dec(t.rate) for t in ac.taxes if t.rate is not None]


def _line_amount(line: Line, raw: bool) -> Decimal | None:
    """A line's net amount in the category sums. UBL: xs:decimal(cbc:LineExtensionAmount).
    CII: .../ram:SpecifiedTradeSettlementLineMonetarySummation/xs:decimal(ram:LineTotalAmount),
    one value per summation, so that repeated summations all count."""
    if not raw:
        return dec(line.net_amount) if line.net_amount is not None else None
    found = [dec(value) for value in line.net_amounts if value is not None]
    return sum(found, D0) if found else None


class _LineSums:
    """The line net amounts summed by category code and rate, once per document (the
    category rules of the breakdown each ask for one of these sums)."""

    def __init__(self, doc: Doc, raw: bool) -> None:
        self.by_code: dict[str, Decimal] = {}
        self.by_code_rate: dict[tuple[str, Decimal], Decimal] = {}
        self.present: set[tuple[str, Decimal]] = set()  # a line of that category and rate
        # categories with a line whose rate / amount cannot be cast: asking for their sums
        # is the stylesheet's dynamic error
        self.bad_rates: set[str] = set()
        self.bad_amounts: set[str] = set()
        for line in doc.lines:
            codes: set[str] = (
                {code for t in line.taxes for code in t.codes()}
                if raw
                else {t.code_n for t in line.taxes if t.code_n is not None}
            )
            if not codes:
                continue
            try:
                rates: list[Decimal] | None = _line_rates(line)
            except Uncastable:
                rates = None
            try:
                amount = _line_amount(line, raw)
            except Uncastable:
                amount = None
                self.bad_amounts.update(codes)
            if rates:  # a category repeated with its rate counts the line once
                rates = list(dict.fromkeys(rates))
            for code in codes:
                if rates is None:
                    self.bad_rates.add(code)
                for rate in rates or ():
                    self.present.add((code, rate))
                    if amount is not None:
                        key = (code, rate)
                        self.by_code_rate[key] = self.by_code_rate.get(key, D0) + amount
                if amount is not None:
                    self.by_code[code] = self.by_code.get(code, D0) + amount

    def total(self, code: str, rate: Decimal | None) -> Decimal:
        if code in self.bad_amounts or (rate is not None and code in self.bad_rates):
            raise Uncastable("a line amount or rate")
        if rate is None:
            return self.by_code.get(code, D0)
        return self.by_code_rate.get((code, rate), D0)

    def exists(self, code: str, rate: Decimal) -> bool:
        if code in self.bad_rates:
            raise Uncastable("a line rate")
        return (code, rate) in self.present


def _sums(doc: Doc, *, raw: bool) -> _LineSums:
    key = "line-sums-raw" if raw else "line-sums"
    found = doc.memo.get(key)
    if found is None:
        found = doc.memo[key] = _LineSums(doc, raw)
    return found  # type: ignore[return-value]


def _ubl_category_sum(doc: Doc, code: str, rate: Decimal | None) -> Decimal:
    """sum(lines of the category [and rate]) + sum(charges ...) - sum(allowances ...)."""
    total = _sums(doc, raw=False).total(code, rate)
    for ac in doc.charges:
        if not any(t.code_n == code for t in ac.taxes):
            continue
        if rate is not None and rate not in _ac_rates(ac):
            continue
        sign = D1 if _is(ac, True) else (-D1 if _is(ac, False) else D0)
        if sign and ac.amounts:
            if len(ac.amounts) > 1:
                raise Uncastable("several amounts")
            total += sign * dec(ac.amounts[0])
    return total


def _round2(value: Decimal) -> Decimal:
    return round_dec(value * D100) / D100


def _cii_category_sum(doc: Doc, code: str, rate: Decimal | None) -> Decimal:
    """round2(sum(lines)) + round2(sum(charges)) - round2(sum(allowances)) of a category."""
    lines = _sums(doc, raw=True).total(code, rate)
    charges = allowances = D0
    for ac in doc.charges:
        if not any(t.has_code(code) for t in ac.taxes):
            continue
        if rate is not None and rate not in _ac_rates(ac):
            continue
        if ac.amount is None:
            continue
        # two sums, each with its own predicate: repeated indicators can put one in both
        if _is(ac, True):
            charges += dec(ac.amount)
        if _is(ac, False):
            allowances += dec(ac.amount)
    return _round2(lines) + _round2(charges) - _round2(allowances)


def _rule_08(cat: Category) -> Callable[[Doc], Iterator[_El]]:
    code = cat.code

    def check(doc: Doc) -> Iterator[_El]:
        if doc.syntax == "ubl":
            for category, taxable, _tax in _ubl_breakdowns(doc, code):
                if not _ubl_08_holds(doc, code, category, taxable):
                    yield category.el
            return
        if code in ("L", "M"):
            return  # the CII rule iterates over ../ram:RateApplicablePercent: never any
        for category, breakdown in _cii_breakdowns(
            doc, code, vat_filter=code not in _CII_NO_VAT_FILTER
        ):
            if not _cii_08_holds(doc, code, category, breakdown):
                yield category.code_el if category.code_el is not None else category.el

    return check


def _ubl_08_holds(doc: Doc, code: str, category: TaxCat, taxable: str | None) -> bool:
    if code in ("S", "L", "M"):
        if category.rate is None:
            return True  # every $rate in (): true
        if category.rates > 1:
            raise Uncastable("several rates")
        rate = dec(category.rate)
        if not doc.lines:
            return False
        charged = code == "S" and any(
            any(t.code_n == "S" for t in ac.taxes) and rate in _ac_rates(ac)
            for ac in doc.all_charges
        )
        if code == "S" and not (_sums(doc, raw=False).exists("S", rate) or charged):
            return False
        if taxable is None:
            return False
        expected = _ubl_category_sum(doc, code, rate)
        low = Decimal(dbl(taxable) - 1.0)
        high = Decimal(dbl(taxable) + 1.0)
        if low < expected < high:
            return True
        if charged:
            # BR-S-08 has one branch per kind of line (cac:InvoiceLine, cac:CreditNoteLine),
            # each opened by an allowance or charge of the rate as well: the branch of the
            # kind the document does not have sums no line, only the allowances and charges
            lines = _sums(doc, raw=False).total(code, rate)
            return low < expected - lines < high
        return False
    if taxable is None or not doc.lines:
        return False
    return dec(taxable) == _ubl_category_sum(doc, code, None)


def _cii_08_holds(doc: Doc, code: str, category: TaxCat, breakdown: Breakdown) -> bool:
    taxable = breakdown.taxable
    if taxable is None:
        return False
    if code == "S":
        # every $rate in ../ram:RateApplicablePercent/xs:decimal(.) satisfies
        # (../ram:BasisAmount = ...): every rate, and any basis amount (a general comparison)
        rates = category.all_rates or ([] if category.rate is None else [category.rate])
        for rate in rates:
            expected_s = float(_cii_category_sum(doc, code, dec(rate)))
            if not any(ucmp(basis, expected_s) == 0 for basis in breakdown.taxables):
                return False
        return True
    expected = float(_cii_category_sum(doc, code, None))
    if code == "O":  # ram:BasisAmount = ...: any of them
        return any(ucmp(basis, expected) == 0 for basis in breakdown.taxables)
    basis = dbl(taxable)
    return basis - 1 < expected and basis + 1 > expected


def _rule_09(cat: Category) -> Callable[[Doc], Iterator[_El]]:
    code = cat.code

    def check(doc: Doc) -> Iterator[_El]:
        if doc.syntax == "ubl":
            for category, taxable, tax in _ubl_breakdowns(doc, code):
                if not _ubl_09_holds(code, category, taxable, tax):
                    yield category.el
            return
        if code in ("L", "M"):
            return  # asserted as true() in CII
        for category, breakdown in _cii_breakdowns(
            doc, code, vat_filter=code not in _CII_NO_VAT_FILTER
        ):
            if not _cii_09_holds(code, category, breakdown):
                yield category.code_el if category.code_el is not None else category.el

    return check


def _ubl_09_holds(code: str, category: TaxCat, taxable: str | None, tax: str | None) -> bool:
    if tax is None:
        return False
    if code not in ("S", "L", "M"):
        return dec(tax) == 0
    if taxable is None or category.rate is None:
        return False
    expected = _round2(abs(dec(taxable)) * (dec(category.rate) / D100))
    amount = abs(dec(tax))
    return amount - D1 < expected and amount + D1 > expected


def _cii_09_holds(code: str, category: TaxCat, breakdown: Breakdown) -> bool:
    taxable, tax = breakdown.taxable, breakdown.tax
    if tax is None:
        return False
    if code != "S":  # ../ram:CalculatedAmount = 0: any of them
        return any(ucmp(amount, 0) == 0 for amount in breakdown.tax_amounts)
    if taxable is None or category.rate is None:
        return False
    # abs(xs:decimal(BasisAmount)) * RateApplicablePercent is a double
    expected = round_dbl(float(abs(dec(taxable))) * dbl(category.rate)) / 100.0
    amount = abs(dec(tax))
    return float(amount - D1) < expected and float(amount + D1) > expected


def _rule_10(cat: Category) -> Callable[[Doc], Iterator[_El]]:
    code = cat.code

    def check(doc: Doc) -> Iterator[_El]:
        found: Iterable[TaxCat]
        if doc.syntax == "ubl":
            found = (c for c in _breakdown_cats(doc) if c.code_n == code and c.vat)
        else:
            found = (
                c for c, _ in _cii_breakdowns(doc, code, vat_filter=code not in _CII_NO_VAT_FILTER)
            )
        for category in found:
            has = category.exemption_reason is not None or category.exemption_code is not None
            if has is not cat.exempt:
                yield category.el

    return check


# --- BR-O-11 .. BR-O-14: "not subject to VAT" excludes every other category --------------------


def _o_rule(number: int) -> Callable[[Doc], Iterator[_El]]:
    def check(doc: Doc) -> Iterator[_El]:
        if doc.syntax == "ubl":
            top = _breakdown_cats(doc)
            if not any(c.vat and c.code_n == "O" for c in top):
                return
            if number == 11:
                others = [c for c in top if c.vat and c.code_n != "O"]
            elif number == 12:
                others = [c for c in _line_cats(doc) if c.vat and c.code_n != "O"]
            else:
                others = [c for c in _ac_cats(doc, number == 14) if c.vat and c.code_n != "O"]
            if others:
                yield doc.el
            return
        pool = _breakdown_cats(doc) + _line_cats(doc) if number in (11, 12) else _charge_cats(doc)
        if any(code != "O" for c in pool for code in c.codes()):
            for category in _breakdown_cats(doc):
                if _cii_context_code(category) == "O" and category.vat_strict:
                    yield category.el

    return check


# --- BR-IC-11 / BR-IC-12: intra-community supply needs a delivery date and country -------------


def _ic_contexts(doc: Doc) -> list[_El]:
    if doc.syntax == "ubl":
        return [doc.el] if any(c.vat and c.code_n == "K" for c in _breakdown_cats(doc)) else []
    return [
        c.code_el if c.code_el is not None else c.el
        for c in _breakdown_cats(doc)
        if c.has_code("K") and c.vat_strict
    ]


def br_ic_11(doc: Doc) -> Iterator[_El]:
    contexts = _ic_contexts(doc)
    if not contexts:
        return
    if doc.syntax == "ubl":
        date = doc.delivery_dates[0] if doc.delivery_dates else ""
        ok = len(date) > 1 or any(period.has_child for period in doc.periods)
    else:
        ok = bool(doc.delivery_dates) or any(p.has_start or p.has_end for p in doc.periods)
    if not ok:
        yield from contexts


def br_ic_12(doc: Doc) -> Iterator[_El]:
    contexts = _ic_contexts(doc)
    if not contexts:
        return
    if doc.syntax == "ubl":
        country = doc.delivery_addresses[0][1] if doc.delivery_addresses else None
        ok = len(country or "") > 1
    else:
        ok = any(country is not None for _, country in doc.delivery_addresses)
    if not ok:
        yield from contexts


# --- BR-B-01 / BR-B-02: split payment ---------------------------------------------------------


def _all_texts(doc: Doc, ubl_tag: str, cii_tag: str) -> list[str]:
    """The string value of every element of a tag in the document (rarely needed: only
    when a split-payment category is there)."""
    from choeur.einvoice.validation.native.view_ubl import text

    tag = ubl_tag if doc.syntax == "ubl" else cii_tag
    return [text(el) for el in doc.el.iter(tag)]


def br_b_01(doc: Doc) -> Iterator[_El]:
    from choeur.einvoice.readers._common import CBC, RAM

    if doc.syntax == "ubl":
        has_b = any(c.code == "B" for c in _all_tax_categories(doc) + _line_cats(doc))
    else:
        has_b = "B" in _all_texts(doc, "", f"{{{RAM}}}CategoryCode")
    if not has_b:
        return
    countries = _all_texts(doc, f"{{{CBC}}}IdentificationCode", f"{{{RAM}}}CountryID")
    if any(country != "IT" for country in countries):
        yield doc.el


def br_b_02(doc: Doc) -> Iterator[_El]:
    from choeur.einvoice.readers._common import RAM

    if doc.syntax == "ubl":
        codes: list[str | None] = [c.code for c in _breakdown_cats(doc)]
        codes += [t.code for ac in doc.charges for t in ac.taxes]
        codes += [c.code for c in _line_cats(doc)]
    else:
        codes = list(_all_texts(doc, "", f"{{{RAM}}}CategoryCode"))
    if "B" in codes and "S" in codes:
        yield doc.el


# --- registration -----------------------------------------------------------------------------


def _codes(doc: Doc) -> set[str]:
    """Every VAT category code of the document, raw and normalised (computed once)."""
    found = doc.memo.get("vat-codes")
    if found is None:
        codes: set[str] = set()
        for tax in _all_tax_categories(doc) + _line_cats(doc):
            if tax.code is not None:
                codes.update(tax.codes())  # every code of a repeated CII CategoryCode
                codes.add(tax.code_n)
        doc.memo["vat-codes"] = found = codes
    return found  # type: ignore[return-value]


def _used(code: str) -> Callable[[Doc], bool]:
    """A category's rules hold trivially when no category element carries its code: every
    context is then empty and every count zero (-01 holds with nothing used nor listed)."""
    return lambda doc: code in _codes(doc)


def _register() -> None:
    for cat in CATEGORIES:
        shapes: list[tuple[str, Callable[[Doc], Iterator[_El]]]] = [
            ("01", _rule_01(cat)),
            ("02", _rule_02(cat)),
            ("03", _rule_03_04(cat, charge=False)),
            ("04", _rule_03_04(cat, charge=True)),
            ("05", _rule_05(cat)),
            ("06", _rule_06_07(cat, charge=False)),
            ("07", _rule_06_07(cat, charge=True)),
            ("08", _rule_08(cat)),
            ("09", _rule_09(cat)),
            ("10", _rule_10(cat)),
        ]
        if cat.code == "O":
            shapes += [(str(n), _o_rule(n)) for n in (11, 12, 13, 14)]
        precondition(f"vat:{cat.code}")(_used(cat.code))
        for number, check in shapes:
            rule_id = f"BR-{cat.prefix}-{number}"
            check.__name__ = check.__qualname__ = rule_id.lower().replace("-", "_")
            rule(rule_id, when=f"vat:{cat.code}")(check)
    rule("BR-IC-11")(br_ic_11)
    rule("BR-IC-12")(br_ic_12)
    rule("BR-B-01")(br_b_01)
    rule("BR-B-02")(br_b_02)


_register()
