"""UBL 2.1 Invoice and CreditNote -> the EN 16931 pivot (CEN/TS 16931-3-2 syntax binding)."""

from __future__ import annotations

import re
from decimal import Decimal

from lxml import etree

from choeur.einvoice.enums import InvoiceTypeCode, PaymentMeansCode, VatCategory, VatPointDateCode
from choeur.einvoice.model import (
    AdditionalDocument,
    Address,
    AllowanceCharge,
    Attachment,
    Contact,
    CreditTransfer,
    Delivery,
    DirectDebit,
    Identifier,
    Invoice,
    InvoiceLine,
    Item,
    ItemAttribute,
    ItemClassification,
    LineAllowanceCharge,
    Note,
    Party,
    Payee,
    PaymentCard,
    PaymentInstructions,
    Period,
    PrecedingInvoice,
    Price,
    ProcessControl,
    TaxRepresentative,
    Totals,
    VatBreakdown,
    profile_of,
)
from choeur.einvoice.readers._common import (
    UBL_CREDITNOTE,
    UBL_NS_ITEMS,
    attr,
    find,
    find_all,
    missing,
    required,
    steps,
    text,
    to_bytes_b64,
    to_decimal,
    to_iso_date,
)

_El = etree._Element
# BT-21: the CEN binding puts the subject code at the start of cbc:Note: "#AAI#the text".
_NOTE_CODE = re.compile(r"\A#([A-Za-z0-9]{1,5})#(.*)\Z", re.DOTALL)


def _f(el: _El | None, path: str) -> _El | None:
    return find(el, steps(path, UBL_NS_ITEMS))


def _all(el: _El | None, path: str) -> list[_El]:
    return find_all(el, steps(path, UBL_NS_ITEMS))


def _t(el: _El | None, path: str) -> str | None:
    return text(_f(el, path))


def _d(el: _El | None, path: str, bt: str) -> Decimal | None:
    return to_decimal(_t(el, path), bt)


