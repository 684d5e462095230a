"""UBL 2.1 Invoice / CreditNote -> the rule view (`view.Doc`), in one pass over the tree.

The binding is CEN/TS 16931-3-2's, read the way the CEN UBL stylesheet reads it: each
element is visited once, by its parent's loop, and dispatched on its tag.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

from lxml import etree

from choeur.einvoice.readers._common import CAC, CBC, UBL_CREDITNOTE
from choeur.einvoice.validation.native.tree import children
from choeur.einvoice.validation.native.values import Several, norm
from choeur.einvoice.validation.native.view import (
    AllowanceCharge,
    Breakdown,
    Doc,
    Line,
    Party,
    PaymentMeans,
    Period,
    TaxCat,
    TaxTotal,
    Totals,
)

_El = etree._Element


def _c(name: str) -> str:
    return f"{{{CBC}}}{name}"


def _a(name: str) -> str:
    return f"{{{CAC}}}{name}"


# Clark names, computed once.
ID = _c("ID")
NAME = _c("Name")
PERCENT = _c("Percent")
AMOUNT = _c("Amount")
TAX_AMOUNT = _c("TaxAmount")
TAX_SCHEME = _a("TaxScheme")
TAX_CATEGORY = _a("TaxCategory")
COUNTRY = _a("Country")
IDENTIFICATION_CODE = _c("IdentificationCode")
COMPANY_ID = _c("CompanyID")
ALLOWANCE_CHARGE = _a("AllowanceCharge")
INVOICE_PERIOD = _a("InvoicePeriod")
TAX_TOTAL = _a("TaxTotal")


def text(el: _El) -> str:
    """The string value of an element (all its descendant text)."""
    if len(el):
        return "".join(cast("Iterator[str]", el.itertext()))
    return el.text or ""


def one(current: str | None, el: _El) -> str:
    """A term kept once: its first occurrence, marked when there are more (the stylesheet
    cannot take several values where it expects one: values.Several)."""
    return text(el) if current is None else Several(current)


def _first_text(el: _El, tag: str) -> str | None:
    for child in el.iterchildren(tag):
        return text(child)
    return None


class _Builder:
    """One document's walk; `doc` is filled as the children are met."""

    def __init__(self, root: _El) -> None:
        self.doc = Doc(
            syntax="ubl",
            el=root,
            credit_note=etree.QName(root).namespace == UBL_CREDITNOTE,
        )

    # --- shared groups ---------------------------------------------------------------------

    def tax_category(self, el: _El) -> TaxCat:
        code = scheme = rate = reason = reason_code = None
        rates = 0
        code_el = None
        for child in children(el):
            tag = child.tag
            if tag == ID:
                if code is None:
                    code_el = child
                code = one(code, child)
            elif tag == PERCENT:
                rates += 1
                rate = one(rate, child)
            elif tag == TAX_SCHEME:
                if scheme is None:
                    scheme = _first_text(child, ID)
            elif tag == _TAX_EXEMPTION_REASON:
                reason = one(reason, child)
            elif tag == _TAX_EXEMPTION_REASON_CODE:
                reason_code = one(reason_code, child)
        return TaxCat(
            el=el,
            code=code,
            scheme=scheme,
            rate=rate,
            rates=rates,
            exemption_reason=reason,
            exemption_code=reason_code,
            code_el=code_el,
        ).settle()

    def period(self, el: _El) -> Period:
        period = Period(el=el, start=None, end=None)
        for child in children(el):
            tag = child.tag
            if not isinstance(tag, str):
                continue
            period.has_child = True
            if tag == _START_DATE:
                period.start = one(period.start, child)
            elif tag == _END_DATE:
                period.end = one(period.end, child)
            elif tag == _DESCRIPTION_CODE:
                period.description_code = one(period.description_code, child)
        period.has_start = period.start is not None
        period.has_end = period.end is not None
        return period

    def allowance_charge(self, el: _El, level: str) -> AllowanceCharge:
        ac = AllowanceCharge(el=el, level=level, indicator=None)  # type: ignore[arg-type]
        for child in children(el):
            tag = child.tag
            if tag == _CHARGE_INDICATOR:
                if ac.indicator is not None:
                    if ac.all_indicators is None:
                        ac.all_indicators = [str(ac.indicator)]
                    ac.all_indicators.append(text(child))
                ac.indicator = one(ac.indicator, child)
            elif tag == AMOUNT:
                ac.amounts.append(text(child))
            elif tag == _BASE_AMOUNT:
                ac.base = one(ac.base, child)
            elif tag == _REASON:
                ac.reason = one(ac.reason, child)
            elif tag == _REASON_CODE:
                ac.reason_code = one(ac.reason_code, child)
            elif tag == TAX_CATEGORY:
                tax = self.tax_category(child)
                ac.taxes.append(tax)
                if ac.tax is None and tax.vat:
                    ac.tax = tax
        self.doc.all_charges.append(ac)
        return ac

    def address_country(self, el: _El) -> str | None:
        for child in el.iterchildren(COUNTRY):
            for code in child.iterchildren(IDENTIFICATION_CODE):
                return text(code)
        return None

    def party(self, el: _El) -> Party:
        party = Party(el=el)
        for child in children(el):
            tag = child.tag
            if tag == _ENDPOINT_ID:
                if not party.has_endpoint:
                    party.has_endpoint = True
                    party.endpoint = text(child)
                    party.endpoint_scheme = child.get("schemeID")
            elif tag == _PARTY_IDENTIFICATION:
                for ident in child.iterchildren(ID):
                    party.ids.append((text(ident), ident.get("schemeID")))
            elif tag == _PARTY_NAME:
                for name in child.iterchildren(NAME):
                    party.names.append(text(name))
            elif tag == _POSTAL_ADDRESS:
                if not party.has_address:
                    party.has_address = True
                    party.address_el = child
                    party.country = self.address_country(child)
            elif tag == _PARTY_TAX_SCHEME:
                company = _first_text(child, COMPANY_ID)
                scheme = None
                for tax_scheme in child.iterchildren(TAX_SCHEME):
                    scheme = _first_text(tax_scheme, ID)
                    break
                vat = scheme is not None and norm(scheme.upper()) == "VAT"
                for company_el in child.iterchildren(COMPANY_ID):
                    value = text(company_el)
                    party.tax_ids.append(value)
                    if vat:
                        party.vat_ids.append(value)
                if vat:
                    self.doc.vat_id_els.append((child, company or ""))
            elif tag == _PARTY_LEGAL_ENTITY:
                for sub in children(child):
                    if sub.tag == _REGISTRATION_NAME:
                        party.legal_name = one(party.legal_name, sub)
                    elif sub.tag == COMPANY_ID:
                        party.legal_ids.append(text(sub))
        return party

    # --- document groups -------------------------------------------------------------------

    def tax_total(self, el: _El, top: bool) -> TaxTotal:
        total = TaxTotal(el=el, amount=None, currency=None)
        for child in children(el):
            tag = child.tag
            if tag == TAX_AMOUNT:
                value = text(child)
                total.amounts.append((value, child.get("currencyID")))
                if total.amount is None:
                    total.amount, total.currency = value, child.get("currencyID")
            elif tag == _TAX_SUBTOTAL:
                breakdown = Breakdown(el=child, taxable=None, tax=None, category=None, top=top)
                for sub in children(child):
                    sub_tag = sub.tag
                    if sub_tag == _TAXABLE_AMOUNT:
                        breakdown.taxable = one(breakdown.taxable, sub)
                    elif sub_tag == TAX_AMOUNT:
                        breakdown.tax = one(breakdown.tax, sub)
                    elif sub_tag == TAX_CATEGORY:
                        category = self.tax_category(sub)
                        breakdown.categories.append(category)
                        if breakdown.category is None:
                            breakdown.category = category
                total.subtotals.append(breakdown)
                self.doc.breakdowns.append(breakdown)
        self.doc.all_tax_totals.append(total)
        return total

    def totals(self, el: _El) -> Totals:
        totals = Totals(el=el)
        for child in children(el):
            attribute = _TOTALS.get(child.tag)
            if attribute is not None and getattr(totals, attribute) is None:
                setattr(totals, attribute, text(child))
        return totals

    def delivery(self, el: _El) -> None:
        doc = self.doc
        doc.has_delivery = True
        for child in children(el):
            tag = child.tag
            if tag == _ACTUAL_DELIVERY_DATE:
                doc.delivery_dates.append(text(child))
            elif tag == _DELIVERY_LOCATION:
                for address in child.iterchildren(_ADDRESS):
                    country = None
                    for country_el in address.iterchildren(COUNTRY):
                        for code in country_el.iterchildren(IDENTIFICATION_CODE):
                            country = one(country, code)
                    doc.delivery_addresses.append((address, country))

    def payment_means(self, el: _El) -> None:
        means = PaymentMeans(el=el)
        for child in children(el):
            tag = child.tag
            if tag == _PAYMENT_MEANS_CODE:
                means.codes.append(text(child))
            elif tag == _PAYEE_FINANCIAL_ACCOUNT:
                means.accounts.append((child, _first_text(child, ID), None))
            elif tag == _CARD_ACCOUNT:
                for number in child.iterchildren(_PRIMARY_ACCOUNT_NUMBER_ID):
                    self.doc.cards.append((number, text(number)))
        self.doc.payment_means.append(means)

    def line(self, el: _El) -> Line:
        line = Line(el=el)
        doc = self.doc
        for child in children(el):
            tag = child.tag
            if tag == ID:
                line.id = one(line.id, child)
            elif tag in (_INVOICED_QUANTITY, _CREDITED_QUANTITY):
                line.quantity = one(line.quantity, child)
                if line.unit_code is None:
                    line.unit_code = child.get("unitCode")
            elif tag == _LINE_EXTENSION_AMOUNT:
                line.net_amount = one(line.net_amount, child)
            elif tag == INVOICE_PERIOD:
                period = self.period(child)
                line.periods.append(period)
                if line.period is None:
                    line.period = period
            elif tag == ALLOWANCE_CHARGE:
                line.charges.append(self.allowance_charge(child, "line"))
            elif tag == _ITEM:
                self.item(child, line)
            elif tag == _PRICE:
                for sub in children(child):
                    if sub.tag == _PRICE_AMOUNT:
                        line.prices.append(text(sub))
                    elif sub.tag == ALLOWANCE_CHARGE:
                        ac = self.allowance_charge(sub, "price")
                        if ac.base is not None:
                            line.gross_prices.append(ac.base)
            elif tag == TAX_TOTAL:
                self.tax_total(child, top=False)
        doc.lines.append(line)
        return line

    def item(self, el: _El, line: Line) -> None:
        doc = self.doc
        for child in children(el):
            tag = child.tag
            if tag == NAME:
                line.item_name = one(line.item_name, child)
            elif tag == _CLASSIFIED_TAX_CATEGORY:
                line.taxes.append(self.tax_category(child))
            elif tag == _STANDARD_ITEM_IDENTIFICATION:
                for ident in child.iterchildren(ID):
                    line.standard_schemes.append(ident.get("schemeID"))
            elif tag == _COMMODITY_CLASSIFICATION:
                for code in child.iterchildren(_ITEM_CLASSIFICATION_CODE):
                    doc.classifications.append((code, True, code.get("listID")))
            elif tag == _ADDITIONAL_ITEM_PROPERTY:
                has_name = has_value = False
                for sub in children(child):
                    if sub.tag == NAME:
                        has_name = True
                    elif sub.tag == _VALUE:
                        has_value = True
                doc.item_attributes.append((child, has_name, has_value))

    def root(self, root: _El) -> Doc:
        doc = self.doc
        for child in children(root):
            tag = child.tag
            handler = _ROOT.get(tag)
            if handler is not None:
                handler(self, child)
        return doc

    # --- root children ---------------------------------------------------------------------

    def _customization(self, el: _El) -> None:
        self.doc.spec_id = one(self.doc.spec_id, el)

    def _number(self, el: _El) -> None:
        self.doc.number = one(self.doc.number, el)

    def _issue_date(self, el: _El) -> None:
        self.doc.issue_date = one(self.doc.issue_date, el)

    def _type_code(self, el: _El) -> None:
        self.doc.type_code = one(self.doc.type_code, el)

    def _currency(self, el: _El) -> None:
        self.doc.currencies.append(text(el))

    def _tax_currency(self, el: _El) -> None:
        self.doc.tax_currencies.append(text(el))

    def _tax_point(self, el: _El) -> None:
        self.doc.has_tax_point_date = True

    def _invoice_period(self, el: _El) -> None:
        period = self.period(el)
        if period.description_code is not None:
            self.doc.has_vat_point_code = True
        self.doc.periods.append(period)

    def _billing_reference(self, el: _El) -> None:
        has_id = any(
            True
            for ref in el.iterchildren(_INVOICE_DOCUMENT_REFERENCE)
            for _ in ref.iterchildren(ID)
        )
        self.doc.preceding.append((el, has_id, None))

    def _additional_reference(self, el: _El) -> None:
        self.doc.additional_refs.append((el, _first_text(el, ID)))

    def _role_party(self, el: _El) -> Party:
        """cac:AccountingSupplierParty / cac:AccountingCustomerParty (its cac:Party inside,
        or an empty party: the role element is there, its rules apply)."""
        found = None
        for party in el.iterchildren(_PARTY):
            found = self.party(party)
            break
        if found is None:
            found = Party(el=el)
        found.el = el
        return found

    def _supplier(self, el: _El) -> None:
        if self.doc.seller is None:
            self.doc.seller = self._role_party(el)

    def _customer(self, el: _El) -> None:
        if self.doc.buyer is None:
            self.doc.buyer = self._role_party(el)

    def _payee(self, el: _El) -> None:
        party = self.party(el)
        self.doc.payees.append(party)
        if self.doc.payee is None:
            self.doc.payee = party

    def _tax_representative(self, el: _El) -> None:
        party = self.party(el)
        self.doc.tax_reps.append(party)
        if self.doc.tax_rep is None:
            self.doc.tax_rep = party

    def _delivery(self, el: _El) -> None:
        self.delivery(el)

    def _payment_means(self, el: _El) -> None:
        self.payment_means(el)

    def _allowance_charge(self, el: _El) -> None:
        self.doc.charges.append(self.allowance_charge(el, "doc"))

    def _tax_total(self, el: _El) -> None:
        self.doc.tax_totals.append(self.tax_total(el, top=True))

    def _totals(self, el: _El) -> None:
        self.doc.totals.append(self.totals(el))

    def _line(self, el: _El) -> None:
        self.line(el)


