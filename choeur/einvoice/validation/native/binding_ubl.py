"""The UBL syntax rules of the CEN EN 16931 UBL stylesheet (release 1.3.16), as tables:
UBL-CR (what a UBL invoice should not include), UBL-SR (how often an element may occur),
UBL-DT (data types), and the BR-CL code-list rules, each in the pattern and priority order
of the official stylesheet (see `patterns` for the notation and why the order matters).

`check(root)` walks the document once for all of them.
"""

from __future__ import annotations

from lxml import etree

from choeur.einvoice.readers._common import CAC, CBC, UBL_CREDITNOTE, UBL_INVOICE
from choeur.einvoice.validation.native import codelists
from choeur.einvoice.validation.native.patterns import (
    Context,
    Holds,
    Pattern,
    Syntax,
    count,
    parse_table,
    walk,
)
from choeur.einvoice.validation.native.values import Uncastable, decimals, norm, to_bool

_El = etree._Element

EXT = "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"
UBL = Syntax(
    {"cac": CAC, "cbc": CBC, "ext": EXT, "ubl": UBL_INVOICE, "cn": UBL_CREDITNOTE},
    line_tags=(f"{{{CAC}}}InvoiceLine", f"{{{CAC}}}CreditNoteLine"),
)
_c = UBL.clark


def _text(el: _El) -> str:
    if len(el):
        return "".join(str(t) for t in el.itertext())
    return el.text or ""


def _texts(el: _El, path: str) -> list[str]:
    """The string values of the nodes of a relative child path."""
    nodes = [el]
    for step in UBL.steps(path):
        nodes = [child for node in nodes for tag in step for child in node.iterchildren(tag)]
    return [_text(node) for node in nodes]


def _indicator(el: _El, value: bool) -> bool:
    """[cbc:ChargeIndicator = true()/false()] (a value that is no boolean matches neither)."""
    for indicator in el.iterchildren(_c("cbc:ChargeIndicator")):
        try:
            if to_bool(_text(indicator)) is value:
                return True
        except Uncastable:
            return False
    return False


def _parent_indicator(value: bool) -> Holds:
    return lambda el: (parent := el.getparent()) is not None and _indicator(parent, value)


def _is_credit_note(el: _El) -> bool:
    return etree.QName(el.getroottree().getroot()).namespace == UBL_CREDITNOTE


# --- UBL-SR, UBL-DT and UBL-CR: the syntax pattern ---------------------------------------------


def _under_price_allowance(el: _El) -> bool:
    """ancestor::cac:Price/cac:AllowanceCharge is not empty."""
    price, allowance = _c("cac:Price"), _c("cac:AllowanceCharge")
    for ancestor in el.iterancestors(price):
        if next(ancestor.iterchildren(allowance), None) is not None:
            return True
    return False


SYNTAX_CONTEXTS = [
    Context("address", "cac:PostalAddress | cac:Address"),
    Context("supplier-party", "cac:AccountingSupplierParty/cac:Party"),
    Context("additional-document", "cac:AdditionalDocumentReference"),
    Context(
        "amount",
        "*Amount",
        lambda el: not _under_price_allowance(el),
        tag_test=lambda tag: not tag.endswith("PriceAmount"),
    ),
    Context("binary", "*BinaryObject"),
    Context("delivery", "cac:Delivery"),
    Context("allowance", "cac:AllowanceCharge", lambda el: _indicator(el, False)),
    Context("charge", "cac:AllowanceCharge", lambda el: _indicator(el, True)),
    Context("party-tax-scheme", "cac:PartyTaxScheme"),
    Context("root", "/ubl:Invoice | /cn:CreditNote"),
    Context("line", "cac:InvoiceLine | cac:CreditNoteLine"),
    Context("payee", "cac:PayeeParty"),
    Context("payment-means", "cac:PaymentMeans"),
    Context("billing-reference", "cac:BillingReference"),
    Context("tax-representative", "cac:TaxRepresentativeParty"),
    Context("tax-subtotal", "cac:TaxSubtotal"),
]

