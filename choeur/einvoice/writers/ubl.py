"""The EN 16931 pivot -> UBL 2.1 Invoice or CreditNote (CEN/TS 16931-3-2), in the XSD's order."""

from __future__ import annotations

import base64
from datetime import date
from decimal import Decimal

from lxml import etree

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
from choeur.einvoice.readers._common import CAC, CBC, UBL_CREDITNOTE, UBL_INVOICE
from choeur.einvoice.writers._tree import drop_empty, is_blank
from choeur.einvoice.writers.completion import complete_for

_El = etree._Element
NSMAP_INVOICE = {None: UBL_INVOICE, "cac": CAC, "cbc": CBC}
NSMAP_CREDITNOTE = {None: UBL_CREDITNOTE, "cac": CAC, "cbc": CBC}


def amount(value: Decimal) -> str:
    """xs:decimal text: never an exponent (Decimal('1E+2') is written 100)."""
    return format(value, "f")


def _cac(parent: _El, name: str) -> _El:
    return etree.SubElement(parent, f"{{{CAC}}}{name}")


def _cbc(
    parent: _El, tag: str, value: str | Decimal | date | None, /, **attrs: str | None
) -> _El | None:
    if is_blank(value):
        return None
    el = etree.SubElement(parent, f"{{{CBC}}}{tag}")
    if isinstance(value, Decimal):
        el.text = amount(value)
    elif isinstance(value, date):
        el.text = value.isoformat()
    else:
        el.text = value
    for key, attr_value in attrs.items():
        if attr_value is not None and attr_value.strip():
            el.set(key, attr_value)
    return el


def _id(parent: _El, name: str, ident: Identifier | None) -> None:
    if ident is not None:
        _cbc(parent, name, ident.value, schemeID=ident.scheme)