def read_ubl(root: _El) -> Invoice:
    credit_note = etree.QName(root).namespace == UBL_CREDITNOTE
    prefix = "CreditNote" if credit_note else "Invoice"
    currency = required(
        _t(root, "cbc:DocumentCurrencyCode"), "BT-5", "code de devise", "currency code"
    )
    vat_currency = _t(root, "cbc:TaxCurrencyCode")

    supplier = _f(root, "cac:AccountingSupplierParty/cac:Party")
    customer = _f(root, "cac:AccountingCustomerParty/cac:Party")
    means = _all(root, "cac:PaymentMeans")

    due_date = to_iso_date(_t(root, "cbc:DueDate"), "BT-9")
    if due_date is None and means:  # a UBL 2.1 credit note has no cbc:DueDate
        due_date = to_iso_date(_t(means[0], "cbc:PaymentDueDate"), "BT-9")
    if due_date is None:
        due_date = to_iso_date(_t(root, "cac:PaymentTerms/cbc:PaymentDueDate"), "BT-9")

    project = _t(root, "cac:ProjectReference/cbc:ID")
    invoiced_object = None
    documents = []
    for ref in _all(root, "cac:AdditionalDocumentReference"):
        code = _t(ref, "cbc:DocumentTypeCode")
        if code == "130":  # BT-18 invoiced object identifier
            invoiced_object = Identifier(
                value=_t(ref, "cbc:ID") or "", scheme=attr(_f(ref, "cbc:ID"), "schemeID")
            )
        elif code == "50" and credit_note and project is None:  # BT-11 in a credit note
            project = _t(ref, "cbc:ID")
        else:
            documents.append(_additional_document(ref))

    vat_total, vat_total_accounting = _tax_totals(root, currency, vat_currency)
    totals_el = _f(root, "cac:LegalMonetaryTotal")
    totals = Totals(
        line_total_amount=_d(totals_el, "cbc:LineExtensionAmount", "BT-106"),
        allowance_total_amount=_d(totals_el, "cbc:AllowanceTotalAmount", "BT-107"),
        charge_total_amount=_d(totals_el, "cbc:ChargeTotalAmount", "BT-108"),
        tax_exclusive_amount=required(
            _d(totals_el, "cbc:TaxExclusiveAmount", "BT-109"),
            "BT-109",
            "montant total hors TVA",
            "invoice total amount without VAT",
        ),
        vat_total_amount=vat_total,
        vat_total_amount_accounting=vat_total_accounting,
        tax_inclusive_amount=required(
            _d(totals_el, "cbc:TaxInclusiveAmount", "BT-112"),
            "BT-112",
            "montant total TTC",
            "invoice total amount with VAT",
        ),
        prepaid_amount=_d(totals_el, "cbc:PrepaidAmount", "BT-113"),
        rounding_amount=_d(totals_el, "cbc:PayableRoundingAmount", "BT-114"),
        payable_amount=required(
            _d(totals_el, "cbc:PayableAmount", "BT-115"),
            "BT-115",
            "montant à payer",
            "amount due for payment",
        ),
    )

    period_el = _f(root, "cac:InvoicePeriod")
    vat_point_code = _t(period_el, "cbc:DescriptionCode")
    spec = _t(root, "cbc:CustomizationID")

    return Invoice(
        number=required(_t(root, "cbc:ID"), "BT-1", "numéro de facture", "invoice number"),
        issue_date=required(
            to_iso_date(_t(root, "cbc:IssueDate"), "BT-2"),
            "BT-2",
            "date d'émission",
            "invoice issue date",
        ),
        type_code=InvoiceTypeCode(
            required(
                _t(root, f"cbc:{prefix}TypeCode") or ("381" if credit_note else None),
                "BT-3",
                "code de type de facture",
                "invoice type code",
            )
        ),
        currency_code=currency,
        vat_currency_code=vat_currency,
        tax_point_date=to_iso_date(_t(root, "cbc:TaxPointDate"), "BT-7"),
        tax_point_date_code=VatPointDateCode(vat_point_code) if vat_point_code else None,
        due_date=due_date,
        buyer_reference=_t(root, "cbc:BuyerReference"),
        project_reference=project,
        contract_reference=_t(root, "cac:ContractDocumentReference/cbc:ID"),
        purchase_order_reference=_t(root, "cac:OrderReference/cbc:ID"),
        sales_order_reference=_t(root, "cac:OrderReference/cbc:SalesOrderID"),
        receiving_advice_reference=_t(root, "cac:ReceiptDocumentReference/cbc:ID"),
        despatch_advice_reference=_t(root, "cac:DespatchDocumentReference/cbc:ID"),
        tender_or_lot_reference=_t(root, "cac:OriginatorDocumentReference/cbc:ID"),
        invoiced_object_id=invoiced_object,
        buyer_accounting_reference=_t(root, "cbc:AccountingCost"),
        payment_terms=_t(root, "cac:PaymentTerms/cbc:Note"),
        notes=[_note(n) for n in _all(root, "cbc:Note") if n.text and n.text.strip()],
        process_control=ProcessControl(
            specification_id=spec or "", business_process_type=_t(root, "cbc:ProfileID")
        ),
        preceding_invoices=[
            PrecedingInvoice(
                number=required(
                    _t(ref, "cbc:ID"),
                    "BT-25",
                    "référence de la facture antérieure",
                    "preceding invoice reference",
                ),
                issue_date=to_iso_date(_t(ref, "cbc:IssueDate"), "BT-26"),
            )
            for ref in _all(root, "cac:BillingReference/cac:InvoiceDocumentReference")
        ],
        seller=_party(supplier, seller=True),
        buyer=_party(customer, seller=False),
        totals=totals,
        payee=_payee(_f(root, "cac:PayeeParty")),
        tax_representative=_tax_representative(_f(root, "cac:TaxRepresentativeParty")),
        delivery=_delivery(_f(root, "cac:Delivery")),
        invoicing_period=_period(period_el, "BT-73", "BT-74"),
        payment_instructions=_payment(means, supplier, _f(root, "cac:PayeeParty")),
        allowances_charges=[_allowance_charge(ac) for ac in _all(root, "cac:AllowanceCharge")],
        vat_breakdown=[_vat_breakdown(sub) for sub in _all(root, "cac:TaxTotal/cac:TaxSubtotal")],
        additional_documents=documents,
        lines=[_line(ln, prefix) for ln in _all(root, f"cac:{prefix}Line")],
        syntax="ubl",
        profile=profile_of(spec),
    )