# One rule per line: id, operation, path relative to the context (see `patterns`).
SYNTAX_TABLE = """
[supplier-party]
UBL-SR-42 max 2 cac:PartyTaxScheme
[additional-document]
UBL-SR-33 max 1 cbc:DocumentDescription
[delivery]
UBL-SR-25 max 1 cac:DeliveryParty/cac:PartyName/cbc:Name
[allowance]
[charge]
[root]
UBL-CR-001 absent ext:UBLExtensions
UBL-CR-003 absent cbc:ProfileExecutionID
UBL-CR-004 absent cbc:CopyIndicator
UBL-CR-005 absent cbc:UUID
UBL-CR-006 absent cbc:IssueTime
UBL-CR-007 absent cbc:PricingCurrencyCode
UBL-CR-008 absent cbc:PaymentCurrencyCode
UBL-CR-009 absent cbc:PaymentAlternativeCurrencyCode
UBL-CR-010 absent cbc:AccountingCostCode
UBL-CR-011 absent cbc:LineCountNumeric
UBL-CR-012 absent cac:InvoicePeriod/cbc:StartTime
UBL-CR-013 absent cac:InvoicePeriod/cbc:EndTime
UBL-CR-014 absent cac:InvoicePeriod/cbc:DurationMeasure
UBL-CR-015 absent cac:InvoicePeriod/cbc:Description
UBL-CR-016 absent cac:OrderReference/cbc:CopyIndicator
UBL-CR-017 absent cac:OrderReference/cbc:UUID
UBL-CR-018 absent cac:OrderReference/cbc:IssueDate
UBL-CR-019 absent cac:OrderReference/cbc:IssueTime
UBL-CR-020 absent cac:OrderReference/cbc:CustomerReference
UBL-CR-021 absent cac:OrderReference/cbc:OrderTypeCode
UBL-CR-022 absent cac:OrderReference/cac:DocumentReference
UBL-CR-023 absent cac:BillingReference/cac:InvoiceDocumentReference/cbc:CopyIndicator
UBL-CR-024 absent cac:BillingReference/cac:InvoiceDocumentReference/cbc:UUID
UBL-CR-025 absent cac:BillingReference/cac:InvoiceDocumentReference/cbc:IssueTime
UBL-CR-026 absent cac:BillingReference/cac:InvoiceDocumentReference/cbc:DocumentTypeCode
UBL-CR-027 absent cac:BillingReference/cac:InvoiceDocumentReference/cbc:DocumentType
UBL-CR-028 absent cac:BillingReference/cac:InvoiceDocumentReference/cbc:XPath
UBL-CR-029 absent cac:BillingReference/cac:InvoiceDocumentReference/cbc:LanguageID
UBL-CR-030 absent cac:BillingReference/cac:InvoiceDocumentReference/cbc:LocaleCode
UBL-CR-031 absent cac:BillingReference/cac:InvoiceDocumentReference/cbc:VersionID
UBL-CR-032 absent cac:BillingReference/cac:InvoiceDocumentReference/cbc:DocumentStatusCode
UBL-CR-033 absent cac:BillingReference/cac:InvoiceDocumentReference/cbc:DocumentDescription
UBL-CR-034 absent cac:BillingReference/cac:InvoiceDocumentReference/cac:Attachment
UBL-CR-035 absent cac:BillingReference/cac:InvoiceDocumentReference/cac:ValidityPeriod
UBL-CR-036 absent cac:BillingReference/cac:InvoiceDocumentReference/cac:IssuerParty
UBL-CR-037 absent cac:BillingReference/cac:InvoiceDocumentReference/cac:ResultOfVerification
UBL-CR-038 absent cac:BillingReference/cac:SelfBilledInvoiceDocumentReference
UBL-CR-039 absent cac:BillingReference/cac:CreditNoteDocumentReference
UBL-CR-040 absent cac:BillingReference/cac:SelfBilledCreditNoteDocumentReference
UBL-CR-041 absent cac:BillingReference/cac:DebitNoteDocumentReference
UBL-CR-042 absent cac:BillingReference/cac:ReminderDocumentReference
UBL-CR-043 absent cac:BillingReference/cac:AdditionalDocumentReference
UBL-CR-044 absent cac:BillingReference/cac:BillingReferenceLine
UBL-CR-045 absent cac:DespatchDocumentReference/cbc:CopyIndicator
UBL-CR-046 absent cac:DespatchDocumentReference/cbc:UUID
UBL-CR-047 absent cac:DespatchDocumentReference/cbc:IssueDate
UBL-CR-048 absent cac:DespatchDocumentReference/cbc:IssueTime
UBL-CR-049 absent cac:DespatchDocumentReference/cbc:DocumentTypeCode
UBL-CR-050 absent cac:DespatchDocumentReference/cbc:DocumentType
UBL-CR-051 absent cac:DespatchDocumentReference/cbc:XPath
UBL-CR-052 absent cac:DespatchDocumentReference/cbc:LanguageID
UBL-CR-053 absent cac:DespatchDocumentReference/cbc:LocaleCode
UBL-CR-054 absent cac:DespatchDocumentReference/cbc:VersionID
UBL-CR-055 absent cac:DespatchDocumentReference/cbc:DocumentStatusCode
UBL-CR-056 absent cac:DespatchDocumentReference/cbc:DocumentDescription
UBL-CR-057 absent cac:DespatchDocumentReference/cac:Attachment
UBL-CR-058 absent cac:DespatchDocumentReference/cac:ValidityPeriod
UBL-CR-059 absent cac:DespatchDocumentReference/cac:IssuerParty
UBL-CR-060 absent cac:DespatchDocumentReference/cac:ResultOfVerification
UBL-CR-061 absent cac:ReceiptDocumentReference/cbc:CopyIndicator
UBL-CR-062 absent cac:ReceiptDocumentReference/cbc:UUID
UBL-CR-063 absent cac:ReceiptDocumentReference/cbc:IssueDate
UBL-CR-064 absent cac:ReceiptDocumentReference/cbc:IssueTime
UBL-CR-065 absent cac:ReceiptDocumentReference/cbc:DocumentTypeCode
UBL-CR-066 absent cac:ReceiptDocumentReference/cbc:DocumentType
UBL-CR-067 absent cac:ReceiptDocumentReference/cbc:XPath
UBL-CR-068 absent cac:ReceiptDocumentReference/cbc:LanguageID
UBL-CR-069 absent cac:ReceiptDocumentReference/cbc:LocaleCode
UBL-CR-070 absent cac:ReceiptDocumentReference/cbc:VersionID
UBL-CR-071 absent cac:ReceiptDocumentReference/cbc:DocumentStatusCode
UBL-CR-072 absent cac:ReceiptDocumentReference/cbc:DocumentDescription
UBL-CR-073 absent cac:ReceiptDocumentReference/cac:Attachment
UBL-CR-074 absent cac:ReceiptDocumentReference/cac:ValidityPeriod
UBL-CR-075 absent cac:ReceiptDocumentReference/cac:IssuerParty
UBL-CR-076 absent cac:ReceiptDocumentReference/cac:ResultOfVerification
UBL-CR-077 absent cac:StatementDocumentReference
UBL-CR-078 absent cac:OriginatorDocumentReference/cbc:CopyIndicator
UBL-CR-079 absent cac:OriginatorDocumentReference/cbc:UUID
UBL-CR-080 absent cac:OriginatorDocumentReference/cbc:IssueDate
UBL-CR-081 absent cac:OriginatorDocumentReference/cbc:IssueTime
UBL-CR-082 absent cac:OriginatorDocumentReference/cbc:DocumentTypeCode
UBL-CR-083 absent cac:OriginatorDocumentReference/cbc:DocumentType
UBL-CR-084 absent cac:OriginatorDocumentReference/cbc:XPath
UBL-CR-085 absent cac:OriginatorDocumentReference/cbc:LanguageID
UBL-CR-086 absent cac:OriginatorDocumentReference/cbc:LocaleCode
UBL-CR-087 absent cac:OriginatorDocumentReference/cbc:VersionID
UBL-CR-088 absent cac:OriginatorDocumentReference/cbc:DocumentStatusCode
UBL-CR-089 absent cac:OriginatorDocumentReference/cbc:DocumentDescription
UBL-CR-090 absent cac:OriginatorDocumentReference/cac:Attachment
UBL-CR-091 absent cac:OriginatorDocumentReference/cac:ValidityPeriod
UBL-CR-092 absent cac:OriginatorDocumentReference/cac:IssuerParty
UBL-CR-093 absent cac:OriginatorDocumentReference/cac:ResultOfVerification
UBL-CR-094 absent cac:ContractDocumentReference/cbc:CopyIndicator
UBL-CR-095 absent cac:ContractDocumentReference/cbc:UUID
UBL-CR-096 absent cac:ContractDocumentReference/cbc:IssueDate
UBL-CR-097 absent cac:ContractDocumentReference/cbc:IssueTime
UBL-CR-098 absent cac:ContractDocumentReference/cbc:DocumentTypeCode
UBL-CR-099 absent cac:ContractDocumentReference/cbc:DocumentType
UBL-CR-100 absent cac:ContractDocumentReference/cbc:XPath
UBL-CR-101 absent cac:ContractDocumentReference/cbc:LanguageID
UBL-CR-102 absent cac:ContractDocumentReference/cbc:LocaleCode
UBL-CR-103 absent cac:ContractDocumentReference/cbc:VersionID
UBL-CR-104 absent cac:ContractDocumentReference/cbc:DocumentStatusCode
UBL-CR-105 absent cac:ContractDocumentReference/cbc:DocumentDescription
UBL-CR-106 absent cac:ContractDocumentReference/cac:Attachment
UBL-CR-107 absent cac:ContractDocumentReference/cac:ValidityPeriod
UBL-CR-108 absent cac:ContractDocumentReference/cac:IssuerParty
UBL-CR-109 absent cac:ContractDocumentReference/cac:ResultOfVerification
UBL-CR-110 absent cac:AdditionalDocumentReference/cbc:CopyIndicator
UBL-CR-111 absent cac:AdditionalDocumentReference/cbc:UUID
UBL-CR-112 absent cac:AdditionalDocumentReference/cbc:IssueDate
UBL-CR-113 absent cac:AdditionalDocumentReference/cbc:IssueTime
UBL-CR-114 absent cac:AdditionalDocumentReference/cbc:DocumentType
UBL-CR-115 absent cac:AdditionalDocumentReference/cbc:XPath
UBL-CR-116 absent cac:AdditionalDocumentReference/cbc:LanguageID
UBL-CR-117 absent cac:AdditionalDocumentReference/cbc:LocaleCode
UBL-CR-118 absent cac:AdditionalDocumentReference/cbc:VersionID
UBL-CR-119 absent cac:AdditionalDocumentReference/cbc:DocumentStatusCode
UBL-CR-121 absent cac:AdditionalDocumentReference/cac:Attachment/cac:ExternalReference/cbc:DocumentHash
UBL-CR-122 absent cac:AdditionalDocumentReference/cac:Attachment/cac:ExternalReference/cbc:HashAlgorithmMethod
UBL-CR-123 absent cac:AdditionalDocumentReference/cac:Attachment/cac:ExternalReference/cbc:ExpiryDate
UBL-CR-124 absent cac:AdditionalDocumentReference/cac:Attachment/cac:ExternalReference/cbc:ExpiryTime
UBL-CR-125 absent cac:AdditionalDocumentReference/cac:Attachment/cac:ExternalReference/cbc:MimeCode
UBL-CR-126 absent cac:AdditionalDocumentReference/cac:Attachment/cac:ExternalReference/cbc:FormatCode
UBL-CR-127 absent cac:AdditionalDocumentReference/cac:Attachment/cac:ExternalReference/cbc:EncodingCode
UBL-CR-128 absent cac:AdditionalDocumentReference/cac:Attachment/cac:ExternalReference/cbc:CharacterSetCode
UBL-CR-129 absent cac:AdditionalDocumentReference/cac:Attachment/cac:ExternalReference/cbc:FileName
UBL-CR-130 absent cac:AdditionalDocumentReference/cac:Attachment/cac:ExternalReference/cbc:Description
UBL-CR-131 absent cac:AdditionalDocumentReference/cac:ValidityPeriod
UBL-CR-132 absent cac:AdditionalDocumentReference/cac:IssuerParty
UBL-CR-133 absent cac:AdditionalDocumentReference/cac:ResultOfVerification
UBL-CR-134 absent cac:ProjectReference/cbc:UUID
UBL-CR-135 absent cac:ProjectReference/cbc:IssueDate
UBL-CR-136 absent cac:ProjectReference/cac:WorkPhaseReference
UBL-CR-137 absent cac:Signature
UBL-CR-138 absent cac:AccountingSupplierParty/cbc:CustomerAssignedAccountID
UBL-CR-139 absent cac:AccountingSupplierParty/cbc:AdditionalAccountID
UBL-CR-140 absent cac:AccountingSupplierParty/cbc:DataSendingCapability
UBL-CR-141 absent cac:AccountingSupplierParty/cac:Party/cbc:MarkCareIndicator
UBL-CR-142 absent cac:AccountingSupplierParty/cac:Party/cbc:MarkAttentionIndicator
UBL-CR-143 absent cac:AccountingSupplierParty/cac:Party/cbc:WebsiteURI
UBL-CR-144 absent cac:AccountingSupplierParty/cac:Party/cbc:LogoReferenceID
UBL-CR-145 absent cac:AccountingSupplierParty/cac:Party/cbc:IndustryClassificationCode
UBL-CR-146 absent cac:AccountingSupplierParty/cac:Party/cac:Language
UBL-CR-147 absent cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:ID
UBL-CR-148 absent cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:AddressTypeCode
UBL-CR-149 absent cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:AddressFormatCode
UBL-CR-150 absent cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:Postbox
UBL-CR-151 absent cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:Floor
UBL-CR-152 absent cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:Room
UBL-CR-153 absent cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:BlockName
UBL-CR-154 absent cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:BuildingName
UBL-CR-155 absent cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:BuildingNumber
UBL-CR-156 absent cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:InhouseMail
UBL-CR-157 absent cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:Department
UBL-CR-158 absent cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:MarkAttention
UBL-CR-159 absent cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:MarkCare
UBL-CR-160 absent cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:PlotIdentification
UBL-CR-161 absent cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:CitySubdivisionName
UBL-CR-162 absent cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:CountrySubentityCode
UBL-CR-163 absent cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:Region
UBL-CR-164 absent cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:District
UBL-CR-165 absent cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:TimezoneOffset
UBL-CR-166 absent cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cac:Country/cbc:Name
UBL-CR-167 absent cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cac:LocationCoordinate
UBL-CR-168 absent cac:AccountingSupplierParty/cac:Party/cac:PhysicalLocation
UBL-CR-169 absent cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:RegistrationName
UBL-CR-170 absent cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:TaxLevelCode
UBL-CR-171 absent cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:ExemptionReasonCode
UBL-CR-172 absent cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:ExemptionReason
UBL-CR-173 absent cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cac:RegistrationAddress
UBL-CR-174 absent cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cac:TaxScheme/cbc:Name
UBL-CR-175 absent cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cac:TaxScheme/cbc:TaxTypeCode
UBL-CR-176 absent cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cac:TaxScheme/cbc:CurrencyCode
UBL-CR-177 absent cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cac:TaxScheme/cac:JurisdictionRegionAddress
UBL-CR-178 absent cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationDate
UBL-CR-179 absent cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationExpirationDate
UBL-CR-180 absent cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyLegalFormCode
UBL-CR-181 absent cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:SoleProprietorshipIndicator
UBL-CR-182 absent cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyLiquidationStatusCode
UBL-CR-183 absent cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CorporateStockAmount
UBL-CR-184 absent cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:FullyPaidSharesIndicator
UBL-CR-185 absent cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cac:RegistrationAddress
UBL-CR-186 absent cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cac:CorporateRegistrationScheme
UBL-CR-187 absent cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cac:HeadOfficeParty
UBL-CR-188 absent cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cac:ShareholderParty
UBL-CR-189 absent cac:AccountingSupplierParty/cac:Party/cac:Contact/cbc:ID
UBL-CR-190 absent cac:AccountingSupplierParty/cac:Party/cac:Contact/cbc:Telefax
UBL-CR-191 absent cac:AccountingSupplierParty/cac:Party/cac:Contact/cbc:Note
UBL-CR-192 absent cac:AccountingSupplierParty/cac:Party/cac:Contact/cac:OtherCommunication
UBL-CR-193 absent cac:AccountingSupplierParty/cac:Party/cac:Person
UBL-CR-194 absent cac:AccountingSupplierParty/cac:Party/cac:AgentParty
UBL-CR-195 absent cac:AccountingSupplierParty/cac:Party/cac:ServiceProviderParty
UBL-CR-196 absent cac:AccountingSupplierParty/cac:Party/cac:PowerOfAttorney
UBL-CR-197 absent cac:AccountingSupplierParty/cac:Party/cac:FinancialAccount
UBL-CR-198 absent cac:AccountingSupplierParty/cac:DespatchContact
UBL-CR-199 absent cac:AccountingSupplierParty/cac:AccountingContact
UBL-CR-200 absent cac:AccountingSupplierParty/cac:SellerContact
UBL-CR-201 absent cac:AccountingCustomerParty/cbc:CustomerAssignedAccountID
UBL-CR-202 absent cac:AccountingCustomerParty/cbc:SupplierAssignedAccountID
UBL-CR-203 absent cac:AccountingCustomerParty/cbc:AdditionalAccountID
UBL-CR-204 absent cac:AccountingCustomerParty/cac:Party/cbc:MarkCareIndicator
UBL-CR-205 absent cac:AccountingCustomerParty/cac:Party/cbc:MarkAttentionIndicator
UBL-CR-206 absent cac:AccountingCustomerParty/cac:Party/cbc:WebsiteURI
UBL-CR-207 absent cac:AccountingCustomerParty/cac:Party/cbc:LogoReferenceID
UBL-CR-208 absent cac:AccountingCustomerParty/cac:Party/cbc:IndustryClassificationCode
UBL-CR-209 absent cac:AccountingCustomerParty/cac:Party/cac:Language
UBL-CR-210 absent cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:ID
UBL-CR-211 absent cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:AddressTypeCode
UBL-CR-212 absent cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:AddressFormatCode
UBL-CR-213 absent cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:Postbox
UBL-CR-214 absent cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:Floor
UBL-CR-215 absent cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:Room
UBL-CR-216 absent cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:BlockName
UBL-CR-217 absent cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:BuildingName
UBL-CR-218 absent cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:BuildingNumber
UBL-CR-219 absent cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:InhouseMail
UBL-CR-220 absent cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:Department
UBL-CR-221 absent cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:MarkAttention
UBL-CR-222 absent cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:MarkCare
UBL-CR-223 absent cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:PlotIdentification
UBL-CR-224 absent cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:CitySubdivisionName
UBL-CR-225 absent cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:CountrySubentityCode
UBL-CR-226 absent cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:Region
UBL-CR-227 absent cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:District
UBL-CR-228 absent cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:TimezoneOffset
UBL-CR-229 absent cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cac:Country/cbc:Name
UBL-CR-230 absent cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cac:LocationCoordinate
UBL-CR-231 absent cac:AccountingCustomerParty/cac:Party/cac:PhysicalLocation
UBL-CR-232 absent cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme/cbc:RegistrationName
UBL-CR-233 absent cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme/cbc:TaxLevelCode
UBL-CR-234 absent cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme/cbc:ExemptionReasonCode
UBL-CR-235 absent cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme/cbc:ExemptionReason
UBL-CR-236 absent cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme/cac:RegistrationAddress
UBL-CR-237 absent cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme/cac:TaxScheme/cbc:Name
UBL-CR-238 absent cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme/cac:TaxScheme/cbc:TaxTypeCode
UBL-CR-239 absent cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme/cac:TaxScheme/cbc:CurrencyCode
UBL-CR-240 absent cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme/cac:TaxScheme/cac:JurisdictionRegionAddress
UBL-CR-241 absent cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationDate
UBL-CR-242 absent cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationExpirationDate
UBL-CR-243 absent cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyLegalFormCode
UBL-CR-244 absent cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyLegalForm
UBL-CR-245 absent cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:SoleProprietorshipIndicator
UBL-CR-246 absent cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyLiquidationStatusCode
UBL-CR-247 absent cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CorporateStockAmount
UBL-CR-248 absent cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:FullyPaidSharesIndicator
UBL-CR-249 absent cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cac:RegistrationAddress
UBL-CR-250 absent cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cac:CorporateRegistrationScheme
UBL-CR-251 absent cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cac:HeadOfficeParty
UBL-CR-252 absent cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cac:ShareholderParty
UBL-CR-253 absent cac:AccountingCustomerParty/cac:Party/cac:Contact/cbc:ID
UBL-CR-254 absent cac:AccountingCustomerParty/cac:Party/cac:Contact/cbc:Telefax
UBL-CR-255 absent cac:AccountingCustomerParty/cac:Party/cac:Contact/cbc:Note
UBL-CR-256 absent cac:AccountingCustomerParty/cac:Party/cac:Contact/cac:OtherCommunication
UBL-CR-257 absent cac:AccountingCustomerParty/cac:Party/cac:Person
UBL-CR-258 absent cac:AccountingCustomerParty/cac:Party/cac:AgentParty
UBL-CR-259 absent cac:AccountingCustomerParty/cac:Party/cac:ServiceProviderParty
UBL-CR-260 absent cac:AccountingCustomerParty/cac:Party/cac:PowerOfAttorney
UBL-CR-261 absent cac:AccountingCustomerParty/cac:Party/cac:FinancialAccount
UBL-CR-262 absent cac:AccountingCustomerParty/cac:DeliveryContact
UBL-CR-263 absent cac:AccountingCustomerParty/cac:AccountingContact
UBL-CR-264 absent cac:AccountingCustomerParty/cac:BuyerContact
UBL-CR-265 absent cac:PayeeParty/cbc:MarkCareIndicator
UBL-CR-266 absent cac:PayeeParty/cbc:MarkAttentionIndicator
UBL-CR-267 absent cac:PayeeParty/cbc:WebsiteURI
UBL-CR-268 absent cac:PayeeParty/cbc:LogoReferenceID
UBL-CR-269 absent cac:PayeeParty/cbc:EndpointID
UBL-CR-270 absent cac:PayeeParty/cbc:IndustryClassificationCode
UBL-CR-271 absent cac:PayeeParty/cac:Language
UBL-CR-272 absent cac:PayeeParty/cac:PostalAddress
UBL-CR-273 absent cac:PayeeParty/cac:PhysicalLocation
UBL-CR-274 absent cac:PayeeParty/cac:PartyTaxScheme
UBL-CR-275 absent cac:PayeeParty/cac:PartyLegalEntity/cbc:RegistrationName
UBL-CR-276 absent cac:PayeeParty/cac:PartyLegalEntity/cbc:RegistrationDate
UBL-CR-277 absent cac:PayeeParty/cac:PartyLegalEntity/cbc:RegistrationExpirationDate
UBL-CR-278 absent cac:PayeeParty/cac:PartyLegalEntity/cbc:CompanyLegalFormCode
UBL-CR-279 absent cac:PayeeParty/cac:PartyLegalEntity/cbc:CompanyLegalForm
UBL-CR-280 absent cac:PayeeParty/cac:PartyLegalEntity/cbc:SoleProprietorshipIndicator
UBL-CR-281 absent cac:PayeeParty/cac:PartyLegalEntity/cbc:CompanyLiquidationStatusCode
UBL-CR-282 absent cac:PayeeParty/cac:PartyLegalEntity/cbc:CorporateStockAmount
UBL-CR-283 absent cac:PayeeParty/cac:PartyLegalEntity/cbc:FullyPaidSharesIndicator
UBL-CR-284 absent cac:PayeeParty/cac:PartyLegalEntity/cac:RegistrationAddress
UBL-CR-285 absent cac:PayeeParty/cac:PartyLegalEntity/cac:CorporateRegistrationScheme
UBL-CR-286 absent cac:PayeeParty/cac:PartyLegalEntity/cac:HeadOfficeParty
UBL-CR-287 absent cac:PayeeParty/cac:PartyLegalEntity/cac:ShareholderParty
UBL-CR-288 absent cac:PayeeParty/cac:Contact
UBL-CR-289 absent cac:PayeeParty/cac:Person
UBL-CR-290 absent cac:PayeeParty/cac:AgentParty
UBL-CR-291 absent cac:PayeeParty/cac:ServiceProviderParty
UBL-CR-292 absent cac:PayeeParty/cac:PowerOfAttorney
UBL-CR-293 absent cac:PayeeParty/cac:FinancialAccount
UBL-CR-294 absent cac:BuyerCustomerParty
UBL-CR-295 absent cac:SellerSupplierParty
UBL-CR-296 absent cac:TaxRepresentativeParty/cbc:MarkCareIndicator
UBL-CR-297 absent cac:TaxRepresentativeParty/cbc:MarkAttentionIndicator
UBL-CR-298 absent cac:TaxRepresentativeParty/cbc:WebsiteURI
UBL-CR-299 absent cac:TaxRepresentativeParty/cbc:LogoReferenceID
UBL-CR-300 absent cac:TaxRepresentativeParty/cbc:EndpointID
UBL-CR-301 absent cac:TaxRepresentativeParty/cbc:IndustryClassificationCode
UBL-CR-302 absent cac:TaxRepresentativeParty/cac:PartyIdentification
UBL-CR-303 absent cac:TaxRepresentativeParty/cac:Language
UBL-CR-304 absent cac:TaxRepresentativeParty/cac:PostalAddress/cbc:ID
UBL-CR-305 absent cac:TaxRepresentativeParty/cac:PostalAddress/cbc:AddressTypeCode
UBL-CR-306 absent cac:TaxRepresentativeParty/cac:PostalAddress/cbc:AddressFormatCode
UBL-CR-307 absent cac:TaxRepresentativeParty/cac:PostalAddress/cbc:Postbox
UBL-CR-308 absent cac:TaxRepresentativeParty/cac:PostalAddress/cbc:Floor
UBL-CR-309 absent cac:TaxRepresentativeParty/cac:PostalAddress/cbc:Room
UBL-CR-310 absent cac:TaxRepresentativeParty/cac:PostalAddress/cbc:BlockName
UBL-CR-311 absent cac:TaxRepresentativeParty/cac:PostalAddress/cbc:BuildingName
UBL-CR-312 absent cac:TaxRepresentativeParty/cac:PostalAddress/cbc:BuildingNumber
UBL-CR-313 absent cac:TaxRepresentativeParty/cac:PostalAddress/cbc:InhouseMail
UBL-CR-314 absent cac:TaxRepresentativeParty/cac:PostalAddress/cbc:Department
UBL-CR-315 absent cac:TaxRepresentativeParty/cac:PostalAddress/cbc:MarkAttention
UBL-CR-316 absent cac:TaxRepresentativeParty/cac:PostalAddress/cbc:MarkCare
UBL-CR-317 absent cac:TaxRepresentativeParty/cac:PostalAddress/cbc:PlotIdentification
UBL-CR-318 absent cac:TaxRepresentativeParty/cac:PostalAddress/cbc:CitySubdivisionName
UBL-CR-319 absent cac:TaxRepresentativeParty/cac:PostalAddress/cbc:CountrySubentityCode
UBL-CR-320 absent cac:TaxRepresentativeParty/cac:PostalAddress/cbc:Region
UBL-CR-321 absent cac:TaxRepresentativeParty/cac:PostalAddress/cbc:District
UBL-CR-322 absent cac:TaxRepresentativeParty/cac:PostalAddress/cbc:TimezoneOffset
UBL-CR-323 absent cac:TaxRepresentativeParty/cac:PostalAddress/cac:Country/cbc:Name
UBL-CR-324 absent cac:TaxRepresentativeParty/cac:PostalAddress/cac:LocationCoordinate
UBL-CR-325 absent cac:TaxRepresentativeParty/cac:PhysicalLocation
UBL-CR-326 absent cac:TaxRepresentativeParty/cac:PartyTaxScheme/cbc:RegistrationName
UBL-CR-327 absent cac:TaxRepresentativeParty/cac:PartyTaxScheme/cbc:TaxLevelCode
UBL-CR-328 absent cac:TaxRepresentativeParty/cac:PartyTaxScheme/cbc:ExemptionReasonCode
UBL-CR-329 absent cac:TaxRepresentativeParty/cac:PartyTaxScheme/cbc:ExemptionReason
UBL-CR-330 absent cac:TaxRepresentativeParty/cac:PartyTaxScheme/cac:RegistrationAddress
UBL-CR-331 absent cac:TaxRepresentativeParty/cac:PartyTaxScheme/cac:TaxScheme/cbc:Name
UBL-CR-332 absent cac:TaxRepresentativeParty/cac:PartyTaxScheme/cac:TaxScheme/cbc:TaxTypeCode
UBL-CR-333 absent cac:TaxRepresentativeParty/cac:PartyTaxScheme/cac:TaxScheme/cbc:CurrencyCode
UBL-CR-334 absent cac:TaxRepresentativeParty/cac:PartyTaxScheme/cac:TaxScheme/cac:JurisdictionRegionAddress
UBL-CR-335 absent cac:TaxRepresentativeParty/cac:PartyLegalEntity
UBL-CR-336 absent cac:TaxRepresentativeParty/cac:Contact
UBL-CR-337 absent cac:TaxRepresentativeParty/cac:Person
UBL-CR-338 absent cac:TaxRepresentativeParty/cac:AgentParty
UBL-CR-339 absent cac:TaxRepresentativeParty/cac:ServiceProviderParty
UBL-CR-340 absent cac:TaxRepresentativeParty/cac:PowerOfAttorney
UBL-CR-341 absent cac:TaxRepresentativeParty/cac:FinancialAccount
UBL-CR-342 absent cac:Delivery/cbc:ID
UBL-CR-343 absent cac:Delivery/cbc:Quantity
UBL-CR-344 absent cac:Delivery/cbc:MinimumQuantity
UBL-CR-345 absent cac:Delivery/cbc:MaximumQuantity
UBL-CR-346 absent cac:Delivery/cbc:ActualDeliveryTime
UBL-CR-347 absent cac:Delivery/cbc:LatestDeliveryDate
UBL-CR-348 absent cac:Delivery/cbc:LatestDeliveryTime
UBL-CR-349 absent cac:Delivery/cbc:ReleaseID
UBL-CR-350 absent cac:Delivery/cbc:TrackingID
UBL-CR-351 absent cac:Delivery/cac:DeliveryLocation/cbc:Description
UBL-CR-352 absent cac:Delivery/cac:DeliveryLocation/cbc:Conditions
UBL-CR-353 absent cac:Delivery/cac:DeliveryLocation/cbc:CountrySubentity
UBL-CR-354 absent cac:Delivery/cac:DeliveryLocation/cbc:CountrySubentityCode
UBL-CR-355 absent cac:Delivery/cac:DeliveryLocation/cbc:LocationTypeCode
UBL-CR-356 absent cac:Delivery/cac:DeliveryLocation/cbc:InformationURI
UBL-CR-357 absent cac:Delivery/cac:DeliveryLocation/cbc:Name
UBL-CR-358 absent cac:Delivery/cac:DeliveryLocation/cac:ValidityPeriod
UBL-CR-359 absent cac:Delivery/cac:DeliveryLocation/cac:Address/cbc:ID
UBL-CR-360 absent cac:Delivery/cac:DeliveryLocation/cac:Address/cbc:AddressTypeCode
UBL-CR-361 absent cac:Delivery/cac:DeliveryLocation/cac:Address/cbc:AddressFormatCode
UBL-CR-362 absent cac:Delivery/cac:DeliveryLocation/cac:Address/cbc:Postbox
UBL-CR-363 absent cac:Delivery/cac:DeliveryLocation/cac:Address/cbc:Floor
UBL-CR-364 absent cac:Delivery/cac:DeliveryLocation/cac:Address/cbc:Room
UBL-CR-365 absent cac:Delivery/cac:DeliveryLocation/cac:Address/cbc:BlockName
UBL-CR-366 absent cac:Delivery/cac:DeliveryLocation/cac:Address/cbc:BuildingName
UBL-CR-367 absent cac:Delivery/cac:DeliveryLocation/cac:Address/cbc:BuildingNumber
UBL-CR-368 absent cac:Delivery/cac:DeliveryLocation/cac:Address/cbc:InhouseMail
UBL-CR-369 absent cac:Delivery/cac:DeliveryLocation/cac:Address/cbc:Department
UBL-CR-370 absent cac:Delivery/cac:DeliveryLocation/cac:Address/cbc:MarkAttention
UBL-CR-371 absent cac:Delivery/cac:DeliveryLocation/cac:Address/cbc:MarkCare
UBL-CR-372 absent cac:Delivery/cac:DeliveryLocation/cac:Address/cbc:PlotIdentification
UBL-CR-373 absent cac:Delivery/cac:DeliveryLocation/cac:Address/cbc:CitySubdivisionName
UBL-CR-374 absent cac:Delivery/cac:DeliveryLocation/cac:Address/cbc:CountrySubentityCode
UBL-CR-375 absent cac:Delivery/cac:DeliveryLocation/cac:Address/cbc:Region
UBL-CR-376 absent cac:Delivery/cac:DeliveryLocation/cac:Address/cbc:District
UBL-CR-377 absent cac:Delivery/cac:DeliveryLocation/cac:Address/cbc:TimezoneOffset
UBL-CR-378 absent cac:Delivery/cac:DeliveryLocation/cac:Address/cac:Country/cbc:Name
UBL-CR-379 absent cac:Delivery/cac:DeliveryLocation/cac:Address/cac:LocationCoordinate
UBL-CR-380 absent cac:Delivery/cac:DeliveryLocation/cac:SubsidiaryLocation
UBL-CR-381 absent cac:Delivery/cac:DeliveryLocation/cac:LocationCoordinate
UBL-CR-382 absent cac:Delivery/cac:AlternativeDeliveryLocation
UBL-CR-383 absent cac:Delivery/cac:RequestedDeliveryPeriod
UBL-CR-384 absent cac:Delivery/cac:EstimatedDeliveryPeriod
UBL-CR-385 absent cac:Delivery/cac:CarrierParty
UBL-CR-386 absent cac:Delivery/cac:DeliveryParty/cbc:MarkCareIndicator
UBL-CR-387 absent cac:Delivery/cac:DeliveryParty/cbc:MarkAttentionIndicator
UBL-CR-388 absent cac:Delivery/cac:DeliveryParty/cbc:WebsiteURI
UBL-CR-389 absent cac:Delivery/cac:DeliveryParty/cbc:LogoReferenceID
UBL-CR-390 absent cac:Delivery/cac:DeliveryParty/cbc:EndpointID
UBL-CR-391 absent cac:Delivery/cac:DeliveryParty/cbc:IndustryClassificationCode
UBL-CR-392 absent cac:Delivery/cac:DeliveryParty/cac:PartyIdentification
UBL-CR-393 absent cac:Delivery/cac:DeliveryParty/cac:Language
UBL-CR-394 absent cac:Delivery/cac:DeliveryParty/cac:PostalAddress
UBL-CR-395 absent cac:Delivery/cac:DeliveryParty/cac:PhysicalLocation
UBL-CR-396 absent cac:Delivery/cac:DeliveryParty/cac:PartyTaxScheme
UBL-CR-397 absent cac:Delivery/cac:DeliveryParty/cac:PartyLegalEntity
UBL-CR-398 absent cac:Delivery/cac:DeliveryParty/cac:Contact
UBL-CR-399 absent cac:Delivery/cac:DeliveryParty/cac:Person
UBL-CR-400 absent cac:Delivery/cac:DeliveryParty/cac:AgentParty
UBL-CR-401 absent cac:Delivery/cac:DeliveryParty/cac:ServiceProviderParty
UBL-CR-402 absent cac:Delivery/cac:DeliveryParty/cac:PowerOfAttorney
UBL-CR-403 absent cac:Delivery/cac:DeliveryParty/cac:FinancialAccount
UBL-CR-404 absent cac:Delivery/cac:NotifyParty
UBL-CR-405 absent cac:Delivery/cac:Despatch
UBL-CR-406 absent cac:Delivery/cac:DeliveryTerms
UBL-CR-407 absent cac:Delivery/cac:MinimumDeliveryUnit
UBL-CR-408 absent cac:Delivery/cac:MaximumDeliveryUnit
UBL-CR-409 absent cac:Delivery/cac:Shipment
UBL-CR-410 absent cac:DeliveryTerms
UBL-CR-411 absent cac:PaymentMeans/cbc:ID
UBL-CR-413 absent cac:PaymentMeans/cbc:PaymentChannelCode
UBL-CR-414 absent cac:PaymentMeans/cbc:InstructionID
UBL-CR-415 absent cac:PaymentMeans/cac:CardAccount/cbc:CardTypeCode
UBL-CR-416 absent cac:PaymentMeans/cac:CardAccount/cbc:ValidityStartDate
UBL-CR-417 absent cac:PaymentMeans/cac:CardAccount/cbc:ExpiryDate
UBL-CR-418 absent cac:PaymentMeans/cac:CardAccount/cbc:IssuerID
UBL-CR-419 absent cac:PaymentMeans/cac:CardAccount/cbc:IssueNumberID
UBL-CR-420 absent cac:PaymentMeans/cac:CardAccount/cbc:CV2ID
UBL-CR-421 absent cac:PaymentMeans/cac:CardAccount/cbc:CardChipCode
UBL-CR-422 absent cac:PaymentMeans/cac:CardAccount/cbc:ChipApplicationID
UBL-CR-424 absent cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:AliasName
UBL-CR-425 absent cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:AccountTypeCode
UBL-CR-426 absent cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:AccountFormatCode
UBL-CR-427 absent cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:CurrencyCode
UBL-CR-428 absent cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:PaymentNote
UBL-CR-429 absent cac:PaymentMeans/cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:Name
UBL-CR-430 absent cac:PaymentMeans/cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cac:FinancialInstitution/cbc:Name
UBL-CR-431 absent cac:PaymentMeans/cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cac:FinancialInstitution/cac:Address
UBL-CR-432 absent cac:PaymentMeans/cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cac:Address
UBL-CR-433 absent cac:PaymentMeans/cac:PayeeFinancialAccount/cac:Country
UBL-CR-434 absent cac:PaymentMeans/cac:CreditAccount
UBL-CR-435 absent cac:PaymentMeans/cac:PaymentMandate/cbc:MandateTypeCode
UBL-CR-436 absent cac:PaymentMeans/cac:PaymentMandate/cbc:MaximumPaymentInstructionsNumeric
UBL-CR-437 absent cac:PaymentMeans/cac:PaymentMandate/cbc:MaximumPaidAmount
UBL-CR-438 absent cac:PaymentMeans/cac:PaymentMandate/cbc:SignatureID
UBL-CR-439 absent cac:PaymentMeans/cac:PaymentMandate/cac:PayerParty
UBL-CR-440 absent cac:PaymentMeans/cac:PaymentMandate/cac:PayerFinancialAccount/cbc:Name
UBL-CR-441 absent cac:PaymentMeans/cac:PaymentMandate/cac:PayerFinancialAccount/cbc:AliasName
UBL-CR-442 absent cac:PaymentMeans/cac:PaymentMandate/cac:PayerFinancialAccount/cbc:AccountTypeCode
UBL-CR-443 absent cac:PaymentMeans/cac:PaymentMandate/cac:PayerFinancialAccount/cbc:AccountFormatCode
UBL-CR-444 absent cac:PaymentMeans/cac:PaymentMandate/cac:PayerFinancialAccount/cbc:CurrencyCode
UBL-CR-445 absent cac:PaymentMeans/cac:PaymentMandate/cac:PayerFinancialAccount/cbc:PaymentNote
UBL-CR-446 absent cac:PaymentMeans/cac:PaymentMandate/cac:PayerFinancialAccount/cac:FinancialInstitutionBranch
UBL-CR-447 absent cac:PaymentMeans/cac:PaymentMandate/cac:PayerFinancialAccount/cac:Country
UBL-CR-448 absent cac:PaymentMeans/cac:PaymentMandate/cac:ValidityPeriod
UBL-CR-449 absent cac:PaymentMeans/cac:PaymentMandate/cac:PaymentReversalPeriod
UBL-CR-450 absent cac:PaymentMeans/cac:PaymentMandate/cac:Clause
UBL-CR-451 absent cac:PaymentMeans/cac:TradeFinancing
UBL-CR-452 absent cac:PaymentTerms/cbc:ID
UBL-CR-453 absent cac:PaymentTerms/cbc:PaymentMeansID
UBL-CR-454 absent cac:PaymentTerms/cbc:PrepaidPaymentReferenceID
UBL-CR-455 absent cac:PaymentTerms/cbc:ReferenceEventCode
UBL-CR-456 absent cac:PaymentTerms/cbc:SettlementDiscountPercent
UBL-CR-457 absent cac:PaymentTerms/cbc:PenaltySurchargePercent
UBL-CR-458 absent cac:PaymentTerms/cbc:PaymentPercent
UBL-CR-459 absent cac:PaymentTerms/cbc:Amount
UBL-CR-460 absent cac:PaymentTerms/cbc:SettlementDiscountAmount
UBL-CR-461 absent cac:PaymentTerms/cbc:PenaltyAmount
UBL-CR-462 absent cac:PaymentTerms/cbc:PaymentTermsDetailsURI
UBL-CR-463 absent cac:PaymentTerms/cbc:PaymentDueDate
UBL-CR-464 absent cac:PaymentTerms/cbc:InstallmentDueDate
UBL-CR-465 absent cac:PaymentTerms/cbc:InvoicingPartyReference
UBL-CR-466 absent cac:PaymentTerms/cac:SettlementPeriod
UBL-CR-467 absent cac:PaymentTerms/cac:PenaltyPeriod
UBL-CR-468 absent cac:PaymentTerms/cac:ExchangeRate
UBL-CR-469 absent cac:PaymentTerms/cac:ValidityPeriod
UBL-CR-470 absent cac:PrepaidPayment
UBL-CR-471 absent cac:AllowanceCharge/cbc:ID
UBL-CR-472 absent cac:AllowanceCharge/cbc:PrepaidIndicator
UBL-CR-473 absent cac:AllowanceCharge/cbc:SequenceNumeric
UBL-CR-474 absent cac:AllowanceCharge/cbc:AccountingCostCode
UBL-CR-475 absent cac:AllowanceCharge/cbc:AccountingCost
UBL-CR-476 absent cac:AllowanceCharge/cbc:PerUnitAmount
UBL-CR-477 absent cac:AllowanceCharge/cac:TaxCategory/cbc:Name
UBL-CR-478 absent cac:AllowanceCharge/cac:TaxCategory/cbc:BaseUnitMeasure
UBL-CR-479 absent cac:AllowanceCharge/cac:TaxCategory/cbc:PerUnitAmount
UBL-CR-480 absent cac:AllowanceCharge/cac:TaxCategory/cbc:TaxExemptionReasonCode
UBL-CR-481 absent cac:AllowanceCharge/cac:TaxCategory/cbc:TaxExemptionReason
UBL-CR-482 absent cac:AllowanceCharge/cac:TaxCategory/cbc:TierRange
UBL-CR-483 absent cac:AllowanceCharge/cac:TaxCategory/cbc:TierRatePercent
UBL-CR-484 absent cac:AllowanceCharge/cac:TaxCategory/cac:TaxScheme/cbc:Name
UBL-CR-485 absent cac:AllowanceCharge/cac:TaxCategory/cac:TaxScheme/cbc:TaxTypeCode
UBL-CR-486 absent cac:AllowanceCharge/cac:TaxCategory/cac:TaxScheme/cbc:CurrencyCode
UBL-CR-487 absent cac:AllowanceCharge/cac:TaxCategory/cac:TaxScheme/cac:JurisdictionRegionAddress
UBL-CR-488 absent cac:AllowanceCharge/cac:TaxTotal
UBL-CR-489 absent cac:AllowanceCharge/cac:PaymentMeans
UBL-CR-490 absent cac:TaxExchangeRate
UBL-CR-491 absent cac:PricingExchangeRate
UBL-CR-492 absent cac:PaymentExchangeRate
UBL-CR-493 absent cac:PaymentAlternativeExchangeRate
UBL-CR-494 absent cac:TaxTotal/cbc:RoundingAmount
UBL-CR-495 absent cac:TaxTotal/cbc:TaxEvidenceIndicator
UBL-CR-496 absent cac:TaxTotal/cbc:TaxIncludedIndicator
UBL-CR-497 absent cac:TaxTotal/cac:TaxSubtotal/cbc:CalculationSequenceNumeric
UBL-CR-498 absent cac:TaxTotal/cac:TaxSubtotal/cbc:TransactionCurrencyTaxAmount
UBL-CR-499 absent cac:TaxTotal/cac:TaxSubtotal/cbc:Percent
UBL-CR-500 absent cac:TaxTotal/cac:TaxSubtotal/cbc:BaseUnitMeasure
UBL-CR-501 absent cac:TaxTotal/cac:TaxSubtotal/cbc:PerUnitAmount
UBL-CR-502 absent cac:TaxTotal/cac:TaxSubtotal/cbc:TierRange
UBL-CR-503 absent cac:TaxTotal/cac:TaxSubtotal/cbc:TierRatePercent
UBL-CR-504 absent cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:Name
UBL-CR-505 absent cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:BaseUnitMeasure
UBL-CR-506 absent cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:PerUnitAmount
UBL-CR-507 absent cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TierRange
UBL-CR-508 absent cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TierRatePercent
UBL-CR-509 absent cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cac:TaxScheme/cbc:Name
UBL-CR-510 absent cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cac:TaxScheme/cbc:TaxTypeCode
UBL-CR-511 absent cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cac:TaxScheme/cbc:CurrencyCode
UBL-CR-512 absent cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cac:TaxScheme/cac:JurisdictionRegionAddress
UBL-CR-513 absent cac:WithholdingTaxTotal
UBL-CR-514 absent cac:LegalMonetaryTotal/cbc:PayableAlternativeAmount
UBL-CR-515 absent LINE/cbc:UUID
UBL-CR-516 absent LINE/cbc:TaxPointDate
UBL-CR-517 absent LINE/cbc:AccountingCostCode
UBL-CR-518 absent LINE/cbc:PaymentPurposeCode
UBL-CR-519 absent LINE/cbc:FreeOfChargeIndicator
UBL-CR-520 absent LINE/cac:InvoicePeriod/cbc:StartTime
UBL-CR-521 absent LINE/cac:InvoicePeriod/cbc:EndTime
UBL-CR-522 absent LINE/cac:InvoicePeriod/cbc:DurationMeasure
UBL-CR-523 absent LINE/cac:InvoicePeriod/cbc:DescriptionCode
UBL-CR-524 absent LINE/cac:InvoicePeriod/cbc:Description
UBL-CR-525 absent LINE/cac:OrderLineReference/cbc:SalesOrderLineID
UBL-CR-526 absent LINE/cac:OrderLineReference/cbc:UUID
UBL-CR-527 absent LINE/cac:OrderLineReference/cbc:LineStatusCode
UBL-CR-528 absent LINE/cac:OrderLineReference/cac:OrderReference
UBL-CR-529 absent LINE/cac:DespatchLineReference
UBL-CR-530 absent LINE/cac:ReceiptLineReference
UBL-CR-531 absent LINE/cac:BillingReference
UBL-CR-532 absent LINE/cac:DocumentReference/cbc:CopyIndicator
UBL-CR-533 absent LINE/cac:DocumentReference/cbc:UUID
UBL-CR-534 absent LINE/cac:DocumentReference/cbc:IssueDate
UBL-CR-535 absent LINE/cac:DocumentReference/cbc:IssueTime
UBL-CR-537 absent LINE/cac:DocumentReference/cbc:DocumentType
UBL-CR-538 absent LINE/cac:DocumentReference/cbc:XPath
UBL-CR-539 absent LINE/cac:DocumentReference/cbc:LanguageID
UBL-CR-540 absent LINE/cac:DocumentReference/cbc:LocaleCode
UBL-CR-541 absent LINE/cac:DocumentReference/cbc:VersionID
UBL-CR-542 absent LINE/cac:DocumentReference/cbc:DocumentStatusCode
UBL-CR-543 absent LINE/cac:DocumentReference/cbc:DocumentDescription
UBL-CR-544 absent LINE/cac:DocumentReference/cac:Attachment
UBL-CR-545 absent LINE/cac:DocumentReference/cac:ValidityPeriod
UBL-CR-546 absent LINE/cac:DocumentReference/cac:IssuerParty
UBL-CR-547 absent LINE/cac:DocumentReference/cac:ResultOfVerification
UBL-CR-548 absent LINE/cac:PricingReference
UBL-CR-549 absent LINE/cac:OriginatorParty
UBL-CR-550 absent LINE/cac:Delivery
UBL-CR-551 absent LINE/cac:PaymentTerms
UBL-CR-552 absent LINE/cac:AllowanceCharge/cbc:ID
UBL-CR-553 absent LINE/cac:AllowanceCharge/cbc:PrepaidIndicator
UBL-CR-554 absent LINE/cac:AllowanceCharge/cbc:SequenceNumeric
UBL-CR-555 absent LINE/cac:AllowanceCharge/cbc:AccountingCostCode
UBL-CR-556 absent LINE/cac:AllowanceCharge/cbc:AccountingCost
UBL-CR-557 absent LINE/cac:AllowanceCharge/cbc:PerUnitAmount
UBL-CR-558 absent LINE/cac:AllowanceCharge/cac:TaxCategory
UBL-CR-559 absent LINE/cac:AllowanceCharge/cac:TaxTotal
UBL-CR-560 absent LINE/cac:AllowanceCharge/cac:PaymentMeans
UBL-CR-561 absent LINE/cac:TaxTotal
UBL-CR-562 absent LINE/cac:WithholdingTaxTotal
UBL-CR-563 absent LINE/cac:Item/cbc:PackQuantity
UBL-CR-564 absent LINE/cac:Item/cbc:PackSizeNumeric
UBL-CR-565 absent LINE/cac:Item/cbc:CatalogueIndicator
UBL-CR-566 absent LINE/cac:Item/cbc:HazardousRiskIndicator
UBL-CR-567 absent LINE/cac:Item/cbc:AdditionalInformation
UBL-CR-568 absent LINE/cac:Item/cbc:Keyword
UBL-CR-569 absent LINE/cac:Item/cbc:BrandName
UBL-CR-570 absent LINE/cac:Item/cbc:ModelName
UBL-CR-571 absent LINE/cac:Item/cac:BuyersItemIdentification/cbc:ExtendedID
UBL-CR-572 absent LINE/cac:Item/cac:BuyersItemIdentification/cbc:BarcodeSymbologyID
UBL-CR-573 absent LINE/cac:Item/cac:BuyersItemIdentification/cac:PhysicalAttribute
UBL-CR-574 absent LINE/cac:Item/cac:BuyersItemIdentification/cac:MeasurementDimension
UBL-CR-575 absent LINE/cac:Item/cac:BuyersItemIdentification/cac:IssuerParty
UBL-CR-576 absent LINE/cac:Item/cac:SellersItemIdentification/cbc:ExtendedID
UBL-CR-577 absent LINE/cac:Item/cac:SellersItemIdentification/cbc:BarcodeSymbologyID
UBL-CR-578 absent LINE/cac:Item/cac:SellersItemIdentification/cac:PhysicalAttribute
UBL-CR-579 absent LINE/cac:Item/cac:SellersItemIdentification/cac:MeasurementDimension
UBL-CR-580 absent LINE/cac:Item/cac:SellersItemIdentification/cac:IssuerParty
UBL-CR-581 absent LINE/cac:Item/cac:ManufacturersItemIdentification
UBL-CR-582 absent LINE/cac:Item/cac:StandardItemIdentification/cbc:ExtendedID
UBL-CR-583 absent LINE/cac:Item/cac:StandardItemIdentification/cbc:BarcodeSymbologyID
UBL-CR-584 absent LINE/cac:Item/cac:StandardItemIdentification/cac:PhysicalAttribute
UBL-CR-585 absent LINE/cac:Item/cac:StandardItemIdentification/cac:MeasurementDimension
UBL-CR-586 absent LINE/cac:Item/cac:StandardItemIdentification/cac:IssuerParty
UBL-CR-587 absent LINE/cac:Item/cac:CatalogueItemIdentification
UBL-CR-588 absent LINE/cac:Item/cac:AdditionalItemIdentification
UBL-CR-589 absent LINE/cac:Item/cac:CatalogueDocumentReference
UBL-CR-590 absent LINE/cac:Item/cac:ItemSpecificationDocumentReference
UBL-CR-591 absent LINE/cac:Item/cac:OriginCountry/cbc:Name
UBL-CR-592 absent LINE/cac:Item/cac:CommodityClassification/cbc:NatureCode
UBL-CR-593 absent LINE/cac:Item/cac:CommodityClassification/cbc:CargoTypeCode
UBL-CR-594 absent LINE/cac:Item/cac:CommodityClassification/cbc:CommodityCode
UBL-CR-595 absent LINE/cac:Item/cac:TransactionConditions
UBL-CR-596 absent LINE/cac:Item/cac:HazardousItem
UBL-CR-597 absent LINE/cac:Item/cac:ClassifiedTaxCategory/cbc:Name
UBL-CR-598 absent LINE/cac:Item/cac:ClassifiedTaxCategory/cbc:BaseUnitMeasure
UBL-CR-599 absent LINE/cac:Item/cac:ClassifiedTaxCategory/cbc:PerUnitAmount
UBL-CR-600 absent LINE/cac:Item/cac:ClassifiedTaxCategory/cbc:TaxExemptionReasonCode
UBL-CR-601 absent LINE/cac:Item/cac:ClassifiedTaxCategory/cbc:TaxExemptionReason
UBL-CR-602 absent LINE/cac:Item/cac:ClassifiedTaxCategory/cbc:TierRange
UBL-CR-603 absent LINE/cac:Item/cac:ClassifiedTaxCategory/cbc:TierRatePercent
UBL-CR-604 absent LINE/cac:Item/cac:ClassifiedTaxCategory/cac:TaxScheme/cbc:Name
UBL-CR-605 absent LINE/cac:Item/cac:ClassifiedTaxCategory/cac:TaxScheme/cbc:TaxTypeCode
UBL-CR-606 absent LINE/cac:Item/cac:ClassifiedTaxCategory/cac:TaxScheme/cbc:CurrencyCode
UBL-CR-607 absent LINE/cac:Item/cac:ClassifiedTaxCategory/cac:TaxScheme/cac:JurisdictionRegionAddress
UBL-CR-608 absent LINE/cac:Item/cac:AdditionalItemProperty/cbc:ID
UBL-CR-609 absent LINE/cac:Item/cac:AdditionalItemProperty/cbc:NameCode
UBL-CR-610 absent LINE/cac:Item/cac:AdditionalItemProperty/cbc:TestMethod
UBL-CR-611 absent LINE/cac:Item/cac:AdditionalItemProperty/cbc:ValueQuantity
UBL-CR-612 absent LINE/cac:Item/cac:AdditionalItemProperty/cbc:ValueQualifier
UBL-CR-613 absent LINE/cac:Item/cac:AdditionalItemProperty/cbc:ImportanceCode
UBL-CR-614 absent LINE/cac:Item/cac:AdditionalItemProperty/cbc:ListValue
UBL-CR-615 absent LINE/cac:Item/cac:AdditionalItemProperty/cac:UsabilityPeriod
UBL-CR-616 absent LINE/cac:Item/cac:AdditionalItemProperty/cac:ItemPropertyGroup
UBL-CR-617 absent LINE/cac:Item/cac:AdditionalItemProperty/cac:RangeDimension
UBL-CR-618 absent LINE/cac:Item/cac:AdditionalItemProperty/cac:ItemPropertyRange
UBL-CR-619 absent LINE/cac:Item/cac:ManufacturerParty
UBL-CR-620 absent LINE/cac:Item/cac:InformationContentProviderParty
UBL-CR-621 absent LINE/cac:Item/cac:OriginAddress
UBL-CR-622 absent LINE/cac:Item/cac:ItemInstance
UBL-CR-623 absent LINE/cac:Item/cac:Certificate
UBL-CR-624 absent LINE/cac:Item/cac:Dimension
UBL-CR-625 absent LINE/cac:Price/cbc:PriceChangeReason
UBL-CR-626 absent LINE/cac:Price/cbc:PriceTypeCode
UBL-CR-627 absent LINE/cac:Price/cbc:PriceType
UBL-CR-628 absent LINE/cac:Price/cbc:OrderableUnitFactorRate
UBL-CR-629 absent LINE/cac:Price/cbc:ValidityPeriod
UBL-CR-630 absent LINE/cac:Price/cbc:PriceList
UBL-CR-632 absent LINE/cac:Price/cac:AllowanceCharge/cbc:ID
UBL-CR-633 absent LINE/cac:Price/cac:AllowanceCharge/cbc:AllowanceChargeReasonCode
UBL-CR-634 absent LINE/cac:Price/cac:AllowanceCharge/cbc:AllowanceChargeReason
UBL-CR-635 absent LINE/cac:Price/cac:AllowanceCharge/cbc:MultiplierFactorNumeric
UBL-CR-636 absent LINE/cac:Price/cac:AllowanceCharge/cbc:PrepaidIndicator
UBL-CR-637 absent LINE/cac:Price/cac:AllowanceCharge/cbc:SequenceNumeric
UBL-CR-638 absent LINE/cac:Price/cac:AllowanceCharge/cbc:AccountingCostCode
UBL-CR-639 absent LINE/cac:Price/cac:AllowanceCharge/cbc:AccountingCost
UBL-CR-640 absent LINE/cac:Price/cac:AllowanceCharge/cbc:PerUnitAmount
UBL-CR-641 absent LINE/cac:Price/cac:AllowanceCharge/cac:TaxCategory
UBL-CR-642 absent LINE/cac:Price/cac:AllowanceCharge/cac:TaxTotal
UBL-CR-643 absent LINE/cac:Price/cac:AllowanceCharge/cac:PaymentMeans
UBL-CR-644 absent LINE/cac:Price/cac:PricingExchangeRate
UBL-CR-645 absent LINE/cac:DeliveryTerms
UBL-CR-646 absent LINE/cac:SubInvoiceLine
UBL-CR-647 absent LINE/cac:ItemPriceExtension
UBL-CR-648 absent cbc:CustomizationID/@schemeID
UBL-CR-649 absent cbc:ProfileID/@schemeID
UBL-CR-650 absent cbc:ID/@schemeID
UBL-CR-651 absent cbc:SalesOrderID/@schemeID
UBL-CR-653 absent cac:PaymentMeans/cbc:PaymentID/@schemeID
UBL-CR-654 absent cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID/@schemeID
UBL-CR-655 absent cac:PaymentMeans/cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID/@schemeID
UBL-CR-656 absent cbc:InvoiceTypeCode/@listID
UBL-CR-657 absent cbc:DocumentCurrencyCode/@listID
UBL-CR-658 absent cbc:TaxCurrencyCode/@listID
UBL-CR-659 absent cac:AdditionalDocumentReference/cbc:DocumentTypeCode/@listID
UBL-CR-661 absent cac:PaymentMeans/cbc:PaymentMeansCode/@listID
UBL-CR-672 absent cbc:CreditNoteTypeCode/@listID
UBL-CR-681 absent cac:PaymentMeans/cbc:InstructionNote
UBL-CR-682 absent cac:Delivery/cac:DeliveryAddress
UBL-SR-01 max 1 cac:ContractDocumentReference/cbc:ID
UBL-SR-02 max 1 cac:ReceiptDocumentReference/cbc:ID
UBL-SR-03 max 1 cac:DespatchDocumentReference/cbc:ID
UBL-SR-05 max 1 cac:PaymentTerms/cbc:Note
UBL-SR-08 max 1 cac:InvoicePeriod
UBL-SR-09 max 1 cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName
UBL-SR-10 max 1 cac:AccountingSupplierParty/cac:Party/cac:PartyName/cbc:Name
UBL-SR-11 max 1 cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID
UBL-SR-14 max 1 cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyLegalForm
UBL-SR-15 max 1 cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName
UBL-SR-16 max 1 cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification/cbc:ID
UBL-SR-17 max 1 cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID
UBL-SR-24 max 1 cac:Delivery
UBL-SR-39 max 1 cac:ProjectReference/cbc:ID
UBL-SR-40 max 1 cac:AccountingCustomerParty/cac:Party/cac:PartyName/cbc:Name
UBL-SR-45 max 1 cac:PaymentMeans/cbc:PaymentDueDate
UBL-SR-46 max 1 cac:PaymentMeans/cbc:PaymentMeansCode/@name
UBL-SR-49 max 1 cac:InvoicePeriod/cbc:DescriptionCode
UBL-SR-54 max 1 cac:PaymentMeans/cac:CardAccount
UBL-SR-55 max 1 cac:PaymentMeans/cac:PaymentMandate
UBL-SR-56 max 1 cac:OriginatorDocumentReference/cbc:ID
[line]
UBL-SR-34 max 1 cbc:Note
UBL-SR-35 max 1 cac:OrderLineReference/cbc:LineID
UBL-SR-36 max 1 cac:InvoicePeriod
UBL-SR-37 max 1 cac:Price/cac:AllowanceCharge/cbc:Amount
UBL-SR-48 exactly 1 cac:Item/cac:ClassifiedTaxCategory
UBL-SR-50 max 1 cac:Item/cbc:Description
UBL-SR-52 max 1 cac:DocumentReference
[payment-means]
UBL-SR-26 max 1 cbc:PaymentID
UBL-SR-27 max 1 cbc:PaymentMeansCode
UBL-SR-28 max 1 cac:PaymentMandate/cbc:ID
[billing-reference]
UBL-SR-06 max 1 cac:InvoiceDocumentReference
[tax-representative]
UBL-SR-22 max 1 cac:PartyName/cbc:Name
UBL-SR-23 max 1 cac:PartyTaxScheme/cbc:CompanyID
[tax-subtotal]
UBL-SR-32 max 1 cac:TaxCategory/cbc:TaxExemptionReason
"""


