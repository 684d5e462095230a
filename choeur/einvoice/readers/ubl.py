"""UBL 2.1 Invoice and CreditNote <-> the EN 16931 pivot: the binding table (CEN/TS 16931-3-2).

`read_ubl` reads with these tables, `writers.ubl` writes with them (`_binding` is the engine).
The terms of each group are listed in the order of the UBL 2.1 XSD. The `Custom` terms are the
places where UBL says a BT by more than a path; each one says why.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from typing import Any

from lxml import etree

from choeur.einvoice.enums import InvoiceTypeCode, VatCategory, VatPointDateCode
from choeur.einvoice.model import (
    GUIDELINE_EN16931,
    AdditionalDocument,
    Address,
    AllowanceCharge,
    Attachment,
    Contact,
    CreditTransfer,
    Delivery,
    Identifier,
    Invoice,
    InvoiceLine,
    ItemAttribute,
    ItemClassification,
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
    DECIMAL,
    HEADER_ORDER_END,
    HEADER_ORDER_PARTIES,
    INDICATOR,
    ISO_DATE,
    LINE_OPTIONS,
    LINE_ORDER_AMOUNTS,
    LINE_ORDER_END,
    MANDATORY,
    Code,
    Codec,
    Context,
    Custom,
    Out,
    T,
    Table,
    Term,
    Values,
    credit_transfer,
    finish_process_control,
    finish_tax_representative,
    leaf,
    mandatory,
    optional_leaf,
    payment_card,
    payment_instructions,
    read_group,
    write_element,
)
from choeur.einvoice.readers._common import (
    UBL_CREDITNOTE,
    UBL_NS,
    UBL_NS_ITEMS,
    attr,
    find,
    find_all,
    missing,
    steps,
    text,
    to_bytes_b64,
    to_decimal,
    to_iso_date,
)

_El = etree._Element
# BT-21: the CEN binding puts the subject code at the start of cbc:Note: "#AAI#the text".
_NOTE_CODE = re.compile(r"\A#([A-Za-z0-9]{1,5})#(.*)\Z", re.DOTALL)
NS = UBL_NS
CUR = (("currencyID", "currency"),)  # amounts carry the invoice currency (BT-5)


def _f(el: _El | None, path: str) -> _El | None:
    return find(el, steps(path, UBL_NS_ITEMS))


def _all(el: _El | None, path: str) -> list[_El]:
    return find_all(el, steps(path, UBL_NS_ITEMS))


def _t(el: _El | None, path: str) -> str | None:
    return text(_f(el, path))


# --- codecs of UBL ------------------------------------------------------------------------------


class _Identifier(Codec):
    """An identifier and its scheme (BT-29-1, BT-34-1, ...) in @schemeID."""

    def read(self, el: _El, where: str) -> Identifier | None:
        value = text(el)
        return None if value is None else Identifier(value=value, scheme=attr(el, "schemeID"))

    def write(self, value: Any) -> tuple[str, tuple[tuple[str, str], ...]] | None:
        if value is None or not value.value.strip():
            return None
        return value.value, ((("schemeID", value.scheme),) if value.scheme else ())


class _Note(Codec):
    """BG-1: BT-21 is written as a prefix of the note, "#AAI#text"."""

    def read(self, el: _El, where: str) -> Note | None:
        raw = (el.text or "").strip()
        if not raw:
            return None
        match = _NOTE_CODE.match(raw)
        if match:
            return Note(text=match.group(2).strip(), subject_code=match.group(1))
        return Note(text=raw)

    def write(self, value: Any) -> tuple[str, tuple[tuple[str, str], ...]] | None:
        if not value.text.strip():
            return None  # BT-22 is the note: no text, no note
        return (f"#{value.subject_code}#{value.text}" if value.subject_code else value.text), ()


class _Classification(Codec):
    """BT-158 with its scheme (BT-158-1, @listID) and version (BT-158-2, @listVersionID)."""

    def read(self, el: _El, where: str) -> ItemClassification:
        return ItemClassification(
            value=text(el) or "", scheme=attr(el, "listID"), version=attr(el, "listVersionID")
        )

    def write(self, value: Any) -> tuple[str, tuple[tuple[str, str], ...]] | None:
        if not value.value.strip():
            return None
        pairs = (("listID", value.scheme), ("listVersionID", value.version))
        return value.value, tuple((k, v) for k, v in pairs if v is not None)


class _Attachment(Codec):
    """BT-125: base64 content, @mimeCode (BT-125-1) and @filename (BT-125-2)."""

    def read(self, el: _El, where: str) -> Attachment:
        return Attachment(
            content=to_bytes_b64(el.text, "BT-125"),
            mime_code=attr(el, "mimeCode") or "",
            filename=attr(el, "filename") or "",
        )

    def write(self, value: Any) -> tuple[str, tuple[tuple[str, str], ...]] | None:
        content = base64.b64encode(value.content).decode("ascii")
        if not content:
            return None
        return content, (("mimeCode", value.mime_code), ("filename", value.filename))


IDENT = _Identifier()
NOTE = _Note()
CLASSIFICATION = _Classification()
ATTACHMENT = _Attachment()
VAT_CATEGORY = Code(VatCategory)


# --- the tables ---------------------------------------------------------------------------------

ADDRESS = Table(
    Address,
    (
        T("line1", "cbc:StreetName"),  # BT-35 / BT-50 / BT-64 / BT-75
        T("line2", "cbc:AdditionalStreetName"),  # BT-36 / ...
        T("city", "cbc:CityName"),  # BT-37 / ...
        T("post_code", "cbc:PostalZone"),  # BT-38 / ...
        T("country_subdivision", "cbc:CountrySubentity"),  # BT-39 / ...
        T("line3", "cac:AddressLine/cbc:Line"),  # BT-162 / ...
        T("country_code", "cac:Country/cbc:IdentificationCode"),  # BT-40 / ...
    ),
    NS,
)

CONTACT = Table(
    Contact,
    (
        T("name", "cbc:Name"),  # BT-41 / BT-56
        T("telephone", "cbc:Telephone"),  # BT-42 / BT-57
        T("email", "cbc:ElectronicMail"),  # BT-43 / BT-58
    ),
    NS,
)


def _read_identifiers(values: Values, found: Sequence[list[_El]], where: str) -> None:
    # BT-29 / BT-46 / BT-60, those without a scheme first (the order CII imposes). A SEPA
    # scheme says BT-90, the bank assigned creditor identifier (read by the payment terms).
    identifiers = [
        ident
        for ident in (IDENT.read(el, where) for el in found[0])
        if ident is not None and ident.scheme != "SEPA"
    ]
    values["identifiers"] = sorted(identifiers, key=lambda ident: ident.scheme is not None)


def _identifiers_writer(creditor_key: str | None) -> Custom:
    def write(obj: Any, ctx: Context, out: Out, depth: int) -> None:
        indent = "  " * depth
        pairs = [(ident, "") for ident in obj.identifiers]
        creditor = ctx.get(creditor_key) if creditor_key else None
        if creditor:
            pairs.append((Identifier(creditor, "SEPA"), ""))
        for ident, _ in pairs:
            written = IDENT.write(ident)
            if written is None:
                continue
            out.append(f"{indent}<cac:PartyIdentification>\n")
            leaf(out, depth + 1, "cbc:ID", written[0], _attrs(written[1]))
            out.append(f"{indent}</cac:PartyIdentification>\n")

    return Custom(
        _read_identifiers,
        write,
        ("cac:PartyIdentification/cbc:ID",),
        "SEPA is BT-90",
        sets=("identifiers",),
    )


def _attrs(pairs: Sequence[tuple[str, str | None]]) -> str:
    from choeur.einvoice.readers._binding import attributes

    return attributes(pairs)


def _party_tax_schemes(seller: bool) -> Custom:
    """BT-31 / BT-48 and BT-32: the same cac:PartyTaxScheme, told apart by cac:TaxScheme/cbc:ID
    (VAT, or anything else for the seller's tax registration)."""

    def read(values: Values, found: Sequence[list[_El]], where: str) -> None:
        vat_id = tax_registration = None
        for scheme in found[0]:
            company_id = _t(scheme, "cbc:CompanyID")
            if (_t(scheme, "cac:TaxScheme/cbc:ID") or "").upper() == "VAT":
                vat_id = vat_id or company_id
            else:
                tax_registration = tax_registration or company_id
        values["vat_id"] = vat_id
        values["tax_registration_id"] = tax_registration if seller else None

    def write(obj: Any, ctx: Context, out: Out, depth: int) -> None:
        schemes = [(obj.vat_id, "VAT")]
        if seller:
            schemes.append((obj.tax_registration_id, "TAX"))
        indent = "  " * depth
        for company_id, scheme in schemes:
            if company_id and company_id.strip():
                out.append(f"{indent}<cac:PartyTaxScheme>\n")
                leaf(out, depth + 1, "cbc:CompanyID", company_id)
                out.append(f"{indent}  <cac:TaxScheme>\n")
                leaf(out, depth + 2, "cbc:ID", scheme)
                out.append(f"{indent}  </cac:TaxScheme>\n")
                out.append(f"{indent}</cac:PartyTaxScheme>\n")

    return Custom(
        read,
        write,
        ("cac:PartyTaxScheme",),
        "VAT or tax registration by scheme",
        sets=("vat_id", "tax_registration_id"),
    )


def _party_finish(seller: bool) -> Any:
    bt = "BT-27" if seller else "BT-44"

    def finish(values: Values) -> Party:
        # BT-27 is cac:PartyLegalEntity/cbc:RegistrationName; a party without one gives its
        # cac:PartyName (BT-28, the trading name) as its name.
        if values["name"] is None:
            values["name"], values["trading_name"] = values["trading_name"], None
        if values["name"] is None:
            raise missing(bt, *MANDATORY[bt])
        return Party(**values)

    return finish


def _party(seller: bool) -> Table:
    terms = [
        T("electronic_address", "cbc:EndpointID", IDENT),  # BT-34 / BT-49
        Term(  # BT-29 / BT-46 (and BT-90 for the seller, when there is no payee)
            "identifiers", "", custom=_identifiers_writer("seller_creditor" if seller else None)
        ),
        T("trading_name", "cac:PartyName/cbc:Name"),  # BT-28 / BT-45
        T("address", "cac:PostalAddress", table=ADDRESS),  # BG-5 / BG-8
        Term("vat_id", "", custom=_party_tax_schemes(seller)),  # BT-31 / BT-48, BT-32
        T("name", "cac:PartyLegalEntity/cbc:RegistrationName"),  # BT-27 / BT-44
        T("legal_registration_id", "cac:PartyLegalEntity/cbc:CompanyID", IDENT),  # BT-30 / 47
    ]
    if seller:
        terms.append(T("additional_legal_info", "cac:PartyLegalEntity/cbc:CompanyLegalForm"))
    terms.append(T("contact", "cac:Contact", table=CONTACT))  # BG-6 / BG-9
    return Table(None, tuple(terms), NS, finish=_party_finish(seller))


SELLER = _party(seller=True)
BUYER = _party(seller=False)

PAYEE = Table(
    Payee,
    (
        Term("identifiers", "", custom=_identifiers_writer("payee_creditor")),  # BT-60, BT-90
        T(
            "name",
            "cac:PartyName/cbc:Name",
            **mandatory("BT-59"),
        ),
        T("legal_registration_id", "cac:PartyLegalEntity/cbc:CompanyID", IDENT),  # BT-61
    ),
    NS,
)


TAX_REPRESENTATIVE = Table(
    None,
    (
        T(
            "name",
            "cac:PartyName/cbc:Name",
            **mandatory("BT-62"),
        ),
        T("address", "cac:PostalAddress", table=ADDRESS),  # BG-12
        T(
            "vat_id",
            "cac:PartyTaxScheme/cbc:CompanyID",
            **mandatory("BT-63"),
        ),
        T(None, "cac:PartyTaxScheme/cac:TaxScheme/cbc:ID", const="VAT"),
    ),
    NS,
    finish=finish_tax_representative,
)

DELIVERY = Table(
    Delivery,
    (
        T("actual_delivery_date", "cbc:ActualDeliveryDate", ISO_DATE, "BT-72"),
        T("location_id", "cac:DeliveryLocation/cbc:ID", IDENT),  # BT-71
        T("address", "cac:DeliveryLocation/cac:Address", table=ADDRESS),  # BG-15
        T("party_name", "cac:DeliveryParty/cac:PartyName/cbc:Name"),  # BT-70
    ),
    NS,
)

PRECEDING = Table(
    PrecedingInvoice,
    (
        T(
            "number",
            "cbc:ID",
            **mandatory("BT-25"),
        ),
        T("issue_date", "cbc:IssueDate", ISO_DATE, "BT-26"),
    ),
    NS,
)

ALLOWANCE_CHARGE = Table(  # BG-20 / BG-21
    AllowanceCharge,
    (
        T("is_charge", "cbc:ChargeIndicator", INDICATOR, default=False),
        T("reason_code", "cbc:AllowanceChargeReasonCode"),  # BT-98 / BT-105
        T("reason", "cbc:AllowanceChargeReason"),  # BT-97 / BT-104
        T("percentage", "cbc:MultiplierFactorNumeric", DECIMAL, "BT-94|BT-101"),
        T(
            "amount",
            "cbc:Amount",
            DECIMAL,
            **mandatory("BT-92|BT-99"),
            context_attrs=CUR,
        ),
        T("base_amount", "cbc:BaseAmount", DECIMAL, "BT-93|BT-100", context_attrs=CUR),
        T("vat_category", "cac:TaxCategory/cbc:ID", VAT_CATEGORY),  # BT-95 / BT-102
        T("vat_rate", "cac:TaxCategory/cbc:Percent", DECIMAL, "BT-96|BT-103"),
        T(None, "cac:TaxCategory/cac:TaxScheme/cbc:ID", const="VAT"),
    ),
    NS,
    order=("is_charge", "amount", "base_amount", "percentage"),
)

VAT_BREAKDOWN = Table(  # BG-23: cac:TaxTotal/cac:TaxSubtotal
    VatBreakdown,
    (
        T(
            "taxable_amount",
            "cbc:TaxableAmount",
            DECIMAL,
            **mandatory("BT-116"),
            context_attrs=CUR,
        ),
        T(
            "tax_amount",
            "cbc:TaxAmount",
            DECIMAL,
            **mandatory("BT-117"),
            context_attrs=CUR,
        ),
        T(
            "category",
            "cac:TaxCategory/cbc:ID",
            VAT_CATEGORY,
            **mandatory("BT-118"),
        ),
        T("rate", "cac:TaxCategory/cbc:Percent", DECIMAL, "BT-119"),
        T("exemption_reason_code", "cac:TaxCategory/cbc:TaxExemptionReasonCode"),  # BT-121
        T("exemption_reason", "cac:TaxCategory/cbc:TaxExemptionReason"),  # BT-120
        T(None, "cac:TaxCategory/cac:TaxScheme/cbc:ID", const="VAT"),
    ),
    NS,
)

ADDITIONAL_DOCUMENT = Table(  # BG-24
    AdditionalDocument,
    (
        T(
            "reference",
            "cbc:ID",
            **mandatory("BT-122"),
        ),
        T("description", "cbc:DocumentDescription"),  # BT-123
        T("attachment", "cac:Attachment/cbc:EmbeddedDocumentBinaryObject", ATTACHMENT),
        T("external_uri", "cac:Attachment/cac:ExternalReference/cbc:URI"),  # BT-124
    ),
    NS,
)

LINE_ALLOWANCE_CHARGE = Table(  # BG-27 / BG-28
    LineAllowanceCharge,
    (
        T("is_charge", "cbc:ChargeIndicator", INDICATOR, default=False),
        T("reason_code", "cbc:AllowanceChargeReasonCode"),  # BT-140 / BT-145
        T("reason", "cbc:AllowanceChargeReason"),  # BT-139 / BT-144
        T("percentage", "cbc:MultiplierFactorNumeric", DECIMAL, "BT-138|BT-143"),
        T(
            "amount",
            "cbc:Amount",
            DECIMAL,
            **mandatory("BT-136|BT-141"),
            context_attrs=CUR,
        ),
        T("base_amount", "cbc:BaseAmount", DECIMAL, "BT-137|BT-142", context_attrs=CUR),
    ),
    NS,
)

ITEM_ATTRIBUTE = Table(  # BG-32
    ItemAttribute,
    (
        T("name", "cbc:Name", default=""),  # BT-160
        T("value", "cbc:Value", default=""),  # BT-161
    ),
    NS,
)


def _read_line_object(values: Values, found: Sequence[list[_El]], where: str) -> None:
    # BT-128 is the cac:DocumentReference of type 130 (or of no type).
    object_id = None
    for ref in found[0]:
        if _t(ref, "cbc:DocumentTypeCode") in ("130", None):
            object_id = _identifier(_f(ref, "cbc:ID"))
    values["object_id"] = object_id


def _identifier(el: _El | None) -> Identifier | None:
    return None if el is None else IDENT.read(el, "")


def _line(credit: bool) -> Table:
    quantity = "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity"
    return Table(
        InvoiceLine,
        (
            T(
                "id",
                "cbc:ID",
                **mandatory("BT-126"),
            ),
            T("note", "cbc:Note"),  # BT-127
            T(
                "quantity",
                quantity,
                DECIMAL,
                **mandatory("BT-129"),
            ),
            T(
                "unit_code",
                f"{quantity}@unitCode",
                **mandatory("BT-130"),
            ),
            T(
                "net_amount",
                "cbc:LineExtensionAmount",
                DECIMAL,
                **mandatory("BT-131"),
                context_attrs=CUR,
            ),
            T("accounting_reference", "cbc:AccountingCost"),  # BT-133
            T("period.start", "cac:InvoicePeriod/cbc:StartDate", ISO_DATE, "BT-134"),  # BG-26
            T("period.end", "cac:InvoicePeriod/cbc:EndDate", ISO_DATE, "BT-135"),
            T("order_line_reference", "cac:OrderLineReference/cbc:LineID"),  # BT-132
            Term(
                "object_id",
                "",
                custom=Custom(
                    _read_line_object,
                    None,
                    ("cac:DocumentReference",),
                    "BT-128 is the document reference of type 130",
                    sets=("object_id",),
                    none_when_absent=True,
                ),
            ),
            T("object_id", "cac:DocumentReference/cbc:ID", IDENT, write_only=True),  # BT-128
            T(None, "cac:DocumentReference/cbc:DocumentTypeCode", const="130"),
            T(
                "allowances_charges",
                "cac:AllowanceCharge",
                many=True,
                table=LINE_ALLOWANCE_CHARGE,
            ),
            T("item.description", "cac:Item/cbc:Description"),  # BT-154
            T(
                "item.name",
                "cac:Item/cbc:Name",
                **mandatory("BT-153"),
            ),
            T("item.buyer_id", "cac:Item/cac:BuyersItemIdentification/cbc:ID"),  # BT-156
            T("item.seller_id", "cac:Item/cac:SellersItemIdentification/cbc:ID"),  # BT-155
            T("item.standard_id", "cac:Item/cac:StandardItemIdentification/cbc:ID", IDENT),
            T("item.origin_country", "cac:Item/cac:OriginCountry/cbc:IdentificationCode"),
            T(
                "item.classifications",  # BT-158
                "cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode",
                CLASSIFICATION,
                many=True,
            ),
            T(
                "vat_category",
                "cac:Item/cac:ClassifiedTaxCategory/cbc:ID",
                VAT_CATEGORY,
                **mandatory("BT-151"),
            ),
            T("vat_rate", "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent", DECIMAL, "BT-152"),
            T(None, "cac:Item/cac:ClassifiedTaxCategory/cac:TaxScheme/cbc:ID", const="VAT"),
            T(
                "item.attributes",
                "cac:Item/cac:AdditionalItemProperty",
                many=True,
                table=ITEM_ATTRIBUTE,
            ),
            T(
                "price.net_price",
                "cac:Price/cbc:PriceAmount",
                DECIMAL,
                **mandatory("BT-146"),
                context_attrs=CUR,
            ),
            T("price.base_quantity", "cac:Price/cbc:BaseQuantity", DECIMAL, "BT-149"),
            T("price.base_quantity_unit", "cac:Price/cbc:BaseQuantity@unitCode"),  # BT-150
            T(None, "cac:Price/cac:AllowanceCharge/cbc:ChargeIndicator", const="false"),
            T(
                "price.discount",
                "cac:Price/cac:AllowanceCharge/cbc:Amount",
                DECIMAL,
                "BT-147",
                context_attrs=CUR,
            ),
            T(
                "price.gross_price",
                "cac:Price/cac:AllowanceCharge/cbc:BaseAmount",
                DECIMAL,
                "BT-148",
                context_attrs=CUR,
            ),
        ),
        NS,
        **LINE_OPTIONS,
        order=(
            "id",
            "price.discount",
            "price.gross_price",
            "price.net_price",
            *LINE_ORDER_AMOUNTS,
            "price.base_quantity",
            *LINE_ORDER_END,
        ),
    )


INVOICE_LINE = _line(credit=False)
CREDIT_NOTE_LINE = _line(credit=True)


# --- the header's custom terms ------------------------------------------------------------------


def _write_customization(obj: Any, ctx: Context, out: Out, depth: int) -> None:
    # BT-24 is mandatory: EN 16931's own when the pivot has none.
    spec = obj.process_control.specification_id or GUIDELINE_EN16931
    if spec.strip():
        leaf(out, depth, "cbc:CustomizationID", spec)


def _read_documents(credit: bool) -> Any:
    """cac:AdditionalDocumentReference carries BG-24, and BT-18 (type 130); in a credit note,
    BT-11 too (type 50), which an invoice says in cac:ProjectReference."""

    def read(values: Values, found: Sequence[list[_El]], where: str) -> None:
        invoiced_object = None
        documents = []
        for ref in found[0]:
            code = _t(ref, "cbc:DocumentTypeCode")
            if code == "130":
                id_el = _f(ref, "cbc:ID")
                invoiced_object = Identifier(
                    value=text(id_el) or "", scheme=attr(id_el, "schemeID")
                )
            elif code == "50" and credit and values["project_reference"] is None:
                values["project_reference"] = _t(ref, "cbc:ID")
            else:
                documents.append(read_group(ADDITIONAL_DOCUMENT, ref, where))
        values["invoiced_object_id"] = invoiced_object
        values["additional_documents"] = documents

    return read


def _additional_documents_writer(credit: bool) -> Any:
    def write(invoice: Any, ctx: Context, out: Out, depth: int) -> None:
        indent = "  " * depth
        ident = invoice.invoiced_object_id
        written = IDENT.write(ident)
        if written is not None:
            out.append(f"{indent}<cac:AdditionalDocumentReference>\n")
            leaf(out, depth + 1, "cbc:ID", written[0], _attrs(written[1]))
            leaf(out, depth + 1, "cbc:DocumentTypeCode", "130")
            out.append(f"{indent}</cac:AdditionalDocumentReference>\n")
        if credit and invoice.project_reference and invoice.project_reference.strip():
            out.append(f"{indent}<cac:AdditionalDocumentReference>\n")
            leaf(out, depth + 1, "cbc:ID", invoice.project_reference)
            leaf(out, depth + 1, "cbc:DocumentTypeCode", "50")
            out.append(f"{indent}</cac:AdditionalDocumentReference>\n")
        for doc in invoice.additional_documents:
            write_element(
                ADDITIONAL_DOCUMENT, "cac:AdditionalDocumentReference", doc, ctx, out, depth
            )

    return write


def _read_tax_totals(values: Values, found: Sequence[list[_El]], where: str) -> None:
    """BT-110 (in the invoice currency, with the breakdown) and BT-111 (in the VAT currency):
    two cac:TaxTotal, told apart by the currency of their cbc:TaxAmount."""
    currency, vat_currency = values["currency_code"], values["vat_currency_code"]
    vat_total = vat_total_accounting = None
    for total in found[0]:
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
    values["totals.vat_total_amount"] = vat_total
    values["totals.vat_total_amount_accounting"] = vat_total_accounting


def _write_tax_totals(invoice: Any, ctx: Context, out: Out, depth: int) -> None:
    indent = "  " * depth
    totals = invoice.totals
    cur = ctx["currency"]
    if totals.vat_total_amount is not None or invoice.vat_breakdown:
        mark = len(out)
        out.append(f"{indent}<cac:TaxTotal>\n")
        if totals.vat_total_amount is not None:
            leaf(
                out,
                depth + 1,
                "cbc:TaxAmount",
                format(totals.vat_total_amount, "f"),
                _attrs([("currencyID", cur)]),
            )
        wrote = len(out) > mark + 1
        for row in invoice.vat_breakdown:
            wrote = (
                write_element(VAT_BREAKDOWN, "cac:TaxSubtotal", row, ctx, out, depth + 1) or wrote
            )
        if wrote:
            out.append(f"{indent}</cac:TaxTotal>\n")
        else:
            del out[mark:]
    if totals.vat_total_amount_accounting is not None:
        out.append(f"{indent}<cac:TaxTotal>\n")
        leaf(
            out,
            depth + 1,
            "cbc:TaxAmount",
            format(totals.vat_total_amount_accounting, "f"),
            _attrs([("currencyID", invoice.vat_currency_code or cur)]),
        )
        out.append(f"{indent}</cac:TaxTotal>\n")


def _read_payment(values: Values, found: Sequence[list[_El]], where: str) -> None:
    """BG-16 to BG-19 spread over cac:PaymentMeans (one per account), cac:PaymentMandate, and
    BT-90 as a SEPA-scheme party identifier of the payee, else of the seller. The due date
    (BT-9) of a credit note, which has no cbc:DueDate, is in cac:PaymentMeans."""
    means, supplier_ids, payee_ids, terms_due = found
    if values["due_date"] is None and means:
        values["due_date"] = to_iso_date(_t(means[0], "cbc:PaymentDueDate"), "BT-9")
    if values["due_date"] is None and terms_due:
        values["due_date"] = to_iso_date(text(terms_due[0]), "BT-9")
    creditor_id = None
    for ident in [*payee_ids, *supplier_ids]:
        if attr(ident, "schemeID") == "SEPA" and creditor_id is None:
            creditor_id = text(ident)
    values["payment_instructions"] = None
    if not means:
        return
    first = means[0]
    code_el = _f(first, "cbc:PaymentMeansCode")
    transfers = []
    card = None
    mandate = debited = None
    for pm in means:
        account = _f(pm, "cac:PayeeFinancialAccount")
        if account is not None:
            transfers.append(
                credit_transfer(
                    _t(account, "cbc:ID"),
                    _t(account, "cbc:Name"),
                    _t(account, "cac:FinancialInstitutionBranch/cbc:ID"),
                )
            )
        card_el = _f(pm, "cac:CardAccount")
        if card_el is not None and card is None:
            card = payment_card(
                _t(card_el, "cbc:PrimaryAccountNumberID"), _t(card_el, "cbc:HolderName")
            )
        mandate_el = _f(pm, "cac:PaymentMandate")
        if mandate_el is not None and mandate is None and debited is None:
            mandate = _t(mandate_el, "cbc:ID")
            debited = _t(mandate_el, "cac:PayerFinancialAccount/cbc:ID")
    values["payment_instructions"] = payment_instructions(
        means_code=text(code_el),
        means_text=attr(code_el, "name"),
        remittance_information=_t(first, "cbc:PaymentID"),
        credit_transfers=transfers,
        card=card,
        mandate=mandate,
        creditor_id=creditor_id,
        debited_account_id=debited,
    )


def _payment_writer(credit: bool) -> Any:
    def write(invoice: Any, ctx: Context, out: Out, depth: int) -> None:
        pi = invoice.payment_instructions
        if pi is None:
            return
        # One cac:PaymentMeans per credit transfer account (BG-17 is 0..n); at least one.
        accounts: list[CreditTransfer | None] = [*pi.credit_transfers] or [None]
        i1, i2 = "  " * (depth + 1), "  " * (depth + 2)
        for index, account in enumerate(accounts):
            out.append(f"{'  ' * depth}<cac:PaymentMeans>\n")
            leaf(
                out,
                depth + 1,
                "cbc:PaymentMeansCode",
                pi.means_code.value,
                _attrs([("name", pi.means_text)]),
            )
            if credit and invoice.due_date is not None:
                leaf(out, depth + 1, "cbc:PaymentDueDate", invoice.due_date.isoformat())
            optional_leaf(out, depth + 1, "cbc:PaymentID", pi.remittance_information)
            if index == 0 and pi.card is not None:
                out.append(f"{i1}<cac:CardAccount>\n")
                optional_leaf(
                    out, depth + 2, "cbc:PrimaryAccountNumberID", pi.card.primary_account_number
                )
                # NetworkID is mandatory in UBL but not an EN 16931 term: "NA", not given.
                leaf(out, depth + 2, "cbc:NetworkID", "NA")
                optional_leaf(out, depth + 2, "cbc:HolderName", pi.card.holder_name)
                out.append(f"{i1}</cac:CardAccount>\n")
            if account is not None:
                mark = len(out)
                out.append(f"{i1}<cac:PayeeFinancialAccount>\n")
                optional_leaf(out, depth + 2, "cbc:ID", account.account_id)
                optional_leaf(out, depth + 2, "cbc:Name", account.account_name)
                if account.service_provider_id and account.service_provider_id.strip():
                    out.append(f"{i2}<cac:FinancialInstitutionBranch>\n")
                    leaf(out, depth + 3, "cbc:ID", account.service_provider_id)
                    out.append(f"{i2}</cac:FinancialInstitutionBranch>\n")
                if len(out) > mark + 1:
                    out.append(f"{i1}</cac:PayeeFinancialAccount>\n")
                else:
                    del out[mark:]
            dd = pi.direct_debit
            if index == 0 and dd is not None and (dd.mandate_reference or dd.debited_account_id):
                mark = len(out)
                out.append(f"{i1}<cac:PaymentMandate>\n")
                optional_leaf(out, depth + 2, "cbc:ID", dd.mandate_reference)
                if dd.debited_account_id and dd.debited_account_id.strip():
                    out.append(f"{i2}<cac:PayerFinancialAccount>\n")
                    leaf(out, depth + 3, "cbc:ID", dd.debited_account_id)
                    out.append(f"{i2}</cac:PayerFinancialAccount>\n")
                if len(out) > mark + 1:
                    out.append(f"{i1}</cac:PaymentMandate>\n")
                else:
                    del out[mark:]
            out.append(f"{'  ' * depth}</cac:PaymentMeans>\n")

    return write


def _finish_invoice(credit: bool) -> Any:
    def finish(values: Values) -> Invoice:
        spec = finish_process_control(values)
        if values["type_code"] is None:
            if not credit:
                raise missing("BT-3", *MANDATORY["BT-3"])
            values["type_code"] = InvoiceTypeCode("381")  # a credit note by its root
        return Invoice(**values, syntax="ubl", profile=profile_of(spec))

    return finish


def _header(credit: bool) -> Table:
    prefix = "CreditNote" if credit else "Invoice"
    terms: list[Term] = [
        T("process_control.specification_id", "cbc:CustomizationID", read_only=True),  # BT-24
        Term(None, "", custom=Custom(None, _write_customization)),
        T("process_control.business_process_type", "cbc:ProfileID"),  # BT-23
        T("number", "cbc:ID", **mandatory("BT-1")),
        T(
            "issue_date",
            "cbc:IssueDate",
            ISO_DATE,
            **mandatory("BT-2"),
        ),
    ]
    if credit:  # a UBL 2.1 credit note has no cbc:DueDate; its BT-7 comes here
        terms += [
            T("due_date", "cbc:DueDate", ISO_DATE, "BT-9", read_only=True),
            T("tax_point_date", "cbc:TaxPointDate", ISO_DATE, "BT-7"),
        ]
    else:
        terms.append(T("due_date", "cbc:DueDate", ISO_DATE, "BT-9"))
    terms += [
        T(
            "type_code",
            f"cbc:{prefix}TypeCode",
            Code(InvoiceTypeCode),
            "BT-3",
            required=None if credit else MANDATORY["BT-3"],
        ),
        T("notes", "cbc:Note", NOTE, many=True),  # BG-1
    ]
    if not credit:
        terms.append(T("tax_point_date", "cbc:TaxPointDate", ISO_DATE, "BT-7"))
    terms += [
        T(
            "currency_code",
            "cbc:DocumentCurrencyCode",
            **mandatory("BT-5"),
        ),
        T("vat_currency_code", "cbc:TaxCurrencyCode"),  # BT-6
        T("buyer_accounting_reference", "cbc:AccountingCost"),  # BT-19
        T("buyer_reference", "cbc:BuyerReference"),  # BT-10
        T("invoicing_period.start", "cac:InvoicePeriod/cbc:StartDate", ISO_DATE, "BT-73"),
        T("invoicing_period.end", "cac:InvoicePeriod/cbc:EndDate", ISO_DATE, "BT-74"),
        T(
            "tax_point_date_code",
            "cac:InvoicePeriod/cbc:DescriptionCode",
            Code(VatPointDateCode),
        ),  # BT-8
        T("purchase_order_reference", "cac:OrderReference/cbc:ID"),  # BT-13
        T("sales_order_reference", "cac:OrderReference/cbc:SalesOrderID"),  # BT-14
        T(
            "preceding_invoices",
            "cac:BillingReference/cac:InvoiceDocumentReference",
            many=True,
            table=PRECEDING,
            each=1,
        ),  # BG-3
        T("despatch_advice_reference", "cac:DespatchDocumentReference/cbc:ID"),  # BT-16
        T("receiving_advice_reference", "cac:ReceiptDocumentReference/cbc:ID"),  # BT-15
    ]
    originator = T("tender_or_lot_reference", "cac:OriginatorDocumentReference/cbc:ID")  # BT-17
    contract = T("contract_reference", "cac:ContractDocumentReference/cbc:ID")  # BT-12
    documents = Term(
        "additional_documents",
        "",
        custom=Custom(
            _read_documents(credit),
            _additional_documents_writer(credit),
            ("cac:AdditionalDocumentReference",),
            "BG-24, BT-18 and (credit note) BT-11 told apart by cbc:DocumentTypeCode",
            sets=("invoiced_object_id", "additional_documents", "project_reference"),
            uses=("project_reference",),
        ),
    )
    project = T("project_reference", "cac:ProjectReference/cbc:ID", read_only=credit)  # BT-11
    # The two documents order these references differently (see the UBL 2.1 XSDs).
    terms += (
        [contract, project, documents, originator]
        if credit
        else [originator, contract, documents, project]
    )
    terms += [
        T(
            "seller",
            "cac:AccountingSupplierParty/cac:Party",
            **mandatory("BT-27"),
            table=SELLER,
        ),
        T(
            "buyer",
            "cac:AccountingCustomerParty/cac:Party",
            **mandatory("BT-44"),
            table=BUYER,
        ),
        T("payee", "cac:PayeeParty", table=PAYEE),  # BG-10
        T("tax_representative", "cac:TaxRepresentativeParty", table=TAX_REPRESENTATIVE),
        T("delivery", "cac:Delivery", table=DELIVERY),  # BG-13
        Term(
            "payment_instructions",
            "",
            custom=Custom(
                _read_payment,
                _payment_writer(credit),
                (
                    "cac:PaymentMeans",
                    "cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID",
                    "cac:PayeeParty/cac:PartyIdentification/cbc:ID",
                    "cac:PaymentTerms/cbc:PaymentDueDate",
                ),
                "BG-16 over several cac:PaymentMeans, BT-90 in a party",
                sets=("due_date", "payment_instructions"),
                uses=("due_date",),
            ),
        ),
        T("payment_terms", "cac:PaymentTerms/cbc:Note"),  # BT-20
        T("allowances_charges", "cac:AllowanceCharge", many=True, table=ALLOWANCE_CHARGE),
        Term(
            "totals",
            "",
            custom=Custom(
                _read_tax_totals,
                _write_tax_totals,
                ("cac:TaxTotal",),
                "BT-110 and BT-111 in two cac:TaxTotal told apart by their currency",
                sets=("totals.vat_total_amount", "totals.vat_total_amount_accounting"),
                uses=("currency_code", "vat_currency_code"),
            ),
        ),
        T(
            "vat_breakdown",
            "cac:TaxTotal/cac:TaxSubtotal",
            many=True,
            table=VAT_BREAKDOWN,
            read_only=True,  # written with the cac:TaxTotal it sits in
        ),
    ]
    totals = (
        ("line_total_amount", "LineExtensionAmount", "BT-106", False),
        ("tax_exclusive_amount", "TaxExclusiveAmount", "BT-109", True),
        ("tax_inclusive_amount", "TaxInclusiveAmount", "BT-112", True),
        ("allowance_total_amount", "AllowanceTotalAmount", "BT-107", False),
        ("charge_total_amount", "ChargeTotalAmount", "BT-108", False),
        ("prepaid_amount", "PrepaidAmount", "BT-113", False),
        ("rounding_amount", "PayableRoundingAmount", "BT-114", False),
        ("payable_amount", "PayableAmount", "BT-115", True),
    )
    terms += [  # BG-22
        T(
            f"totals.{name}",
            f"cac:LegalMonetaryTotal/cbc:{tag}",
            DECIMAL,
            bt,
            required=MANDATORY[bt] if needed else None,
            context_attrs=CUR,
        )
        for name, tag, bt, needed in totals
    ]
    terms.append(
        T(
            "lines",
            f"cac:{prefix}Line",
            many=True,
            table=CREDIT_NOTE_LINE if credit else INVOICE_LINE,
        )
    )
    return Table(
        None,
        tuple(terms),
        NS,
        nested={"process_control": ProcessControl, "invoicing_period": Period, "totals": Totals},
        optional=frozenset({"invoicing_period"}),
        finish=_finish_invoice(credit),
        order=(
            "currency_code",
            "due_date",
            "vat_currency_code",
            "project_reference",
            "additional_documents",
            "totals",
            *(f"totals.{name}" for name, _, _, _ in totals),
            "number",
            "issue_date",
            "type_code",
            "tax_point_date",
            "tax_point_date_code",
            *HEADER_ORDER_PARTIES,
            "delivery",
            *HEADER_ORDER_END,
        ),
    )


INVOICE = _header(credit=False)
CREDIT_NOTE = _header(credit=True)


def read_ubl(root: _El) -> Invoice:
    credit_note = etree.QName(root).namespace == UBL_CREDITNOTE
    invoice: Invoice = read_group(CREDIT_NOTE if credit_note else INVOICE, root)
    return invoice
