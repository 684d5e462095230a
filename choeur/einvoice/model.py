"""The EN 16931 semantic model as typed dataclasses: the pivot every syntax reads into and writes from.

Every business group (BG) and business term (BT) of EN 16931-1:2017 (+A1:2019) has a field,
commented with its id. Amounts, quantities, rates and percentages are `Decimal` (never float),
dates are `date`, code lists are the open enums of `enums`. Names are English snake_case.

Optional terms are `None` (or an empty list) when the document does not carry them, so that
"absent" and "zero" stay different. A few groups the norm nests are flattened where both syntaxes
do so too; the comment says where the group sits in the norm.

`syntax` and `profile` describe where an invoice came from; they are metadata, not part of the
norm, and are left out of equality so that a UBL and a CII reading of the same invoice compare
equal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from choeur.einvoice.enums import InvoiceTypeCode, PaymentMeansCode, VatCategory, VatPointDateCode

__all__ = [
    "AdditionalDocument",
    "Address",
    "AllowanceCharge",
    "Attachment",
    "Contact",
    "CreditTransfer",
    "Delivery",
    "DirectDebit",
    "Identifier",
    "Invoice",
    "InvoiceLine",
    "Item",
    "ItemAttribute",
    "ItemClassification",
    "LineAllowanceCharge",
    "Note",
    "Party",
    "Payee",
    "PaymentCard",
    "PaymentInstructions",
    "Period",
    "PrecedingInvoice",
    "Price",
    "ProcessControl",
    "TaxRepresentative",
    "Totals",
    "VatBreakdown",
    "InvoiceTypeCode",
    "PaymentMeansCode",
    "VatCategory",
    "VatPointDateCode",
]

# BT-24 values that tell the profile (Factur-X / ZUGFeRD 2.x guideline ids, and the norm's own).
GUIDELINE_EN16931 = "urn:cen.eu:en16931:2017"
PROFILE_BY_GUIDELINE = {
    "urn:factur-x.eu:1p0:minimum": "MINIMUM",
    "urn:factur-x.eu:1p0:basicwl": "BASIC WL",
    "urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic": "BASIC",
    "urn:cen.eu:en16931:2017:compliant:factur-x.eu:1p0:basic": "BASIC",
    "urn:cen.eu:en16931:2017": "EN 16931",
    "urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended": "EXTENDED",
    "urn:cen.eu:en16931:2017:conformant:factur-x.eu:1p0:extended": "EXTENDED",
    "urn:zugferd.de:2p0:minimum": "MINIMUM",
    "urn:zugferd.de:2p0:basicwl": "BASIC WL",
    "urn:cen.eu:en16931:2017#compliant#urn:zugferd.de:2p0:basic": "BASIC",
    "urn:cen.eu:en16931:2017#conformant#urn:zugferd.de:2p0:extended": "EXTENDED",
}


@dataclass
class Identifier:
    """An identifier with its optional scheme (ISO 6523 ICD, e.g. 0002 SIREN, 0009 SIRET)."""

    value: str  # the BT itself (BT-29, BT-30, BT-34, BT-46, ...)
    scheme: str | None = None  # the "-1" sub-term of the BT (e.g. BT-29-1, BT-30-1)


@dataclass
class Address:
    """BG-5 seller / BG-8 buyer / BG-12 tax representative / BG-15 deliver-to postal address."""

    line1: str | None = None  # BT-35 / BT-50 / BT-64 / BT-75
    line2: str | None = None  # BT-36 / BT-51 / BT-65 / BT-76
    line3: str | None = None  # BT-162 / BT-163 / BT-164 / BT-165
    city: str | None = None  # BT-37 / BT-52 / BT-66 / BT-77
    post_code: str | None = None  # BT-38 / BT-53 / BT-67 / BT-78
    country_subdivision: str | None = None  # BT-39 / BT-54 / BT-68 / BT-79
    country_code: str | None = None  # BT-40 / BT-55 / BT-69 / BT-80 (ISO 3166-1 alpha-2)


@dataclass
class Contact:
    """BG-6 seller contact / BG-9 buyer contact."""

    name: str | None = None  # BT-41 / BT-56 contact point
    telephone: str | None = None  # BT-42 / BT-57
    email: str | None = None  # BT-43 / BT-58


@dataclass
class Party:
    """BG-4 SELLER or BG-7 BUYER (the same shape; the buyer has at most one identifier)."""

    name: str  # BT-27 / BT-44
    trading_name: str | None = None  # BT-28 / BT-45
    identifiers: list[Identifier] = field(
        default_factory=list
    )  # BT-29 (0..n) / BT-46 (0..1), scheme BT-29-1 / BT-46-1
    # BT-30 / BT-47 legal registration identifier, scheme BT-30-1 / BT-47-1 (0002 SIREN, 0009 SIRET)
    legal_registration_id: Identifier | None = None
    vat_id: str | None = None  # BT-31 / BT-48 VAT identifier (FRxx999999999)
    tax_registration_id: str | None = None  # BT-32 seller tax registration identifier (seller only)
    additional_legal_info: str | None = None  # BT-33 (seller only: capital, RCS, ...)
    electronic_address: Identifier | None = None  # BT-34 / BT-49, scheme BT-34-1 / BT-49-1
    address: Address | None = None  # BG-5 / BG-8
    contact: Contact | None = None  # BG-6 / BG-9


@dataclass
class Payee:
    """BG-10 PAYEE (when it differs from the seller)."""

    name: str  # BT-59
    identifiers: list[Identifier] = field(default_factory=list)  # BT-60, scheme BT-60-1
    legal_registration_id: Identifier | None = None  # BT-61, scheme BT-61-1


@dataclass
class TaxRepresentative:
    """BG-11 SELLER TAX REPRESENTATIVE PARTY."""

    name: str  # BT-62
    vat_id: str  # BT-63
    address: Address = field(default_factory=Address)  # BG-12


@dataclass
class Period:
    """BG-14 invoicing period / BG-26 invoice line period."""

    start: date | None = None  # BT-73 / BT-134
    end: date | None = None  # BT-74 / BT-135


@dataclass
class Delivery:
    """BG-13 DELIVERY INFORMATION (BG-14, nested here in the norm, is `Invoice.invoicing_period`)."""

    party_name: str | None = None  # BT-70 deliver to party name
    location_id: Identifier | None = None  # BT-71, scheme BT-71-1
    actual_delivery_date: date | None = None  # BT-72
    address: Address | None = None  # BG-15 deliver to address


@dataclass
class Note:
    """BG-1 INVOICE NOTE."""

    text: str  # BT-22
    subject_code: str | None = None  # BT-21 (UNTDID 4451, e.g. AAB, PMT, PMD for French mentions)


@dataclass
class ProcessControl:
    """BG-2 PROCESS CONTROL."""

    specification_id: str = GUIDELINE_EN16931  # BT-24 (tells the profile: Factur-X, Peppol, ...)
    business_process_type: str | None = None  # BT-23 (e.g. A1 for Chorus Pro cadre de facturation)


@dataclass
class PrecedingInvoice:
    """BG-3 PRECEDING INVOICE REFERENCE."""

    number: str  # BT-25
    issue_date: date | None = None  # BT-26


@dataclass
class CreditTransfer:
    """BG-17 CREDIT TRANSFER."""

    account_id: str  # BT-84 payment account identifier (IBAN for SEPA)
    account_name: str | None = None  # BT-85
    service_provider_id: str | None = None  # BT-86 (BIC)


@dataclass
class PaymentCard:
    """BG-18 PAYMENT CARD INFORMATION."""

    primary_account_number: str  # BT-87 (only the last 4 to 6 digits, by the norm)
    holder_name: str | None = None  # BT-88


@dataclass
class DirectDebit:
    """BG-19 DIRECT DEBIT."""

    mandate_reference: str | None = None  # BT-89
    creditor_id: str | None = None  # BT-90 bank assigned creditor identifier
    debited_account_id: str | None = None  # BT-91


@dataclass
class PaymentInstructions:
    """BG-16 PAYMENT INSTRUCTIONS."""

    means_code: PaymentMeansCode  # BT-81 (UNCL 4461)
    means_text: str | None = None  # BT-82
    remittance_information: str | None = None  # BT-83
    credit_transfers: list[CreditTransfer] = field(default_factory=list)  # BG-17
    card: PaymentCard | None = None  # BG-18
    direct_debit: DirectDebit | None = None  # BG-19


@dataclass
class AllowanceCharge:
    """BG-20 DOCUMENT LEVEL ALLOWANCES / BG-21 DOCUMENT LEVEL CHARGES (`is_charge` tells which)."""

    is_charge: bool  # False: BG-20 allowance, True: BG-21 charge
    amount: Decimal  # BT-92 / BT-99
    vat_category: VatCategory | None = None  # BT-95 / BT-102 (mandatory in the norm)
    base_amount: Decimal | None = None  # BT-93 / BT-100
    percentage: Decimal | None = None  # BT-94 / BT-101
    vat_rate: Decimal | None = None  # BT-96 / BT-103
    reason: str | None = None  # BT-97 / BT-104
    reason_code: str | None = None  # BT-98 (UNCL 5189) / BT-105 (UNCL 7161)


@dataclass
class Totals:
    """BG-22 DOCUMENT TOTALS."""

    tax_exclusive_amount: Decimal  # BT-109 invoice total amount without VAT
    tax_inclusive_amount: Decimal  # BT-112 invoice total amount with VAT
    payable_amount: Decimal  # BT-115 amount due for payment
    line_total_amount: Decimal | None = (
        None  # BT-106 sum of invoice line net amount (absent in MINIMUM)
    )
    allowance_total_amount: Decimal | None = None  # BT-107
    charge_total_amount: Decimal | None = None  # BT-108
    vat_total_amount: Decimal | None = None  # BT-110 invoice total VAT amount (in BT-5)
    vat_total_amount_accounting: Decimal | None = (
        None  # BT-111 total VAT in accounting currency (BT-6)
    )
    prepaid_amount: Decimal | None = None  # BT-113
    rounding_amount: Decimal | None = None  # BT-114


@dataclass
class VatBreakdown:
    """BG-23 VAT BREAKDOWN (one per VAT category and rate)."""

    taxable_amount: Decimal  # BT-116 VAT category taxable amount
    tax_amount: Decimal  # BT-117 VAT category tax amount
    category: VatCategory  # BT-118
    rate: Decimal | None = None  # BT-119 (absent for category O)
    exemption_reason: str | None = None  # BT-120
    exemption_reason_code: str | None = None  # BT-121 (VATEX code list)


@dataclass
class Attachment:
    """BT-125 attached document: the embedded binary object of BG-24."""

    content: bytes  # BT-125
    mime_code: str  # BT-125-1 (application/pdf, image/png, text/csv, ...)
    filename: str  # BT-125-2


@dataclass
class AdditionalDocument:
    """BG-24 ADDITIONAL SUPPORTING DOCUMENTS."""

    reference: str  # BT-122 supporting document reference
    description: str | None = None  # BT-123
    external_uri: str | None = None  # BT-124 external document location
    attachment: Attachment | None = None  # BT-125


@dataclass
class LineAllowanceCharge:
    """BG-27 INVOICE LINE ALLOWANCES / BG-28 INVOICE LINE CHARGES (`is_charge` tells which)."""

    is_charge: bool  # False: BG-27 allowance, True: BG-28 charge
    amount: Decimal  # BT-136 / BT-141
    base_amount: Decimal | None = None  # BT-137 / BT-142
    percentage: Decimal | None = None  # BT-138 / BT-143
    reason: str | None = None  # BT-139 / BT-144
    reason_code: str | None = None  # BT-140 (UNCL 5189) / BT-145 (UNCL 7161)


@dataclass
class Price:
    """BG-29 PRICE DETAILS."""

    net_price: Decimal  # BT-146 item net price
    discount: Decimal | None = None  # BT-147 item price discount
    gross_price: Decimal | None = None  # BT-148 item gross price
    base_quantity: Decimal | None = None  # BT-149 item price base quantity
    base_quantity_unit: str | None = None  # BT-150 (UN/ECE Rec 20/21)


@dataclass
class ItemClassification:
    """BT-158 item classification identifier with its scheme (BT-158-1) and version (BT-158-2)."""

    value: str  # BT-158
    scheme: str | None = None  # BT-158-1 (UNTDID 7143, e.g. STI for CPV)
    version: str | None = None  # BT-158-2


@dataclass
class ItemAttribute:
    """BG-32 ITEM ATTRIBUTES."""

    name: str  # BT-160
    value: str  # BT-161


@dataclass
class Item:
    """BG-31 ITEM INFORMATION."""

    name: str  # BT-153
    description: str | None = None  # BT-154
    seller_id: str | None = None  # BT-155 item seller's identifier
    buyer_id: str | None = None  # BT-156 item buyer's identifier
    standard_id: Identifier | None = None  # BT-157, scheme BT-157-1 (e.g. 0160 GTIN)
    classifications: list[ItemClassification] = field(default_factory=list)  # BT-158 (0..n)
    origin_country: str | None = None  # BT-159
    attributes: list[ItemAttribute] = field(default_factory=list)  # BG-32


@dataclass
class InvoiceLine:
    """BG-25 INVOICE LINE."""

    id: str  # BT-126 invoice line identifier
    quantity: Decimal  # BT-129 invoiced quantity
    unit_code: (
        str  # BT-130 invoiced quantity unit of measure (UN/ECE Rec 20/21: C62, HUR, DAY, ...)
    )
    net_amount: Decimal  # BT-131 invoice line net amount
    item: Item  # BG-31
    price: Price  # BG-29
    vat_category: VatCategory  # BT-151 (BG-30 LINE VAT INFORMATION)
    vat_rate: Decimal | None = None  # BT-152 (BG-30)
    note: str | None = None  # BT-127
    object_id: Identifier | None = None  # BT-128, scheme BT-128-1
    order_line_reference: str | None = None  # BT-132 referenced purchase order line reference
    accounting_reference: str | None = None  # BT-133 invoice line buyer accounting reference
    period: Period | None = None  # BG-26
    allowances_charges: list[LineAllowanceCharge] = field(default_factory=list)  # BG-27, BG-28

    @property
    def allowances(self) -> list[LineAllowanceCharge]:  # BG-27
        return [a for a in self.allowances_charges if not a.is_charge]

    @property
    def charges(self) -> list[LineAllowanceCharge]:  # BG-28
        return [a for a in self.allowances_charges if a.is_charge]


@dataclass
class Invoice:
    """The invoice (or credit note: BT-3 tells) as EN 16931 defines it."""

    number: str  # BT-1 invoice number
    issue_date: date  # BT-2 invoice issue date
    type_code: (
        InvoiceTypeCode  # BT-3 invoice type code (380 invoice, 381 credit note, 384, 386, 389, ...)
    )
    currency_code: str  # BT-5 invoice currency code (ISO 4217)
    seller: Party  # BG-4 SELLER
    buyer: Party  # BG-7 BUYER
    totals: Totals  # BG-22 DOCUMENT TOTALS
    vat_currency_code: str | None = None  # BT-6 VAT accounting currency code
    tax_point_date: date | None = None  # BT-7 value added tax point date
    tax_point_date_code: VatPointDateCode | None = None  # BT-8 (UNTDID 2005: 3, 35, 432)
    due_date: date | None = None  # BT-9 payment due date
    buyer_reference: str | None = None  # BT-10 (Chorus Pro: the code service of the recipient)
    project_reference: str | None = None  # BT-11
    contract_reference: str | None = None  # BT-12
    purchase_order_reference: str | None = None  # BT-13 (Chorus Pro: the numéro d'engagement)
    sales_order_reference: str | None = None  # BT-14
    receiving_advice_reference: str | None = None  # BT-15
    despatch_advice_reference: str | None = None  # BT-16
    tender_or_lot_reference: str | None = None  # BT-17
    invoiced_object_id: Identifier | None = None  # BT-18, scheme BT-18-1
    buyer_accounting_reference: str | None = None  # BT-19
    payment_terms: str | None = None  # BT-20
    notes: list[Note] = field(default_factory=list)  # BG-1
    process_control: ProcessControl = field(default_factory=ProcessControl)  # BG-2
    preceding_invoices: list[PrecedingInvoice] = field(default_factory=list)  # BG-3
    payee: Payee | None = None  # BG-10
    tax_representative: TaxRepresentative | None = None  # BG-11
    delivery: Delivery | None = None  # BG-13 (without BG-14)
    invoicing_period: Period | None = (
        None  # BG-14 (a child of BG-13 in the norm; UBL and CII carry it at header level)
    )
    payment_instructions: PaymentInstructions | None = None  # BG-16
    allowances_charges: list[AllowanceCharge] = field(default_factory=list)  # BG-20, BG-21
    vat_breakdown: list[VatBreakdown] = field(default_factory=list)  # BG-23
    additional_documents: list[AdditionalDocument] = field(default_factory=list)  # BG-24
    lines: list[InvoiceLine] = field(
        default_factory=list
    )  # BG-25 (1..n; absent in MINIMUM / BASIC WL)
    # Where the invoice came from (not part of the norm, not compared).
    syntax: str | None = field(default=None, compare=False)  # 'ubl', 'cii' or 'facturx'
    profile: str | None = field(
        default=None, compare=False
    )  # 'MINIMUM', 'BASIC WL', 'BASIC', 'EN 16931', 'EXTENDED'

    @property
    def is_credit_note(self) -> bool:
        return self.type_code.is_credit_note

    @property
    def allowances(self) -> list[AllowanceCharge]:  # BG-20
        return [a for a in self.allowances_charges if not a.is_charge]

    @property
    def charges(self) -> list[AllowanceCharge]:  # BG-21
        return [a for a in self.allowances_charges if a.is_charge]


def profile_of(specification_id: str | None) -> str | None:
    """The Factur-X / ZUGFeRD profile that a BT-24 value names, or None (e.g. Peppol, XRechnung)."""
    if not specification_id:
        return None
    spec = specification_id.strip()
    if spec in PROFILE_BY_GUIDELINE:
        return PROFILE_BY_GUIDELINE[spec]
    lowered = spec.lower()
    if lowered.endswith(":extended-ctc-fr"):  # Chorus Pro's French CTC extension of EXTENDED
        return "EXTENDED"
    for suffix, profile in (
        (":minimum", "MINIMUM"),
        (":basicwl", "BASIC WL"),
        (":basic", "BASIC"),
        (":extended", "EXTENDED"),
    ):
        if lowered.endswith(suffix) and ("factur-x" in lowered or "zugferd" in lowered):
            return profile
    if lowered.startswith(GUIDELINE_EN16931) and ("factur-x" in lowered or "zugferd" in lowered):
        return "EN 16931"
    return None