def write_ubl(invoice: Invoice) -> bytes:
    invoice = complete_for(invoice, "ubl")
    credit = invoice.is_credit_note
    prefix = "CreditNote" if credit else "Invoice"
    root = etree.Element(
        f"{{{UBL_CREDITNOTE if credit else UBL_INVOICE}}}{prefix}",
        nsmap=NSMAP_CREDITNOTE if credit else NSMAP_INVOICE,  # type: ignore[arg-type]
    )
    cur = invoice.currency_code
    pc = invoice.process_control
    _cbc(root, "CustomizationID", pc.specification_id or GUIDELINE_EN16931)
    _cbc(root, "ProfileID", pc.business_process_type)
    _cbc(root, "ID", invoice.number)
    _cbc(root, "IssueDate", invoice.issue_date)
    if credit:
        _cbc(root, "TaxPointDate", invoice.tax_point_date)
    else:
        _cbc(root, "DueDate", invoice.due_date)
    _cbc(root, f"{prefix}TypeCode", invoice.type_code.value)
    for note in invoice.notes:
        if is_blank(note.text):
            continue  # BT-22 is the note: no text, no note
        _cbc(root, "Note", f"#{note.subject_code}#{note.text}" if note.subject_code else note.text)
    if not credit:
        _cbc(root, "TaxPointDate", invoice.tax_point_date)
    _cbc(root, "DocumentCurrencyCode", cur)
    _cbc(root, "TaxCurrencyCode", invoice.vat_currency_code)
    _cbc(root, "AccountingCost", invoice.buyer_accounting_reference)
    _cbc(root, "BuyerReference", invoice.buyer_reference)
    if invoice.invoicing_period is not None or invoice.tax_point_date_code is not None:
        period = _cac(root, "InvoicePeriod")
        _period_children(period, invoice.invoicing_period)
        if invoice.tax_point_date_code is not None:
            _cbc(period, "DescriptionCode", invoice.tax_point_date_code.value)
    if invoice.purchase_order_reference or invoice.sales_order_reference:
        order = _cac(root, "OrderReference")
        _cbc(order, "ID", invoice.purchase_order_reference)
        _cbc(order, "SalesOrderID", invoice.sales_order_reference)
    for preceding in invoice.preceding_invoices:
        ref = _cac(_cac(root, "BillingReference"), "InvoiceDocumentReference")
        _cbc(ref, "ID", preceding.number)
        _cbc(ref, "IssueDate", preceding.issue_date)
    if invoice.despatch_advice_reference:
        _cbc(_cac(root, "DespatchDocumentReference"), "ID", invoice.despatch_advice_reference)
    if invoice.receiving_advice_reference:
        _cbc(_cac(root, "ReceiptDocumentReference"), "ID", invoice.receiving_advice_reference)
    # The two documents order these references differently (see the UBL 2.1 XSDs).
    if credit:
        _contract(root, invoice)
        _additional_documents(root, invoice, credit)
        _originator(root, invoice)
    else:
        _originator(root, invoice)
        _contract(root, invoice)
        _additional_documents(root, invoice, credit)
        if invoice.project_reference:
            _cbc(_cac(root, "ProjectReference"), "ID", invoice.project_reference)

    direct_debit = (
        invoice.payment_instructions.direct_debit if invoice.payment_instructions else None
    )
    creditor_id = direct_debit.creditor_id if direct_debit else None
    _party(
        _cac(_cac(root, "AccountingSupplierParty"), "Party"),
        invoice.seller,
        seller=True,
        creditor_id=creditor_id if invoice.payee is None else None,
    )
    _party(_cac(_cac(root, "AccountingCustomerParty"), "Party"), invoice.buyer, seller=False)
    if invoice.payee is not None:
        payee = _cac(root, "PayeeParty")
        for ident in invoice.payee.identifiers:
            _id(_cac(payee, "PartyIdentification"), "ID", ident)
        if creditor_id:
            _cbc(_cac(payee, "PartyIdentification"), "ID", creditor_id, schemeID="SEPA")
        _cbc(_cac(payee, "PartyName"), "Name", invoice.payee.name)
        if invoice.payee.legal_registration_id is not None:
            _id(_cac(payee, "PartyLegalEntity"), "CompanyID", invoice.payee.legal_registration_id)
    if invoice.tax_representative is not None:
        rep = _cac(root, "TaxRepresentativeParty")
        _cbc(_cac(rep, "PartyName"), "Name", invoice.tax_representative.name)
        _address(_cac(rep, "PostalAddress"), invoice.tax_representative.address)
        scheme = _cac(rep, "PartyTaxScheme")
        _cbc(scheme, "CompanyID", invoice.tax_representative.vat_id)
        _cbc(_cac(scheme, "TaxScheme"), "ID", "VAT")
    if invoice.delivery is not None:
        delivery = _cac(root, "Delivery")
        d = invoice.delivery
        _cbc(delivery, "ActualDeliveryDate", d.actual_delivery_date)
        if d.location_id is not None or d.address is not None:
            location = _cac(delivery, "DeliveryLocation")
            _id(location, "ID", d.location_id)
            if d.address is not None:
                _address(_cac(location, "Address"), d.address)
        if d.party_name:
            _cbc(_cac(_cac(delivery, "DeliveryParty"), "PartyName"), "Name", d.party_name)
    _payment_means(root, invoice, credit)
    if invoice.payment_terms:
        _cbc(_cac(root, "PaymentTerms"), "Note", invoice.payment_terms)
    for ac in invoice.allowances_charges:
        el = _cac(root, "AllowanceCharge")
        _cbc(el, "ChargeIndicator", "true" if ac.is_charge else "false")
        _cbc(el, "AllowanceChargeReasonCode", ac.reason_code)
        _cbc(el, "AllowanceChargeReason", ac.reason)
        _cbc(el, "MultiplierFactorNumeric", ac.percentage)
        _cbc(el, "Amount", ac.amount, currencyID=cur)
        _cbc(el, "BaseAmount", ac.base_amount, currencyID=cur)
        if ac.vat_category is not None or ac.vat_rate is not None:
            tax = _cac(el, "TaxCategory")
            _cbc(tax, "ID", ac.vat_category.value if ac.vat_category else None)
            _cbc(tax, "Percent", ac.vat_rate)
            _cbc(_cac(tax, "TaxScheme"), "ID", "VAT")
    totals = invoice.totals
    if totals.vat_total_amount is not None or invoice.vat_breakdown:
        tax_total = _cac(root, "TaxTotal")
        _cbc(tax_total, "TaxAmount", totals.vat_total_amount, currencyID=cur)
        for row in invoice.vat_breakdown:
            sub = _cac(tax_total, "TaxSubtotal")
            _cbc(sub, "TaxableAmount", row.taxable_amount, currencyID=cur)
            _cbc(sub, "TaxAmount", row.tax_amount, currencyID=cur)
            category = _cac(sub, "TaxCategory")
            _cbc(category, "ID", row.category.value)
            _cbc(category, "Percent", row.rate)
            _cbc(category, "TaxExemptionReasonCode", row.exemption_reason_code)
            _cbc(category, "TaxExemptionReason", row.exemption_reason)
            _cbc(_cac(category, "TaxScheme"), "ID", "VAT")
    if totals.vat_total_amount_accounting is not None:
        _cbc(
            _cac(root, "TaxTotal"),
            "TaxAmount",
            totals.vat_total_amount_accounting,
            currencyID=invoice.vat_currency_code or cur,
        )
    monetary = _cac(root, "LegalMonetaryTotal")
    _cbc(monetary, "LineExtensionAmount", totals.line_total_amount, currencyID=cur)
    _cbc(monetary, "TaxExclusiveAmount", totals.tax_exclusive_amount, currencyID=cur)
    _cbc(monetary, "TaxInclusiveAmount", totals.tax_inclusive_amount, currencyID=cur)
    _cbc(monetary, "AllowanceTotalAmount", totals.allowance_total_amount, currencyID=cur)
    _cbc(monetary, "ChargeTotalAmount", totals.charge_total_amount, currencyID=cur)
    _cbc(monetary, "PrepaidAmount", totals.prepaid_amount, currencyID=cur)
    _cbc(monetary, "PayableRoundingAmount", totals.rounding_amount, currencyID=cur)
    _cbc(monetary, "PayableAmount", totals.payable_amount, currencyID=cur)
    for line in invoice.lines:
        _line(root, line, prefix, cur)
    drop_empty(root)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _originator(root: _El, invoice: Invoice) -> None:
    if invoice.tender_or_lot_reference:
        _cbc(_cac(root, "OriginatorDocumentReference"), "ID", invoice.tender_or_lot_reference)