_TAX_EXEMPTION_REASON = _c("TaxExemptionReason")
_TAX_EXEMPTION_REASON_CODE = _c("TaxExemptionReasonCode")
_START_DATE = _c("StartDate")
_END_DATE = _c("EndDate")
_DESCRIPTION_CODE = _c("DescriptionCode")
_CHARGE_INDICATOR = _c("ChargeIndicator")
_BASE_AMOUNT = _c("BaseAmount")
_REASON = _c("AllowanceChargeReason")
_REASON_CODE = _c("AllowanceChargeReasonCode")
_ENDPOINT_ID = _c("EndpointID")
_PARTY_IDENTIFICATION = _a("PartyIdentification")
_PARTY_NAME = _a("PartyName")
_POSTAL_ADDRESS = _a("PostalAddress")
_PARTY_TAX_SCHEME = _a("PartyTaxScheme")
_PARTY_LEGAL_ENTITY = _a("PartyLegalEntity")
_REGISTRATION_NAME = _c("RegistrationName")
_TAX_SUBTOTAL = _a("TaxSubtotal")
_TAXABLE_AMOUNT = _c("TaxableAmount")
_ACTUAL_DELIVERY_DATE = _c("ActualDeliveryDate")
_DELIVERY_LOCATION = _a("DeliveryLocation")
_ADDRESS = _a("Address")
_PAYMENT_MEANS_CODE = _c("PaymentMeansCode")
_PAYEE_FINANCIAL_ACCOUNT = _a("PayeeFinancialAccount")
_CARD_ACCOUNT = _a("CardAccount")
_PRIMARY_ACCOUNT_NUMBER_ID = _c("PrimaryAccountNumberID")
_INVOICED_QUANTITY = _c("InvoicedQuantity")
_CREDITED_QUANTITY = _c("CreditedQuantity")
_LINE_EXTENSION_AMOUNT = _c("LineExtensionAmount")
_ITEM = _a("Item")
_PRICE = _a("Price")
_PRICE_AMOUNT = _c("PriceAmount")
_CLASSIFIED_TAX_CATEGORY = _a("ClassifiedTaxCategory")
_STANDARD_ITEM_IDENTIFICATION = _a("StandardItemIdentification")
_COMMODITY_CLASSIFICATION = _a("CommodityClassification")
_ITEM_CLASSIFICATION_CODE = _c("ItemClassificationCode")
_ADDITIONAL_ITEM_PROPERTY = _a("AdditionalItemProperty")
_VALUE = _c("Value")
_INVOICE_DOCUMENT_REFERENCE = _a("InvoiceDocumentReference")
_PARTY = _a("Party")

