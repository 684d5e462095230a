"""The EN 16931 pivot -> UN/CEFACT CII D16B CrossIndustryInvoice (CEN/TS 16931-3-3).

Elements come in the order of the Factur-X 1.0 EN 16931 XSD (a restriction of D16B), so the
output of a norm-complete invoice passes both.
"""

from __future__ import annotations

import base64
import re
from datetime import date
from decimal import Decimal

from lxml import etree

from choeur.einvoice.enums import VAT_POINT_UBL_TO_CII
from choeur.einvoice.model import (
    GUIDELINE_EN16931,
    Address,
    CreditTransfer,
    Identifier,
    Invoice,
    InvoiceLine,
    Party,
    Period,
)
from choeur.einvoice.readers._common import QDT, RAM, RSM, UDT
from choeur.einvoice.writers._tree import drop_empty, is_blank
from choeur.einvoice.writers.completion import complete_for
from choeur.einvoice.writers.ubl import amount

_El = etree._Element
NSMAP = {"rsm": RSM, "ram": RAM, "qdt": QDT, "udt": UDT}
_IBAN = re.compile(r"\A[A-Z]{2}[0-9]{2}[A-Z0-9]{8,30}\Z")
# Mandatory in the XSD even when the invoice has no delivery information (BG-13).
_KEEP_EMPTY = frozenset({"ApplicableHeaderTradeDelivery"})


def _ram(parent: _El, tag: str, value: str | Decimal | None = None, /, **attrs: str | None) -> _El:
    el = etree.SubElement(parent, f"{{{RAM}}}{tag}")
    if value is not None:
        el.text = amount(value) if isinstance(value, Decimal) else value
    for key, attr_value in attrs.items():
        if attr_value is not None and attr_value.strip():
            el.set(key, attr_value)
    return el


def _opt(parent: _El, tag: str, value: str | Decimal | None, /, **attrs: str | None) -> None:
    if not is_blank(value):
        _ram(parent, tag, value, **attrs)


def _date(
    parent: _El, name: str, value: date | None, *, ns: str = UDT, inner: str = "DateTimeString"
) -> None:
    if value is None:
        return
    holder = _ram(parent, name)
    el = etree.SubElement(holder, f"{{{ns}}}{inner}", format="102")
    el.text = value.strftime("%Y%m%d")


def _indicator(parent: _El, is_charge: bool) -> None:
    holder = _ram(parent, "ChargeIndicator")
    etree.SubElement(holder, f"{{{UDT}}}Indicator").text = "true" if is_charge else "false"


def _ids(parent: _El, identifiers: list[Identifier]) -> None:
    # ram:ID (no scheme) come before ram:GlobalID (with a scheme) in the XSD.
    for ident in identifiers:
        if ident.scheme is None:
            _ram(parent, "ID", ident.value)
    for ident in identifiers:
        if ident.scheme is not None:
            _ram(parent, "GlobalID", ident.value, schemeID=ident.scheme)