def _contract(root: _El, invoice: Invoice) -> None:
    if invoice.contract_reference:
        _cbc(_cac(root, "ContractDocumentReference"), "ID", invoice.contract_reference)


def _additional_documents(root: _El, invoice: Invoice, credit: bool) -> None:
    if invoice.invoiced_object_id is not None:
        ref = _cac(root, "AdditionalDocumentReference")
        _id(ref, "ID", invoice.invoiced_object_id)
        _cbc(ref, "DocumentTypeCode", "130")
    if credit and invoice.project_reference:
        ref = _cac(root, "AdditionalDocumentReference")
        _cbc(ref, "ID", invoice.project_reference)
        _cbc(ref, "DocumentTypeCode", "50")
    for doc in invoice.additional_documents:
        ref = _cac(root, "AdditionalDocumentReference")
        _cbc(ref, "ID", doc.reference)
        _cbc(ref, "DocumentDescription", doc.description)
        if doc.attachment is not None or doc.external_uri:
            attachment = _cac(ref, "Attachment")
            if doc.attachment is not None:
                _cbc(
                    attachment,
                    "EmbeddedDocumentBinaryObject",
                    base64.b64encode(doc.attachment.content).decode("ascii"),
                    mimeCode=doc.attachment.mime_code,
                    filename=doc.attachment.filename,
                )
            if doc.external_uri:
                _cbc(_cac(attachment, "ExternalReference"), "URI", doc.external_uri)


