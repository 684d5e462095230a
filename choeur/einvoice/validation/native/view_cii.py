"""UN/CEFACT CII (CrossIndustryInvoice D16B, the XML of Factur-X) -> the rule view
(`view.Doc`), in one pass over the tree.

The binding is CEN/TS 16931-3-3's, read the way the CEN CII stylesheet reads it.
"""

from __future__ import annotations

from lxml import etree

from choeur.einvoice.readers._common import RAM, RSM, UDT
from choeur.einvoice.validation.native.tree import children
from choeur.einvoice.validation.native.values import Several
from choeur.einvoice.validation.native.view import (
    AllowanceCharge,
    Breakdown,
    Doc,
    Line,
    Party,
    PaymentMeans,
    Period,
    TaxCat,
    Totals,
)
from choeur.einvoice.validation.native.view_ubl import one, text

_El = etree._Element


def _r(name: str) -> str:
    return f"{{{RAM}}}{name}"


def _m(name: str) -> str:
    return f"{{{RSM}}}{name}"


ID = _r("ID")
NAME = _r("Name")
TYPE_CODE = _r("TypeCode")
CATEGORY_CODE = _r("CategoryCode")
RATE = _r("RateApplicablePercent")
DATE_TIME_STRING = f"{{{UDT}}}DateTimeString"
INDICATOR = f"{{{UDT}}}Indicator"
COUNTRY_ID = _r("CountryID")
CHARGE_AMOUNT = _r("ChargeAmount")
ISSUER_ASSIGNED_ID = _r("IssuerAssignedID")


def _first_text(el: _El, tag: str) -> str | None:
    """The child's value, marked when the child occurs more than once (values.Several)."""
    found: str | None = None
    for child in el.iterchildren(tag):
        found = one(found, child)
    return found


def _several(values: list[str]) -> str | None:
    """The first of the values, marked when there are more (values.Several)."""
    if not values:
        return None
    return values[0] if len(values) == 1 else Several(values[0])