# What a UBL invoice should not include anywhere (the stylesheet asserts not(//path) on
# the document): checked where it would be, by the `anywhere` pattern.
ANYWHERE_TABLE = """
UBL-DT-18 absent @name
UBL-CR-652 absent cac:PartyTaxScheme/cbc:CompanyID/@schemeID
UBL-CR-660 absent cac:Country/cbc:IdentificationCode/@listID
UBL-CR-662 absent cbc:AllowanceChargeReasonCode/@listID
UBL-CR-663 absent @unitCodeListID
UBL-CR-664 absent cac:FinancialInstitution
UBL-CR-667 absent cac:BuyersItemIdentification/cbc:ID/@schemeID
UBL-CR-668 absent cac:SellersItemIdentification/cbc:ID/@schemeID
UBL-CR-669 absent cac:Price/cac:AllowanceCharge/cbc:AllowanceChargeReasonCode
UBL-CR-670 absent cac:Price/cac:AllowanceCharge/cbc:AllowanceChargeReason
UBL-CR-671 absent cac:Price/cac:AllowanceCharge/cbc:MultiplierFactorNumeric
UBL-CR-674 absent cbc:PrimaryAccountNumberID/@schemeID
UBL-CR-675 absent cac:CardAccount/cbc:NetworkID/@schemeID
UBL-CR-676 absent cac:PaymentMandate/cbc:ID/@schemeID
UBL-CR-677 absent cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID/@schemeID
UBL-CR-678 absent cac:TaxCategory/cbc:ID/@schemeID
UBL-CR-679 absent cac:ClassifiedTaxCategory/cbc:ID/@schemeID
UBL-CR-680 absent cac:PaymentMeans/cac:PayerFinancialAccount
UBL-DT-08 absent @schemeName
UBL-DT-09 absent @schemeAgencyName
UBL-DT-10 absent @schemeDataURI
UBL-DT-11 absent @schemeURI
UBL-DT-12 absent @format
UBL-DT-13 absent @unitCodeListIdentifier
UBL-DT-14 absent @unitCodeListAgencyIdentifier
UBL-DT-15 absent @unitCodeListAgencyName
UBL-DT-16 absent @listAgencyName
UBL-DT-17 absent @listName
UBL-DT-19 absent @languageID
UBL-DT-20 absent @listURI
UBL-DT-21 absent @listSchemeURI
UBL-DT-22 absent @languageLocaleID
UBL-DT-23 absent @uri
UBL-DT-24 absent @currencyCodeListVersionID
UBL-DT-25 absent @characterSetCode
UBL-DT-26 absent @encodingCode
UBL-DT-27 absent @schemeAgencyID
UBL-DT-28 absent @listAgencyID
"""


