"""Invoice files for the tests: a small EN 16931 CII invoice with chosen parties, which meets
the reform's French rules (BR-FR) unless `reform=False`."""

from __future__ import annotations

import io
import tarfile
import zipfile
from dataclasses import dataclass, field
from datetime import date

CII_TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100" xmlns:qdt="urn:un:unece:uncefact:data:standard:QualifiedDataType:100">
  <rsm:ExchangedDocumentContext>
    {bt23}<ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:cen.eu:en16931:2017</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>
  </rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument>
    <ram:ID>{number}</ram:ID>
    <ram:TypeCode>{type_code}</ram:TypeCode>
    <ram:IssueDateTime><udt:DateTimeString format="102">{issue}</udt:DateTimeString></ram:IssueDateTime>
    {mentions}
  </rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction>
    <ram:IncludedSupplyChainTradeLineItem>
      <ram:AssociatedDocumentLineDocument><ram:LineID>1</ram:LineID></ram:AssociatedDocumentLineDocument>
      <ram:SpecifiedTradeProduct><ram:Name>Prestation de conseil</ram:Name></ram:SpecifiedTradeProduct>
      <ram:SpecifiedLineTradeAgreement>
        <ram:NetPriceProductTradePrice><ram:ChargeAmount>{price}</ram:ChargeAmount></ram:NetPriceProductTradePrice>
      </ram:SpecifiedLineTradeAgreement>
      <ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="C62">{quantity}</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>
      <ram:SpecifiedLineTradeSettlement>
        <ram:ApplicableTradeTax><ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>20.00</ram:RateApplicablePercent></ram:ApplicableTradeTax>
        <ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>{line_total}</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation>
      </ram:SpecifiedLineTradeSettlement>
    </ram:IncludedSupplyChainTradeLineItem>
    <ram:ApplicableHeaderTradeAgreement>
      {buyer_reference}<ram:SellerTradeParty>
        {seller_global_id}<ram:Name>{seller_name}</ram:Name>
        <ram:SpecifiedLegalOrganization>{seller_legal_id}</ram:SpecifiedLegalOrganization>
        <ram:PostalTradeAddress><ram:PostcodeCode>75001</ram:PostcodeCode><ram:LineOne>1 rue de la Paix</ram:LineOne><ram:CityName>Paris</ram:CityName><ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress>
        {seller_address}
        <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">FR32123456789</ram:ID></ram:SpecifiedTaxRegistration>
      </ram:SellerTradeParty>
      <ram:BuyerTradeParty>
        <ram:Name>{buyer_name}</ram:Name>
        <ram:SpecifiedLegalOrganization><ram:ID schemeID="0009">{buyer_siret}</ram:ID></ram:SpecifiedLegalOrganization>
        <ram:PostalTradeAddress><ram:PostcodeCode>69001</ram:PostcodeCode><ram:LineOne>2 place de la Mairie</ram:LineOne><ram:CityName>Lyon</ram:CityName><ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress>
        {buyer_address}
      </ram:BuyerTradeParty>
      {order}
    </ram:ApplicableHeaderTradeAgreement>
    <ram:ApplicableHeaderTradeDelivery/>
    <ram:ApplicableHeaderTradeSettlement>
      <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
      <ram:ApplicableTradeTax>
        <ram:CalculatedAmount>{tax}</ram:CalculatedAmount>
        <ram:TypeCode>VAT</ram:TypeCode>
        <ram:BasisAmount>{line_total}</ram:BasisAmount>
        <ram:CategoryCode>S</ram:CategoryCode>
        <ram:RateApplicablePercent>20.00</ram:RateApplicablePercent>
      </ram:ApplicableTradeTax>
      <ram:SpecifiedTradePaymentTerms><ram:DueDateDateTime><udt:DateTimeString format="102">{due}</udt:DateTimeString></ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>
      <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
        <ram:LineTotalAmount>{line_total}</ram:LineTotalAmount>
        <ram:TaxBasisTotalAmount>{line_total}</ram:TaxBasisTotalAmount>
        <ram:TaxTotalAmount currencyID="EUR">{tax}</ram:TaxTotalAmount>
        <ram:GrandTotalAmount>{grand}</ram:GrandTotalAmount>
        {prepaid}<ram:DuePayableAmount>{payable}</ram:DuePayableAmount>
      </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
      {preceding}
    </ram:ApplicableHeaderTradeSettlement>
  </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>
