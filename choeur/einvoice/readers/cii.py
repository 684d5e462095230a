"""UN/CEFACT CII D16B (CrossIndustryInvoice, Factur-X / ZUGFeRD 2.x) <-> the EN 16931 pivot:
the binding table (CEN/TS 16931-3-3).

`read_cii` reads with these tables, `writers.cii` writes with them (`_binding` is the engine).
Terms are listed in the order of the Factur-X 1.0 EN 16931 XSD (a restriction of D16B), so a
norm-complete invoice written from them passes both. Factur-X profiles below EN 16931
(MINIMUM, BASIC WL) read the same way and simply leave more terms empty. The `Custom` terms are
the places where CII says a BT by more than a path; each one says why.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from lxml import etree

from choeur.einvoice.enums import (
    VAT_POINT_CII_TO_UBL,
    VAT_POINT_UBL_TO_CII,
    InvoiceTypeCode,
    VatCategory,
    VatPointDateCode,
)
from choeur.einvoice.model import (
    GUIDELINE_EN16931,
    AdditionalDocument,
    Address,
    AllowanceCharge,
    Contact,
    CreditTransfer,
    Delivery,
    Identifier,
    Invoice,
    InvoiceLine,
    ItemAttribute,
    LineAllowanceCharge,
    Note,
    Party,
    Payee,
    Period,
    PrecedingInvoice,
    ProcessControl,
    Totals,
    VatBreakdown,
    profile_of,
)
from choeur.einvoice.readers._binding import (
    DATE_102,
    DECIMAL,
    HEADER_ORDER_END,
    HEADER_ORDER_PARTIES,
    INDICATOR,
    LINE_OPTIONS,
    LINE_ORDER_AMOUNTS,
    LINE_ORDER_END,
    MANDATORY,
    Code,
    Context,
    Custom,
    Out,
    T,
    Table,
    Term,
    Values,
    attributes,
    credit_transfer,
    finish_process_control,
    finish_tax_representative,
    leaf,
    mandatory,
    optional_leaf,
    payment_card,
    payment_instructions,
    read_group,
)
from choeur.einvoice.readers._common import (
    CII_NS,
    CII_NS_ITEMS,
    RAM,
    attr,
    find,
    find_all,
    missing,
    steps,
    text,
    to_cii_date,
    to_decimal,
)
from choeur.einvoice.readers.ubl import ATTACHMENT, CLASSIFICATION, IDENT

_El = etree._Element
NS = CII_NS
VAT_CATEGORY = Code(VatCategory)
_IBAN = re.compile(r"\A[A-Z]{2}[0-9]{2}[A-Z0-9]{8,30}\Z")
_ID = f"{{{RAM}}}ID"
_GLOBAL_ID = f"{{{RAM}}}GlobalID"
TRANSACTION = "rsm:SupplyChainTradeTransaction"
AGREEMENT = f"{TRANSACTION}/ram:ApplicableHeaderTradeAgreement"
DELIVERY_EL = f"{TRANSACTION}/ram:ApplicableHeaderTradeDelivery"
SETTLEMENT = f"{TRANSACTION}/ram:ApplicableHeaderTradeSettlement"
SUMMATION = f"{SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
SHIP_TO = f"{DELIVERY_EL}/ram:ShipToTradeParty"


def _f(el: _El | None, path: str) -> _El | None:
    return find(el, steps(path, CII_NS_ITEMS))


def _all(el: _El | None, path: str) -> list[_El]:
    return find_all(el, steps(path, CII_NS_ITEMS))


def _t(el: _El | None, path: str) -> str | None:
    return text(_f(el, path))


def _identifiers_of(el: _El | None) -> list[Identifier]:
    """BT-29 / BT-46 / BT-60 / BT-71: ram:ID (no scheme) and ram:GlobalID (with its schemeID),
    in document order."""
    found = []
    for child in el if el is not None else []:
        if child.tag in (_ID, _GLOBAL_ID):
            ident = IDENT.read(child, "")
            if ident is not None:
                found.append(ident)
    return found


def _write_identifiers(out: Out, depth: int, identifiers: Sequence[Identifier]) -> None:
    # ram:ID (no scheme) come before ram:GlobalID (with a scheme) in the XSD.
    for ident in identifiers:
        if ident.scheme is None and ident.value.strip():
            leaf(out, depth, "ram:ID", ident.value)
    for ident in identifiers:
        if ident.scheme is not None and ident.value.strip():
            leaf(out, depth, "ram:GlobalID", ident.value, attributes([("schemeID", ident.scheme)]))


def _identifiers_term(attr_: str = "identifiers") -> Term:
    def read(values: Values, found: Sequence[list[_El]], where: str) -> None:
        values[attr_] = _identifiers_of(found[0][0]) if found[0] else []

    def write(obj: Any, ctx: Context, out: Out, depth: int) -> None:
        _write_identifiers(out, depth, obj.identifiers)

    return Term(
        attr_,
        "",
        custom=Custom(read, write, (".",), "ram:ID or ram:GlobalID by scheme", sets=(attr_,)),
    )


# --- the tables ---------------------------------------------------------------------------------

ADDRESS = Table(
    Address,
    (
        T("post_code", "ram:PostcodeCode"),  # BT-38 / BT-53 / BT-67 / BT-78
        T("line1", "ram:LineOne"),  # BT-35 / ...
        T("line2", "ram:LineTwo"),  # BT-36 / ...
        T("line3", "ram:LineThree"),  # BT-162 / ...
        T("city", "ram:CityName"),  # BT-37 / ...
        T("country_code", "ram:CountryID"),  # BT-40 / ...
        T("country_subdivision", "ram:CountrySubDivisionName"),  # BT-39 / ...
    ),
    NS,
)


def _contact(values: Values) -> Contact:
    department = values.pop("_department")
    values["name"] = values["name"] or department  # BT-41 as a person, or as a department
    return Contact(**values)


CONTACT = Table(
    None,
    (
        T("name", "ram:PersonName"),  # BT-41 / BT-56
        T("_department", "ram:DepartmentName", read_only=True),
        T("telephone", "ram:TelephoneUniversalCommunication/ram:CompleteNumber"),  # BT-42
        T("email", "ram:EmailURIUniversalCommunication/ram:URIID"),  # BT-43 / BT-58
    ),
    NS,
    finish=_contact,
)


def _tax_registrations(seller: bool) -> Term:
    """BT-31 / BT-48 (schemeID VA) and BT-32 (FC): the same ram:SpecifiedTaxRegistration."""

    def read(values: Values, found: Sequence[list[_El]], where: str) -> None:
        vat_id = tax_registration = None
        for reg in found[0]:
            scheme = (attr(reg, "schemeID") or "").upper()
            if scheme == "VA":
                vat_id = vat_id or text(reg)
            elif scheme == "FC":
                tax_registration = tax_registration or text(reg)
        values["vat_id"] = vat_id
        values["tax_registration_id"] = tax_registration if seller else None

    def write(obj: Any, ctx: Context, out: Out, depth: int) -> None:
        pairs = [(obj.vat_id, "VA")]
        if seller:
            pairs.append((obj.tax_registration_id, "FC"))
        for value, scheme in pairs:
            if value:
                out.append(f"{'  ' * depth}<ram:SpecifiedTaxRegistration>\n")
                leaf(out, depth + 1, "ram:ID", value, attributes([("schemeID", scheme)]))
                out.append(f"{'  ' * depth}</ram:SpecifiedTaxRegistration>\n")

    return Term(
        "vat_id",
        "",
        custom=Custom(
            read,
            write,
            ("ram:SpecifiedTaxRegistration/ram:ID",),
            "VA or FC",
            sets=("vat_id", "tax_registration_id"),
        ),
    )


def _party(seller: bool) -> Table:
    bt = "BT-27" if seller else "BT-44"
    terms = [
        _identifiers_term(),  # BT-29 / BT-46
        T("name", "ram:Name", **mandatory(bt)),  # BT-27 / BT-44
    ]
    if seller:
        terms.append(T("additional_legal_info", "ram:Description"))  # BT-33
    terms += [
        T("legal_registration_id", "ram:SpecifiedLegalOrganization/ram:ID", IDENT),  # BT-30
        T("trading_name", "ram:SpecifiedLegalOrganization/ram:TradingBusinessName"),  # BT-28
        T("contact", "ram:DefinedTradeContact", table=CONTACT),  # BG-6 / BG-9
        T("address", "ram:PostalTradeAddress", table=ADDRESS),  # BG-5 / BG-8
        T("electronic_address", "ram:URIUniversalCommunication/ram:URIID", IDENT),  # BT-34
        _tax_registrations(seller),
    ]
    return Table(Party, tuple(terms), NS, order=("vat_id", "contact", "name"))


SELLER = _party(seller=True)
BUYER = _party(seller=False)

PAYEE = Table(
    Payee,
    (
        _identifiers_term(),  # BT-60
        T("name", "ram:Name", **mandatory("BT-59")),
        T("legal_registration_id", "ram:SpecifiedLegalOrganization/ram:ID", IDENT),  # BT-61
    ),
    NS,
)


TAX_REPRESENTATIVE = Table(
    None,
    (
        T(
            "name",
            "ram:Name",
            **mandatory("BT-62"),
        ),
        T("address", "ram:PostalTradeAddress", table=ADDRESS),  # BG-12
        T(
            "vat_id",
            "ram:SpecifiedTaxRegistration/ram:ID",
            **mandatory("BT-63"),
            fixed_attrs=(("schemeID", "VA"),),
        ),
    ),
    NS,
    finish=finish_tax_representative,
)


def _note(values: Values) -> Note | None:
    return Note(**values) if values["text"] else None  # BT-22 is the note: no text, no note


NOTE = Table(
    None,
    (
        T("text", "ram:Content", default=""),  # BT-22
        T("subject_code", "ram:SubjectCode"),  # BT-21
    ),
    NS,
    finish=_note,
)

PRECEDING = Table(
    PrecedingInvoice,
    (
        T(
            "number",
            "ram:IssuerAssignedID",
            **mandatory("BT-25"),
        ),
        T("issue_date", "ram:FormattedIssueDateTime/qdt:DateTimeString", DATE_102, "BT-26"),
    ),
    NS,
)

ALLOWANCE_CHARGE = Table(  # BG-20 / BG-21
    AllowanceCharge,
    (
        T("is_charge", "ram:ChargeIndicator/udt:Indicator", INDICATOR, default=False),
        T("percentage", "ram:CalculationPercent", DECIMAL, "BT-94|BT-101"),
        T("base_amount", "ram:BasisAmount", DECIMAL, "BT-93|BT-100"),
        T("amount", "ram:ActualAmount", DECIMAL, **mandatory("BT-92|BT-99")),
        T("reason_code", "ram:ReasonCode"),  # BT-98 / BT-105
        T("reason", "ram:Reason"),  # BT-97 / BT-104
        T(None, "ram:CategoryTradeTax/ram:TypeCode", const="VAT"),
        T("vat_category", "ram:CategoryTradeTax/ram:CategoryCode", VAT_CATEGORY),  # BT-95
        T(
            "vat_rate",
            "ram:CategoryTradeTax/ram:RateApplicablePercent",
            DECIMAL,
            "BT-96|BT-103",
        ),
    ),
    NS,
    order=("is_charge", "amount", "base_amount", "percentage"),
)


def _write_tax_point(row: Any, ctx: Context, out: Out, depth: int) -> None:
    # BT-7 and BT-8 are invoice terms that CII repeats on every VAT breakdown row.
    tax_point_date = ctx["tax_point_date"]
    if tax_point_date is not None:
        out.append(f"{'  ' * depth}<ram:TaxPointDate>\n")
        leaf(out, depth + 1, "udt:DateString", tax_point_date.strftime("%Y%m%d"), ' format="102"')
        out.append(f"{'  ' * depth}</ram:TaxPointDate>\n")
    code = ctx["tax_point_date_code"]
    if code is not None:
        leaf(out, depth, "ram:DueDateTypeCode", VAT_POINT_UBL_TO_CII.get(code.value, code.value))


VAT_BREAKDOWN = Table(  # BG-23: ram:ApplicableTradeTax
    VatBreakdown,
    (
        T(
            "tax_amount",
            "ram:CalculatedAmount",
            DECIMAL,
            **mandatory("BT-117"),
        ),
        T(None, "ram:TypeCode", const="VAT"),
        T("exemption_reason", "ram:ExemptionReason"),  # BT-120
        T(
            "taxable_amount",
            "ram:BasisAmount",
            DECIMAL,
            **mandatory("BT-116"),
        ),
        T(
            "category",
            "ram:CategoryCode",
            VAT_CATEGORY,
            **mandatory("BT-118"),
        ),
        T("exemption_reason_code", "ram:ExemptionReasonCode"),  # BT-121
        Term(None, "", custom=Custom(None, _write_tax_point, (), "BT-7 and BT-8 on each row")),
        T("rate", "ram:RateApplicablePercent", DECIMAL, "BT-119"),
    ),
    NS,
    order=("taxable_amount", "tax_amount", "category", "rate"),
)

ADDITIONAL_DOCUMENT = Table(  # BG-24
    AdditionalDocument,
    (
        T(
            "reference",
            "ram:IssuerAssignedID",
            **mandatory("BT-122"),
        ),
        T("external_uri", "ram:URIID"),  # BT-124
        T(None, "ram:TypeCode", const="916"),
        T("description", "ram:Name"),  # BT-123
        T("attachment", "ram:AttachmentBinaryObject", ATTACHMENT),  # BT-125
    ),
    NS,
)

LINE_ALLOWANCE_CHARGE = Table(  # BG-27 / BG-28
    LineAllowanceCharge,
    (
        T("is_charge", "ram:ChargeIndicator/udt:Indicator", INDICATOR, default=False),
        T("percentage", "ram:CalculationPercent", DECIMAL, "BT-138|BT-143"),
        T("base_amount", "ram:BasisAmount", DECIMAL, "BT-137|BT-142"),
        T(
            "amount",
            "ram:ActualAmount",
            DECIMAL,
            **mandatory("BT-136|BT-141"),
        ),
        T("reason_code", "ram:ReasonCode"),  # BT-140 / BT-145
        T("reason", "ram:Reason"),  # BT-139 / BT-144
    ),
    NS,
    order=("is_charge", "amount", "base_amount", "percentage"),
)

ITEM_ATTRIBUTE = Table(  # BG-32
    ItemAttribute,
    (
        T("name", "ram:Description", default=""),  # BT-160
        T("value", "ram:Value", default=""),  # BT-161
    ),
    NS,
)

_AGREEMENT = "ram:SpecifiedLineTradeAgreement"
_GROSS = f"{_AGREEMENT}/ram:GrossPriceProductTradePrice"
_NET = f"{_AGREEMENT}/ram:NetPriceProductTradePrice"
_LINE_SETTLEMENT = "ram:SpecifiedLineTradeSettlement"


def _read_price(values: Values, found: Sequence[list[_El]], where: str) -> None:
    """BT-147 is the allowance of the gross price (BG-29); BT-149 / BT-150 are the net price's
    ram:BasisQuantity, else the gross price's."""
    gross_acs, net_bases, gross_bases = found
    discount = None
    for ac in gross_acs:
        if (_t(ac, "ram:ChargeIndicator/udt:Indicator") or "").lower() != "true":
            discount = to_decimal(_t(ac, "ram:ActualAmount"), f"BT-147, {where}")
    values["price.discount"] = discount
    base = net_bases[0] if net_bases else (gross_bases[0] if gross_bases else None)
    values["price.base_quantity"] = to_decimal(text(base), f"BT-149, {where}")
    values["price.base_quantity_unit"] = attr(base, "unitCode")