def _parent_130(el: _El) -> bool:
    parent = el.getparent()
    return parent is not None and "130" in _texts(parent, "cbc:DocumentTypeCode")


def _scheme_not_130(el: _El) -> bool:
    """//cac:AdditionalDocumentReference[cbc:DocumentTypeCode != '130' or
    not(cbc:DocumentTypeCode)]/cbc:ID/@schemeID"""
    parent = el.getparent()
    if parent is None or el.get("schemeID") is None:
        return False
    codes = _texts(parent, "cbc:DocumentTypeCode")
    return not codes or any(code != "130" for code in codes)


ANYWHERE_EXTRA = (
    (
        "UBL-CR-665",
        Context("UBL-CR-665", "cac:AdditionalDocumentReference/cbc:ID", _scheme_not_130),
    ),
    (
        "UBL-CR-666",
        Context("UBL-CR-666", "cac:AdditionalDocumentReference/cac:Attachment", _parent_130),
    ),
    (
        "UBL-CR-673",
        Context(
            "UBL-CR-673", "cac:AdditionalDocumentReference/cbc:DocumentDescription", _parent_130
        ),
    ),
)


def _ubl_version(el: _El) -> bool:
    versions = _texts(el, "cbc:UBLVersionID")
    return not versions or "2.1" in versions


