"""The document as the business rules see it: the EN 16931 terms, typed, with presence.

The pivot (`choeur.einvoice.model`) is what an invoice *means*: it normalises (one party
name, one payment means code, "absent" folded with "empty") and refuses what it cannot
read. The CEN rules are about what a document *says*: `exists(x)` holds for an empty
element, BR-06 wants the registration name and not the trading name, BR-61 judges every
payment means. This view keeps exactly that, in the norm's terms, for both syntaxes, so each
business rule is written once (`rules_business`) over it.

Conventions, for every field:

* a text is the node's string value, kept raw: None when the node is absent, "" when it is
  present and empty (the rules use `values.filled`, `values.norm`, `values.dec`, `values.dbl`);
* a list keeps every occurrence, in document order (XPath comparisons are existential);
* `el` is the element the official rule would report on (the finding's location).

`view_ubl.build` and `view_cii.build` fill it from a parsed tree, in one pass each; where the
two official stylesheets test a term differently, the field's comment says how each syntax
fills it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from lxml import etree

from choeur.einvoice.validation.native.values import norm

__all__ = [
    "AllowanceCharge",
    "Breakdown",
    "Doc",
    "Line",
    "Party",
    "PaymentMeans",
    "Period",
    "TaxCat",
    "Totals",
]

_El = etree._Element
Syntax = Literal["ubl", "cii"]


@dataclass(slots=True)
class TaxCat:
    """A VAT category and rate: BT-95/96, BT-102/103, BT-118/119 (+BT-120/121), BT-151/152.

    UBL: cac:TaxCategory or cac:ClassifiedTaxCategory; CII: ram:ApplicableTradeTax or
    ram:CategoryTradeTax."""

    el: _El
    code: str | None  # cbc:ID / ram:CategoryCode
    scheme: str | None  # UBL cac:TaxScheme/cbc:ID; CII ram:TypeCode
    rate: str | None  # cbc:Percent / ram:RateApplicablePercent (the first)
    rates: int = 0  # how many rates
    exemption_reason: str | None = None  # BT-120
    exemption_code: str | None = None  # BT-121
    code_el: _El | None = None  # the category code element (CII contexts are on it)
    all_rates: list[str] | None = None  # CII: every rate, kept once there are several
    all_codes: list[str] | None = None  # CII: every category code, once there are several

    # derived once the fields are read (`settle`)
    code_n: str = ""  # normalize-space(code)
    vat: bool = False  # the scheme as most rules test it: normalised, upper-cased, 'VAT'
    vat_strict: bool = False  # upper-case(scheme) = 'VAT', not normalised (a few rules)

    def has_code(self, code: str) -> bool:
        """[ram:CategoryCode = code]: any of the codes (a general comparison)."""
        if self.all_codes is None:
            return self.code == code
        return code in self.all_codes

    def codes(self) -> list[str]:
        """Every category code (none when absent)."""
        if self.all_codes is not None:
            return self.all_codes
        return [] if self.code is None else [self.code]

    def settle(self) -> TaxCat:
        # on the first value (the stylesheet's predicates on these are existential)
        self.code_n = norm(None if self.code is None else str(self.code))
        scheme = None if self.scheme is None else str(self.scheme)
        if scheme is not None:
            upper = scheme.upper()
            self.vat_strict = upper == "VAT"
            self.vat = self.vat_strict or norm(upper) == "VAT"
        return self


@dataclass(slots=True)
class Period:
    """BG-14 invoicing period / BG-26 line period (UBL cac:InvoicePeriod, CII
    ram:BillingSpecifiedPeriod)."""

    el: _El
    start: str | None  # BT-73 / BT-134 (UBL cbc:StartDate; CII StartDateTime/DateTimeString)
    end: str | None  # BT-74 / BT-135
    has_start: bool = False  # CII: ram:StartDateTime present (UBL: start is not None)
    has_end: bool = False
    start_102: str | None = None  # CII: the DateTimeString whose @format is 102
    end_102: str | None = None
    description_code: str | None = None  # UBL cbc:DescriptionCode (BT-8)
    # CII: every DateTimeString of format 102 of every StartDateTime / EndDateTime (BR-29/30
    # compare them as a general comparison: any pair)
    starts_102: list[str] = field(default_factory=list)
    ends_102: list[str] = field(default_factory=list)
    has_child: bool = False  # UBL: the period has any child element


@dataclass(slots=True)
class AllowanceCharge:
    """BG-20/21 (document), BG-27/28 (line) allowance or charge; UBL price allowances too.

    UBL cac:AllowanceCharge; CII ram:SpecifiedTradeAllowanceCharge."""

    el: _El
    level: Literal["doc", "line", "price"]
    indicator: str | None  # cbc:ChargeIndicator / ram:ChargeIndicator/udt:Indicator
    amounts: list[str] = field(default_factory=list)  # BT-92/99/136/141 (every occurrence)
    base: str | None = None  # BT-93/100/137/142
    reason: str | None = None  # BT-97/104/139/144
    reason_code: str | None = None  # BT-98/105/140/145
    tax: TaxCat | None = None  # the first VAT-scheme category (BT-95/96, BT-102/103)
    taxes: list[TaxCat] = field(default_factory=list)  # every category
    indicator_el: _El | None = None  # CII: ram:ChargeIndicator (its contexts are on it)
    all_indicators: list[str] | None = None  # every indicator, once repeated (UBL
    # cbc:ChargeIndicator, CII udt:Indicator of the first ram:ChargeIndicator)

    @property
    def amount(self) -> str | None:
        return self.amounts[0] if self.amounts else None


@dataclass(slots=True)
class Breakdown:
    """BG-23 VAT breakdown (UBL cac:TaxTotal/cac:TaxSubtotal, CII header
    ram:ApplicableTradeTax)."""

    el: _El
    taxable: str | None  # BT-116 (cbc:TaxableAmount / ram:BasisAmount)
    tax: str | None  # BT-117 (cbc:TaxAmount / ram:CalculatedAmount)
    category: TaxCat | None  # BT-118/119/120/121 (UBL: the first cac:TaxCategory)
    top: bool = True  # UBL: under the document's own cac:TaxTotal
    categories: list[TaxCat] = field(default_factory=list)  # UBL: every cac:TaxCategory
    # CII: every ram:BasisAmount / ram:CalculatedAmount (sum() and `=` take them all)
    taxables: list[str] = field(default_factory=list)
    tax_amounts: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Totals:
    """BG-22 (UBL cac:LegalMonetaryTotal, CII SpecifiedTradeSettlementHeaderMonetarySummation);
    every amount the raw text of its first occurrence."""

    el: _El
    line_total: str | None = None  # BT-106
    allowance_total: str | None = None  # BT-107
    charge_total: str | None = None  # BT-108
    tax_exclusive: str | None = None  # BT-109
    tax_inclusive: str | None = None  # BT-112
    prepaid: str | None = None  # BT-113
    rounding: str | None = None  # BT-114
    payable: str | None = None  # BT-115
    # CII: ram:TaxTotalAmount (BT-110/111), (text, currencyID, element) in document order
    tax_totals: list[tuple[str, str | None, _El]] = field(default_factory=list)
    allowance_totals: list[str] = field(default_factory=list)  # CII: every occurrence
    charge_totals: list[str] = field(default_factory=list)


@dataclass(slots=True)
class TaxTotal:
    """UBL cac:TaxTotal: BT-110/111 with its breakdown."""

    el: _El
    amount: str | None  # cbc:TaxAmount (first)
    currency: str | None  # its @currencyID
    amounts: list[tuple[str, str | None]] = field(default_factory=list)  # every cbc:TaxAmount
    subtotals: list[Breakdown] = field(default_factory=list)


@dataclass(slots=True)
class Party:
    """BG-4 seller, BG-7 buyer, BG-10 payee, BG-11 tax representative.

    UBL cac:Party (cac:PayeeParty, cac:TaxRepresentativeParty); CII ram:*TradeParty."""

    el: _El
    legal_name: str | None = None  # BT-27/44 (UBL PartyLegalEntity/RegistrationName; CII Name)
    names: list[str] = field(default_factory=list)  # UBL cac:PartyName/cbc:Name; CII ram:Name
    has_address: bool = False  # BG-5/8/12
    address_el: _El | None = None
    country: str | None = None  # BT-40/55/69 (first)
    ids: list[tuple[str, str | None]] = field(default_factory=list)  # BT-29/46/60 (value, scheme)
    global_ids: list[tuple[str, str | None]] = field(default_factory=list)  # CII ram:GlobalID
    legal_ids: list[str] = field(default_factory=list)  # BT-30/47/61 (CompanyID / legal org ID)
    vat_ids: list[str] = field(default_factory=list)  # BT-31/48/63 (VAT scheme; CII @schemeID VA)
    tax_ids: list[str] = field(default_factory=list)  # UBL: any PartyTaxScheme; CII: VA or FC
    endpoint: str | None = None  # BT-34/49 (UBL cbc:EndpointID; CII the first URIID)
    endpoint_scheme: str | None = None  # BT-34-1/49-1
    has_endpoint: bool = False  # UBL cbc:EndpointID / CII ram:URIUniversalCommunication present


@dataclass(slots=True)
class PaymentMeans:
    """BG-16 (UBL cac:PaymentMeans, CII ram:SpecifiedTradeSettlementPaymentMeans)."""

    el: _El
    codes: list[str] = field(default_factory=list)  # BT-81 (every occurrence)
    accounts: list[tuple[_El, str | None, str | None]] = field(default_factory=list)
    # BG-17 accounts: (element, UBL cbc:ID or CII ram:IBANID, CII ram:ProprietaryID)

    @property
    def code(self) -> str | None:
        return self.codes[0] if self.codes else None


@dataclass(slots=True)
class Line:
    """BG-25 invoice line (UBL cac:InvoiceLine / cac:CreditNoteLine, CII
    ram:IncludedSupplyChainTradeLineItem)."""

    el: _El
    id: str | None = None  # BT-126
    quantity: str | None = None  # BT-129
    unit_code: str | None = None  # BT-130
    net_amount: str | None = None  # BT-131
    # CII: per ram:SpecifiedTradeSettlementLineMonetarySummation, its ram:LineTotalAmount
    # (None: absent, values.Several: more than one); every ram:LineTotalAmount of the line
    net_amounts: list[str | None] = field(default_factory=list)
    line_totals: list[str] = field(default_factory=list)
    item_name: str | None = None  # BT-153
    prices: list[str] = field(default_factory=list)  # BT-146 (every occurrence)
    gross_prices: list[str] = field(default_factory=list)  # BT-148
    taxes: list[TaxCat] = field(default_factory=list)  # BG-30 (every category of the line)
    period: Period | None = None  # BG-26
    periods: list[Period] = field(default_factory=list)
    charges: list[AllowanceCharge] = field(default_factory=list)  # BG-27/28
    standard_schemes: list[str | None] = field(default_factory=list)  # BT-157-1 per BT-157

    def vat_tax(self) -> TaxCat | None:
        for tax in self.taxes:
            if tax.vat:
                return tax
        return None


@dataclass(slots=True)
class Doc:
    """One invoice or credit note."""

    syntax: Syntax
    el: _El
    credit_note: bool = False  # UBL CreditNote
    spec_id: str | None = None  # BT-24
    number: str | None = None  # BT-1
    issue_date: str | None = None  # BT-2 (CII: the DateTimeString of format 102)
    type_code: str | None = None  # BT-3
    currencies: list[str] = field(default_factory=list)  # BT-5 (every occurrence)
    tax_currencies: list[str] = field(default_factory=list)  # BT-6
    has_tax_point_date: bool = False  # BT-7 (CII: anywhere in the document)
    has_vat_point_code: bool = False  # BT-8 (UBL cac:InvoicePeriod/cbc:DescriptionCode; CII
    # ram:DueDateTypeCode anywhere)
    seller: Party | None = None
    buyer: Party | None = None
    payee: Party | None = None
    payees: list[Party] = field(default_factory=list)
    tax_rep: Party | None = None
    tax_reps: list[Party] = field(default_factory=list)
    periods: list[Period] = field(default_factory=list)  # BG-14 (every one the rules judge)
    totals: list[Totals] = field(default_factory=list)  # BG-22
    tax_totals: list[TaxTotal] = field(default_factory=list)  # UBL: the document's cac:TaxTotal
    all_tax_totals: list[TaxTotal] = field(default_factory=list)  # UBL: every cac:TaxTotal
    breakdowns: list[Breakdown] = field(default_factory=list)  # BG-23 (every one judged)
    charges: list[AllowanceCharge] = field(default_factory=list)  # BG-20/21
    all_charges: list[AllowanceCharge] = field(default_factory=list)  # at every level
    lines: list[Line] = field(default_factory=list)
    payment_means: list[PaymentMeans] = field(default_factory=list)
    cards: list[tuple[_El, str | None]] = field(default_factory=list)  # BT-87 (context, number)
    additional_refs: list[tuple[_El, str | None]] = field(default_factory=list)  # BT-122
    preceding: list[tuple[_El, bool, str | None]] = field(default_factory=list)
    # BG-3: (context, UBL InvoiceDocumentReference/ID present, CII IssuerAssignedID)
    item_attributes: list[tuple[_El, bool, bool]] = field(default_factory=list)  # BG-32
    classifications: list[tuple[_El, bool, str | None]] = field(default_factory=list)
    # BT-158: (context, CII ClassCode present, its @listID)
    vat_id_els: list[tuple[_El, str]] = field(default_factory=list)  # BR-CO-09: every VAT id
    # delivery (BG-13, BG-15)
    has_delivery: bool = False
    delivery_dates: list[str] = field(default_factory=list)  # BT-72
    delivery_addresses: list[tuple[_El, str | None]] = field(default_factory=list)
    # (UBL DeliveryLocation/Address or CII ShipToTradeParty/PostalTradeAddress, its country)
    delivery_el: _El | None = None  # CII ram:ApplicableHeaderTradeDelivery
    memo: dict[str, object] = field(default_factory=dict)  # what rules compute once

    def vat_categories(self) -> list[TaxCat]:
        """Every VAT category of lines and allowances/charges (not of the breakdown)."""
        found = [tax for line in self.lines for tax in line.taxes]
        found += [tax for ac in self.all_charges for tax in ac.taxes]
        return found