def _write_gross_price(line: Any, ctx: Context, out: Out, depth: int) -> None:
    price = line.price
    if price.gross_price is None and price.discount is None:
        return
    indent = "  " * depth
    mark = len(out)
    out.append(f"{indent}<ram:GrossPriceProductTradePrice>\n")
    if price.gross_price is not None:
        leaf(out, depth + 1, "ram:ChargeAmount", format(price.gross_price, "f"))
    if price.base_quantity is not None:
        unit = attributes([("unitCode", price.base_quantity_unit)])
        leaf(out, depth + 1, "ram:BasisQuantity", format(price.base_quantity, "f"), unit)
    if price.discount is not None:
        out.append(f"{indent}  <ram:AppliedTradeAllowanceCharge>\n")
        out.append(f"{indent}    <ram:ChargeIndicator>\n")
        leaf(out, depth + 3, "udt:Indicator", "false")
        out.append(f"{indent}    </ram:ChargeIndicator>\n")
        leaf(out, depth + 2, "ram:ActualAmount", format(price.discount, "f"))
        out.append(f"{indent}  </ram:AppliedTradeAllowanceCharge>\n")
    if len(out) == mark + 1:
        del out[mark:]
    else:
        out.append(f"{indent}</ram:GrossPriceProductTradePrice>\n")