def _no_due_date_in_means(el: _El) -> bool:
    return _is_credit_note(el) or not _texts(el, "cac:PaymentMeans/cbc:PaymentDueDate")


_XPATH_NS = UBL.namespaces
_PAYMENT_IDS = etree.XPath("//cbc:PaymentID", namespaces=_XPATH_NS)
_PAYMENT_MEANS_CODES = etree.XPath("//cbc:PaymentMeansCode", namespaces=_XPATH_NS)
_SEPA_IDS = etree.XPath("//cac:PartyIdentification/cbc:ID[@schemeID]", namespaces=_XPATH_NS)


def _distinct_at_most_one(path: etree.XPath) -> Holds:
    """count(//x[not(preceding::x/. = .)]) <= 1: at most one distinct value."""
    return lambda el: len({_text(node) for node in _nodes(path, el)}) <= 1


def _nodes(path: etree.XPath, el: _El) -> list[_El]:
    found = path(el)
    return (
        [node for node in found if isinstance(node, etree._Element)]
        if isinstance(found, list)
        else []
    )


def _tax_scheme_ids(scheme: _El) -> list[str]:
    return [
        _text(i)
        for ts in scheme.iterchildren(_c("cac:TaxScheme"))
        for i in ts.iterchildren(_c("cbc:ID"))
    ]