def write_cii(invoice: Invoice, *, guideline_id: str | None = None) -> bytes:
    """CII bytes; BT-24 is `guideline_id` if given, else the invoice's, else EN 16931's."""
    invoice = complete_for(invoice, "cii")
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)
    context = etree.SubElement(root, f"{{{RSM}}}ExchangedDocumentContext")
    pc = invoice.process_control
    if pc.business_process_type:
        _ram(
            _ram(context, "BusinessProcessSpecifiedDocumentContextParameter"),
            "ID",
            pc.business_process_type,
        )
    _ram(
        _ram(context, "GuidelineSpecifiedDocumentContextParameter"),
        "ID",
        guideline_id or pc.specification_id or GUIDELINE_EN16931,
    )
    document = etree.SubElement(root, f"{{{RSM}}}ExchangedDocument")
    _ram(document, "ID", invoice.number)
    _ram(document, "TypeCode", invoice.type_code.value)
    _date(document, "IssueDateTime", invoice.issue_date)
    for note in invoice.notes:
        if is_blank(note.text):
            continue  # BT-22 is the note: no text, no note
        included = _ram(document, "IncludedNote")
        _ram(included, "Content", note.text)
        _opt(included, "SubjectCode", note.subject_code)

    transaction = etree.SubElement(root, f"{{{RSM}}}SupplyChainTradeTransaction")
    for line in invoice.lines:
        _line(transaction, line)
    _agreement(_ram(transaction, "ApplicableHeaderTradeAgreement"), invoice)
    _delivery(_ram(transaction, "ApplicableHeaderTradeDelivery"), invoice)
    _settlement(_ram(transaction, "ApplicableHeaderTradeSettlement"), invoice)
    drop_empty(root, keep=_KEEP_EMPTY)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _address(parent: _El, address: Address | None) -> None:
    if address is None:
        return
    el = _ram(parent, "PostalTradeAddress")
    _opt(el, "PostcodeCode", address.post_code)
    _opt(el, "LineOne", address.line1)
    _opt(el, "LineTwo", address.line2)
    _opt(el, "LineThree", address.line3)
    _opt(el, "CityName", address.city)
    _opt(el, "CountryID", address.country_code)
    _opt(el, "CountrySubDivisionName", address.country_subdivision)


def _party(el: _El, party: Party, *, seller: bool) -> None:
    _ids(el, party.identifiers)
    _ram(el, "Name", party.name)
    if seller:
        _opt(el, "Description", party.additional_legal_info)
    if party.legal_registration_id is not None or party.trading_name:
        legal = _ram(el, "SpecifiedLegalOrganization")
        if party.legal_registration_id is not None:
            _ram(
                legal,
                "ID",
                party.legal_registration_id.value,
                schemeID=party.legal_registration_id.scheme,
            )
        _opt(legal, "TradingBusinessName", party.trading_name)
    if party.contact is not None:
        contact = _ram(el, "DefinedTradeContact")
        _opt(contact, "PersonName", party.contact.name)
        if party.contact.telephone:
            _ram(
                _ram(contact, "TelephoneUniversalCommunication"),
                "CompleteNumber",
                party.contact.telephone,
            )
        if party.contact.email:
            _ram(_ram(contact, "EmailURIUniversalCommunication"), "URIID", party.contact.email)
    _address(el, party.address)
    if party.electronic_address is not None:
        _ram(
            _ram(el, "URIUniversalCommunication"),
            "URIID",
            party.electronic_address.value,
            schemeID=party.electronic_address.scheme,
        )
    if party.vat_id:
        _ram(_ram(el, "SpecifiedTaxRegistration"), "ID", party.vat_id, schemeID="VA")
    if seller and party.tax_registration_id:
        _ram(_ram(el, "SpecifiedTaxRegistration"), "ID", party.tax_registration_id, schemeID="FC")


def _referenced(parent: _El, name: str, value: str | None) -> None:
    if value:
        _ram(_ram(parent, name), "IssuerAssignedID", value)