def _read_line_object(values: Values, found: Sequence[list[_El]], where: str) -> None:
    # BT-128 is the line's ram:AdditionalReferencedDocument of type 130 (or of no type).
    object_id = None
    for ref in found[0]:
        if _t(ref, "ram:TypeCode") in ("130", None):
            value = _t(ref, "ram:IssuerAssignedID")
            if value:
                object_id = Identifier(value=value, scheme=_t(ref, "ram:ReferenceTypeCode"))
    values["object_id"] = object_id


LINE = Table(  # BG-25
    InvoiceLine,
    (
        T(
            "id",
            "ram:AssociatedDocumentLineDocument/ram:LineID",
            **mandatory("BT-126"),
        ),
        T("note", "ram:AssociatedDocumentLineDocument/ram:IncludedNote/ram:Content"),  # BT-127
        T("item.standard_id", "ram:SpecifiedTradeProduct/ram:GlobalID", IDENT),  # BT-157
        T("item.seller_id", "ram:SpecifiedTradeProduct/ram:SellerAssignedID"),  # BT-155
        T("item.buyer_id", "ram:SpecifiedTradeProduct/ram:BuyerAssignedID"),  # BT-156
        T(
            "item.name",
            "ram:SpecifiedTradeProduct/ram:Name",
            **mandatory("BT-153"),
        ),
        T("item.description", "ram:SpecifiedTradeProduct/ram:Description"),  # BT-154
        T(
            "item.attributes",
            "ram:SpecifiedTradeProduct/ram:ApplicableProductCharacteristic",
            many=True,
            table=ITEM_ATTRIBUTE,
        ),
        T(
            "item.classifications",  # BT-158
            "ram:SpecifiedTradeProduct/ram:DesignatedProductClassification/ram:ClassCode",
            CLASSIFICATION,
            many=True,
        ),
        T("item.origin_country", "ram:SpecifiedTradeProduct/ram:OriginTradeCountry/ram:ID"),
        T(
            "order_line_reference",
            f"{_AGREEMENT}/ram:BuyerOrderReferencedDocument/ram:LineID",
        ),  # BT-132
        T("price.gross_price", f"{_GROSS}/ram:ChargeAmount", DECIMAL, "BT-148", read_only=True),
        Term(
            "price.discount",
            _AGREEMENT,
            custom=Custom(
                _read_price,
                _write_gross_price,
                (
                    f"{_GROSS}/ram:AppliedTradeAllowanceCharge",
                    f"{_NET}/ram:BasisQuantity",
                    f"{_GROSS}/ram:BasisQuantity",
                ),
                "BT-147 in the gross price; BT-149 in the net price, else the gross one",
                sets=("price.discount", "price.base_quantity", "price.base_quantity_unit"),
                none_when_absent=True,
            ),
        ),
        T(
            "price.net_price",
            f"{_NET}/ram:ChargeAmount",
            DECIMAL,
            **mandatory("BT-146"),
        ),
        T("price.base_quantity", f"{_NET}/ram:BasisQuantity", DECIMAL, write_only=True),
        T("price.base_quantity_unit", f"{_NET}/ram:BasisQuantity@unitCode", write_only=True),
        T(
            "quantity",
            "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity",
            DECIMAL,
            **mandatory("BT-129"),
        ),
        T(
            "unit_code",
            "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity@unitCode",
            **mandatory("BT-130"),
        ),
        T(None, f"{_LINE_SETTLEMENT}/ram:ApplicableTradeTax/ram:TypeCode", const="VAT"),
        T(
            "vat_category",
            f"{_LINE_SETTLEMENT}/ram:ApplicableTradeTax/ram:CategoryCode",
            VAT_CATEGORY,
            **mandatory("BT-151"),
        ),
        T(
            "vat_rate",
            f"{_LINE_SETTLEMENT}/ram:ApplicableTradeTax/ram:RateApplicablePercent",
            DECIMAL,
            "BT-152",
        ),
        T(
            "period.start",
            f"{_LINE_SETTLEMENT}/ram:BillingSpecifiedPeriod/ram:StartDateTime/udt:DateTimeString",
            DATE_102,
            "BT-134",
        ),
        T(
            "period.end",
            f"{_LINE_SETTLEMENT}/ram:BillingSpecifiedPeriod/ram:EndDateTime/udt:DateTimeString",
            DATE_102,
            "BT-135",
        ),
        T(
            "allowances_charges",
            f"{_LINE_SETTLEMENT}/ram:SpecifiedTradeAllowanceCharge",
            many=True,
            table=LINE_ALLOWANCE_CHARGE,
        ),
        T(
            "net_amount",
            f"{_LINE_SETTLEMENT}/ram:SpecifiedTradeSettlementLineMonetarySummation"
            "/ram:LineTotalAmount",
            DECIMAL,
            **mandatory("BT-131"),
        ),
        Term(
            "object_id",
            "",
            custom=Custom(
                _read_line_object,
                None,
                (f"{_LINE_SETTLEMENT}/ram:AdditionalReferencedDocument",),
                "BT-128 is the referenced document of type 130",
                sets=("object_id",),
                none_when_absent=True,
            ),
        ),
        T(
            "object_id.value",
            f"{_LINE_SETTLEMENT}/ram:AdditionalReferencedDocument/ram:IssuerAssignedID",
            write_only=True,
        ),
        T(None, f"{_LINE_SETTLEMENT}/ram:AdditionalReferencedDocument/ram:TypeCode", const="130"),
        T(
            "object_id.scheme",
            f"{_LINE_SETTLEMENT}/ram:AdditionalReferencedDocument/ram:ReferenceTypeCode",
            write_only=True,
        ),  # BT-128-1
        T(
            "accounting_reference",
            f"{_LINE_SETTLEMENT}/ram:ReceivableSpecifiedTradeAccountingAccount/ram:ID",
        ),  # BT-133
    ),
    NS,
    **LINE_OPTIONS,
    order=(
        "id",
        "price.discount",
        "object_id",
        *LINE_ORDER_AMOUNTS,
        "price.net_price",
        "price.gross_price",
        *LINE_ORDER_END,
    ),
)