"""


REFORM_MENTIONS = "".join(
    f"<ram:IncludedNote><ram:Content>{text}</ram:Content><ram:SubjectCode>{code}</ram:SubjectCode>"
    "</ram:IncludedNote>"
    for code, text in (
        ("PMT", "Indemnité forfaitaire pour frais de recouvrement : 40 €."),
        ("PMD", "Intérêts moratoires : taux de la BCE majoré de huit points."),
        ("AAB", "Pas d'escompte pour paiement anticipé."),
    )
)


def _address(siret: str) -> str:
    scheme = "0009" if len(siret) == 14 else "0002"
    return (
        f'<ram:URIUniversalCommunication><ram:URIID schemeID="{scheme}">{siret}</ram:URIID>'
        "</ram:URIUniversalCommunication>"
    )


@dataclass
class Sample:
    seller_siret: str
    buyer_siret: str
    number: str = "FA-2026-001"
    issue: date = field(default_factory=lambda: date(2026, 11, 2))
    service_code: str = ""
    engagement: str = ""
    cadre: str = ""
    type_code: str = "380"
    quantity: str = "3"
    price: str = "100.00"
    payable: str | None = None  # to make the amounts inconsistent
    seller_name: str = "MENUISERIE DUPONT ET FILS"
    buyer_name: str = "COMMUNE DE TEST"
    # What the reform's French rules (BR-FR) ask of a French VAT-registered seller's invoice,
    # which the deposit applies by default: the mentions PMT/PMD/AAB, the seller's SIREN
    # (BT-30, 0002) and SIRET (BT-29), the electronic addresses BT-34/BT-49, the reform's BT-23
    # (S1 for Chorus Pro's A1 or none, S2 for A2; a cadre of Chorus Pro alone is kept, and
    # the deposit judges it by the EN 16931 rules). False: an invoice of before the reform.
    reform: bool = True

    def _cadre_code(self) -> str:
        code = self.cadre
        if self.reform:
            code = {"": "S1", "A1": "S1", "A2": "S2"}.get(code.split("_", 1)[0], code)
        return code

    def _bt23(self) -> str:
        code = self._cadre_code()
        if not code:
            return ""
        return (
            f"<ram:BusinessProcessSpecifiedDocumentContextParameter><ram:ID>{code}</ram:ID>"
            "</ram:BusinessProcessSpecifiedDocumentContextParameter>"
        )

    def cii(self) -> bytes:
        from decimal import Decimal

        line_total = (Decimal(self.quantity) * Decimal(self.price)).quantize(Decimal("0.01"))
        tax = (line_total * Decimal("0.20")).quantize(Decimal("0.01"))
        grand = line_total + tax
        siret, reform = self.seller_siret, self.reform and len(self.seller_siret) == 14
        paid = self.reform and self._cadre_code() == "S2"
        return CII_TEMPLATE.format(
            bt23=self._bt23(),
            mentions=REFORM_MENTIONS if self.reform else "",
            seller_global_id=f'<ram:GlobalID schemeID="0009">{siret}</ram:GlobalID>'
            if reform
            else "",
            seller_legal_id=f'<ram:ID schemeID="0002">{siret[:9]}</ram:ID>'
            if reform
            else f'<ram:ID schemeID="0009">{siret}</ram:ID>',
            seller_address=_address(siret) if self.reform else "",
            buyer_address=_address(self.buyer_siret) if self.reform else "",
            number=self.number,
            type_code=self.type_code,
            issue=self.issue.strftime("%Y%m%d"),
            due=date(self.issue.year, 12, 31).strftime("%Y%m%d"),
            price=self.price,
            quantity=self.quantity,
            line_total=line_total,
            tax=tax,
            grand=grand,
            # BR-FR-CO-09: an invoice already paid (S2) says so, nothing left to pay.
            prepaid=f"<ram:TotalPrepaidAmount>{grand}</ram:TotalPrepaidAmount>" if paid else "",
            payable=self.payable or ("0.00" if paid else grand),
            # BR-FR-CO-05: an avoir names the invoice it corrects, with its date.
            preceding=(
                "<ram:InvoiceReferencedDocument><ram:IssuerAssignedID>FA-2026-000"
                "</ram:IssuerAssignedID><ram:FormattedIssueDateTime>"
                '<qdt:DateTimeString format="102">20260901</qdt:DateTimeString>'
                "</ram:FormattedIssueDateTime></ram:InvoiceReferencedDocument>"
                if self.reform and self.type_code in ("261", "381", "396", "502", "503")
                else ""
            ),
            seller_name=self.seller_name,
            seller_siret=self.seller_siret,
            buyer_name=self.buyer_name,
            buyer_siret=self.buyer_siret,
            buyer_reference=(
                f"<ram:BuyerReference>{self.service_code}</ram:BuyerReference>"
                if self.service_code
                else ""
            ),
            order=(
                "<ram:BuyerOrderReferencedDocument><ram:IssuerAssignedID>"
                f"{self.engagement}</ram:IssuerAssignedID></ram:BuyerOrderReferencedDocument>"
                if self.engagement
                else ""
            ),
        ).encode()


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def targz_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()