def _agreement(el: _El, invoice: Invoice) -> None:
    _opt(el, "BuyerReference", invoice.buyer_reference)
    _party(_ram(el, "SellerTradeParty"), invoice.seller, seller=True)
    _party(_ram(el, "BuyerTradeParty"), invoice.buyer, seller=False)
    rep = invoice.tax_representative
    if rep is not None:
        rep_el = _ram(el, "SellerTaxRepresentativeTradeParty")
        _ram(rep_el, "Name", rep.name)
        _address(rep_el, rep.address)
        _ram(_ram(rep_el, "SpecifiedTaxRegistration"), "ID", rep.vat_id, schemeID="VA")
    _referenced(el, "SellerOrderReferencedDocument", invoice.sales_order_reference)
    _referenced(el, "BuyerOrderReferencedDocument", invoice.purchase_order_reference)
    _referenced(el, "ContractReferencedDocument", invoice.contract_reference)
    for doc in invoice.additional_documents:
        ref = _ram(el, "AdditionalReferencedDocument")
        _ram(ref, "IssuerAssignedID", doc.reference)
        _opt(ref, "URIID", doc.external_uri)
        _ram(ref, "TypeCode", "916")
        _opt(ref, "Name", doc.description)
        if doc.attachment is not None:
            _ram(
                ref,
                "AttachmentBinaryObject",
                base64.b64encode(doc.attachment.content).decode("ascii"),
                mimeCode=doc.attachment.mime_code,
                filename=doc.attachment.filename,
            )
    if invoice.tender_or_lot_reference:
        ref = _ram(el, "AdditionalReferencedDocument")
        _ram(ref, "IssuerAssignedID", invoice.tender_or_lot_reference)
        _ram(ref, "TypeCode", "50")
    if invoice.invoiced_object_id is not None:
        ref = _ram(el, "AdditionalReferencedDocument")
        _ram(ref, "IssuerAssignedID", invoice.invoiced_object_id.value)
        _ram(ref, "TypeCode", "130")
        _opt(ref, "ReferenceTypeCode", invoice.invoiced_object_id.scheme)
    if invoice.project_reference:
        project = _ram(el, "SpecifiedProcuringProject")
        _ram(project, "ID", invoice.project_reference)
        _ram(project, "Name", "Project reference")  # mandatory in CII, not an EN 16931 term


def _delivery(el: _El, invoice: Invoice) -> None:
    d = invoice.delivery
    if d is not None:
        if d.location_id is not None or d.party_name or d.address is not None:
            ship_to = _ram(el, "ShipToTradeParty")
            if d.location_id is not None:
                _ids(ship_to, [d.location_id])
            _opt(ship_to, "Name", d.party_name)
            _address(ship_to, d.address)
        if d.actual_delivery_date is not None:
            _date(
                _ram(el, "ActualDeliverySupplyChainEvent"),
                "OccurrenceDateTime",
                d.actual_delivery_date,
            )
    _referenced(el, "DespatchAdviceReferencedDocument", invoice.despatch_advice_reference)
    _referenced(el, "ReceivingAdviceReferencedDocument", invoice.receiving_advice_reference)


def _period(parent: _El, period: Period | None) -> None:
    if period is None:
        return
    el = _ram(parent, "BillingSpecifiedPeriod")
    _date(el, "StartDateTime", period.start)
    _date(el, "EndDateTime", period.end)