# --- the header's custom terms ------------------------------------------------------------------


def _read_header(values: Values, found: Sequence[list[_El]], where: str) -> None:
    if not found[0] or not found[1]:
        raise missing(
            "BT-1", "en-tête du document (ExchangedDocument)", "document header (ExchangedDocument)"
        )


def _write_guideline(invoice: Any, ctx: Context, out: Out, depth: int) -> None:
    # BT-24 is mandatory: the one asked for, else the invoice's, else EN 16931's.
    spec = ctx.get("guideline_id") or invoice.process_control.specification_id or GUIDELINE_EN16931
    out.append(f"{'  ' * depth}<ram:GuidelineSpecifiedDocumentContextParameter>\n")
    leaf(out, depth + 1, "ram:ID", spec)
    out.append(f"{'  ' * depth}</ram:GuidelineSpecifiedDocumentContextParameter>\n")


def _read_tax_totals(values: Values, found: Sequence[list[_El]], where: str) -> None:
    """BT-110 and BT-111: two ram:TaxTotalAmount, told apart by their currency."""
    currency, vat_currency = values["currency_code"], values["vat_currency_code"]
    vat_total = vat_total_accounting = None
    for amount_el in found[0]:
        amount = to_decimal(text(amount_el), "BT-110")
        cur = attr(amount_el, "currencyID")
        if vat_currency and vat_currency != currency and cur == vat_currency:
            vat_total_accounting = amount
        elif vat_total is None:
            vat_total = amount
        else:
            vat_total_accounting = amount
    values["totals.vat_total_amount"] = vat_total
    values["totals.vat_total_amount_accounting"] = vat_total_accounting