def _note(el: _El) -> Note:
    raw = (el.text or "").strip()
    match = _NOTE_CODE.match(raw)
    if match:
        return Note(text=match.group(2).strip(), subject_code=match.group(1))
    return Note(text=raw)


def _tax_totals(
    root: _El, currency: str, vat_currency: str | None
) -> tuple[Decimal | None, Decimal | None]:
    """BT-110 (in the invoice currency, with the breakdown) and BT-111 (in the VAT currency)."""
    vat_total = vat_total_accounting = None
    for total in _all(root, "cac:TaxTotal"):
        amount_el = _f(total, "cbc:TaxAmount")
        amount = to_decimal(text(amount_el), "BT-110")
        in_vat_currency = (
            vat_currency is not None
            and vat_currency != currency
            and attr(amount_el, "currencyID") == vat_currency
        )
        if in_vat_currency or (vat_total is not None and _f(total, "cac:TaxSubtotal") is None):
            vat_total_accounting = amount
        else:
            vat_total = amount
    return vat_total, vat_total_accounting


def _identifier(el: _El | None) -> Identifier | None:
    value = text(el)
    if value is None:
        return None
    return Identifier(value=value, scheme=attr(el, "schemeID"))


def _party_identifiers(el: _El) -> list[Identifier]:
    """BT-29 / BT-46 / BT-60, those without a scheme first (the order CII imposes).

    A SEPA-scheme identifier is BT-90, the bank assigned creditor identifier (see `_payment`).
    """
    found = [
        ident
        for ident in (_identifier(i) for i in _all(el, "cac:PartyIdentification/cbc:ID"))
        if ident is not None and ident.scheme != "SEPA"
    ]
    return sorted(found, key=lambda ident: ident.scheme is not None)


def _address(el: _El | None) -> Address | None:
    if el is None:
        return None
    return Address(
        line1=_t(el, "cbc:StreetName"),
        line2=_t(el, "cbc:AdditionalStreetName"),
        line3=_t(el, "cac:AddressLine/cbc:Line"),
        city=_t(el, "cbc:CityName"),
        post_code=_t(el, "cbc:PostalZone"),
        country_subdivision=_t(el, "cbc:CountrySubentity"),
        country_code=_t(el, "cac:Country/cbc:IdentificationCode"),
    )


def _party(el: _El | None, *, seller: bool) -> Party:
    bt_name = "BT-27" if seller else "BT-44"
    label_fr = "nom du vendeur" if seller else "nom de l'acheteur"
    label_en = "seller name" if seller else "buyer name"
    if el is None:
        raise missing(bt_name, label_fr, label_en)
    vat_id = tax_registration = None
    for scheme in _all(el, "cac:PartyTaxScheme"):
        company_id = _t(scheme, "cbc:CompanyID")
        if (_t(scheme, "cac:TaxScheme/cbc:ID") or "").upper() == "VAT":
            vat_id = vat_id or company_id
        else:
            tax_registration = tax_registration or company_id
    contact_el = _f(el, "cac:Contact")
    contact = None
    if contact_el is not None:
        contact = Contact(
            name=_t(contact_el, "cbc:Name"),
            telephone=_t(contact_el, "cbc:Telephone"),
            email=_t(contact_el, "cbc:ElectronicMail"),
        )
    identifiers = _party_identifiers(el)
    legal = _f(el, "cac:PartyLegalEntity")
    return Party(
        name=required(
            _t(legal, "cbc:RegistrationName") or _t(el, "cac:PartyName/cbc:Name"),
            bt_name,
            label_fr,
            label_en,
        ),
        trading_name=_t(el, "cac:PartyName/cbc:Name")
        if _t(legal, "cbc:RegistrationName")
        else None,
        identifiers=identifiers,
        legal_registration_id=_identifier(_f(legal, "cbc:CompanyID")),
        vat_id=vat_id,
        tax_registration_id=tax_registration if seller else None,
        additional_legal_info=_t(legal, "cbc:CompanyLegalForm") if seller else None,
        electronic_address=_identifier(_f(el, "cbc:EndpointID")),
        address=_address(_f(el, "cac:PostalAddress")),
        contact=contact,
    )


