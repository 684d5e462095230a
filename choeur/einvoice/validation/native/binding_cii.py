"""The CII syntax rules of the CEN EN 16931 CII stylesheet (release 1.3.16), as tables:
CII-SR (what a CII invoice should not include, how often an element may occur), CII-DT
(data types) and the BR-CL code-list rules, each in the pattern and priority order of the
official stylesheet (see `patterns` for the notation and why the order matters: here
`//ram:TypeCode` comes before the document's own `ram:TypeCode`, whose rules never run).

`check(root)` walks the document once for all of them.
"""

from __future__ import annotations

import re

from lxml import etree

from choeur.einvoice.readers._common import QDT, RAM, RSM, UDT
from choeur.einvoice.validation.native import codelists
from choeur.einvoice.validation.native.binding_ubl import code_in
from choeur.einvoice.validation.native.patterns import (
    Context,
    Holds,
    Pattern,
    Syntax,
    count,
    memo,
    parse_table,
    walk,
)
from choeur.einvoice.validation.native.tree import children
from choeur.einvoice.validation.native.values import Uncastable, norm, to_bool

_El = etree._Element

CII = Syntax({"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT})
_r = CII.clark


def _text(el: _El) -> str:
    if len(el):
        return "".join(str(t) for t in el.itertext())
    return el.text or ""


def _texts(el: _El, path: str) -> list[str]:
    nodes = [el]
    for step in CII.steps(path):
        nodes = [child for node in nodes for tag in step for child in node.iterchildren(tag)]
    return [_text(node) for node in nodes]


def _nodes(el: _El, path: str) -> list[_El]:
    nodes = [el]
    for step in CII.steps(path):
        nodes = [child for node in nodes for tag in step for child in node.iterchildren(tag)]
    return nodes


def _child_tags(el: _El) -> set[object]:
    """The tags of an element's children, computed once for the checks of one element."""
    state = memo()
    last = state.get("child-tags")
    if last is not None and last[0] is el:  # type: ignore[index]
        return last[1]  # type: ignore[index, no-any-return]
    tags: set[object] = {child.tag for child in children(el)}
    state["child-tags"] = (el, tags)
    return tags


def _exists(el: _El, path: str) -> bool:
    steps = CII.steps(path)
    if len(steps) == 1 and steps[0][0] != "@":
        return steps[0][0] in _child_tags(el)
    return count(el, steps) > 0


def _in_ram(tag: str) -> bool:
    return tag.startswith(f"{{{RAM}}}")


def _indicator_is(ac: _El, value: bool) -> bool:
    """ram:ChargeIndicator/udt:Indicator = true()/false() (no boolean: matches neither)."""
    for text in _texts(ac, "ram:ChargeIndicator/udt:Indicator"):
        try:
            if to_bool(text) is value:
                return True
        except Uncastable:
            return False
    return False


_T = "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction"
_L = _T + "/ram:IncludedSupplyChainTradeLineItem"

SYNTAX_CONTEXTS = [
    Context("payment-means", "ram:SpecifiedTradeSettlementPaymentMeans"),
    Context("context", "/rsm:CrossIndustryInvoice/rsm:ExchangedDocumentContext"),
    Context("document", "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument"),
    Context("note", "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:IncludedNote"),
    Context("line", _L),
    Context("line-document", _L + "/ram:AssociatedDocumentLineDocument"),
    Context("product", _L + "/ram:SpecifiedTradeProduct"),
    Context(
        "characteristic", _L + "/ram:SpecifiedTradeProduct/ram:ApplicableProductCharacteristic"
    ),
    Context("line-agreement", _L + "/ram:SpecifiedLineTradeAgreement"),
    Context("allowance-charge", "ram:SpecifiedTradeAllowanceCharge"),
    Context("price-allowance", "ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge"),
    Context("line-delivery", _L + "/ram:SpecifiedLineTradeDelivery"),
    Context("line-settlement", _L + "/ram:SpecifiedLineTradeSettlement"),
    Context("agreement", _T + "/ram:ApplicableHeaderTradeAgreement"),
    Context("delivery", _T + "/ram:ApplicableHeaderTradeDelivery"),
    Context("settlement", _T + "/ram:ApplicableHeaderTradeSettlement"),
    Context(
        "summation",
        _T
        + "/ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeSettlementHeaderMonetarySummation",
    ),
    Context("root", "/rsm:CrossIndustryInvoice"),
    Context("context-parameter", "*DocumentContextParameter"),
    Context(
        "identifiers",
        " | ".join(
            (
                "/rsm:CrossIndustryInvoice/rsm:ExchangedDocumentContext"
                "/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID",
                "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:ID",
                _L + "/ram:AssociatedDocumentLineDocument/ram:LineID",
                _L + "/ram:SpecifiedTradeProduct/ram:SellerAssignedID",
            )
        ),
    ),
    Context("id", "*ID", tag_test=_in_ram),
    Context("type-code", "ram:TypeCode"),
    Context("document-type-code", "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:TypeCode"),
    Context(
        "line-category-code",
        _L + "/ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode",
    ),
    Context("referenced-document", "*ReferencedDocument", tag_test=_in_ram),
    Context(
        "amount",
        "*Amount",
        tag_test=lambda tag: _in_ram(tag) and tag != _r("ram:TaxTotalAmount"),
    ),
    Context("quantity", "*Quantity", tag_test=_in_ram),
    Context("trade-tax", "*TradeTax", tag_test=_in_ram),
    Context("period", "ram:BillingSpecifiedPeriod"),
    Context("address", "ram:PostalTradeAddress"),
    Context("date-102", "udt:DateTimeString", lambda el: el.get("format") == "102"),
]

# One rule per line: id, operation, path relative to the context (see `patterns`).
SYNTAX_TABLE = """
[payment-means]
CII-SR-464 absent ram:PayerSpecifiedDebtorFinancialInstitution
[context]
CII-SR-001 absent ram:SpecifiedTransactionID
CII-SR-002 absent ram:TestIndicator
CII-SR-003 max 1 ram:BusinessProcessSpecifiedDocumentContextParameter
CII-SR-006 absent ram:BIMSpecifiedDocumentContextParameter
CII-SR-007 absent ram:ScenarioSpecifiedDocumentContextParameter
CII-SR-008 absent ram:ApplicationSpecifiedDocumentContextParameter
CII-SR-009 exactly 1 ram:GuidelineSpecifiedDocumentContextParameter
CII-SR-010 exactly 1 ram:GuidelineSpecifiedDocumentContextParameter/ram:ID
CII-SR-011 absent ram:SubsetSpecifiedDocumentContextParameter
CII-SR-012 absent ram:MessageStandardSpecifiedDocumentContextParameter
[document]
CII-SR-013 absent ram:Name
CII-SR-014 exactly 1 ram:TypeCode
CII-SR-015 absent ram:IssueDateTime/udt:DateTime
CII-SR-016 absent ram:CopyIndicator
CII-SR-017 absent ram:Purpose
CII-SR-018 absent ram:ControlRequirementIndicator
CII-SR-019 absent ram:LanguageID
CII-SR-020 absent ram:PurposeCode
CII-SR-021 absent ram:RevisionDateTime
CII-SR-022 absent ram:VersionID
CII-SR-023 absent ram:GlobalID
CII-SR-024 absent ram:RevisionID
CII-SR-025 absent ram:PreviousRevisionID
CII-SR-026 absent ram:CategoryCode
CII-SR-027 absent ram:IncludedNote/ram:Subject
CII-SR-028 absent ram:IncludedNote/ram:ContentCode
CII-SR-032 absent ram:IncludedNote/ram:ID
CII-SR-033 absent ram:EffectiveSpecifiedPeriod
CII-SR-034 absent ram:IssuerTradeParty
[note]
CII-SR-030 max 1 ram:Content
[line]
CII-SR-035 absent ram:DescriptionCode
CII-SR-036 absent ram:ParentLineID
CII-SR-037 absent ram:LineStatusCode
CII-SR-038 absent ram:LineStatusReasonCode
CII-SR-221 absent ram:IncludedSubordinateTradeLineItem
[line-document]
CII-SR-039 max 1 ram:IncludedNote
CII-SR-040 max 1 ram:IncludedNote/ram:Content
CII-SR-041 absent ram:IncludedNote/ram:SubjectCode
CII-SR-042 absent ram:IncludedNote/ram:ID
CII-SR-043 absent ram:IncludedNote/ram:Subject
CII-SR-044 absent ram:IncludedNote/ram:ContentCode
[product]
CII-SR-045 absent ram:ID
CII-SR-048 absent ram:ManufacturerAssignedID
CII-SR-049 absent ram:TradeName
CII-SR-050 absent ram:TypeCode
CII-SR-051 absent ram:NetWeightMeasure
CII-SR-052 absent ram:GrossWeightMeasure
CII-SR-053 absent ram:ProductGroupID
CII-SR-054 absent ram:EndItemTypeCode
CII-SR-055 absent ram:EndItemName
CII-SR-056 absent ram:AreaDensityMeasure
CII-SR-057 absent ram:UseDescription
CII-SR-058 absent ram:BrandName
CII-SR-059 absent ram:SubBrandName
CII-SR-060 absent ram:DrainedNetWeightMeasure
CII-SR-061 absent ram:VariableMeasureIndicator
CII-SR-062 absent ram:ColourCode
CII-SR-063 absent ram:ColourDescription
CII-SR-064 absent ram:Designation
CII-SR-065 absent ram:FormattedCancellationAnnouncedLaunchDateTime
CII-SR-066 absent ram:FormattedLatestProductDataChangeDateTime
CII-SR-067 absent ram:ApplicableProductCharacteristic/ram:ID
CII-SR-068 absent ram:ApplicableProductCharacteristic/ram:TypeCode
CII-SR-070 absent ram:ApplicableProductCharacteristic/ram:ValueMeasure
CII-SR-071 absent ram:ApplicableProductCharacteristic/ram:MeasurementMethodCode
CII-SR-073 absent ram:ApplicableProductCharacteristic/ram:ValueCode
CII-SR-074 absent ram:ApplicableProductCharacteristic/ram:ValueDateTime
CII-SR-075 absent ram:ApplicableProductCharacteristic/ram:ValueIndicator
CII-SR-076 absent ram:ApplicableProductCharacteristic/ram:ContentTypeCode
CII-SR-077 absent ram:ApplicableProductCharacteristic/ram:ValueSpecifiedBinaryFile
CII-SR-078 absent ram:ApplicableProductCharacteristic/ram:ApplicableProductCharacteristicCondition
CII-SR-079 absent ram:ApplicableProductCharacteristic/ram:ApplicableReferencedStandard
CII-SR-080 absent ram:ApplicableMaterialGoodsCharacteristic
CII-SR-081 absent ram:DesignatedProductClassification/ram:SystemID
CII-SR-082 absent ram:DesignatedProductClassification/ram:SystemName
CII-SR-083 absent ram:DesignatedProductClassification/ram:ClassName
CII-SR-084 absent ram:DesignatedProductClassification/ram:SubClassCode
CII-SR-085 absent ram:DesignatedProductClassification/ram:ClassProductCharacteristic
CII-SR-086 absent ram:DesignatedProductClassification/ram:ApplicableReferencedStandard
CII-SR-087 absent ram:IndividualTradeProductInstance
CII-SR-088 absent ram:CertificationEvidenceReferenceReferencedDocument
CII-SR-089 absent ram:InspectionReferenceReferencedDocument
CII-SR-091 absent ram:OriginTradeCountry/ram:Name
CII-SR-092 absent ram:OriginTradeCountry/ram:SubordinateTradeCountrySubDivision
CII-SR-093 absent ram:LinearSpatialDimension
CII-SR-094 absent ram:MinimumLinearSpatialDimension
CII-SR-095 absent ram:MaximumLinearSpatialDimension
CII-SR-096 absent ram:ManufacturerTradeParty
CII-SR-097 absent ram:PresentationSpecifiedBinaryFile
CII-SR-098 absent ram:MSDSReferenceReferencedDocument
CII-SR-099 absent ram:AdditionalReferenceReferencedDocument
CII-SR-100 absent ram:LegalRightsOwnerTradeParty
CII-SR-101 absent ram:BrandOwnerTradeParty
CII-SR-102 absent ram:IncludedReferencedProduct
CII-SR-103 absent ram:InformationNote
[characteristic]
CII-SR-069 exactly 1 ram:Description
CII-SR-072 exactly 1 ram:Value
[line-agreement]
CII-SR-104 absent ram:BuyerReference
CII-SR-105 absent ram:BuyerRequisitionerTradeParty
CII-SR-106 absent ram:ApplicableTradeDeliveryTerms
CII-SR-107 absent ram:SellerOrderReferencedDocument
CII-SR-108 absent ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID
CII-SR-109 absent ram:QuotationReferencedDocument
CII-SR-110 absent ram:ContractReferencedDocument
CII-SR-111 absent ram:DemandForecastReferencedDocument
CII-SR-112 absent ram:PromotionalDealReferencedDocument
CII-SR-113 absent ram:AdditionalReferencedDocument
CII-SR-114 absent ram:GrossPriceProductTradePrice/ram:TypeCode
CII-SR-115 absent ram:GrossPriceProductTradePrice/ram:MinimumQuantity
CII-SR-116 absent ram:GrossPriceProductTradePrice/ram:MaximumQuantity
CII-SR-117 absent ram:GrossPriceProductTradePrice/ram:ChangeReason
CII-SR-118 absent ram:GrossPriceProductTradePrice/ram:OrderUnitConversionFactorNumeric
CII-SR-439 exactly 1 ram:NetPriceProductTradePrice/ram:ChargeAmount
CII-SR-120 absent ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge/ram:ID
CII-SR-121 absent ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge/ram:SequenceNumeric
CII-SR-122 absent ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge/ram:CalculationPercent
CII-SR-123 absent ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge/ram:BasisAmount
CII-SR-124 absent ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge/ram:BasisQuantity
CII-SR-125 absent ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge/ram:PrepaidIndicator
CII-SR-126 absent ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge/ram:UnitBasisAmount
CII-SR-127 absent ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge/ram:ReasonCode
CII-SR-128 absent ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge/ram:Reason
CII-SR-129 absent ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge/ram:TypeCode
CII-SR-130 absent ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge/ram:CategoryTradeTax
CII-SR-131 absent ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge/ram:ActualTradeCurrencyExchange
CII-SR-445 absent ram:GrossPriceProductTradePrice/ram:IncludedTradeTax
CII-SR-132 absent ram:GrossPriceProductTradePrice/ram:ValiditySpecifiedPeriod
CII-SR-133 absent ram:GrossPriceProductTradePrice/ram:DeliveryTradeLocation
CII-SR-134 absent ram:GrossPriceProductTradePrice/ram:TradeComparisonReferencePrice
CII-SR-135 absent ram:GrossPriceProductTradePrice/ram:AssociatedReferencedDocument
CII-SR-136 absent ram:NetPriceProductTradePrice/ram:TypeCode
CII-SR-138 absent ram:NetPriceProductTradePrice/ram:MinimumQuantity
CII-SR-139 absent ram:NetPriceProductTradePrice/ram:MaximumQuantity
CII-SR-140 absent ram:NetPriceProductTradePrice/ram:ChangeReason
CII-SR-141 absent ram:NetPriceProductTradePrice/ram:OrderUnitConversionFactorNumeric
CII-SR-142 absent ram:NetPriceProductTradePrice/ram:AppliedTradeAllowanceCharge
CII-SR-446 absent ram:NetPriceProductTradePrice/ram:IncludedTradeTax
CII-SR-143 absent ram:NetPriceProductTradePrice/ram:ValiditySpecifiedPeriod
CII-SR-144 absent ram:NetPriceProductTradePrice/ram:DeliveryTradeLocation
CII-SR-145 absent ram:NetPriceProductTradePrice/ram:TradeComparisonReferencePrice
CII-SR-146 absent ram:NetPriceProductTradePrice/ram:AssociatedReferencedDocument
CII-SR-441 max 1 ram:NetPriceProductTradePrice/ram:ChargeAmount
CII-SR-147 absent ram:RequisitionerReferencedDocument
CII-SR-148 absent ram:ItemSellerTradeParty
CII-SR-149 absent ram:ItemBuyerTradeParty
CII-SR-150 absent ram:IncludedSpecifiedMarketplace
CII-SR-447 absent ram:UltimateCustomerOrderReferencedDocument
[allowance-charge]
CII-SR-471 max 1 ram:RateApplicablePercent
CII-SR-472 max 1 ram:CategoryTradeTax
CII-SR-473 max 1 ram:ActualAmount
[price-allowance]
CII-SR-440 max 1 ram:ActualAmount
[line-delivery]
CII-SR-151 absent ram:RequestedQuantity
CII-SR-152 absent ram:ReceivedQuantity
CII-SR-153 absent ram:ChargeFreeQuantity
CII-SR-154 absent ram:PackageQuantity
CII-SR-155 absent ram:ProductUnitQuantity
CII-SR-156 absent ram:PerPackageUnitQuantity
CII-SR-157 absent ram:NetWeightMeasure
CII-SR-158 absent ram:GrossWeightMeasure
CII-SR-159 absent ram:TheoreticalWeightMeasure
CII-SR-160 absent ram:DespatchedQuantity
CII-SR-161 absent ram:SpecifiedDeliveryAdjustment
CII-SR-162 absent ram:IncludedSupplyChainPackaging
CII-SR-163 absent ram:RelatedSupplyChainConsignment
CII-SR-164 absent ram:ShipToTradeParty
CII-SR-165 absent ram:UltimateShipToTradeParty
CII-SR-166 absent ram:ShipFromTradeParty
CII-SR-167 absent ram:ActualDespatchSupplyChainEvent
CII-SR-168 absent ram:ActualPickUpSupplyChainEvent
CII-SR-169 absent ram:RequestedDeliverySupplyChainEvent
CII-SR-170 absent ram:ActualDeliverySupplyChainEvent
CII-SR-171 absent ram:ActualReceiptSupplyChainEvent
CII-SR-172 absent ram:AdditionalReferencedDocument
CII-SR-173 absent ram:DespatchAdviceReferencedDocument
CII-SR-174 absent ram:ReceivingAdviceReferencedDocument
CII-SR-175 absent ram:DeliveryNoteReferencedDocument
CII-SR-176 absent ram:ConsumptionReportReferencedDocument
CII-SR-177 absent ram:PackingListReferencedDocument
[line-settlement]
CII-SR-178 absent ram:PaymentReference
CII-SR-179 absent ram:InvoiceIssuerReference
CII-SR-180 absent ram:TotalAdjustmentAmount
CII-SR-181 absent ram:DiscountIndicator
CII-SR-182 absent ram:ApplicableTradeTax/ram:CalculatedAmount
CII-SR-183 absent ram:SpecifiedTradeAllowanceCharge/ram:ChargeIndicator/udt:IndicatorString
CII-SR-184 absent ram:SpecifiedTradeAllowanceCharge/ram:ID
CII-SR-185 absent ram:SpecifiedTradeAllowanceCharge/ram:SequenceNumeric
CII-SR-186 absent ram:SpecifiedTradeAllowanceCharge/ram:CalculationPercent/@format
CII-SR-187 absent ram:SpecifiedTradeAllowanceCharge/ram:BasisQuantity
CII-SR-188 absent ram:SpecifiedTradeAllowanceCharge/ram:PrepaidIndicator
CII-SR-189 absent ram:SpecifiedTradeAllowanceCharge/ram:UnitBasisAmount
CII-SR-190 absent ram:SpecifiedTradeAllowanceCharge/ram:TypeCode
CII-SR-191 absent ram:SpecifiedTradeAllowanceCharge/ram:CategoryTradeTax
CII-SR-192 absent ram:SpecifiedTradeAllowanceCharge/ram:ActualTradeCurrencyExchange
CII-SR-193 absent ram:SpecifiedTradeAllowanceCharge/ram:ID
CII-SR-194 absent ram:SubtotalCalculatedTradeTax
CII-SR-195 absent ram:SpecifiedLogisticsServiceCharge
CII-SR-196 absent ram:SpecifiedTradePaymentTerms
CII-SR-197 absent ram:SpecifiedTradeSettlementLineMonetarySummation/ram:ChargeTotalAmount
CII-SR-198 absent ram:SpecifiedTradeSettlementLineMonetarySummation/ram:AllowanceTotalAmount
CII-SR-199 absent ram:SpecifiedTradeSettlementLineMonetarySummation/ram:TaxBasisTotalAmount
CII-SR-200 absent ram:SpecifiedTradeSettlementLineMonetarySummation/ram:TaxTotalAmount
CII-SR-201 absent ram:SpecifiedTradeSettlementLineMonetarySummation/ram:GrandTotalAmount
CII-SR-202 absent ram:SpecifiedTradeSettlementLineMonetarySummation/ram:InformationAmount
CII-SR-203 absent ram:SpecifiedTradeSettlementLineMonetarySummation/ram:TotalAllowanceChargeAmount
CII-SR-204 absent ram:SpecifiedTradeSettlementLineMonetarySummation/ram:TotalRetailValueInformationAmount
CII-SR-205 absent ram:SpecifiedTradeSettlementLineMonetarySummation/ram:GrossLineTotalAmount
CII-SR-206 absent ram:SpecifiedTradeSettlementLineMonetarySummation/ram:NetLineTotalAmount
CII-SR-207 absent ram:SpecifiedTradeSettlementLineMonetarySummation/ram:NetIncludingTaxesLineTotalAmount
CII-SR-208 absent ram:SpecifiedTradeSettlementLineMonetarySummation/ram:ProductWeightLossInformationAmount
CII-SR-209 absent ram:SpecifiedFinancialAdjustment
CII-SR-210 absent ram:InvoiceReferencedDocument
CII-SR-212 absent ram:PayableSpecifiedTradeAccountingAccount
CII-SR-213 absent ram:ReceivableSpecifiedTradeAccountingAccount/ram:SetTriggerCode
CII-SR-214 absent ram:ReceivableSpecifiedTradeAccountingAccount/ram:TypeCode
CII-SR-215 absent ram:ReceivableSpecifiedTradeAccountingAccount/ram:AmountTypeCode
CII-SR-216 absent ram:ReceivableSpecifiedTradeAccountingAccount/ram:Name
CII-SR-217 absent ram:ReceivableSpecifiedTradeAccountingAccount/ram:CostReferenceDimensionPattern
CII-SR-218 absent ram:PurchaseSpecifiedTradeAccountingAccount
CII-SR-219 absent ram:SalesSpecifiedTradeAccountingAccount
CII-SR-220 absent ram:SpecifiedTradeSettlementFinancialCard
CII-SR-454 exactly 1 ram:ApplicableTradeTax
[agreement]
CII-SR-442 absent ram:Reference
CII-SR-222 absent ram:SellerTradeParty/ram:RoleCode
CII-SR-223 absent ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:LegalClassificationCode
CII-SR-224 absent ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:Name
CII-SR-225 absent ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:PostalTradeAddress
CII-SR-226 absent ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:AuthorizedLegalRegistration
CII-SR-227 absent ram:SellerTradeParty/ram:DefinedTradeContact/ram:ID
CII-SR-228 absent ram:SellerTradeParty/ram:DefinedTradeContact/ram:TypeCode
CII-SR-229 absent ram:SellerTradeParty/ram:DefinedTradeContact/ram:JobTitle
CII-SR-230 absent ram:SellerTradeParty/ram:DefinedTradeContact/ram:Responsibility
CII-SR-231 absent ram:SellerTradeParty/ram:DefinedTradeContact/ram:PersonID
CII-SR-232 absent ram:SellerTradeParty/ram:DefinedTradeContact/ram:TelephoneUniversalCommunication/ram:URIID
CII-SR-233 absent ram:SellerTradeParty/ram:DefinedTradeContact/ram:TelephoneUniversalCommunication/ram:ChannelCode
CII-SR-234 absent ram:SellerTradeParty/ram:DefinedTradeContact/ram:DirectTelephoneUniversalCommunication
CII-SR-235 absent ram:SellerTradeParty/ram:DefinedTradeContact/ram:MobileTelephoneUniversalCommunication
CII-SR-236 absent ram:SellerTradeParty/ram:DefinedTradeContact/ram:FaxUniversalCommunication
CII-SR-237 absent ram:SellerTradeParty/ram:DefinedTradeContact/ram:EmailURIUniversalCommunication/ram:ChannelCode
CII-SR-238 absent ram:SellerTradeParty/ram:DefinedTradeContact/ram:EmailURIUniversalCommunication/ram:CompleteNumber
CII-SR-239 absent ram:SellerTradeParty/ram:DefinedTradeContact/ram:TelexUniversalCommunication
CII-SR-240 absent ram:SellerTradeParty/ram:DefinedTradeContact/ram:VOIPUniversalCommunication
CII-SR-241 absent ram:SellerTradeParty/ram:DefinedTradeContact/ram:InstantMessagingUniversalCommunication
CII-SR-242 absent ram:SellerTradeParty/ram:DefinedTradeContact/ram:SpecifiedNote
CII-SR-243 absent ram:SellerTradeParty/ram:DefinedTradeContact/ram:SpecifiedContactPerson
CII-SR-244 absent ram:SellerTradeParty/ram:URIUniversalCommunication/ram:ChannelCode
CII-SR-245 absent ram:SellerTradeParty/ram:URIUniversalCommunication/ram:CompleteNumber
CII-SR-246 absent ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:AssociatedRegisteredTax
CII-SR-247 absent ram:SellerTradeParty/ram:EndPointURIUniversalCommunication
CII-SR-248 absent ram:SellerTradeParty/ram:LogoAssociatedSpecifiedBinaryFile
CII-SR-249 absent ram:BuyerTradeParty/ram:RoleCode
CII-SR-250 absent ram:BuyerTradeParty/ram:Description
CII-SR-251 absent ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:LegalClassificationCode
CII-SR-252 absent ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:Name
CII-SR-254 absent ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:PostalTradeAddress
CII-SR-255 absent ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:AuthorizedLegalRegistration
CII-SR-256 absent ram:BuyerTradeParty/ram:DefinedTradeContact/ram:ID
CII-SR-257 absent ram:BuyerTradeParty/ram:DefinedTradeContact/ram:TypeCode
CII-SR-258 absent ram:BuyerTradeParty/ram:DefinedTradeContact/ram:JobTitle
CII-SR-259 absent ram:BuyerTradeParty/ram:DefinedTradeContact/ram:Responsibility
CII-SR-260 absent ram:BuyerTradeParty/ram:DefinedTradeContact/ram:PersonID
CII-SR-261 absent ram:BuyerTradeParty/ram:DefinedTradeContact/ram:TelephoneUniversalCommunication/ram:URIID
CII-SR-262 absent ram:BuyerTradeParty/ram:DefinedTradeContact/ram:TelephoneUniversalCommunication/ram:ChannelCode
CII-SR-263 absent ram:BuyerTradeParty/ram:DefinedTradeContact/ram:DirectTelephoneUniversalCommunication
CII-SR-264 absent ram:BuyerTradeParty/ram:DefinedTradeContact/ram:MobileTelephoneUniversalCommunication
CII-SR-265 absent ram:BuyerTradeParty/ram:DefinedTradeContact/ram:FaxUniversalCommunication
CII-SR-266 absent ram:BuyerTradeParty/ram:DefinedTradeContact/ram:EmailURIUniversalCommunication/ram:ChannelCode
CII-SR-267 absent ram:BuyerTradeParty/ram:DefinedTradeContact/ram:EmailURIUniversalCommunication/ram:CompleteNumber
CII-SR-268 absent ram:BuyerTradeParty/ram:DefinedTradeContact/ram:TelexUniversalCommunication
CII-SR-269 absent ram:BuyerTradeParty/ram:DefinedTradeContact/ram:VOIPUniversalCommunication
CII-SR-270 absent ram:BuyerTradeParty/ram:DefinedTradeContact/ram:InstantMessagingUniversalCommunication
CII-SR-271 absent ram:BuyerTradeParty/ram:DefinedTradeContact/ram:SpecifiedNote
CII-SR-272 absent ram:BuyerTradeParty/ram:DefinedTradeContact/ram:SpecifiedContactPerson
CII-SR-273 absent ram:BuyerTradeParty/ram:URIUniversalCommunication/ram:ChannelCode
CII-SR-274 absent ram:BuyerTradeParty/ram:URIUniversalCommunication/ram:CompleteNumber
CII-SR-275 absent ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:AssociatedRegisteredTax
CII-SR-276 absent ram:BuyerTradeParty/ram:EndPointURIUniversalCommunication
CII-SR-277 absent ram:BuyerTradeParty/ram:LogoAssociatedSpecifiedBinaryFile
CII-SR-278 absent ram:SalesAgentTradeParty
CII-SR-279 absent ram:BuyerRequisitionerTradeParty
CII-SR-280 absent ram:BuyerAssignedAccountantTradeParty
CII-SR-281 absent ram:SellerAssignedAccountantTradeParty
CII-SR-282 absent ram:SellerTaxRepresentativeTradeParty/ram:ID
CII-SR-283 absent ram:SellerTaxRepresentativeTradeParty/ram:GlobalID
CII-SR-284 absent ram:SellerTaxRepresentativeTradeParty/ram:RoleCode
CII-SR-285 absent ram:SellerTaxRepresentativeTradeParty/ram:Description
CII-SR-286 absent ram:SellerTaxRepresentativeTradeParty/ram:SpecifiedLegalOrganization
CII-SR-287 absent ram:SellerTaxRepresentativeTradeParty/ram:DefinedTradeContact
CII-SR-288 absent ram:SellerTaxRepresentativeTradeParty/ram:URIUniversalCommunication
CII-SR-289 absent ram:SellerTaxRepresentativeTradeParty/ram:SpecifiedTaxRegistration/ram:AssociatedRegisteredTax
CII-SR-290 absent ram:SellerTaxRepresentativeTradeParty/ram:EndPointURIUniversalCommunication
CII-SR-291 absent ram:SellerTaxRepresentativeTradeParty/ram:LogoAssociatedSpecifiedBinaryFile
CII-SR-292 absent ram:ProductEndUserTradeParty
CII-SR-293 absent ram:ApplicableTradeDeliveryTerms
CII-SR-294 absent ram:SellerOrderReferencedDocument/ram:LineID
CII-SR-295 absent ram:BuyerOrderReferencedDocument/ram:LineID
CII-SR-296 absent ram:QuotationReferencedDocument
CII-SR-297 absent ram:OrderResponseReferencedDocument
CII-SR-298 absent ram:ContractReferencedDocument/ram:LineID
CII-SR-299 absent ram:DemandForecastReferencedDocument
CII-SR-300 absent ram:SupplyInstructionReferencedDocument
CII-SR-301 absent ram:PromotionalDealReferencedDocument
CII-SR-302 absent ram:PriceListReferencedDocument
CII-SR-303 absent ram:AdditionalReferencedDocument/ram:LineID
CII-SR-304 absent ram:RequisitionerReferencedDocument
CII-SR-305 absent ram:BuyerAgentTradeParty
CII-SR-306 absent ram:PurchaseConditionsReferencedDocument
CII-SR-307 absent ram:SpecifiedProcuringProject/ram:Description
CII-SR-448 absent ram:UltimateCustomerOrderReferencedDocument
CII-SR-455 max 1 ram:SellerTradeParty/ram:DefinedTradeContact
CII-SR-456 max 1 ram:BuyerTradeParty/ram:DefinedTradeContact
CII-SR-459 max 1 ram:SellerTradeParty/ram:URIUniversalCommunication
CII-SR-460 max 1 ram:BuyerTradeParty/ram:URIUniversalCommunication
[delivery]
CII-SR-308 absent ram:RelatedSupplyChainConsignment
CII-SR-309 absent ram:ShipToTradeParty/ram:RoleCode
CII-SR-310 absent ram:ShipToTradeParty/ram:Description
CII-SR-311 absent ram:ShipToTradeParty/ram:SpecifiedLegalOrganization
CII-SR-312 absent ram:ShipToTradeParty/ram:DefinedTradeContact
CII-SR-313 absent ram:ShipToTradeParty/ram:URIUniversalCommunication
CII-SR-314 absent ram:ShipToTradeParty/ram:SpecifiedTaxRegistration
CII-SR-315 absent ram:ShipToTradeParty/ram:EndPointURIUniversalCommunication
CII-SR-316 absent ram:ShipToTradeParty/ram:LogoAssociatedSpecifiedBinaryFile
CII-SR-317 absent ram:UltimateShipToTradeParty
CII-SR-318 absent ram:ShipFromTradeParty
CII-SR-319 absent ram:ActualDespatchSupplyChainEvent
CII-SR-320 absent ram:ActualPickUpSupplyChainEvent
CII-SR-321 absent ram:ActualDeliverySupplyChainEvent/ram:ID
CII-SR-322 absent ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime/udt:DateTime
CII-SR-323 absent ram:ActualDeliverySupplyChainEvent/ram:TypeCode
CII-SR-324 absent ram:ActualDeliverySupplyChainEvent/ram:Description
CII-SR-325 absent ram:ActualDeliverySupplyChainEvent/ram:DescriptionBinaryObject
CII-SR-326 absent ram:ActualDeliverySupplyChainEvent/ram:UnitQuantity
CII-SR-327 absent ram:ActualDeliverySupplyChainEvent/ram:LatestOccurrenceDateTime
CII-SR-328 absent ram:ActualDeliverySupplyChainEvent/ram:EarliestOccurrenceDateTime
CII-SR-329 absent ram:ActualDeliverySupplyChainEvent/ram:OccurrenceSpecifiedPeriod
CII-SR-330 absent ram:ActualDeliverySupplyChainEvent/ram:OccurrenceLogisticsLocation
CII-SR-331 absent ram:ActualReceiptSupplyChainEvent
CII-SR-332 absent ram:AdditionalReferencedDocument
CII-SR-333 absent ram:DespatchAdviceReferencedDocument/ram:LineID
CII-SR-334 absent ram:DespatchAdviceReferencedDocument/ram:LineID
CII-SR-335 absent ram:DeliveryNoteReferencedDocument
CII-SR-336 absent ram:ConsumptionReportReferencedDocument
CII-SR-337 absent ram:PreviousDeliverySupplyChainEvent
CII-SR-338 absent ram:PackingListReferencedDocument
[settlement]
CII-SR-339 absent ram:DuePayableAmount
CII-SR-340 absent ram:CreditorReferenceTypeCode
CII-SR-341 absent ram:CreditorReferenceType
CII-SR-342 absent ram:CreditorReferenceIssuerID
CII-SR-344 absent ram:PaymentCurrencyCode
CII-SR-345 absent ram:InvoiceIssuerReference
CII-SR-346 absent ram:InvoiceDateTime
CII-SR-347 absent ram:NextInvoiceDateTime
CII-SR-348 absent ram:CreditReasonCode
CII-SR-349 absent ram:CreditReason
CII-SR-350 absent ram:InvoicerTradeParty
CII-SR-351 absent ram:InvoiceeTradeParty
CII-SR-352 absent ram:PayeeTradeParty/ram:RoleCode
CII-SR-353 absent ram:PayeeTradeParty/ram:Description
CII-SR-354 absent ram:PayeeTradeParty/ram:SpecifiedLegalOrganization/ram:LegalClassificationCode
CII-SR-355 absent ram:PayeeTradeParty/ram:SpecifiedLegalOrganization/ram:Name
CII-SR-356 absent ram:PayeeTradeParty/ram:SpecifiedLegalOrganization/ram:TradingBusinessName
CII-SR-357 absent ram:PayeeTradeParty/ram:SpecifiedLegalOrganization/ram:PostalTradeAddress
CII-SR-358 absent ram:PayeeTradeParty/ram:SpecifiedLegalOrganization/ram:AuthorizedLegalRegistration
CII-SR-359 absent ram:PayeeTradeParty/ram:DefinedTradeContact
CII-SR-360 absent ram:PayeeTradeParty/ram:PostalTradeAddress
CII-SR-361 absent ram:PayeeTradeParty/ram:URIUniversalCommunication
CII-SR-362 absent ram:PayeeTradeParty/ram:SpecifiedTaxRegistration
CII-SR-363 absent ram:PayeeTradeParty/ram:EndPointURIUniversalCommunication
CII-SR-364 absent ram:PayeeTradeParty/ram:LogoAssociatedSpecifiedBinaryFile
CII-SR-365 absent ram:PayerTradeParty
CII-SR-366 absent ram:TaxApplicableTradeCurrencyExchange
CII-SR-367 absent ram:InvoiceApplicableTradeCurrencyExchange
CII-SR-368 absent ram:PaymentApplicableTradeCurrencyExchange
CII-SR-369 absent ram:SpecifiedTradeSettlementPaymentMeans/ram:PaymentChannelCode
CII-SR-370 absent ram:SpecifiedTradeSettlementPaymentMeans/ram:GuaranteeMethodCode
CII-SR-371 absent ram:SpecifiedTradeSettlementPaymentMeans/ram:PaymentMethodCode
CII-SR-443 absent ram:SpecifiedTradeSettlementPaymentMeans/ram:ID
CII-SR-372 absent ram:SpecifiedTradeSettlementPaymentMeans/ram:ApplicableTradeSettlementFinancialCard/ram:MicrochipIndicator
CII-SR-373 absent ram:SpecifiedTradeSettlementPaymentMeans/ram:ApplicableTradeSettlementFinancialCard/ram:TypeCode
CII-SR-375 absent ram:SpecifiedTradeSettlementPaymentMeans/ram:ApplicableTradeSettlementFinancialCard/ram:ExpiryDate
CII-SR-376 absent ram:SpecifiedTradeSettlementPaymentMeans/ram:ApplicableTradeSettlementFinancialCard/ram:VerificationNumeric
CII-SR-377 absent ram:SpecifiedTradeSettlementPaymentMeans/ram:ApplicableTradeSettlementFinancialCard/ram:ValidFromDateTime
CII-SR-378 absent ram:SpecifiedTradeSettlementPaymentMeans/ram:ApplicableTradeSettlementFinancialCard/ram:CreditLimitAmount
CII-SR-379 absent ram:SpecifiedTradeSettlementPaymentMeans/ram:ApplicableTradeSettlementFinancialCard/ram:CreditAvailableAmount
CII-SR-380 absent ram:SpecifiedTradeSettlementPaymentMeans/ram:ApplicableTradeSettlementFinancialCard/ram:InterestRatePercent
CII-SR-381 absent ram:SpecifiedTradeSettlementPaymentMeans/ram:ApplicableTradeSettlementFinancialCard/ram:Description
CII-SR-382 absent ram:SpecifiedTradeSettlementPaymentMeans/ram:PayerPartyDebtorFinancialAccount/ram:AccountName
CII-SR-444 absent ram:SpecifiedTradeSettlementPaymentMeans/ram:PayerPartyDebtorFinancialAccount/ram:ProprietaryID
CII-SR-384 absent ram:SpecifiedTradeSettlementPaymentMeans/ram:PayerSpecifiedDebtorFinancialInstitution/ram:ClearingSystemName
CII-SR-385 absent ram:SpecifiedTradeSettlementPaymentMeans/ram:PayerSpecifiedDebtorFinancialInstitution/ram:Name
CII-SR-386 absent ram:SpecifiedTradeSettlementPaymentMeans/ram:PayerSpecifiedDebtorFinancialInstitution/ram:LocationFinancialInstitutionAddress
CII-SR-388 absent ram:SpecifiedTradeAllowanceCharge/ram:ID
CII-SR-389 absent ram:SpecifiedTradeAllowanceCharge/ram:SequenceNumeric
CII-SR-390 absent ram:SpecifiedTradeAllowanceCharge/ram:BasisQuantity
CII-SR-391 absent ram:SpecifiedTradeAllowanceCharge/ram:PrepaidIndicator
CII-SR-392 absent ram:SpecifiedTradeAllowanceCharge/ram:UnitBasisAmount
CII-SR-393 absent ram:SpecifiedTradeAllowanceCharge/ram:TypeCode
CII-SR-394 absent ram:SpecifiedTradeAllowanceCharge/ram:ActualTradeCurrencyExchange
CII-SR-395 absent ram:SubtotalCalculatedTradeTax
CII-SR-396 absent ram:SpecifiedLogisticsServiceCharge
CII-SR-397 absent ram:SpecifiedTradePaymentTerms/ram:ID
CII-SR-398 absent ram:SpecifiedTradePaymentTerms/ram:FromEventCode
CII-SR-399 absent ram:SpecifiedTradePaymentTerms/ram:SettlementPeriodMeasure
CII-SR-400 absent ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTime
CII-SR-401 absent ram:SpecifiedTradePaymentTerms/ram:TypeCode
CII-SR-402 absent ram:SpecifiedTradePaymentTerms/ram:InstructionTypeCode
CII-SR-404 absent ram:SpecifiedTradePaymentTerms/ram:PartialPaymentPercent
CII-SR-405 absent ram:SpecifiedTradePaymentTerms/ram:PaymentMeansID
CII-SR-406 absent ram:SpecifiedTradePaymentTerms/ram:PartialPaymentAmount
CII-SR-407 absent ram:SpecifiedTradePaymentTerms/ram:ApplicableTradePaymentPenaltyTerms
CII-SR-408 absent ram:SpecifiedTradePaymentTerms/ram:ApplicableTradePaymentDiscountTerms
CII-SR-409 absent ram:SpecifiedTradePaymentTerms/ram:PayeeTradeParty
CII-SR-421 absent ram:SpecifiedFinancialAdjustment
CII-SR-422 absent ram:InvoiceReferencedDocument/ram:LineID
CII-SR-423 absent ram:ProFormaInvoiceReferencedDocument
CII-SR-424 absent ram:LetterOfCreditReferencedDocument
CII-SR-425 absent ram:FactoringAgreementReferencedDocument
CII-SR-426 absent ram:FactoringListReferencedDocument
CII-SR-427 absent ram:PayableSpecifiedTradeAccountingAccount
CII-SR-428 absent ram:ReceivableSpecifiedTradeAccountingAccount/ram:SetTriggerCode
CII-SR-429 absent ram:ReceivableSpecifiedTradeAccountingAccount/ram:TypeCode
CII-SR-430 absent ram:ReceivableSpecifiedTradeAccountingAccount/ram:AmountTypeCode
CII-SR-431 absent ram:ReceivableSpecifiedTradeAccountingAccount/ram:Name
CII-SR-432 absent ram:ReceivableSpecifiedTradeAccountingAccount/ram:CostReferenceDimensionPattern
CII-SR-433 absent ram:PurchaseSpecifiedTradeAccountingAccount
CII-SR-434 absent ram:SalesSpecifiedTradeAccountingAccount
CII-SR-435 absent ram:SpecifiedTradeSettlementFinancialCard
CII-SR-436 absent ram:SpecifiedAdvancePayment
CII-SR-437 absent ram:UltimatePayeeTradeParty
CII-SR-452 max 1 ram:SpecifiedTradePaymentTerms
CII-SR-453 max 1 ram:SpecifiedTradePaymentTerms/ram:Description
CII-SR-461 max 1 ram:ApplicableTradeTax/ram:TaxPointDate
[summation]
CII-SR-411 absent ram:InformationAmount
CII-SR-412 absent ram:TotalDiscountAmount
CII-SR-413 absent ram:TotalAllowanceChargeAmount
CII-SR-414 absent ram:RetailValueExcludingTaxInformationAmount
CII-SR-415 absent ram:TotalDepositFeeInformationAmount
CII-SR-416 absent ram:ProductValueExcludingTobaccoTaxInformationAmount
CII-SR-417 absent ram:TotalRetailValueInformationAmount
CII-SR-418 absent ram:GrossLineTotalAmount
CII-SR-419 absent ram:NetLineTotalAmount
CII-SR-420 absent ram:NetIncludingTaxesLineTotalAmount
CII-SR-477 max 1 ram:LineTotalAmount
CII-SR-478 max 1 ram:ChargeTotalAmount
CII-SR-479 max 1 ram:AllowanceTotalAmount
CII-SR-480 max 1 ram:TaxBasisTotalAmount
CII-SR-481 max 1 ram:RoundingAmount
CII-SR-482 max 1 ram:GrandTotalAmount
CII-SR-483 max 1 ram:InformationAmount
CII-SR-484 max 1 ram:TotalPrepaidAmount
CII-SR-485 max 1 ram:TotalDiscountAmount
CII-SR-486 max 1 ram:TotalAllowanceChargeAmount
CII-SR-487 max 1 ram:DuePayableAmount
CII-SR-488 max 1 ram:RetailValueExcludingTaxInformationAmount
CII-SR-489 max 1 ram:TotalDepositFeeInformationAmount
CII-SR-490 max 1 ram:ProductValueExcludingTobaccoTaxInformationAmount
CII-SR-491 max 1 ram:TotalRetailValueInformationAmount
CII-SR-492 max 1 ram:GrossLineTotalAmount
CII-SR-493 max 1 ram:NetLineTotalAmount
CII-SR-494 max 1 ram:NetIncludingTaxesLineTotalAmount
[root]
CII-DT-013 absent @languageID
CII-DT-014 absent @languageLocaleID
CII-SR-438 absent ram:ValuationBreakdownStatement
[context-parameter]
CII-SR-04 absent ram:Value
CII-SR-05 absent ram:SpecifiedDocumentVersion
[identifiers]
CII-DT-001 absent @schemeName
CII-DT-002 absent @schemeAgencyName
CII-DT-003 absent @schemeDataURI
CII-DT-004 absent @schemeURI
CII-DT-005 absent @schemeID
CII-DT-006 absent @schemeAgencyID
CII-DT-007 absent @schemeVersionID
[id]
CII-DT-101 absent @schemeName
CII-DT-102 absent @schemeAgencyName
CII-DT-103 absent @schemeDataURI
CII-DT-104 absent @schemeURI
[type-code]
CII-DT-008 absent @name
CII-DT-009 absent @listURI
[document-type-code]
CII-DT-010 absent @listID
CII-DT-011 absent @listAgencyID
CII-DT-012 absent @listVersionID
[line-category-code]
CII-DT-045 absent @listID
CII-DT-046 absent @listAgencyID
CII-DT-047 absent @listVersionID
CII-DT-048 absent @listURI
[referenced-document]
CII-DT-016 absent ram:StatusCode
CII-DT-017 absent ram:CopyIndicator
CII-DT-019 absent ram:GlobalID
CII-DT-020 absent ram:RevisionID
CII-DT-023 absent ram:Information
CII-DT-025 absent ram:SectionName
CII-DT-026 absent ram:PreviousRevisionID
CII-DT-028 absent ram:EffectiveSpecifiedPeriod
CII-DT-029 absent ram:IssuerTradeParty
CII-DT-030 absent ram:AttachedSpecifiedBinaryFile
[amount]
CII-DT-031 absent @currencyID
CII-DT-032 absent @currencyCodeListVersionID
[quantity]
CII-DT-034 absent @unitCodeListID
CII-DT-035 absent @unitCodeListAgencyID
CII-DT-036 absent @unitCodeListAgencyName
[trade-tax]
CII-DT-041 absent ram:BasisAmount unless-under ram:ApplicableHeaderTradeSettlement
CII-DT-052 absent ram:ExemptionReasonCode unless-self ram:ApplicableTradeTax
CII-DT-098 absent ram:ExemptionReason unless-self ram:ApplicableTradeTax
CII-DT-054 absent ram:TaxPointDate unless-under ram:ApplicableHeaderTradeSettlement
CII-DT-058 absent ram:DueDateTypeCode unless-under ram:ApplicableHeaderTradeSettlement
CII-DT-038 absent ram:CalculatedRate
CII-DT-039 absent ram:CalculationSequenceNumeric
CII-DT-040 absent ram:BasisQuantity
CII-DT-042 absent ram:UnitBasisAmount
CII-DT-043 absent ram:LineTotalBasisAmount
CII-DT-044 absent ram:AllowanceChargeBasisAmount
CII-DT-049 absent ram:CurrencyCode
CII-DT-050 absent ram:Jurisdiction
CII-DT-051 absent ram:CustomsDutyIndicator
CII-DT-053 absent ram:TaxBasisAllowanceRate
CII-DT-055 absent ram:Type
CII-DT-056 absent ram:InformationAmount
CII-DT-057 absent ram:CategoryName
CII-DT-059 absent ram:RateApplicablePercent/@format
CII-DT-060 absent ram:SpecifiedTradeAccountingAccount
CII-DT-061 absent ram:ServiceSupplyTradeCountry
CII-DT-062 absent ram:BuyerRepayableTaxSpecifiedTradeAccountingAccount
CII-DT-063 absent ram:SellerPayableTaxSpecifiedTradeAccountingAccount
CII-DT-064 absent ram:SellerRefundableTaxSpecifiedTradeAccountingAccount
CII-DT-065 absent ram:BuyerDeductibleTaxSpecifiedTradeAccountingAccount
CII-DT-066 absent ram:BuyerNonDeductibleTaxSpecifiedTradeAccountingAccount
CII-DT-067 absent ram:PlaceApplicableTradeLocation
[period]
CII-DT-068 absent ram:StartDateTime/udt:DateTime
CII-DT-069 absent ram:DurationMeasure
CII-DT-070 absent ram:InclusiveIndicator
CII-DT-071 absent ram:Description
CII-DT-072 absent ram:EndDateTime/udt:DateTime
CII-DT-073 absent ram:CompleteDateTime
CII-DT-074 absent ram:OpenIndicator
CII-DT-075 absent ram:SeasonCode
CII-DT-076 absent ram:ID
CII-DT-077 absent ram:Name
CII-DT-078 absent ram:SequenceNumeric
CII-DT-079 absent ram:StartDateFlexibilityCode
CII-DT-080 absent ram:ContinuousIndicator
CII-DT-081 absent ram:PurposeCode
[address]
CII-DT-082 absent ram:ID
CII-DT-083 absent ram:PostOfficeBox
CII-DT-084 absent ram:BuildingName
CII-DT-086 absent ram:LineFour
CII-DT-087 absent ram:LineFive
CII-DT-088 absent ram:StreetName
CII-DT-089 absent ram:CitySubDivisionName
CII-DT-090 absent ram:CountryName
CII-DT-091 absent ram:CountrySubDivisionID
CII-DT-092 absent ram:AttentionOf
CII-DT-093 absent ram:CareOf
CII-DT-094 absent ram:BuildingNumber
CII-DT-095 absent ram:DepartmentName
CII-DT-096 absent ram:AdditionalStreetName
"""


def _not_both(party: str) -> Holds:
    """(not ID and GlobalID) or (ID and not GlobalID) or (neither): not both."""
    return lambda el: not (_exists(el, f"{party}/ram:ID") and _exists(el, f"{party}/ram:GlobalID"))


def _referenced_typed(el: _El, types: tuple[str, ...], normalised: bool = False) -> list[_El]:
    found = []
    for ref in el.iterchildren(_r("ram:AdditionalReferencedDocument")):
        codes = _texts(ref, "ram:TypeCode")
        if normalised:
            codes = [norm(c) for c in codes]
        if any(c in types for c in codes):
            found.append(ref)
    return found


def _contact_both(party: str) -> Holds:
    return lambda el: (
        not (
            _exists(el, f"{party}/ram:DefinedTradeContact/ram:PersonName")
            and _exists(el, f"{party}/ram:DefinedTradeContact/ram:DepartmentName")
        )
    )


def _price_allowance(el: _El) -> bool:
    acs = _nodes(el, "ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge")
    allowance = any(_indicator_is(ac, False) for ac in acs)
    has_indicator = any(_exists(ac, "ram:ChargeIndicator") for ac in acs)
    has_amount = any(_exists(ac, "ram:ActualAmount") for ac in acs)
    return (allowance and has_amount) or (not has_indicator and not has_amount)


def _due_date_codes(el: _El) -> bool:
    root = el.getroottree().getroot()
    codes = [
        _text(c)
        for t in root.iter(_r("ram:ApplicableTradeTax"))
        for c in t.iterchildren(_r("ram:DueDateTypeCode"))
    ]
    return not codes or len(set(codes)) == 1


def _credit_transfer_accounts(el: _El) -> bool:
    for means in el.iterchildren(_r("ram:SpecifiedTradeSettlementPaymentMeans")):
        if any(norm(code) in ("30", "58") for code in _texts(means, "ram:TypeCode")):
            accounts = _nodes(means, "ram:PayeePartyCreditorFinancialAccount")
            if not any(
                _exists(a, "ram:IBANID") or _exists(a, "ram:ProprietaryID") for a in accounts
            ):
                return False
    return True


def _same_as_first(tag: str) -> Holds:
    """count(//means/x[normalize-space(.) != normalize-space((//means/x)[1])]) = 0."""

    def holds(el: _El) -> bool:
        values = [
            norm(_text(child))
            for means in el.iter(_r("ram:SpecifiedTradeSettlementPaymentMeans"))
            for child in means.iterchildren(_r(tag))
        ]
        return all(value == values[0] for value in values)

    return holds


def _payment_references(el: _El) -> bool:
    return (
        sum(
            len(list(s.iterchildren(_r("ram:PaymentReference"))))
            for s in el.iter(_r("ram:ApplicableHeaderTradeSettlement"))
        )
        <= 1
    )


def _is(el: _El, name: str) -> bool:
    return el.tag == _r(name)


def _additional_of(el: _El, *types: str) -> bool:
    return _is(el, "ram:AdditionalReferencedDocument") and any(
        code in types for code in _texts(el, "ram:TypeCode")
    )


_TYPE_CODE = _r("ram:TypeCode")


def _type_code_vat(el: _El) -> bool:
    """not(ram:TypeCode) or (ram:TypeCode = 'VAT')"""
    codes = [_text(child) for child in el.iterchildren(_TYPE_CODE)]
    return not codes or "VAT" in codes


def _in_header_settlement(el: _El) -> bool:
    return any(True for _ in el.iterancestors(_r("ram:ApplicableHeaderTradeSettlement")))


def _billed_unit_code(el: _El) -> bool:
    """/rsm:CrossIndustryInvoice/.../ram:BilledQuantity/@unitCode exists (once per document)."""
    found = memo().get("billed-unit-code")
    if found is None:
        root = el.getroottree().getroot()
        found = any(
            quantity.get("unitCode") is not None
            for transaction in root.iterchildren(_r("rsm:SupplyChainTradeTransaction"))
            for item in transaction.iterchildren(_r("ram:IncludedSupplyChainTradeLineItem"))
            for quantity in _nodes(item, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity")
        )
        memo()["billed-unit-code"] = found
    return bool(found)


_DATE_102 = re.compile(r"[ \t\n\r]*(\d{4})(1[0-2]|0[1-9])(3[01]|[12][0-9]|0[1-9])[ \t\n\r]*")

SYNTAX_EXTRA: dict[str, dict[str, Holds]] = {
    "product": {
        "CII-SR-046": lambda el: (
            not _exists(el, "ram:GlobalID") or _exists(el, "ram:GlobalID/@schemeID")
        ),
        "CII-SR-090": lambda el: (
            not _exists(el, "ram:OriginTradeCountry")
            or count(el, CII.steps("ram:OriginTradeCountry/ram:ID")) == 1
        ),
    },
    "line-agreement": {"CII-SR-119": _price_allowance},
    "allowance-charge": {"CII-SR-463": lambda el: _exists(el, "ram:ChargeIndicator")},
    "line-settlement": {
        "CII-SR-474": lambda el: len(_referenced_typed(el, ("130",), normalised=True)) <= 1
    },
    "agreement": {
        "CII-SR-450": _not_both("ram:BuyerTradeParty"),
        "CII-SR-457": lambda el: len(_referenced_typed(el, ("50",))) <= 1,
        "CII-SR-458": lambda el: len(_referenced_typed(el, ("130",))) <= 1,
        "CII-SR-465": _contact_both("ram:SellerTradeParty"),
        "CII-SR-466": _contact_both("ram:BuyerTradeParty"),
        "CII-SR-475": lambda el: (
            sum(
                count(ref, CII.steps("ram:Name"))
                for ref in _referenced_typed(el, ("916",), normalised=True)
            )
            <= 1
        ),
        "CII-SR-476": lambda el: (
            sum(
                count(ref, CII.steps("ram:AttachmentBinaryObject"))
                for ref in _referenced_typed(el, ("916",), normalised=True)
            )
            <= 1
        ),
    },
    "delivery": {"CII-SR-449": _not_both("ram:ShipToTradeParty")},
    "settlement": {
        "CII-SR-451": _not_both("ram:PayeeTradeParty"),
        "CII-SR-462": _due_date_codes,
        "CII-SR-470": _credit_transfer_accounts,
    },
    "root": {
        "CII-SR-467": _same_as_first("ram:TypeCode"),
        "CII-SR-468": _same_as_first("ram:Information"),
        "CII-SR-469": _payment_references,
    },
    "referenced-document": {
        "CII-DT-015": lambda el: not _exists(el, "ram:URIID") or _additional_of(el, "916"),
        "CII-DT-018": lambda el: (
            not _exists(el, "ram:TypeCode") or _additional_of(el, "50", "130", "916")
        ),
        "CII-DT-021": lambda el: not _exists(el, "ram:Name") or _additional_of(el, "916"),
        "CII-DT-022": lambda el: (
            not _exists(el, "ram:AttachmentBinaryObject") or _additional_of(el, "916")
        ),
        "CII-DT-024": lambda el: (
            not _exists(el, "ram:ReferenceTypeCode") or _additional_of(el, "130")
        ),
        "CII-DT-027": lambda el: (
            not _exists(el, "ram:FormattedIssueDateTime")
            or _is(el, "ram:InvoiceReferencedDocument")
        ),
    },
    "quantity": {"CII-DT-033": lambda el: el.get("unitCode") is None or _billed_unit_code(el)},
    "trade-tax": {
        "CII-DT-037": lambda el: _type_code_vat(el),
    },
    "date-102": {"CII-DT-097": lambda el: _DATE_102.fullmatch(_text(el)) is not None},
}


# --- BR-CL: the code lists ---------------------------------------------------------------------


def _attr_in(name: str, codes: frozenset[str]) -> Holds:
    return lambda el: code_in(el.get(name), codes)


def _text_in(codes: frozenset[str]) -> Holds:
    return lambda el: code_in(_text(el), codes)


def _has(name: str) -> Holds:
    return lambda el: el.get(name) is not None


def _not_under(*names: str) -> Holds:
    tags = [_r(name) for name in names]
    return lambda el: not any(True for _ in el.iterancestors(*tags))


def _global_id(el: _El) -> bool:
    return el.get("schemeID") is not None and _not_under(
        "ram:SpecifiedTradeProduct", "ram:ShipToTradeParty"
    )(el)


def _exemption_code(el: _El) -> bool:
    value = _text(el)
    token = norm(value)
    return bool(token) and " " not in token and norm(value.upper()) in codelists.VATEX


def _allowance_indicator(value: bool) -> Holds:
    return lambda el: (parent := el.getparent()) is not None and _indicator_is(parent, value)


CODE_CONTEXTS = [
    Context("type-code", "rsm:ExchangedDocument/ram:TypeCode"),
    Context("tax-total", "ram:TaxTotalAmount", _has("currencyID")),
    Context("currency", "ram:InvoiceCurrencyCode"),
    Context("tax-currency", "ram:TaxCurrencyCode"),
    Context("vat-point", "ram:DueDateTypeCode"),
    Context("reference-type", "ram:ReferenceTypeCode"),
    Context("subject", "ram:SubjectCode"),
    Context("global-id", "ram:GlobalID", _global_id),
    Context(
        "id",
        "ram:ID",
        lambda el: (
            el.get("schemeID") is not None and _not_under("ram:SpecifiedTaxRegistration")(el)
        ),
    ),
    Context("classification", "ram:ClassCode", _has("listID")),
    Context("country", "ram:CountryID"),
    Context("origin-country", "ram:OriginTradeCountry/ram:ID"),
    Context("payment-means", "ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode"),
    Context("charge-category", "ram:CategoryTradeTax/ram:CategoryCode"),
    Context("tax-category", "ram:ApplicableTradeTax/ram:CategoryCode"),
    Context(
        "allowance-reason",
        "ram:SpecifiedTradeAllowanceCharge/ram:ReasonCode",
        _allowance_indicator(False),
    ),
    Context(
        "charge-reason",
        "ram:SpecifiedTradeAllowanceCharge/ram:ReasonCode",
        _allowance_indicator(True),
    ),
    Context("product-id", "ram:SpecifiedTradeProduct/ram:GlobalID", _has("schemeID")),
    Context("exemption-code", "ram:ExemptionReasonCode"),
    Context("unit", "ram:BasisQuantity | ram:BilledQuantity", _has("unitCode")),
    Context("mime", "ram:AttachmentBinaryObject", _has("mimeCode")),
    Context("endpoint", "ram:URIUniversalCommunication/ram:URIID", _has("schemeID")),
    Context(
        "delivery-id",
        "ram:ApplicableHeaderTradeDelivery/ram:ShipToTradeParty/ram:GlobalID",
        _has("schemeID"),
    ),
]

CODE_RULES: dict[str, dict[str, Holds]] = {
    "type-code": {"BR-CL-01": _text_in(codelists.UNTDID1001_CII)},
    "tax-total": {"BR-CL-03": _attr_in("currencyID", codelists.ISO4217)},
    "currency": {"BR-CL-04": _text_in(codelists.ISO4217)},
    "tax-currency": {"BR-CL-05": _text_in(codelists.ISO4217)},
    "vat-point": {"BR-CL-06": _text_in(codelists.UNTDID2475)},
    "reference-type": {"BR-CL-07": _text_in(codelists.UNTDID1153)},
    "subject": {"BR-CL-08": _text_in(codelists.UNTDID4451_CII)},
    "global-id": {"BR-CL-10": _attr_in("schemeID", codelists.ICD)},
    "id": {"BR-CL-11": _attr_in("schemeID", codelists.ICD)},
    "classification": {"BR-CL-13": _attr_in("listID", codelists.UNTDID7143)},
    "country": {"BR-CL-14": _text_in(codelists.ISO3166_CII)},
    "origin-country": {"BR-CL-15": _text_in(codelists.ISO3166_CII)},
    "payment-means": {"BR-CL-16": _text_in(codelists.UNTDID4461)},
    "charge-category": {"BR-CL-17": _text_in(codelists.UNTDID5305)},
    "tax-category": {"BR-CL-18": _text_in(codelists.UNTDID5305)},
    "allowance-reason": {"BR-CL-19": _text_in(codelists.UNTDID5189)},
    "charge-reason": {"BR-CL-20": _text_in(codelists.UNTDID7161)},
    "product-id": {"BR-CL-21": _attr_in("schemeID", codelists.ICD)},
    "exemption-code": {"BR-CL-22": _exemption_code},
    "unit": {"BR-CL-23": _attr_in("unitCode", codelists.UNECE_REC20_21)},
    "mime": {"BR-CL-24": lambda el: el.get("mimeCode") in codelists.MIME},
    "endpoint": {"BR-CL-25": _attr_in("schemeID", codelists.EAS)},
    "delivery-id": {"BR-CL-26": _attr_in("schemeID", codelists.ICD)},
}

PATTERNS = (
    Pattern(CII, SYNTAX_CONTEXTS, parse_table(CII, SYNTAX_TABLE, SYNTAX_EXTRA)),
    Pattern(CII, CODE_CONTEXTS, parse_table(CII, "", CODE_RULES)),
)


def rule_ids() -> set[str]:
    """The official ids these tables check."""
    return set().union(*(pattern.ids() for pattern in PATTERNS))


def check(root: _El) -> list[tuple[str, _El]]:
    """(rule id, element) for every syntax rule that does not hold."""
    return walk(root, PATTERNS)