def _read_documents(values: Values, found: Sequence[list[_El]], where: str) -> None:
    """ram:AdditionalReferencedDocument carries BG-24, BT-17 (type 50) and BT-18 (type 130)."""
    invoiced_object = None
    tender = None
    documents = []
    for ref in found[0]:
        code = _t(ref, "ram:TypeCode")
        if code == "130":
            invoiced_object = Identifier(
                value=_t(ref, "ram:IssuerAssignedID") or "", scheme=_t(ref, "ram:ReferenceTypeCode")
            )
        elif code == "50" and tender is None:
            tender = _t(ref, "ram:IssuerAssignedID")
        else:
            documents.append(read_group(ADDITIONAL_DOCUMENT, ref, where))
    values["invoiced_object_id"] = invoiced_object
    values["tender_or_lot_reference"] = tender
    values["additional_documents"] = documents


def _write_documents(invoice: Any, ctx: Context, out: Out, depth: int) -> None:
    from choeur.einvoice.readers._binding import write_element

    indent = "  " * depth
    for doc in invoice.additional_documents:
        write_element(ADDITIONAL_DOCUMENT, "ram:AdditionalReferencedDocument", doc, ctx, out, depth)
    refs: list[tuple[str | None, str, str | None]] = []
    if invoice.tender_or_lot_reference:
        refs.append((invoice.tender_or_lot_reference, "50", None))
    if invoice.invoiced_object_id is not None:
        refs.append((invoice.invoiced_object_id.value, "130", invoice.invoiced_object_id.scheme))
    for value, code, scheme in refs:
        out.append(f"{indent}<ram:AdditionalReferencedDocument>\n")
        if value and value.strip():
            leaf(out, depth + 1, "ram:IssuerAssignedID", value)
        leaf(out, depth + 1, "ram:TypeCode", code)
        if scheme and scheme.strip():
            leaf(out, depth + 1, "ram:ReferenceTypeCode", scheme)
        out.append(f"{indent}</ram:AdditionalReferencedDocument>\n")


def _read_vat_point(values: Values, found: Sequence[list[_El]], where: str) -> None:
    """BT-7 and BT-8 sit on the VAT breakdown rows in CII: the first of each."""
    tax_point_date = None
    tax_point_code = None
    for tax in found[0]:
        if tax_point_date is None:
            date_el = _f(tax, "ram:TaxPointDate/udt:DateString")
            tax_point_date = to_cii_date(text(date_el), attr(date_el, "format"), "BT-7")
        code = _t(tax, "ram:DueDateTypeCode")
        if code and tax_point_code is None:
            tax_point_code = VatPointDateCode(VAT_POINT_CII_TO_UBL.get(code, code))
    values["tax_point_date"] = tax_point_date
    values["tax_point_date_code"] = tax_point_code


