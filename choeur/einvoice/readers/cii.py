"""UN/CEFACT CII D16B (CrossIndustryInvoice, Factur-X / ZUGFeRD 2.x) -> the EN 16931 pivot.

Follows the CEN/TS 16931-3-3 syntax binding; Factur-X profiles below EN 16931 (MINIMUM,
BASIC WL) read the same way and simply leave more terms empty.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lxml import etree

from choeur.einvoice.enums import (
    VAT_POINT_CII_TO_UBL,
    InvoiceTypeCode,
    PaymentMeansCode,
    VatCategory,
    VatPointDateCode,
)
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
    CII_NS_ITEMS,
    RAM,
    attr,
    find,
    find_all,
    missing,
    required,
    steps,
    text,
    to_bytes_b64,
    to_cii_date,
    to_decimal,
)

_El = etree._Element


def _f(el: _El | None, path: str) -> _El | None:
    return find(el, steps(path, CII_NS_ITEMS))


def _all(el: _El | None, path: str) -> list[_El]:
    return find_all(el, steps(path, CII_NS_ITEMS))


def _t(el: _El | None, path: str) -> str | None:
    return text(_f(el, path))


def _d(el: _El | None, path: str, bt: str) -> Decimal | None:
    return to_decimal(_t(el, path), bt)


def _dt(el: _El | None, path: str, bt: str) -> date | None:
    found = _f(el, path)
    return to_cii_date(text(found), attr(found, "format"), bt)


def read_cii(root: _El) -> Invoice:
    context = _f(root, "rsm:ExchangedDocumentContext")
    document = _f(root, "rsm:ExchangedDocument")
    transaction = _f(root, "rsm:SupplyChainTradeTransaction")
    agreement = _f(transaction, "ram:ApplicableHeaderTradeAgreement")
    delivery_el = _f(transaction, "ram:ApplicableHeaderTradeDelivery")
    settlement = _f(transaction, "ram:ApplicableHeaderTradeSettlement")
    if document is None or transaction is None:
        raise missing(
            "BT-1", "en-tête du document (ExchangedDocument)", "document header (ExchangedDocument)"
        )

    currency = required(
        _t(settlement, "ram:InvoiceCurrencyCode"), "BT-5", "code de devise", "currency code"
    )
    vat_currency = _t(settlement, "ram:TaxCurrencyCode")
    summation = _f(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    vat_total = vat_total_accounting = None
    for amount_el in _all(summation, "ram:TaxTotalAmount"):
        amount = to_decimal(text(amount_el), "BT-110")
        cur = attr(amount_el, "currencyID")
        if vat_currency and vat_currency != currency and cur == vat_currency:
            vat_total_accounting = amount
        elif vat_total is None:
            vat_total = amount
        else:
            vat_total_accounting = amount
    totals = Totals(
        line_total_amount=_d(summation, "ram:LineTotalAmount", "BT-106"),
        allowance_total_amount=_d(summation, "ram:AllowanceTotalAmount", "BT-107"),
        charge_total_amount=_d(summation, "ram:ChargeTotalAmount", "BT-108"),
        tax_exclusive_amount=required(
            _d(summation, "ram:TaxBasisTotalAmount", "BT-109"),
            "BT-109",
            "montant total hors TVA",
            "invoice total amount without VAT",
        ),
        vat_total_amount=vat_total,
        vat_total_amount_accounting=vat_total_accounting,
        tax_inclusive_amount=required(
            _d(summation, "ram:GrandTotalAmount", "BT-112"),
            "BT-112",
            "montant total TTC",
            "invoice total amount with VAT",
        ),
        prepaid_amount=_d(summation, "ram:TotalPrepaidAmount", "BT-113"),
        rounding_amount=_d(summation, "ram:RoundingAmount", "BT-114"),
        payable_amount=required(
            _d(summation, "ram:DuePayableAmount", "BT-115"),
            "BT-115",
            "montant à payer",
            "amount due for payment",
        ),
    )

    invoiced_object = None
    tender = None
    documents = []
    for ref in _all(agreement, "ram:AdditionalReferencedDocument"):
        code = _t(ref, "ram:TypeCode")
        if code == "130":  # BT-18
            invoiced_object = Identifier(
                value=_t(ref, "ram:IssuerAssignedID") or "", scheme=_t(ref, "ram:ReferenceTypeCode")
            )
        elif code == "50" and tender is None:  # BT-17
            tender = _t(ref, "ram:IssuerAssignedID")
        else:
            documents.append(_additional_document(ref))

    # BT-7 and BT-8 sit on the VAT breakdown rows in CII.
    tax_point_date = None
    tax_point_code = None
    for tax in _all(settlement, "ram:ApplicableTradeTax"):
        tax_point_date = tax_point_date or _dt(tax, "ram:TaxPointDate/udt:DateString", "BT-7")
        code = _t(tax, "ram:DueDateTypeCode")
        if code and tax_point_code is None:
            tax_point_code = VatPointDateCode(VAT_POINT_CII_TO_UBL.get(code, code))

    terms = _all(settlement, "ram:SpecifiedTradePaymentTerms")
    descriptions = [d for d in (_t(t, "ram:Description") for t in terms) if d]
    due_date = None
    mandate = None
    for term in terms:
        due_date = due_date or _dt(term, "ram:DueDateDateTime/udt:DateTimeString", "BT-9")
        mandate = mandate or _t(term, "ram:DirectDebitMandateID")

    spec = _t(context, "ram:GuidelineSpecifiedDocumentContextParameter/ram:ID")
    type_code = required(
        _t(document, "ram:TypeCode"), "BT-3", "code de type de facture", "invoice type code"
    )

    return Invoice(
        number=required(_t(document, "ram:ID"), "BT-1", "numéro de facture", "invoice number"),
        issue_date=required(
            _dt(document, "ram:IssueDateTime/udt:DateTimeString", "BT-2"),
            "BT-2",
            "date d'émission",
            "invoice issue date",
        ),
        type_code=InvoiceTypeCode(type_code),
        currency_code=currency,
        vat_currency_code=vat_currency,
        tax_point_date=tax_point_date,
        tax_point_date_code=tax_point_code,
        due_date=due_date,
        buyer_reference=_t(agreement, "ram:BuyerReference"),
        project_reference=_t(agreement, "ram:SpecifiedProcuringProject/ram:ID"),
        contract_reference=_t(agreement, "ram:ContractReferencedDocument/ram:IssuerAssignedID"),
        purchase_order_reference=_t(
            agreement, "ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"
        ),
        sales_order_reference=_t(
            agreement, "ram:SellerOrderReferencedDocument/ram:IssuerAssignedID"
        ),
        receiving_advice_reference=_t(
            delivery_el, "ram:ReceivingAdviceReferencedDocument/ram:IssuerAssignedID"
        ),
        despatch_advice_reference=_t(
            delivery_el, "ram:DespatchAdviceReferencedDocument/ram:IssuerAssignedID"
        ),
        tender_or_lot_reference=tender,
        invoiced_object_id=invoiced_object,
        buyer_accounting_reference=_t(
            settlement, "ram:ReceivableSpecifiedTradeAccountingAccount/ram:ID"
        ),
        payment_terms="\n".join(descriptions) if descriptions else None,
        notes=[
            Note(text=_t(n, "ram:Content") or "", subject_code=_t(n, "ram:SubjectCode"))
            for n in _all(document, "ram:IncludedNote")
            if _t(n, "ram:Content")
        ],
        process_control=ProcessControl(
            specification_id=spec or "",
            business_process_type=_t(
                context, "ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"
            ),
        ),
        preceding_invoices=[
            PrecedingInvoice(
                number=required(
                    _t(ref, "ram:IssuerAssignedID"),
                    "BT-25",
                    "référence de la facture antérieure",
                    "preceding invoice reference",
                ),
                issue_date=_dt(ref, "ram:FormattedIssueDateTime/qdt:DateTimeString", "BT-26"),
            )
            for ref in _all(settlement, "ram:InvoiceReferencedDocument")
        ],
        seller=_party(_f(agreement, "ram:SellerTradeParty"), seller=True),
        buyer=_party(_f(agreement, "ram:BuyerTradeParty"), seller=False),
        totals=totals,
        payee=_payee(_f(settlement, "ram:PayeeTradeParty")),
        tax_representative=_tax_representative(
            _f(agreement, "ram:SellerTaxRepresentativeTradeParty")
        ),
        delivery=_delivery(delivery_el),
        invoicing_period=_period(_f(settlement, "ram:BillingSpecifiedPeriod"), "BT-73", "BT-74"),
        payment_instructions=_payment(settlement, mandate),
        allowances_charges=[
            _allowance_charge(ac) for ac in _all(settlement, "ram:SpecifiedTradeAllowanceCharge")
        ],
        vat_breakdown=[_vat_breakdown(tax) for tax in _all(settlement, "ram:ApplicableTradeTax")],
        additional_documents=documents,
        lines=[_line(ln) for ln in _all(transaction, "ram:IncludedSupplyChainTradeLineItem")],
        syntax="cii",
        profile=profile_of(spec),
    )


def _identifier(el: _El | None) -> Identifier | None:
    value = text(el)
    if value is None:
        return None
    return Identifier(value=value, scheme=attr(el, "schemeID"))


def _address(el: _El | None) -> Address | None:
    if el is None:
        return None
    return Address(
        line1=_t(el, "ram:LineOne"),
        line2=_t(el, "ram:LineTwo"),
        line3=_t(el, "ram:LineThree"),
        city=_t(el, "ram:CityName"),
        post_code=_t(el, "ram:PostcodeCode"),
        country_subdivision=_t(el, "ram:CountrySubDivisionName"),
        country_code=_t(el, "ram:CountryID"),
    )


def _party_identifiers(el: _El | None) -> list[Identifier]:
    """BT-29 / BT-46 / BT-60: ram:ID (no scheme) and ram:GlobalID (with its schemeID)."""
    found = []
    for child in el if el is not None else []:
        tag = child.tag
        if tag in (_ID, _GLOBAL_ID):
            ident = _identifier(child)
            if ident is not None:
                found.append(ident)
    return found


_ID = f"{{{RAM}}}ID"
_GLOBAL_ID = f"{{{RAM}}}GlobalID"


def _party(el: _El | None, *, seller: bool) -> Party:
    bt_name = "BT-27" if seller else "BT-44"
    label_fr = "nom du vendeur" if seller else "nom de l'acheteur"
    label_en = "seller name" if seller else "buyer name"
    if el is None:
        raise missing(bt_name, label_fr, label_en)
    vat_id = tax_registration = None
    for reg in _all(el, "ram:SpecifiedTaxRegistration/ram:ID"):
        scheme = (attr(reg, "schemeID") or "").upper()
        if scheme == "VA":
            vat_id = vat_id or text(reg)
        elif scheme == "FC":
            tax_registration = tax_registration or text(reg)
    contact_el = _f(el, "ram:DefinedTradeContact")
    contact = None
    if contact_el is not None:
        contact = Contact(
            name=_t(contact_el, "ram:PersonName") or _t(contact_el, "ram:DepartmentName"),
            telephone=_t(contact_el, "ram:TelephoneUniversalCommunication/ram:CompleteNumber"),
            email=_t(contact_el, "ram:EmailURIUniversalCommunication/ram:URIID"),
        )
    legal = _f(el, "ram:SpecifiedLegalOrganization")
    return Party(
        name=required(_t(el, "ram:Name"), bt_name, label_fr, label_en),
        trading_name=_t(legal, "ram:TradingBusinessName"),
        identifiers=_party_identifiers(el),
        legal_registration_id=_identifier(_f(legal, "ram:ID")),
        vat_id=vat_id,
        tax_registration_id=tax_registration if seller else None,
        additional_legal_info=_t(el, "ram:Description") if seller else None,
        electronic_address=_identifier(_f(el, "ram:URIUniversalCommunication/ram:URIID")),
        address=_address(_f(el, "ram:PostalTradeAddress")),
        contact=contact,
    )


def _payee(el: _El | None) -> Payee | None:
    if el is None:
        return None
    return Payee(
        name=required(_t(el, "ram:Name"), "BT-59", "nom du bénéficiaire", "payee name"),
        identifiers=_party_identifiers(el),
        legal_registration_id=_identifier(_f(el, "ram:SpecifiedLegalOrganization/ram:ID")),
    )


def _tax_representative(el: _El | None) -> TaxRepresentative | None:
    if el is None:
        return None
    return TaxRepresentative(
        name=required(
            _t(el, "ram:Name"),
            "BT-62",
            "nom du représentant fiscal",
            "seller tax representative name",
        ),
        vat_id=required(
            _t(el, "ram:SpecifiedTaxRegistration/ram:ID"),
            "BT-63",
            "numéro de TVA du représentant fiscal",
            "seller tax representative VAT identifier",
        ),
        address=_address(_f(el, "ram:PostalTradeAddress")) or Address(),
    )


def _delivery(el: _El | None) -> Delivery | None:
    if el is None:
        return None
    ship_to = _f(el, "ram:ShipToTradeParty")
    ids = _party_identifiers(ship_to)
    actual = _dt(
        el, "ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime/udt:DateTimeString", "BT-72"
    )
    name = _t(ship_to, "ram:Name")
    address = _address(_f(ship_to, "ram:PostalTradeAddress"))
    if not ids and actual is None and name is None and address is None:
        return None
    return Delivery(
        party_name=name,
        location_id=ids[0] if ids else None,
        actual_delivery_date=actual,
        address=address,
    )


def _period(el: _El | None, bt_start: str, bt_end: str) -> Period | None:
    if el is None:
        return None
    start = _dt(el, "ram:StartDateTime/udt:DateTimeString", bt_start)
    end = _dt(el, "ram:EndDateTime/udt:DateTimeString", bt_end)
    if start is None and end is None:
        return None
    return Period(start=start, end=end)


def _payment(settlement: _El | None, mandate: str | None) -> PaymentInstructions | None:
    means = _all(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
    creditor_id = _t(settlement, "ram:CreditorReferenceID")
    remittance = _t(settlement, "ram:PaymentReference")
    if not means:
        return None
    first = means[0]
    transfers = []
    card = None
    debited = None
    for pm in means:
        account = _f(pm, "ram:PayeePartyCreditorFinancialAccount")
        if account is not None:
            transfers.append(
                CreditTransfer(
                    account_id=required(
                        _t(account, "ram:IBANID") or _t(account, "ram:ProprietaryID"),
                        "BT-84",
                        "identifiant du compte de paiement",
                        "payment account identifier",
                    ),
                    account_name=_t(account, "ram:AccountName"),
                    service_provider_id=_t(
                        pm, "ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID"
                    ),
                )
            )
        card_el = _f(pm, "ram:ApplicableTradeSettlementFinancialCard")
        if card_el is not None and card is None:
            card = PaymentCard(
                primary_account_number=_t(card_el, "ram:ID") or "",
                holder_name=_t(card_el, "ram:CardholderName"),
            )
        debited = debited or _t(pm, "ram:PayerPartyDebtorFinancialAccount/ram:IBANID")
    direct_debit = None
    if mandate or debited or creditor_id:
        direct_debit = DirectDebit(
            mandate_reference=mandate, creditor_id=creditor_id, debited_account_id=debited
        )
    return PaymentInstructions(
        means_code=PaymentMeansCode(
            required(
                _t(first, "ram:TypeCode"),
                "BT-81",
                "code du moyen de paiement",
                "payment means type code",
            )
        ),
        means_text=_t(first, "ram:Information"),
        remittance_information=remittance,
        credit_transfers=transfers,
        card=card,
        direct_debit=direct_debit,
    )


def _is_charge(el: _El) -> bool:
    return (_t(el, "ram:ChargeIndicator/udt:Indicator") or "").lower() == "true"


def _allowance_charge(el: _El) -> AllowanceCharge:
    is_charge = _is_charge(el)
    bt = (
        ("BT-99", "BT-100", "BT-101", "BT-103")
        if is_charge
        else ("BT-92", "BT-93", "BT-94", "BT-96")
    )
    category = _t(el, "ram:CategoryTradeTax/ram:CategoryCode")
    return AllowanceCharge(
        is_charge=is_charge,
        amount=required(_d(el, "ram:ActualAmount", bt[0]), bt[0], "montant", "amount"),
        base_amount=_d(el, "ram:BasisAmount", bt[1]),
        percentage=_d(el, "ram:CalculationPercent", bt[2]),
        vat_category=VatCategory(category) if category else None,
        vat_rate=_d(el, "ram:CategoryTradeTax/ram:RateApplicablePercent", bt[3]),
        reason=_t(el, "ram:Reason"),
        reason_code=_t(el, "ram:ReasonCode"),
    )


def _vat_breakdown(el: _El) -> VatBreakdown:
    return VatBreakdown(
        taxable_amount=required(
            _d(el, "ram:BasisAmount", "BT-116"),
            "BT-116",
            "base imposable",
            "VAT category taxable amount",
        ),
        tax_amount=required(
            _d(el, "ram:CalculatedAmount", "BT-117"),
            "BT-117",
            "montant de TVA",
            "VAT category tax amount",
        ),
        category=VatCategory(
            required(_t(el, "ram:CategoryCode"), "BT-118", "catégorie de TVA", "VAT category code")
        ),
        rate=_d(el, "ram:RateApplicablePercent", "BT-119"),
        exemption_reason=_t(el, "ram:ExemptionReason"),
        exemption_reason_code=_t(el, "ram:ExemptionReasonCode"),
    )


def _additional_document(el: _El) -> AdditionalDocument:
    binary = _f(el, "ram:AttachmentBinaryObject")
    attachment = None
    if binary is not None:
        attachment = Attachment(
            content=to_bytes_b64(binary.text, "BT-125"),
            mime_code=attr(binary, "mimeCode") or "",
            filename=attr(binary, "filename") or "",
        )
    return AdditionalDocument(
        reference=required(
            _t(el, "ram:IssuerAssignedID"),
            "BT-122",
            "référence du document justificatif",
            "supporting document reference",
        ),
        description=_t(el, "ram:Name"),
        external_uri=_t(el, "ram:URIID"),
        attachment=attachment,
    )


def _line(el: _El) -> InvoiceLine:
    doc = _f(el, "ram:AssociatedDocumentLineDocument")
    line_id = required(
        _t(doc, "ram:LineID"), "BT-126", "identifiant de ligne", "invoice line identifier"
    )
    where = f"ligne/line {line_id}"
    product = _f(el, "ram:SpecifiedTradeProduct")
    agreement = _f(el, "ram:SpecifiedLineTradeAgreement")
    delivery = _f(el, "ram:SpecifiedLineTradeDelivery")
    settlement = _f(el, "ram:SpecifiedLineTradeSettlement")
    gross_el = _f(agreement, "ram:GrossPriceProductTradePrice")
    net_el = _f(agreement, "ram:NetPriceProductTradePrice")
    discount = None
    for ac in _all(gross_el, "ram:AppliedTradeAllowanceCharge"):
        if not _is_charge(ac):
            discount = _d(ac, "ram:ActualAmount", f"BT-147, {where}")
    base_el = _f(net_el, "ram:BasisQuantity")
    if base_el is None:
        base_el = _f(gross_el, "ram:BasisQuantity")
    quantity_el = _f(delivery, "ram:BilledQuantity")
    tax = _f(settlement, "ram:ApplicableTradeTax")
    object_id = None
    for ref in _all(settlement, "ram:AdditionalReferencedDocument"):
        if _t(ref, "ram:TypeCode") in ("130", None):
            value = _t(ref, "ram:IssuerAssignedID")
            if value:
                object_id = Identifier(value=value, scheme=_t(ref, "ram:ReferenceTypeCode"))
    allowances = []
    for ac in _all(settlement, "ram:SpecifiedTradeAllowanceCharge"):
        is_charge = _is_charge(ac)
        bt = "BT-141" if is_charge else "BT-136"
        allowances.append(
            LineAllowanceCharge(
                is_charge=is_charge,
                amount=required(
                    _d(ac, "ram:ActualAmount", f"{bt}, {where}"), bt, "montant", "amount"
                ),
                base_amount=_d(ac, "ram:BasisAmount", where),
                percentage=_d(ac, "ram:CalculationPercent", where),
                reason=_t(ac, "ram:Reason"),
                reason_code=_t(ac, "ram:ReasonCode"),
            )
        )
    return InvoiceLine(
        id=line_id,
        note=_t(doc, "ram:IncludedNote/ram:Content"),
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
            _d(
                settlement,
                "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
                f"BT-131, {where}",
            ),
            "BT-131",
            "montant net de la ligne",
            "invoice line net amount",
        ),
        order_line_reference=_t(agreement, "ram:BuyerOrderReferencedDocument/ram:LineID"),
        accounting_reference=_t(settlement, "ram:ReceivableSpecifiedTradeAccountingAccount/ram:ID"),
        period=_period(_f(settlement, "ram:BillingSpecifiedPeriod"), "BT-134", "BT-135"),
        allowances_charges=allowances,
        price=Price(
            net_price=required(
                _d(net_el, "ram:ChargeAmount", f"BT-146, {where}"),
                "BT-146",
                "prix net",
                "item net price",
            ),
            discount=discount,
            gross_price=_d(gross_el, "ram:ChargeAmount", f"BT-148, {where}"),
            base_quantity=to_decimal(text(base_el), f"BT-149, {where}"),
            base_quantity_unit=attr(base_el, "unitCode"),
        ),
        vat_category=VatCategory(
            required(
                _t(tax, "ram:CategoryCode"),
                "BT-151",
                "catégorie de TVA de la ligne",
                "invoiced item VAT category code",
            )
        ),
        vat_rate=_d(tax, "ram:RateApplicablePercent", f"BT-152, {where}"),
        item=Item(
            name=required(
                _t(product, "ram:Name"), "BT-153", "désignation de l'article", "item name"
            ),
            description=_t(product, "ram:Description"),
            seller_id=_t(product, "ram:SellerAssignedID"),
            buyer_id=_t(product, "ram:BuyerAssignedID"),
            standard_id=_identifier(_f(product, "ram:GlobalID")),
            classifications=[
                ItemClassification(
                    value=text(c) or "", scheme=attr(c, "listID"), version=attr(c, "listVersionID")
                )
                for c in _all(product, "ram:DesignatedProductClassification/ram:ClassCode")
            ],
            origin_country=_t(product, "ram:OriginTradeCountry/ram:ID"),
            attributes=[
                ItemAttribute(name=_t(p, "ram:Description") or "", value=_t(p, "ram:Value") or "")
                for p in _all(product, "ram:ApplicableProductCharacteristic")
            ],
        ),
    )