def _company_ids(el: _El, role: str, vat: bool) -> int:
    """count(role/cac:Party/cac:PartyTaxScheme[cac:TaxScheme/upper-case(cbc:ID) = / != 'VAT']
    /cbc:CompanyID)"""
    total = 0
    for party in el.iterchildren(_c(role)):
        for inner in party.iterchildren(_c("cac:Party")):
            for scheme in inner.iterchildren(_c("cac:PartyTaxScheme")):
                ids = [i.upper() for i in _tax_scheme_ids(scheme)]
                if (vat and "VAT" in ids) or (not vat and any(i != "VAT" for i in ids)):
                    total += len(list(scheme.iterchildren(_c("cbc:CompanyID"))))
    return total


def _payee_differs(el: _El) -> bool:
    """(cac:PartyName/cbc:Name) != (../cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity
    /cbc:RegistrationName): some pair of values differs (false when either side is empty)."""
    names = _texts(el, "cac:PartyName/cbc:Name")
    parent = el.getparent()
    legal = (
        _texts(
            parent,
            "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
        )
        if parent is not None
        else []
    )
    return any(a != b for a in names for b in legal)


def _payee_ids(el: _El) -> bool:
    ids = [
        i
        for p in el.iterchildren(_c("cac:PartyIdentification"))
        for i in p.iterchildren(_c("cbc:ID"))
    ]
    return len([i for i in ids if (i.get("schemeID") or "").upper() != "SEPA"]) <= 1