def _settlement(el: _El, invoice: Invoice) -> None:
    cur = invoice.currency_code
    pi = invoice.payment_instructions
    dd = pi.direct_debit if pi is not None else None
    _opt(el, "CreditorReferenceID", dd.creditor_id if dd else None)
    _opt(el, "PaymentReference", pi.remittance_information if pi else None)
    _opt(el, "TaxCurrencyCode", invoice.vat_currency_code)
    _ram(el, "InvoiceCurrencyCode", cur)
    if invoice.payee is not None:
        payee = _ram(el, "PayeeTradeParty")
        _ids(payee, invoice.payee.identifiers)
        _ram(payee, "Name", invoice.payee.name)
        if invoice.payee.legal_registration_id is not None:
            legal = invoice.payee.legal_registration_id
            _ram(
                _ram(payee, "SpecifiedLegalOrganization"), "ID", legal.value, schemeID=legal.scheme
            )
    if pi is not None:
        accounts: list[CreditTransfer | None] = [*pi.credit_transfers] or [None]
        for index, account in enumerate(accounts):
            means = _ram(el, "SpecifiedTradeSettlementPaymentMeans")
            _ram(means, "TypeCode", pi.means_code.value)
            _opt(means, "Information", pi.means_text)
            if index == 0 and pi.card is not None:
                card = _ram(means, "ApplicableTradeSettlementFinancialCard")
                _ram(card, "ID", pi.card.primary_account_number)
                _opt(card, "CardholderName", pi.card.holder_name)
            if index == 0 and dd is not None and dd.debited_account_id:
                _ram(
                    _ram(means, "PayerPartyDebtorFinancialAccount"), "IBANID", dd.debited_account_id
                )
            if account is not None:
                creditor = _ram(means, "PayeePartyCreditorFinancialAccount")
                is_iban = _IBAN.match(account.account_id.replace(" ", "")) is not None
                if is_iban:
                    _ram(creditor, "IBANID", account.account_id)
                _opt(creditor, "AccountName", account.account_name)
                if not is_iban:
                    _ram(creditor, "ProprietaryID", account.account_id)
                if account.service_provider_id:
                    _ram(
                        _ram(means, "PayeeSpecifiedCreditorFinancialInstitution"),
                        "BICID",
                        account.service_provider_id,
                    )
    for row in invoice.vat_breakdown:
        tax = _ram(el, "ApplicableTradeTax")
        _ram(tax, "CalculatedAmount", row.tax_amount)
        _ram(tax, "TypeCode", "VAT")
        _opt(tax, "ExemptionReason", row.exemption_reason)
        _ram(tax, "BasisAmount", row.taxable_amount)
        _ram(tax, "CategoryCode", row.category.value)
        _opt(tax, "ExemptionReasonCode", row.exemption_reason_code)
        _date(tax, "TaxPointDate", invoice.tax_point_date, inner="DateString")
        if invoice.tax_point_date_code is not None:
            code = invoice.tax_point_date_code.value
            _ram(tax, "DueDateTypeCode", VAT_POINT_UBL_TO_CII.get(code, code))
        _opt(tax, "RateApplicablePercent", row.rate)
    _period(el, invoice.invoicing_period)
    for ac in invoice.allowances_charges:
        ac_el = _ram(el, "SpecifiedTradeAllowanceCharge")
        _indicator(ac_el, ac.is_charge)
        _opt(ac_el, "CalculationPercent", ac.percentage)
        _opt(ac_el, "BasisAmount", ac.base_amount)
        _ram(ac_el, "ActualAmount", ac.amount)
        _opt(ac_el, "ReasonCode", ac.reason_code)
        _opt(ac_el, "Reason", ac.reason)
        if ac.vat_category is not None or ac.vat_rate is not None:
            tax = _ram(ac_el, "CategoryTradeTax")
            _ram(tax, "TypeCode", "VAT")
            _opt(tax, "CategoryCode", ac.vat_category.value if ac.vat_category else None)
            _opt(tax, "RateApplicablePercent", ac.vat_rate)
    mandate = dd.mandate_reference if dd else None
    if invoice.payment_terms or invoice.due_date or mandate:
        terms = _ram(el, "SpecifiedTradePaymentTerms")
        _opt(terms, "Description", invoice.payment_terms)
        _date(terms, "DueDateDateTime", invoice.due_date)
        _opt(terms, "DirectDebitMandateID", mandate)
    totals = invoice.totals
    summation = _ram(el, "SpecifiedTradeSettlementHeaderMonetarySummation")
    _opt(summation, "LineTotalAmount", totals.line_total_amount)
    _opt(summation, "ChargeTotalAmount", totals.charge_total_amount)
    _opt(summation, "AllowanceTotalAmount", totals.allowance_total_amount)
    _ram(summation, "TaxBasisTotalAmount", totals.tax_exclusive_amount)
    _opt(summation, "TaxTotalAmount", totals.vat_total_amount, currencyID=cur)
    _opt(
        summation,
        "TaxTotalAmount",
        totals.vat_total_amount_accounting,
        currencyID=invoice.vat_currency_code or cur,
    )
    _opt(summation, "RoundingAmount", totals.rounding_amount)
    _ram(summation, "GrandTotalAmount", totals.tax_inclusive_amount)
    _opt(summation, "TotalPrepaidAmount", totals.prepaid_amount)
    _ram(summation, "DuePayableAmount", totals.payable_amount)
    for preceding in invoice.preceding_invoices:
        ref = _ram(el, "InvoiceReferencedDocument")
        _ram(ref, "IssuerAssignedID", preceding.number)
        _date(ref, "FormattedIssueDateTime", preceding.issue_date, ns=QDT)
    if invoice.buyer_accounting_reference:
        _ram(
            _ram(el, "ReceivableSpecifiedTradeAccountingAccount"),
            "ID",
            invoice.buyer_accounting_reference,
        )