def _payee(el: _El | None) -> Payee | None:
    if el is None:
        return None
    return Payee(
        name=required(
            _t(el, "cac:PartyName/cbc:Name"), "BT-59", "nom du bénéficiaire", "payee name"
        ),
        identifiers=_party_identifiers(el),
        legal_registration_id=_identifier(_f(el, "cac:PartyLegalEntity/cbc:CompanyID")),
    )


def _tax_representative(el: _El | None) -> TaxRepresentative | None:
    if el is None:
        return None
    return TaxRepresentative(
        name=required(
            _t(el, "cac:PartyName/cbc:Name"),
            "BT-62",
            "nom du représentant fiscal",
            "seller tax representative name",
        ),
        vat_id=required(
            _t(el, "cac:PartyTaxScheme/cbc:CompanyID"),
            "BT-63",
            "numéro de TVA du représentant fiscal",
            "seller tax representative VAT identifier",
        ),
        address=_address(_f(el, "cac:PostalAddress")) or Address(),
    )


def _delivery(el: _El | None) -> Delivery | None:
    if el is None:
        return None
    location = _f(el, "cac:DeliveryLocation")
    return Delivery(
        party_name=_t(el, "cac:DeliveryParty/cac:PartyName/cbc:Name"),
        location_id=_identifier(_f(location, "cbc:ID")),
        actual_delivery_date=to_iso_date(_t(el, "cbc:ActualDeliveryDate"), "BT-72"),
        address=_address(_f(location, "cac:Address")),
    )


def _period(el: _El | None, bt_start: str, bt_end: str) -> Period | None:
    if el is None:
        return None
    start = to_iso_date(_t(el, "cbc:StartDate"), bt_start)
    end = to_iso_date(_t(el, "cbc:EndDate"), bt_end)
    if start is None and end is None:
        return None
    return Period(start=start, end=end)


def _payment(
    means: list[_El], supplier: _El | None, payee: _El | None
) -> PaymentInstructions | None:
    creditor_id = None
    for party in (payee, supplier):
        for ident in _all(party, "cac:PartyIdentification/cbc:ID"):
            if attr(ident, "schemeID") == "SEPA" and creditor_id is None:
                creditor_id = text(ident)
    if not means:
        return None
    first = means[0]
    code_el = _f(first, "cbc:PaymentMeansCode")
    transfers = []
    card = None
    mandate = debited = None
    for pm in means:
        account = _f(pm, "cac:PayeeFinancialAccount")
        if account is not None:
            transfers.append(
                CreditTransfer(
                    account_id=required(
                        _t(account, "cbc:ID"),
                        "BT-84",
                        "identifiant du compte de paiement",
                        "payment account identifier",
                    ),
                    account_name=_t(account, "cbc:Name"),
                    service_provider_id=_t(account, "cac:FinancialInstitutionBranch/cbc:ID"),
                )
            )
        card_el = _f(pm, "cac:CardAccount")
        if card_el is not None and card is None:
            card = PaymentCard(
                primary_account_number=_t(card_el, "cbc:PrimaryAccountNumberID") or "",
                holder_name=_t(card_el, "cbc:HolderName"),
            )
        mandate_el = _f(pm, "cac:PaymentMandate")
        if mandate_el is not None and mandate is None and debited is None:
            mandate = _t(mandate_el, "cbc:ID")
            debited = _t(mandate_el, "cac:PayerFinancialAccount/cbc:ID")
    direct_debit = None
    if mandate or debited or creditor_id:
        direct_debit = DirectDebit(
            mandate_reference=mandate, creditor_id=creditor_id, debited_account_id=debited
        )
    return PaymentInstructions(
        means_code=PaymentMeansCode(
            required(text(code_el), "BT-81", "code du moyen de paiement", "payment means type code")
        ),
        means_text=attr(code_el, "name"),
        remittance_information=_t(first, "cbc:PaymentID"),
        credit_transfers=transfers,
        card=card,
        direct_debit=direct_debit,
    )