def _period_children(el: _El, period: Period | None) -> None:
    if period is not None:
        _cbc(el, "StartDate", period.start)
        _cbc(el, "EndDate", period.end)


def _address(el: _El, address: Address) -> None:
    _cbc(el, "StreetName", address.line1)
    _cbc(el, "AdditionalStreetName", address.line2)
    _cbc(el, "CityName", address.city)
    _cbc(el, "PostalZone", address.post_code)
    _cbc(el, "CountrySubentity", address.country_subdivision)
    if address.line3:
        _cbc(_cac(el, "AddressLine"), "Line", address.line3)
    if address.country_code:
        _cbc(_cac(el, "Country"), "IdentificationCode", address.country_code)


def _party(el: _El, party: Party, *, seller: bool, creditor_id: str | None = None) -> None:
    _id(el, "EndpointID", party.electronic_address)
    for ident in party.identifiers:
        _id(_cac(el, "PartyIdentification"), "ID", ident)
    if creditor_id:
        _cbc(_cac(el, "PartyIdentification"), "ID", creditor_id, schemeID="SEPA")
    if party.trading_name:
        _cbc(_cac(el, "PartyName"), "Name", party.trading_name)
    if party.address is not None:
        _address(_cac(el, "PostalAddress"), party.address)
    if party.vat_id:
        scheme = _cac(el, "PartyTaxScheme")
        _cbc(scheme, "CompanyID", party.vat_id)
        _cbc(_cac(scheme, "TaxScheme"), "ID", "VAT")
    if seller and party.tax_registration_id:
        scheme = _cac(el, "PartyTaxScheme")
        _cbc(scheme, "CompanyID", party.tax_registration_id)
        _cbc(_cac(scheme, "TaxScheme"), "ID", "TAX")
    legal = _cac(el, "PartyLegalEntity")
    _cbc(legal, "RegistrationName", party.name)
    _id(legal, "CompanyID", party.legal_registration_id)
    if seller:
        _cbc(legal, "CompanyLegalForm", party.additional_legal_info)
    if party.contact is not None:
        contact = _cac(el, "Contact")
        _cbc(contact, "Name", party.contact.name)
        _cbc(contact, "Telephone", party.contact.telephone)
        _cbc(contact, "ElectronicMail", party.contact.email)


def _payment_means(root: _El, invoice: Invoice, credit: bool) -> None:
    pi = invoice.payment_instructions
    if pi is None:
        return
    # One cac:PaymentMeans per credit transfer account (BG-17 is 0..n); at least one.
    accounts: list[CreditTransfer | None] = [*pi.credit_transfers] or [None]
    for index, account in enumerate(accounts):
        means = _cac(root, "PaymentMeans")
        _cbc(means, "PaymentMeansCode", pi.means_code.value, name=pi.means_text)
        if credit:
            _cbc(means, "PaymentDueDate", invoice.due_date)
        _cbc(means, "PaymentID", pi.remittance_information)
        if index == 0 and pi.card is not None:
            card = _cac(means, "CardAccount")
            _cbc(card, "PrimaryAccountNumberID", pi.card.primary_account_number)
            # NetworkID is mandatory in UBL but not an EN 16931 term: "NA" says it is not given.
            _cbc(card, "NetworkID", "NA")
            _cbc(card, "HolderName", pi.card.holder_name)
        if account is not None:
            financial = _cac(means, "PayeeFinancialAccount")
            _cbc(financial, "ID", account.account_id)
            _cbc(financial, "Name", account.account_name)
            if account.service_provider_id:
                _cbc(
                    _cac(financial, "FinancialInstitutionBranch"), "ID", account.service_provider_id
                )
        dd = pi.direct_debit
        if index == 0 and dd is not None and (dd.mandate_reference or dd.debited_account_id):
            mandate = _cac(means, "PaymentMandate")
            _cbc(mandate, "ID", dd.mandate_reference)
            if dd.debited_account_id:
                _cbc(_cac(mandate, "PayerFinancialAccount"), "ID", dd.debited_account_id)