def _additional_document_type(el: _El) -> bool:
    codes = _texts(el, "cbc:DocumentTypeCode")
    if "130" in codes:
        return True
    if _is_credit_note(el) and "50" in codes:
        return True
    has_scheme = any(i.get("schemeID") is not None for i in el.iterchildren(_c("cbc:ID")))
    return not has_scheme and not codes


def _at_most_one(name: str) -> Holds:
    tag = _c(name)
    return lambda el: sum(1 for _ in el.iterchildren(tag)) <= 1


SYNTAX_EXTRA: dict[str, dict[str, Holds]] = {
    # counted here rather than as table paths: their contexts have a predicate
    "allowance": {"UBL-SR-30": _at_most_one("cbc:AllowanceChargeReason")},
    "charge": {"UBL-SR-31": _at_most_one("cbc:AllowanceChargeReason")},
    "address": {"UBL-SR-51": lambda el: count(el, UBL.steps("cac:AddressLine")) <= 1},
    "additional-document": {"UBL-SR-43": _additional_document_type},
    "amount": {"UBL-DT-01": lambda el: decimals(_text(el)) <= 2},
    "binary": {
        "UBL-DT-06": lambda el: el.get("mimeCode") is not None,
        "UBL-DT-07": lambda el: el.get("filename") is not None,
    },
    "party-tax-scheme": {
        "UBL-SR-53": lambda el: (
            bool(_tax_scheme_ids(el))
            and next(el.iterchildren(_c("cbc:CompanyID")), None) is not None
        )
    },
    "root": {
        "UBL-CR-002": _ubl_version,
        "UBL-CR-412": _no_due_date_in_means,
        "UBL-SR-04": lambda el: (
            sum(
                len(list(ref.iterchildren(_c("cbc:ID"))))
                for ref in el.iterchildren(_c("cac:AdditionalDocumentReference"))
                if "130" in _texts(ref, "cbc:DocumentTypeCode")
            )
            <= 1
        ),
        "UBL-SR-12": lambda el: _company_ids(el, "cac:AccountingSupplierParty", vat=True) <= 1,
        "UBL-SR-13": lambda el: _company_ids(el, "cac:AccountingSupplierParty", vat=False) <= 1,
        "UBL-SR-18": lambda el: _company_ids(el, "cac:AccountingCustomerParty", vat=True) <= 1,
        "UBL-SR-29": lambda el: (
            len([i for i in _nodes(_SEPA_IDS, el) if (i.get("schemeID") or "").upper() == "SEPA"])
            <= 1
        ),
        "UBL-SR-44": _distinct_at_most_one(_PAYMENT_IDS),
        "UBL-SR-47": _distinct_at_most_one(_PAYMENT_MEANS_CODES),
    },
    "payee": {
        "UBL-SR-19": lambda el: (
            count(el, UBL.steps("cac:PartyName/cbc:Name")) <= 1 and _payee_differs(el)
        ),
        "UBL-SR-20": lambda el: _payee_ids(el) and _payee_differs(el),
        "UBL-SR-21": lambda el: (
            count(el, UBL.steps("cac:PartyLegalEntity/cbc:CompanyID")) <= 1 and _payee_differs(el)
        ),
    },
    "billing-reference": {
        "UBL-SR-07": lambda el: count(el, UBL.steps("cac:InvoiceDocumentReference/cbc:ID")) > 0
    },
}