def _allowance_charge(el: _El) -> AllowanceCharge:
    is_charge = (_t(el, "cbc:ChargeIndicator") or "").lower() == "true"
    bt = (
        ("BT-99", "BT-100", "BT-101", "BT-103")
        if is_charge
        else ("BT-92", "BT-93", "BT-94", "BT-96")
    )
    category = _t(el, "cac:TaxCategory/cbc:ID")
    return AllowanceCharge(
        is_charge=is_charge,
        amount=required(_d(el, "cbc:Amount", bt[0]), bt[0], "montant", "amount"),
        base_amount=_d(el, "cbc:BaseAmount", bt[1]),
        percentage=_d(el, "cbc:MultiplierFactorNumeric", bt[2]),
        vat_category=VatCategory(category) if category else None,
        vat_rate=_d(el, "cac:TaxCategory/cbc:Percent", bt[3]),
        reason=_t(el, "cbc:AllowanceChargeReason"),
        reason_code=_t(el, "cbc:AllowanceChargeReasonCode"),
    )


def _vat_breakdown(el: _El) -> VatBreakdown:
    category = _f(el, "cac:TaxCategory")
    return VatBreakdown(
        taxable_amount=required(
            _d(el, "cbc:TaxableAmount", "BT-116"),
            "BT-116",
            "base imposable",
            "VAT category taxable amount",
        ),
        tax_amount=required(
            _d(el, "cbc:TaxAmount", "BT-117"), "BT-117", "montant de TVA", "VAT category tax amount"
        ),
        category=VatCategory(
            required(_t(category, "cbc:ID"), "BT-118", "catégorie de TVA", "VAT category code")
        ),
        rate=_d(category, "cbc:Percent", "BT-119"),
        exemption_reason=_t(category, "cbc:TaxExemptionReason"),
        exemption_reason_code=_t(category, "cbc:TaxExemptionReasonCode"),
    )


def _additional_document(el: _El) -> AdditionalDocument:
    binary = _f(el, "cac:Attachment/cbc:EmbeddedDocumentBinaryObject")
    attachment = None
    if binary is not None:
        attachment = Attachment(
            content=to_bytes_b64(binary.text, "BT-125"),
            mime_code=attr(binary, "mimeCode") or "",
            filename=attr(binary, "filename") or "",
        )
    return AdditionalDocument(
        reference=required(
            _t(el, "cbc:ID"),
            "BT-122",
            "référence du document justificatif",
            "supporting document reference",
        ),
        description=_t(el, "cbc:DocumentDescription"),
        external_uri=_t(el, "cac:Attachment/cac:ExternalReference/cbc:URI"),
        attachment=attachment,
    )