def _read_terms(values: Values, found: Sequence[list[_El]], where: str) -> None:
    """BT-20 (every ram:Description, one a line), BT-9 and BT-89 over the payment terms."""
    descriptions = [d for d in (_t(t, "ram:Description") for t in found[0]) if d]
    due_date = None
    mandate = None
    for term in found[0]:
        if due_date is None:
            date_el = _f(term, "ram:DueDateDateTime/udt:DateTimeString")
            due_date = to_cii_date(text(date_el), attr(date_el, "format"), "BT-9")
        mandate = mandate or _t(term, "ram:DirectDebitMandateID")
    values["payment_terms"] = "\n".join(descriptions) if descriptions else None
    values["due_date"] = due_date
    values["_mandate"] = mandate


def _read_payment(values: Values, found: Sequence[list[_El]], where: str) -> None:
    """BG-16 to BG-19: one ram:SpecifiedTradeSettlementPaymentMeans per account, BT-83 and
    BT-90 on the settlement, BT-89 in the payment terms."""
    means, creditor, remittance = found
    creditor_id = text(creditor[0]) if creditor else None
    mandate = values.pop("_mandate")
    values["payment_instructions"] = None
    if not means:
        return
    first = means[0]
    transfers = []
    card = None
    debited = None
    for pm in means:
        account = _f(pm, "ram:PayeePartyCreditorFinancialAccount")
        if account is not None:
            transfers.append(
                credit_transfer(
                    _t(account, "ram:IBANID") or _t(account, "ram:ProprietaryID"),
                    _t(account, "ram:AccountName"),
                    _t(pm, "ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID"),
                )
            )
        card_el = _f(pm, "ram:ApplicableTradeSettlementFinancialCard")
        if card_el is not None and card is None:
            card = payment_card(_t(card_el, "ram:ID"), _t(card_el, "ram:CardholderName"))
        debited = debited or _t(pm, "ram:PayerPartyDebtorFinancialAccount/ram:IBANID")
    values["payment_instructions"] = payment_instructions(
        means_code=_t(first, "ram:TypeCode"),
        means_text=_t(first, "ram:Information"),
        remittance_information=text(remittance[0]) if remittance else None,
        credit_transfers=transfers,
        card=card,
        mandate=mandate,
        creditor_id=creditor_id,
        debited_account_id=debited,
    )


def _write_payment_means(invoice: Any, ctx: Context, out: Out, depth: int) -> None:
    pi = invoice.payment_instructions
    if pi is None:
        return
    dd = pi.direct_debit
    i0, i1 = "  " * depth, "  " * (depth + 1)
    accounts: list[CreditTransfer | None] = [*pi.credit_transfers] or [None]
    for index, account in enumerate(accounts):
        out.append(f"{i0}<ram:SpecifiedTradeSettlementPaymentMeans>\n")
        leaf(out, depth + 1, "ram:TypeCode", pi.means_code.value)
        optional_leaf(out, depth + 1, "ram:Information", pi.means_text)
        if index == 0 and pi.card is not None:
            mark = len(out)
            out.append(f"{i1}<ram:ApplicableTradeSettlementFinancialCard>\n")
            optional_leaf(out, depth + 2, "ram:ID", pi.card.primary_account_number)
            optional_leaf(out, depth + 2, "ram:CardholderName", pi.card.holder_name)
            _close(out, mark, f"{i1}</ram:ApplicableTradeSettlementFinancialCard>\n")
        if index == 0 and dd is not None and dd.debited_account_id:
            out.append(f"{i1}<ram:PayerPartyDebtorFinancialAccount>\n")
            leaf(out, depth + 2, "ram:IBANID", dd.debited_account_id)
            out.append(f"{i1}</ram:PayerPartyDebtorFinancialAccount>\n")
        if account is not None:
            mark = len(out)
            out.append(f"{i1}<ram:PayeePartyCreditorFinancialAccount>\n")
            is_iban = _IBAN.match(account.account_id.replace(" ", "")) is not None
            if is_iban:
                optional_leaf(out, depth + 2, "ram:IBANID", account.account_id)
            optional_leaf(out, depth + 2, "ram:AccountName", account.account_name)
            if not is_iban:
                optional_leaf(out, depth + 2, "ram:ProprietaryID", account.account_id)
            _close(out, mark, f"{i1}</ram:PayeePartyCreditorFinancialAccount>\n")
            if account.service_provider_id:
                out.append(f"{i1}<ram:PayeeSpecifiedCreditorFinancialInstitution>\n")
                leaf(out, depth + 2, "ram:BICID", account.service_provider_id)
                out.append(f"{i1}</ram:PayeeSpecifiedCreditorFinancialInstitution>\n")
        out.append(f"{i0}</ram:SpecifiedTradeSettlementPaymentMeans>\n")


def _close(out: Out, mark: int, closing: str) -> None:
    """Close the element opened at `mark`, or take it back when nothing went in."""
    if len(out) == mark + 1:
        del out[mark:]
    else:
        out.append(closing)


def _finish_invoice(values: Values) -> Invoice:
    spec = finish_process_control(values)
    for scratch in [key for key in values if key.startswith("_")]:
        del values[scratch]
    return Invoice(**values, syntax="cii", profile=profile_of(spec))