# --- BR-CL: the code lists (the "Codesmodel" pattern) ------------------------------------------


def code_in(value: str | None, codes: frozenset[str]) -> bool:
    """not(contains(normalize-space(v), ' ')) and contains(' list ', concat(' ', ., ' '))."""
    token = norm(value)
    return bool(token) and " " not in token and token in codes


def _attr_in(name: str, codes: frozenset[str]) -> Holds:
    return lambda el: code_in(el.get(name), codes)


def _text_in(codes: frozenset[str]) -> Holds:
    return lambda el: code_in(_text(el), codes)


def _has(name: str) -> Holds:
    return lambda el: el.get(name) is not None


def _parent_type_130(el: _El) -> bool:
    parent = el.getparent()
    return (
        parent is not None
        and el.get("schemeID") is not None
        and "130" in _texts(parent, "cbc:DocumentTypeCode")
    )


def _type_code(el: _El) -> bool:
    if el.tag == _c("cbc:InvoiceTypeCode"):
        return code_in(_text(el), codelists.UNTDID1001_UBL_INVOICE)
    return code_in(_text(el), codelists.UNTDID1001_UBL_CREDIT_NOTE)


def _party_scheme(el: _El) -> bool:
    scheme = el.get("schemeID")
    if code_in(scheme, codelists.ICD):
        return True
    if code_in(scheme, frozenset({"SEPA"})):
        supplier, payee = _c("cac:AccountingSupplierParty"), _c("cac:PayeeParty")
        return any(True for _ in el.iterancestors(supplier, payee))
    return False


def _exemption_code(el: _El) -> bool:
    value = _text(el)
    token = norm(value)
    return " " not in token and norm(value.upper()) in codelists.VATEX and bool(token)


_AMOUNTS = " | ".join(
    f"cbc:{name}"
    for name in (
        "Amount",
        "BaseAmount",
        "PriceAmount",
        "TaxAmount",
        "TaxableAmount",
        "LineExtensionAmount",
        "TaxExclusiveAmount",
        "TaxInclusiveAmount",
        "AllowanceTotalAmount",
        "ChargeTotalAmount",
        "PrepaidAmount",
        "PayableRoundingAmount",
        "PayableAmount",
    )
)

CODE_CONTEXTS = [
    Context("type-code", "cbc:InvoiceTypeCode | cbc:CreditNoteTypeCode"),
    Context("amount", _AMOUNTS),
    Context("currency", "cbc:DocumentCurrencyCode"),
    Context("tax-currency", "cbc:TaxCurrencyCode"),
    Context("vat-point", "cac:InvoicePeriod/cbc:DescriptionCode"),
    Context(
        "object-id",
        "cac:AdditionalDocumentReference/cbc:ID | cac:DocumentReference/cbc:ID",
        _parent_type_130,
    ),
    Context("party-id", "cac:PartyIdentification/cbc:ID", _has("schemeID")),
    Context("legal-id", "cac:PartyLegalEntity/cbc:CompanyID", _has("schemeID")),
    Context(
        "classification",
        "cac:CommodityClassification/cbc:ItemClassificationCode",
        _has("listID"),
    ),
    Context("country", "cac:Country/cbc:IdentificationCode"),
    Context("origin-country", "cac:OriginCountry/cbc:IdentificationCode"),
    Context("payment-means", "cac:PaymentMeans/cbc:PaymentMeansCode"),
    Context("tax-category", "cac:TaxCategory/cbc:ID"),
    Context("classified-tax-category", "cac:ClassifiedTaxCategory/cbc:ID"),
    Context(
        "allowance-reason",
        "cac:AllowanceCharge/cbc:AllowanceChargeReasonCode",
        _parent_indicator(False),
    ),
    Context(
        "charge-reason",
        "cac:AllowanceCharge/cbc:AllowanceChargeReasonCode",
        _parent_indicator(True),
    ),
    Context("standard-id", "cac:StandardItemIdentification/cbc:ID", _has("schemeID")),
    Context("exemption-code", "cbc:TaxExemptionReasonCode"),
    Context(
        "unit",
        "cbc:InvoicedQuantity | cbc:BaseQuantity | cbc:CreditedQuantity",
        _has("unitCode"),
    ),
    Context("mime", "cbc:EmbeddedDocumentBinaryObject", _has("mimeCode")),
    Context("endpoint", "cbc:EndpointID", _has("schemeID")),
    Context("delivery-location", "cac:DeliveryLocation/cbc:ID", _has("schemeID")),
]

CODE_RULES: dict[str, dict[str, Holds]] = {
    "type-code": {"BR-CL-01": _type_code},
    "amount": {"BR-CL-03": _attr_in("currencyID", codelists.ISO4217)},
    "currency": {"BR-CL-04": _text_in(codelists.ISO4217)},
    "tax-currency": {"BR-CL-05": _text_in(codelists.ISO4217)},
    "vat-point": {"BR-CL-06": _text_in(codelists.UNTDID2005)},
    "object-id": {"BR-CL-07": _attr_in("schemeID", codelists.UNTDID1153)},
    "party-id": {"BR-CL-10": _party_scheme},
    "legal-id": {"BR-CL-11": _attr_in("schemeID", codelists.ICD)},
    "classification": {"BR-CL-13": _attr_in("listID", codelists.UNTDID7143)},
    "country": {"BR-CL-14": _text_in(codelists.ISO3166_UBL)},
    "origin-country": {"BR-CL-15": _text_in(codelists.ISO3166_UBL)},
    "payment-means": {"BR-CL-16": _text_in(codelists.UNTDID4461)},
    "tax-category": {"BR-CL-17": _text_in(codelists.UNTDID5305)},
    "classified-tax-category": {"BR-CL-18": _text_in(codelists.UNTDID5305)},
    "allowance-reason": {"BR-CL-19": _text_in(codelists.UNTDID5189)},
    "charge-reason": {"BR-CL-20": _text_in(codelists.UNTDID7161)},
    "standard-id": {"BR-CL-21": _attr_in("schemeID", codelists.ICD)},
    "exemption-code": {"BR-CL-22": _exemption_code},
    "unit": {"BR-CL-23": _attr_in("unitCode", codelists.UNECE_REC20_21)},
    "mime": {"BR-CL-24": lambda el: el.get("mimeCode") in codelists.MIME},
    "endpoint": {"BR-CL-25": _attr_in("schemeID", codelists.EAS)},
    "delivery-location": {"BR-CL-26": _attr_in("schemeID", codelists.ICD)},
}

# BR-CL-08 sits in the stylesheet's business pattern (no other rule there is about notes).
_SUBJECTS = " " + " ".join(codelists.UNTDID4451_UBL_ORDER) + " "


def _note_subject(el: _El) -> bool:
    """#code#text: a code of three characters must be found in the list (as a substring of
    the spaced list, as the stylesheet looks it up)."""
    value = _text(el)
    if "#" not in value:
        return True
    after = value.split("#", 1)[1]
    code = after.split("#", 1)[0] if "#" in after else ""
    if len(code) != 3:
        return True
    return code in _SUBJECTS


NOTE_CONTEXTS = [Context("note", "/ubl:Invoice/cbc:Note | /cn:CreditNote/cbc:Note")]
NOTE_RULES: dict[str, dict[str, Holds]] = {"note": {"BR-CL-08": _note_subject}}

PATTERNS = (
    Pattern(UBL, SYNTAX_CONTEXTS, parse_table(UBL, SYNTAX_TABLE, SYNTAX_EXTRA)),
    Pattern.anywhere(
        UBL,
        ANYWHERE_TABLE,
        ANYWHERE_EXTRA,
        # UBL-DT-18: count(//@name) - count(//cbc:PaymentMeansCode/@name) <= 0
        attributes_allowed_on={"name": ("cbc:PaymentMeansCode",)},
    ),
    Pattern(UBL, CODE_CONTEXTS, parse_table(UBL, "", CODE_RULES)),
    Pattern(UBL, NOTE_CONTEXTS, parse_table(UBL, "", NOTE_RULES)),
)


def rule_ids() -> set[str]:
    """The official ids these tables check."""
    return set().union(*(pattern.ids() for pattern in PATTERNS))


def check(root: _El) -> list[tuple[str, _El]]:
    """(rule id, element) for every syntax rule that does not hold."""
    return walk(root, PATTERNS)