def _line(el: _El, prefix: str) -> InvoiceLine:
    line_id = required(
        _t(el, "cbc:ID"), "BT-126", "identifiant de ligne", "invoice line identifier"
    )
    where = f"ligne/line {line_id}"
    quantity_el = _f(
        el, "cbc:CreditedQuantity" if prefix == "CreditNote" else "cbc:InvoicedQuantity"
    )
    item_el = _f(el, "cac:Item")
    price_el = _f(el, "cac:Price")
    tax_el = _f(item_el, "cac:ClassifiedTaxCategory")
    price_discount = None
    gross = None
    for ac in _all(price_el, "cac:AllowanceCharge"):
        price_discount = _d(ac, "cbc:Amount", f"BT-147, {where}")
        gross = _d(ac, "cbc:BaseAmount", f"BT-148, {where}")
    net_price = required(
        _d(price_el, "cbc:PriceAmount", f"BT-146, {where}"), "BT-146", "prix net", "item net price"
    )
    base_quantity_el = _f(price_el, "cbc:BaseQuantity")
    object_id = None
    for ref in _all(el, "cac:DocumentReference"):
        if _t(ref, "cbc:DocumentTypeCode") in ("130", None):
            object_id = _identifier(_f(ref, "cbc:ID"))
    allowances = []
    for ac in _all(el, "cac:AllowanceCharge"):
        is_charge = (_t(ac, "cbc:ChargeIndicator") or "").lower() == "true"
        bt = "BT-141" if is_charge else "BT-136"
        allowances.append(
            LineAllowanceCharge(
                is_charge=is_charge,
                amount=required(_d(ac, "cbc:Amount", f"{bt}, {where}"), bt, "montant", "amount"),
                base_amount=_d(ac, "cbc:BaseAmount", where),
                percentage=_d(ac, "cbc:MultiplierFactorNumeric", where),
                reason=_t(ac, "cbc:AllowanceChargeReason"),
                reason_code=_t(ac, "cbc:AllowanceChargeReasonCode"),
            )
        )
    return InvoiceLine(
        id=line_id,
        note=_t(el, "cbc:Note"),
        object_id=object_id,
        quantity=required(
            to_decimal(text(quantity_el), f"BT-129, {where}"),
            "BT-129",
            "quantité facturée",
            "invoiced quantity",
        ),
        unit_code=required(
            attr(quantity_el, "unitCode"),
            "BT-130",
            "unité de mesure",
            "invoiced quantity unit of measure",
        ),
        net_amount=required(
            _d(el, "cbc:LineExtensionAmount", f"BT-131, {where}"),
            "BT-131",
            "montant net de la ligne",
            "invoice line net amount",
        ),
        order_line_reference=_t(el, "cac:OrderLineReference/cbc:LineID"),
        accounting_reference=_t(el, "cbc:AccountingCost"),
        period=_period(_f(el, "cac:InvoicePeriod"), "BT-134", "BT-135"),
        allowances_charges=allowances,
        price=Price(
            net_price=net_price,
            discount=price_discount,
            gross_price=gross,
            base_quantity=to_decimal(text(base_quantity_el), f"BT-149, {where}"),
            base_quantity_unit=attr(base_quantity_el, "unitCode"),
        ),
        vat_category=VatCategory(
            required(
                _t(tax_el, "cbc:ID"),
                "BT-151",
                "catégorie de TVA de la ligne",
                "invoiced item VAT category code",
            )
        ),
        vat_rate=_d(tax_el, "cbc:Percent", f"BT-152, {where}"),
        item=Item(
            name=required(
                _t(item_el, "cbc:Name"), "BT-153", "désignation de l'article", "item name"
            ),
            description=_t(item_el, "cbc:Description"),
            seller_id=_t(item_el, "cac:SellersItemIdentification/cbc:ID"),
            buyer_id=_t(item_el, "cac:BuyersItemIdentification/cbc:ID"),
            standard_id=_identifier(_f(item_el, "cac:StandardItemIdentification/cbc:ID")),
            classifications=[
                ItemClassification(
                    value=text(c) or "", scheme=attr(c, "listID"), version=attr(c, "listVersionID")
                )
                for c in _all(item_el, "cac:CommodityClassification/cbc:ItemClassificationCode")
            ],
            origin_country=_t(item_el, "cac:OriginCountry/cbc:IdentificationCode"),
            attributes=[
                ItemAttribute(name=_t(p, "cbc:Name") or "", value=_t(p, "cbc:Value") or "")
                for p in _all(item_el, "cac:AdditionalItemProperty")
            ],
        ),
    )