def _line(transaction: _El, line: InvoiceLine) -> None:
    el = _ram(transaction, "IncludedSupplyChainTradeLineItem")
    doc = _ram(el, "AssociatedDocumentLineDocument")
    _ram(doc, "LineID", line.id)
    if line.note:
        _ram(_ram(doc, "IncludedNote"), "Content", line.note)
    product = _ram(el, "SpecifiedTradeProduct")
    it = line.item
    if it.standard_id is not None:
        _ram(product, "GlobalID", it.standard_id.value, schemeID=it.standard_id.scheme)
    _opt(product, "SellerAssignedID", it.seller_id)
    _opt(product, "BuyerAssignedID", it.buyer_id)
    _ram(product, "Name", it.name)
    _opt(product, "Description", it.description)
    for attribute in it.attributes:
        characteristic = _ram(product, "ApplicableProductCharacteristic")
        _ram(characteristic, "Description", attribute.name)
        _ram(characteristic, "Value", attribute.value)
    for classification in it.classifications:
        _ram(
            _ram(product, "DesignatedProductClassification"),
            "ClassCode",
            classification.value,
            listID=classification.scheme,
            listVersionID=classification.version,
        )
    if it.origin_country:
        _ram(_ram(product, "OriginTradeCountry"), "ID", it.origin_country)

    agreement = _ram(el, "SpecifiedLineTradeAgreement")
    if line.order_line_reference:
        _ram(_ram(agreement, "BuyerOrderReferencedDocument"), "LineID", line.order_line_reference)
    p = line.price
    if p.gross_price is not None or p.discount is not None:
        gross = _ram(agreement, "GrossPriceProductTradePrice")
        _ram(gross, "ChargeAmount", p.gross_price)
        _opt(gross, "BasisQuantity", p.base_quantity, unitCode=p.base_quantity_unit)
        if p.discount is not None:
            discount = _ram(gross, "AppliedTradeAllowanceCharge")
            _indicator(discount, False)
            _ram(discount, "ActualAmount", p.discount)
    net = _ram(agreement, "NetPriceProductTradePrice")
    _ram(net, "ChargeAmount", p.net_price)
    _opt(net, "BasisQuantity", p.base_quantity, unitCode=p.base_quantity_unit)

    delivery = _ram(el, "SpecifiedLineTradeDelivery")
    _ram(delivery, "BilledQuantity", line.quantity, unitCode=line.unit_code)

    settlement = _ram(el, "SpecifiedLineTradeSettlement")
    tax = _ram(settlement, "ApplicableTradeTax")
    _ram(tax, "TypeCode", "VAT")
    _ram(tax, "CategoryCode", line.vat_category.value)
    _opt(tax, "RateApplicablePercent", line.vat_rate)
    _period(settlement, line.period)
    for ac in line.allowances_charges:
        ac_el = _ram(settlement, "SpecifiedTradeAllowanceCharge")
        _indicator(ac_el, ac.is_charge)
        _opt(ac_el, "CalculationPercent", ac.percentage)
        _opt(ac_el, "BasisAmount", ac.base_amount)
        _ram(ac_el, "ActualAmount", ac.amount)
        _opt(ac_el, "ReasonCode", ac.reason_code)
        _opt(ac_el, "Reason", ac.reason)
    _ram(
        _ram(settlement, "SpecifiedTradeSettlementLineMonetarySummation"),
        "LineTotalAmount",
        line.net_amount,
    )
    if line.object_id is not None:
        ref = _ram(settlement, "AdditionalReferencedDocument")
        _ram(ref, "IssuerAssignedID", line.object_id.value)
        _ram(ref, "TypeCode", "130")
        _opt(ref, "ReferenceTypeCode", line.object_id.scheme)
    if line.accounting_reference:
        _ram(
            _ram(settlement, "ReceivableSpecifiedTradeAccountingAccount"),
            "ID",
            line.accounting_reference,
        )