_TOTALS = {
    _LINE_EXTENSION_AMOUNT: "line_total",
    _c("AllowanceTotalAmount"): "allowance_total",
    _c("ChargeTotalAmount"): "charge_total",
    _c("TaxExclusiveAmount"): "tax_exclusive",
    _c("TaxInclusiveAmount"): "tax_inclusive",
    _c("PrepaidAmount"): "prepaid",
    _c("PayableRoundingAmount"): "rounding",
    _c("PayableAmount"): "payable",
}

_ROOT = {
    _c("CustomizationID"): _Builder._customization,
    ID: _Builder._number,
    _c("IssueDate"): _Builder._issue_date,
    _c("InvoiceTypeCode"): _Builder._type_code,
    _c("CreditNoteTypeCode"): _Builder._type_code,
    _c("DocumentCurrencyCode"): _Builder._currency,
    _c("TaxCurrencyCode"): _Builder._tax_currency,
    _c("TaxPointDate"): _Builder._tax_point,
    INVOICE_PERIOD: _Builder._invoice_period,
    _a("BillingReference"): _Builder._billing_reference,
    _a("AdditionalDocumentReference"): _Builder._additional_reference,
    _a("AccountingSupplierParty"): _Builder._supplier,
    _a("AccountingCustomerParty"): _Builder._customer,
    _a("PayeeParty"): _Builder._payee,
    _a("TaxRepresentativeParty"): _Builder._tax_representative,
    _a("Delivery"): _Builder._delivery,
    _a("PaymentMeans"): _Builder._payment_means,
    ALLOWANCE_CHARGE: _Builder._allowance_charge,
    TAX_TOTAL: _Builder._tax_total,
    _a("LegalMonetaryTotal"): _Builder._totals,
    _a("InvoiceLine"): _Builder._line,
    _a("CreditNoteLine"): _Builder._line,
}


def build(root: _El) -> Doc:
    """The rule view of a UBL Invoice or CreditNote."""
    return _Builder(root).root(root)