class _Builder:
    def __init__(self, root: _El) -> None:
        self.doc = Doc(syntax="cii", el=root)

    # --- shared groups ---------------------------------------------------------------------

    def tax(self, el: _El) -> TaxCat:
        """ram:ApplicableTradeTax or ram:CategoryTradeTax."""
        tax = TaxCat(el=el, code=None, scheme=None, rate=None)
        doc = self.doc
        for child in children(el):
            tag = child.tag
            if tag == CATEGORY_CODE:
                if tax.code is None:
                    tax.code_el = child
                else:
                    if tax.all_codes is None:
                        tax.all_codes = [str(tax.code)]
                    tax.all_codes.append(text(child))
                tax.code = one(tax.code, child)
            elif tag == TYPE_CODE:
                tax.scheme = one(tax.scheme, child)
            elif tag == RATE:
                tax.rates += 1
                if tax.rate is not None:
                    if tax.all_rates is None:
                        tax.all_rates = [str(tax.rate)]
                    tax.all_rates.append(text(child))
                tax.rate = one(tax.rate, child)
            elif tag == _EXEMPTION_REASON:
                tax.exemption_reason = one(tax.exemption_reason, child)
            elif tag == _EXEMPTION_REASON_CODE:
                tax.exemption_code = one(tax.exemption_code, child)
            elif tag == _TAX_POINT_DATE:
                doc.has_tax_point_date = True
            elif tag == _DUE_DATE_TYPE_CODE:
                doc.has_vat_point_code = True
        return tax.settle()

    def period(self, el: _El) -> Period:
        period = Period(el=el, start=None, end=None)
        for child in children(el):
            tag = child.tag
            if tag in (_START_DATE_TIME, _END_DATE_TIME):
                start = tag == _START_DATE_TIME
                any_value = value_102 = None
                every_102 = period.starts_102 if start else period.ends_102
                for dts in child.iterchildren(DATE_TIME_STRING):
                    value = text(dts)
                    if any_value is None:
                        any_value = value
                    if dts.get("format") == "102":
                        every_102.append(value)
                        if value_102 is None:
                            value_102 = value
                if start and not period.has_start:
                    period.has_start, period.start, period.start_102 = True, any_value, value_102
                elif not start and not period.has_end:
                    period.has_end, period.end, period.end_102 = True, any_value, value_102
        return period

    def allowance_charge(self, el: _El, level: str) -> AllowanceCharge:
        ac = AllowanceCharge(el=el, level=level, indicator=None)  # type: ignore[arg-type]
        for child in children(el):
            tag = child.tag
            if tag == _CHARGE_INDICATOR:
                if ac.indicator_el is None:
                    ac.indicator_el = child
                    ac.indicator = _first_text(child, INDICATOR)
                    if type(ac.indicator) is Several:  # [udt:Indicator = true()]: any of them
                        ac.all_indicators = [text(i) for i in child.iterchildren(INDICATOR)]
            elif tag == _ACTUAL_AMOUNT:
                ac.amounts.append(text(child))
            elif tag == _BASIS_AMOUNT:
                ac.base = one(ac.base, child)
            elif tag == _REASON:
                ac.reason = one(ac.reason, child)
            elif tag == _REASON_CODE:
                ac.reason_code = one(ac.reason_code, child)
            elif tag == _CATEGORY_TRADE_TAX:
                tax = self.tax(child)
                ac.taxes.append(tax)
                if ac.tax is None and tax.vat:
                    ac.tax = tax
        self.doc.all_charges.append(ac)
        return ac

    def party(self, el: _El) -> Party:
        party = Party(el=el)
        doc = self.doc
        for child in children(el):
            tag = child.tag
            if tag == ID:
                party.ids.append((text(child), child.get("schemeID")))
            elif tag == _GLOBAL_ID:
                party.global_ids.append((text(child), child.get("schemeID")))
            elif tag == NAME:
                party.names.append(text(child))
                party.legal_name = one(party.legal_name, child)
            elif tag == _SPECIFIED_LEGAL_ORGANIZATION:
                for ident in child.iterchildren(ID):
                    party.legal_ids.append(text(ident))
            elif tag == _POSTAL_TRADE_ADDRESS:
                if not party.has_address:
                    party.has_address = True
                    party.address_el = child
                    party.country = _first_text(child, COUNTRY_ID)
                else:  # normalize-space(.../ram:PostalTradeAddress/ram:CountryID) of two
                    party.country = one(party.country, child)
            elif tag == _URI_UNIVERSAL_COMMUNICATION:
                if not party.has_endpoint:
                    party.has_endpoint = True
                    for uri in child.iterchildren(_URIID):
                        party.endpoint = text(uri)
                        party.endpoint_scheme = uri.get("schemeID")
                        break
            elif tag == _SPECIFIED_TAX_REGISTRATION:
                for ident in child.iterchildren(ID):
                    scheme = ident.get("schemeID")
                    if scheme == "VA":
                        value = text(ident)
                        party.vat_ids.append(value)
                        party.tax_ids.append(value)
                        doc.vat_id_els.append((ident, value))
                    elif scheme == "FC":
                        party.tax_ids.append(text(ident))
        return party

    def additional_reference(self, el: _El) -> None:
        self.doc.additional_refs.append((el, _first_text(el, ISSUER_ASSIGNED_ID)))

    # --- the header ------------------------------------------------------------------------

    def agreement(self, el: _El) -> None:
        doc = self.doc
        for child in children(el):
            tag = child.tag
            if tag == _SELLER:
                if doc.seller is None:
                    doc.seller = self.party(child)
            elif tag == _BUYER:
                if doc.buyer is None:
                    doc.buyer = self.party(child)
            elif tag == _TAX_REPRESENTATIVE:
                rep = self.party(child)
                doc.tax_reps.append(rep)
                if doc.tax_rep is None:
                    doc.tax_rep = rep
            elif tag == _ADDITIONAL_REFERENCED_DOCUMENT:
                self.additional_reference(child)

    def delivery(self, el: _El) -> None:
        doc = self.doc
        doc.has_delivery = True
        doc.delivery_el = el
        for child in children(el):
            tag = child.tag
            if tag == _SHIP_TO:
                for address in child.iterchildren(_POSTAL_TRADE_ADDRESS):
                    doc.delivery_addresses.append((el, _first_text(address, COUNTRY_ID)))
            elif tag == _ACTUAL_DELIVERY_EVENT:
                for occurrence in child.iterchildren(_OCCURRENCE_DATE_TIME):
                    for dts in occurrence.iterchildren(DATE_TIME_STRING):
                        doc.delivery_dates.append(text(dts))

    def settlement(self, el: _El) -> None:
        doc = self.doc
        for child in children(el):
            tag = child.tag
            if tag == _INVOICE_CURRENCY_CODE:
                doc.currencies.append(text(child))
            elif tag == _TAX_CURRENCY_CODE:
                doc.tax_currencies.append(text(child))
            elif tag == _PAYEE:
                payee = self.party(child)
                doc.payees.append(payee)
                if doc.payee is None:
                    doc.payee = payee
            elif tag == _PAYMENT_MEANS:
                self.payment_means(child)
            elif tag == _APPLICABLE_TRADE_TAX:
                tax = self.tax(child)
                taxables = [text(a) for a in child.iterchildren(_BASIS_AMOUNT)]
                amounts = [text(a) for a in child.iterchildren(_CALCULATED_AMOUNT)]
                breakdown = Breakdown(
                    el=child,
                    taxable=_several(taxables),
                    tax=_several(amounts),
                    category=tax,
                    categories=[tax],
                    taxables=taxables,
                    tax_amounts=amounts,
                )
                doc.breakdowns.append(breakdown)
            elif tag == _BILLING_PERIOD:
                doc.periods.append(self.period(child))
            elif tag == _ALLOWANCE_CHARGE:
                doc.charges.append(self.allowance_charge(child, "doc"))
            elif tag == _SUMMATION:
                doc.totals.append(self.totals(child))
            elif tag == _INVOICE_REFERENCED_DOCUMENT:
                doc.preceding.append((child, False, _first_text(child, ISSUER_ASSIGNED_ID)))

    def payment_means(self, el: _El) -> None:
        means = PaymentMeans(el=el)
        for child in children(el):
            tag = child.tag
            if tag == TYPE_CODE:
                means.codes.append(text(child))
            elif tag == _CREDITOR_ACCOUNT:
                means.accounts.append(
                    (child, _first_text(child, _IBANID), _first_text(child, _PROPRIETARY_ID))
                )
            elif tag == _FINANCIAL_CARD:
                self.doc.cards.append((child, _first_text(child, ID)))
        self.doc.payment_means.append(means)

    def totals(self, el: _El) -> Totals:
        totals = Totals(el=el)
        for child in children(el):
            tag = child.tag
            if tag == _TAX_TOTAL_AMOUNT:
                totals.tax_totals.append((text(child), child.get("currencyID"), child))
                continue
            attribute = _TOTALS.get(tag)
            if attribute is None:
                continue
            value = text(child)
            if attribute == "allowance_total":
                totals.allowance_totals.append(value)
            elif attribute == "charge_total":
                totals.charge_totals.append(value)
            setattr(totals, attribute, one(getattr(totals, attribute), child))
        return totals

    # --- lines -----------------------------------------------------------------------------

    def line(self, el: _El) -> None:
        line = Line(el=el)
        doc = self.doc
        for child in children(el):
            tag = child.tag
            if tag == _LINE_DOCUMENT:
                line.id = _first_text(child, _LINE_ID) if line.id is None else Several(line.id)
            elif tag == _PRODUCT:
                self.product(child, line)
            elif tag == _LINE_AGREEMENT:
                for sub in children(child):
                    sub_tag = sub.tag
                    if sub_tag == _NET_PRICE:
                        line.prices.extend(text(a) for a in sub.iterchildren(CHARGE_AMOUNT))
                    elif sub_tag == _GROSS_PRICE:
                        line.gross_prices.extend(text(a) for a in sub.iterchildren(CHARGE_AMOUNT))
                        for ac in sub.iterchildren(_APPLIED_ALLOWANCE_CHARGE):
                            self.allowance_charge(ac, "price")
                    elif sub_tag == _ADDITIONAL_REFERENCED_DOCUMENT:
                        self.additional_reference(sub)
            elif tag == _LINE_DELIVERY:
                for quantity in child.iterchildren(_BILLED_QUANTITY):
                    if line.quantity is None:
                        line.unit_code = quantity.get("unitCode")
                    line.quantity = one(line.quantity, quantity)
            elif tag == _LINE_SETTLEMENT:
                for sub in children(child):
                    sub_tag = sub.tag
                    if sub_tag == _APPLICABLE_TRADE_TAX:
                        line.taxes.append(self.tax(sub))
                    elif sub_tag == _BILLING_PERIOD:
                        period = self.period(sub)
                        line.periods.append(period)
                        if line.period is None:
                            line.period = period
                    elif sub_tag == _ALLOWANCE_CHARGE:
                        line.charges.append(self.allowance_charge(sub, "line"))
                    elif sub_tag == _LINE_SUMMATION:
                        totals = [text(a) for a in sub.iterchildren(_LINE_TOTAL_AMOUNT)]
                        amount = _several(totals)
                        line.net_amounts.append(amount)
                        line.line_totals.extend(totals)
                        line.net_amount = (
                            amount if line.net_amount is None else Several(line.net_amount)
                        )
                    elif sub_tag == _ADDITIONAL_REFERENCED_DOCUMENT:
                        self.additional_reference(sub)
        doc.lines.append(line)

    def product(self, el: _El, line: Line) -> None:
        doc = self.doc
        for child in children(el):
            tag = child.tag
            if tag == NAME:
                line.item_name = one(line.item_name, child)
            elif tag == _GLOBAL_ID:
                line.standard_schemes.append(child.get("schemeID"))
            elif tag == _CLASSIFICATION:
                has_code = False
                list_id = None
                for code in child.iterchildren(_CLASS_CODE):
                    has_code = True
                    list_id = code.get("listID")
                    break
                doc.classifications.append((child, has_code, list_id))
            elif tag == _CHARACTERISTIC:
                has_name = has_value = False
                for sub in children(child):
                    if sub.tag == _DESCRIPTION:
                        has_name = True
                    elif sub.tag == _VALUE:
                        has_value = True
                doc.item_attributes.append((child, has_name, has_value))

    # --- the root ------------------------------------------------------------------------------

    def root(self, root: _El) -> Doc:
        doc = self.doc
        for child in children(root):
            tag = child.tag
            if tag == _CONTEXT:
                for guideline in child.iterchildren(_GUIDELINE):
                    value = _first_text(guideline, ID)
                    doc.spec_id = value if doc.spec_id is None else Several(doc.spec_id)
            elif tag == _DOCUMENT:
                for sub in children(child):
                    sub_tag = sub.tag
                    if sub_tag == ID:
                        doc.number = one(doc.number, sub)
                    elif sub_tag == TYPE_CODE:
                        doc.type_code = one(doc.type_code, sub)
                    elif sub_tag == _ISSUE_DATE_TIME:
                        for dts in sub.iterchildren(DATE_TIME_STRING):
                            if dts.get("format") == "102":
                                doc.issue_date = one(doc.issue_date, dts)
            elif tag == _TRANSACTION:
                for sub in children(child):
                    sub_tag = sub.tag
                    if sub_tag == _LINE_ITEM:
                        self.line(sub)
                    elif sub_tag == _AGREEMENT:
                        self.agreement(sub)
                    elif sub_tag == _DELIVERY:
                        self.delivery(sub)
                    elif sub_tag == _SETTLEMENT:
                        self.settlement(sub)
        return doc