def _header() -> Table:
    context = "rsm:ExchangedDocumentContext"
    document = "rsm:ExchangedDocument"
    totals = (
        ("line_total_amount", "LineTotalAmount", "BT-106", False),
        ("charge_total_amount", "ChargeTotalAmount", "BT-108", False),
        ("allowance_total_amount", "AllowanceTotalAmount", "BT-107", False),
        ("tax_exclusive_amount", "TaxBasisTotalAmount", "BT-109", True),
    )
    totals_after = (
        ("rounding_amount", "RoundingAmount", "BT-114", False),
        ("tax_inclusive_amount", "GrandTotalAmount", "BT-112", True),
        ("prepaid_amount", "TotalPrepaidAmount", "BT-113", False),
        ("payable_amount", "DuePayableAmount", "BT-115", True),
    )
    in_order = ("BT-106", "BT-107", "BT-108", "BT-109", "BT-112", "BT-113", "BT-114", "BT-115")
    by_bt = {bt: name for name, _, bt, _ in (*totals, *totals_after)}
    terms: list[Term] = [
        Term(
            "_header",
            "",
            custom=Custom(_read_header, None, (document, TRANSACTION), "BT-1's parents"),
        ),
        T(
            "process_control.business_process_type",  # BT-23
            f"{context}/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID",
        ),
        T(
            "process_control.specification_id",  # BT-24
            f"{context}/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID",
            read_only=True,
        ),
        Term(None, context, custom=Custom(None, _write_guideline)),
        T(
            "number",
            f"{document}/ram:ID",
            **mandatory("BT-1"),
        ),
        T(
            "type_code",
            f"{document}/ram:TypeCode",
            Code(InvoiceTypeCode),
            **mandatory("BT-3"),
        ),
        T(
            "issue_date",
            f"{document}/ram:IssueDateTime/udt:DateTimeString",
            DATE_102,
            **mandatory("BT-2"),
        ),
        T("notes", f"{document}/ram:IncludedNote", many=True, table=NOTE),  # BG-1
        T("lines", f"{TRANSACTION}/ram:IncludedSupplyChainTradeLineItem", many=True, table=LINE),
        T("buyer_reference", f"{AGREEMENT}/ram:BuyerReference"),  # BT-10
        T(
            "seller",
            f"{AGREEMENT}/ram:SellerTradeParty",
            **mandatory("BT-27"),
            table=SELLER,
        ),
        T(
            "buyer",
            f"{AGREEMENT}/ram:BuyerTradeParty",
            **mandatory("BT-44"),
            table=BUYER,
        ),
        T(
            "tax_representative",
            f"{AGREEMENT}/ram:SellerTaxRepresentativeTradeParty",
            table=TAX_REPRESENTATIVE,
        ),  # BG-11
        T(
            "sales_order_reference",
            f"{AGREEMENT}/ram:SellerOrderReferencedDocument/ram:IssuerAssignedID",
        ),  # BT-14
        T(
            "purchase_order_reference",
            f"{AGREEMENT}/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID",
        ),  # BT-13
        T(
            "contract_reference",
            f"{AGREEMENT}/ram:ContractReferencedDocument/ram:IssuerAssignedID",
        ),  # BT-12
        Term(
            "additional_documents",
            AGREEMENT,
            custom=Custom(
                _read_documents,
                _write_documents,
                (f"{AGREEMENT}/ram:AdditionalReferencedDocument",),
                "BG-24, BT-17 and BT-18 told apart by ram:TypeCode",
                sets=("invoiced_object_id", "tender_or_lot_reference", "additional_documents"),
            ),
        ),
        T("project_reference", f"{AGREEMENT}/ram:SpecifiedProcuringProject/ram:ID"),  # BT-11
        # Mandatory in CII, not an EN 16931 term.
        T(None, f"{AGREEMENT}/ram:SpecifiedProcuringProject/ram:Name", const="Project reference"),
        Term(
            "delivery.location_id",
            SHIP_TO,
            custom=Custom(
                lambda values, found, where: values.__setitem__(
                    "delivery.location_id",
                    next(iter(_identifiers_of(found[0][0] if found[0] else None)), None),
                ),
                lambda invoice, ctx, out, depth: _write_identifiers(
                    out,
                    depth,
                    [invoice.delivery.location_id]
                    if invoice.delivery is not None and invoice.delivery.location_id is not None
                    else [],
                ),
                (SHIP_TO,),
                "BT-71 as ram:ID or ram:GlobalID by scheme",
                sets=("delivery.location_id",),
            ),
        ),
        T("delivery.party_name", f"{SHIP_TO}/ram:Name"),  # BT-70
        T("delivery.address", f"{SHIP_TO}/ram:PostalTradeAddress", table=ADDRESS),  # BG-15
        T(
            "delivery.actual_delivery_date",
            f"{DELIVERY_EL}/ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime"
            "/udt:DateTimeString",
            DATE_102,
            "BT-72",
        ),
        T(
            "despatch_advice_reference",
            f"{DELIVERY_EL}/ram:DespatchAdviceReferencedDocument/ram:IssuerAssignedID",
        ),  # BT-16
        T(
            "receiving_advice_reference",
            f"{DELIVERY_EL}/ram:ReceivingAdviceReferencedDocument/ram:IssuerAssignedID",
        ),  # BT-15
        T(
            "payment_instructions.direct_debit.creditor_id",
            f"{SETTLEMENT}/ram:CreditorReferenceID",
            write_only=True,
        ),  # BT-90
        T(
            "payment_instructions.remittance_information",
            f"{SETTLEMENT}/ram:PaymentReference",
            write_only=True,
        ),  # BT-83
        T("vat_currency_code", f"{SETTLEMENT}/ram:TaxCurrencyCode"),  # BT-6
        T(
            "currency_code",
            f"{SETTLEMENT}/ram:InvoiceCurrencyCode",
            **mandatory("BT-5"),
        ),
        T("payee", f"{SETTLEMENT}/ram:PayeeTradeParty", table=PAYEE),  # BG-10
        Term(
            "payment_instructions",
            SETTLEMENT,
            custom=Custom(
                _read_payment,
                _write_payment_means,
                (
                    f"{SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans",
                    f"{SETTLEMENT}/ram:CreditorReferenceID",
                    f"{SETTLEMENT}/ram:PaymentReference",
                ),
                "BG-16 over several payment means, BT-89 in the payment terms",
                sets=("payment_instructions",),
                uses=("_mandate",),
            ),
        ),
        T(
            "vat_breakdown",
            f"{SETTLEMENT}/ram:ApplicableTradeTax",
            many=True,
            table=VAT_BREAKDOWN,
        ),
        Term(
            "tax_point_date",
            "",
            custom=Custom(
                _read_vat_point,
                None,
                (f"{SETTLEMENT}/ram:ApplicableTradeTax",),
                "BT-7, BT-8",
                sets=("tax_point_date", "tax_point_date_code"),
            ),
        ),
        T(
            "invoicing_period.start",
            f"{SETTLEMENT}/ram:BillingSpecifiedPeriod/ram:StartDateTime/udt:DateTimeString",
            DATE_102,
            "BT-73",
        ),
        T(
            "invoicing_period.end",
            f"{SETTLEMENT}/ram:BillingSpecifiedPeriod/ram:EndDateTime/udt:DateTimeString",
            DATE_102,
            "BT-74",
        ),
        T(
            "allowances_charges",
            f"{SETTLEMENT}/ram:SpecifiedTradeAllowanceCharge",
            many=True,
            table=ALLOWANCE_CHARGE,
        ),
        Term(
            "payment_terms",
            "",
            custom=Custom(
                _read_terms,
                None,
                (f"{SETTLEMENT}/ram:SpecifiedTradePaymentTerms",),
                "BT-20 over several payment terms",
                sets=("payment_terms", "due_date", "_mandate"),
            ),
        ),
        T(
            "payment_terms",
            f"{SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:Description",
            write_only=True,
        ),
        T(
            "due_date",
            f"{SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString",
            DATE_102,
            write_only=True,
        ),  # BT-9
        T(
            "payment_instructions.direct_debit.mandate_reference",
            f"{SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:DirectDebitMandateID",
            write_only=True,
        ),  # BT-89
        *(
            T(
                f"totals.{name}",
                f"{SUMMATION}/ram:{tag}",
                DECIMAL,
                bt,
                required=MANDATORY[bt] if needed else None,
            )
            for name, tag, bt, needed in totals
        ),
        Term(
            "totals",
            "",
            custom=Custom(
                _read_tax_totals,
                None,
                (f"{SUMMATION}/ram:TaxTotalAmount",),
                "BT-110, BT-111",
                sets=("totals.vat_total_amount", "totals.vat_total_amount_accounting"),
                uses=("currency_code", "vat_currency_code"),
            ),
        ),
        T(
            "totals.vat_total_amount",
            f"{SUMMATION}/ram:TaxTotalAmount",
            DECIMAL,
            write_only=True,
            context_attrs=(("currencyID", "currency"),),
        ),  # BT-110
        T(
            "totals.vat_total_amount_accounting",
            f"{SUMMATION}/ram:TaxTotalAmount",
            DECIMAL,
            write_only=True,
            context_attrs=(("currencyID", "vat_currency"),),
        ),  # BT-111
        *(
            T(
                f"totals.{name}",
                f"{SUMMATION}/ram:{tag}",
                DECIMAL,
                bt,
                required=MANDATORY[bt] if needed else None,
            )
            for name, tag, bt, needed in totals_after
        ),
        T(
            "preceding_invoices",
            f"{SETTLEMENT}/ram:InvoiceReferencedDocument",
            many=True,
            table=PRECEDING,
        ),  # BG-3
        T(
            "buyer_accounting_reference",
            f"{SETTLEMENT}/ram:ReceivableSpecifiedTradeAccountingAccount/ram:ID",
        ),  # BT-19
    ]
    return Table(
        None,
        tuple(terms),
        NS,
        nested={
            "process_control": ProcessControl,
            "invoicing_period": Period,
            "totals": Totals,
            "delivery": Delivery,
        },
        optional=frozenset({"invoicing_period", "delivery"}),
        finish=_finish_invoice,
        keep=frozenset({DELIVERY_EL}),
        order=(
            "_header",
            "currency_code",
            "vat_currency_code",
            "totals",
            *(f"totals.{by_bt[bt]}" for bt in in_order),
            "additional_documents",
            "tax_point_date",
            "payment_terms",
            "type_code",
            "number",
            "issue_date",
            "notes",
            *HEADER_ORDER_PARTIES,
            "delivery.location_id",
            "delivery.actual_delivery_date",
            "delivery.party_name",
            "delivery.address",
            *HEADER_ORDER_END,
        ),
    )


INVOICE = _header()


def read_cii(root: _El) -> Invoice:
    invoice: Invoice = read_group(INVOICE, root)
    return invoice