def _line(root: _El, line: InvoiceLine, prefix: str, cur: str) -> None:
    el = _cac(root, f"{prefix}Line")
    _cbc(el, "ID", line.id)
    _cbc(el, "Note", line.note)
    _cbc(
        el,
        "CreditedQuantity" if prefix == "CreditNote" else "InvoicedQuantity",
        line.quantity,
        unitCode=line.unit_code,
    )
    _cbc(el, "LineExtensionAmount", line.net_amount, currencyID=cur)
    _cbc(el, "AccountingCost", line.accounting_reference)
    if line.period is not None:
        _period_children(_cac(el, "InvoicePeriod"), line.period)
    if line.order_line_reference:
        _cbc(_cac(el, "OrderLineReference"), "LineID", line.order_line_reference)
    if line.object_id is not None:
        ref = _cac(el, "DocumentReference")
        _id(ref, "ID", line.object_id)
        _cbc(ref, "DocumentTypeCode", "130")
    for ac in line.allowances_charges:
        ac_el = _cac(el, "AllowanceCharge")
        _cbc(ac_el, "ChargeIndicator", "true" if ac.is_charge else "false")
        _cbc(ac_el, "AllowanceChargeReasonCode", ac.reason_code)
        _cbc(ac_el, "AllowanceChargeReason", ac.reason)
        _cbc(ac_el, "MultiplierFactorNumeric", ac.percentage)
        _cbc(ac_el, "Amount", ac.amount, currencyID=cur)
        _cbc(ac_el, "BaseAmount", ac.base_amount, currencyID=cur)
    item = _cac(el, "Item")
    it = line.item
    _cbc(item, "Description", it.description)
    _cbc(item, "Name", it.name)
    if it.buyer_id:
        _cbc(_cac(item, "BuyersItemIdentification"), "ID", it.buyer_id)
    if it.seller_id:
        _cbc(_cac(item, "SellersItemIdentification"), "ID", it.seller_id)
    if it.standard_id is not None:
        _id(_cac(item, "StandardItemIdentification"), "ID", it.standard_id)
    if it.origin_country:
        _cbc(_cac(item, "OriginCountry"), "IdentificationCode", it.origin_country)
    for classification in it.classifications:
        _cbc(
            _cac(item, "CommodityClassification"),
            "ItemClassificationCode",
            classification.value,
            listID=classification.scheme,
            listVersionID=classification.version,
        )
    tax = _cac(item, "ClassifiedTaxCategory")
    _cbc(tax, "ID", line.vat_category.value)
    _cbc(tax, "Percent", line.vat_rate)
    _cbc(_cac(tax, "TaxScheme"), "ID", "VAT")
    for attribute in it.attributes:
        prop = _cac(item, "AdditionalItemProperty")
        _cbc(prop, "Name", attribute.name)
        _cbc(prop, "Value", attribute.value)
    price = _cac(el, "Price")
    p = line.price
    _cbc(price, "PriceAmount", p.net_price, currencyID=cur)
    _cbc(price, "BaseQuantity", p.base_quantity, unitCode=p.base_quantity_unit)
    if p.discount is not None or p.gross_price is not None:
        ac_el = _cac(price, "AllowanceCharge")
        _cbc(ac_el, "ChargeIndicator", "false")
        _cbc(ac_el, "Amount", p.discount, currencyID=cur)
        _cbc(ac_el, "BaseAmount", p.gross_price, currencyID=cur)