_CONTEXT = _m("ExchangedDocumentContext")
_GUIDELINE = _r("GuidelineSpecifiedDocumentContextParameter")
_DOCUMENT = _m("ExchangedDocument")
_ISSUE_DATE_TIME = _r("IssueDateTime")
_TRANSACTION = _m("SupplyChainTradeTransaction")
_LINE_ITEM = _r("IncludedSupplyChainTradeLineItem")
_AGREEMENT = _r("ApplicableHeaderTradeAgreement")
_DELIVERY = _r("ApplicableHeaderTradeDelivery")
_SETTLEMENT = _r("ApplicableHeaderTradeSettlement")
_SELLER = _r("SellerTradeParty")
_BUYER = _r("BuyerTradeParty")
_TAX_REPRESENTATIVE = _r("SellerTaxRepresentativeTradeParty")
_PAYEE = _r("PayeeTradeParty")
_ADDITIONAL_REFERENCED_DOCUMENT = _r("AdditionalReferencedDocument")
_SHIP_TO = _r("ShipToTradeParty")
_ACTUAL_DELIVERY_EVENT = _r("ActualDeliverySupplyChainEvent")
_OCCURRENCE_DATE_TIME = _r("OccurrenceDateTime")
_INVOICE_CURRENCY_CODE = _r("InvoiceCurrencyCode")
_TAX_CURRENCY_CODE = _r("TaxCurrencyCode")
_PAYMENT_MEANS = _r("SpecifiedTradeSettlementPaymentMeans")
_CREDITOR_ACCOUNT = _r("PayeePartyCreditorFinancialAccount")
_IBANID = _r("IBANID")
_PROPRIETARY_ID = _r("ProprietaryID")
_FINANCIAL_CARD = _r("ApplicableTradeSettlementFinancialCard")
_APPLICABLE_TRADE_TAX = _r("ApplicableTradeTax")
_CATEGORY_TRADE_TAX = _r("CategoryTradeTax")
_BASIS_AMOUNT = _r("BasisAmount")
_CALCULATED_AMOUNT = _r("CalculatedAmount")
_EXEMPTION_REASON = _r("ExemptionReason")
_EXEMPTION_REASON_CODE = _r("ExemptionReasonCode")
_TAX_POINT_DATE = _r("TaxPointDate")
_DUE_DATE_TYPE_CODE = _r("DueDateTypeCode")
_BILLING_PERIOD = _r("BillingSpecifiedPeriod")
_START_DATE_TIME = _r("StartDateTime")
_END_DATE_TIME = _r("EndDateTime")
_ALLOWANCE_CHARGE = _r("SpecifiedTradeAllowanceCharge")
_APPLIED_ALLOWANCE_CHARGE = _r("AppliedTradeAllowanceCharge")
_CHARGE_INDICATOR = _r("ChargeIndicator")
_ACTUAL_AMOUNT = _r("ActualAmount")
_REASON = _r("Reason")
_REASON_CODE = _r("ReasonCode")
_SUMMATION = _r("SpecifiedTradeSettlementHeaderMonetarySummation")
_TAX_TOTAL_AMOUNT = _r("TaxTotalAmount")
_INVOICE_REFERENCED_DOCUMENT = _r("InvoiceReferencedDocument")
_GLOBAL_ID = _r("GlobalID")
_SPECIFIED_LEGAL_ORGANIZATION = _r("SpecifiedLegalOrganization")
_POSTAL_TRADE_ADDRESS = _r("PostalTradeAddress")
_URI_UNIVERSAL_COMMUNICATION = _r("URIUniversalCommunication")
_URIID = _r("URIID")
_SPECIFIED_TAX_REGISTRATION = _r("SpecifiedTaxRegistration")
_LINE_DOCUMENT = _r("AssociatedDocumentLineDocument")
_LINE_ID = _r("LineID")
_PRODUCT = _r("SpecifiedTradeProduct")
_LINE_AGREEMENT = _r("SpecifiedLineTradeAgreement")
_NET_PRICE = _r("NetPriceProductTradePrice")
_GROSS_PRICE = _r("GrossPriceProductTradePrice")
_LINE_DELIVERY = _r("SpecifiedLineTradeDelivery")
_BILLED_QUANTITY = _r("BilledQuantity")
_LINE_SETTLEMENT = _r("SpecifiedLineTradeSettlement")
_LINE_SUMMATION = _r("SpecifiedTradeSettlementLineMonetarySummation")
_LINE_TOTAL_AMOUNT = _r("LineTotalAmount")
_CLASSIFICATION = _r("DesignatedProductClassification")
_CLASS_CODE = _r("ClassCode")
_CHARACTERISTIC = _r("ApplicableProductCharacteristic")
_DESCRIPTION = _r("Description")
_VALUE = _r("Value")

_TOTALS = {
    _LINE_TOTAL_AMOUNT: "line_total",
    _r("AllowanceTotalAmount"): "allowance_total",
    _r("ChargeTotalAmount"): "charge_total",
    _r("TaxBasisTotalAmount"): "tax_exclusive",
    _r("GrandTotalAmount"): "tax_inclusive",
    _r("TotalPrepaidAmount"): "prepaid",
    _r("RoundingAmount"): "rounding",
    _r("DuePayableAmount"): "payable",
}


def build(root: _El) -> Doc:
    """The rule view of a CII CrossIndustryInvoice."""
    return _Builder(root).root(root)
