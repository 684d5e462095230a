"""Factories of the lifecycle tests: a supplier, a public recipient with services, invoices."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.utils import timezone

from choeur.accounts.models import User
from choeur.core.files import stored_file_create
from choeur.invoices.enums import AttachmentKind, InvoiceStatus, ModeDepot, SyntaxeFlux
from choeur.invoices.models import Attachment, Flux, Invoice, InvoiceLine, InvoiceStatusChange
from choeur.structures.enums import AccessMode, Espace, IdentifierType, RattachementStatus, Role
from choeur.structures.models import (
    EspaceSubscription,
    Rattachement,
    Service,
    Structure,
    StructureEspace,
)

_counter = itertools.count(1)

CII = """<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
 <rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:cen.eu:en16931:2017</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>
 <rsm:ExchangedDocument><ram:ID>{number}</ram:ID><ram:TypeCode>380</ram:TypeCode><ram:IssueDateTime><udt:DateTimeString format="102">20260105</udt:DateTimeString></ram:IssueDateTime><ram:IncludedNote><ram:Content>Livraison de mobilier de bureau</ram:Content></ram:IncludedNote></rsm:ExchangedDocument>
 <rsm:SupplyChainTradeTransaction>
  <ram:IncludedSupplyChainTradeLineItem>
   <ram:AssociatedDocumentLineDocument><ram:LineID>1</ram:LineID></ram:AssociatedDocumentLineDocument>
   <ram:SpecifiedTradeProduct><ram:Name>Bureau en chêne</ram:Name></ram:SpecifiedTradeProduct>
   <ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice><ram:ChargeAmount>500.00</ram:ChargeAmount></ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement>
   <ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="C62">2</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>
   <ram:SpecifiedLineTradeSettlement><ram:ApplicableTradeTax><ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>20.00</ram:RateApplicablePercent></ram:ApplicableTradeTax><ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>1000.00</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation></ram:SpecifiedLineTradeSettlement>
  </ram:IncludedSupplyChainTradeLineItem>
  <ram:ApplicableHeaderTradeAgreement>
   <ram:SellerTradeParty><ram:Name>MENUISERIE DUPONT</ram:Name><ram:SpecifiedLegalOrganization><ram:ID schemeID="0009">84211943000010</ram:ID></ram:SpecifiedLegalOrganization><ram:PostalTradeAddress><ram:PostcodeCode>69001</ram:PostcodeCode><ram:LineOne>3 rue des Artisans</ram:LineOne><ram:CityName>Lyon</ram:CityName><ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress><ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">FR32842119430</ram:ID></ram:SpecifiedTaxRegistration></ram:SellerTradeParty>
   <ram:BuyerTradeParty><ram:Name>COMMUNE DE TEST</ram:Name><ram:SpecifiedLegalOrganization><ram:ID schemeID="0009">12345678200051</ram:ID></ram:SpecifiedLegalOrganization><ram:PostalTradeAddress><ram:PostcodeCode>75001</ram:PostcodeCode><ram:CityName>Paris</ram:CityName><ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress></ram:BuyerTradeParty>
  </ram:ApplicableHeaderTradeAgreement>
  <ram:ApplicableHeaderTradeDelivery/>
  <ram:ApplicableHeaderTradeSettlement>
   <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
   <ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>30</ram:TypeCode><ram:PayeePartyCreditorFinancialAccount><ram:IBANID>FR7630006000011234567890189</ram:IBANID></ram:PayeePartyCreditorFinancialAccount></ram:SpecifiedTradeSettlementPaymentMeans>
   <ram:ApplicableTradeTax><ram:CalculatedAmount>200.00</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode><ram:BasisAmount>1000.00</ram:BasisAmount><ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>20.00</ram:RateApplicablePercent></ram:ApplicableTradeTax>
   <ram:SpecifiedTradePaymentTerms><ram:DueDateDateTime><udt:DateTimeString format="102">20260204</udt:DateTimeString></ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>
   <ram:SpecifiedTradeSettlementHeaderMonetarySummation><ram:LineTotalAmount>1000.00</ram:LineTotalAmount><ram:TaxBasisTotalAmount>1000.00</ram:TaxBasisTotalAmount><ram:TaxTotalAmount currencyID="EUR">200.00</ram:TaxTotalAmount><ram:GrandTotalAmount>1200.00</ram:GrandTotalAmount><ram:DuePayableAmount>1200.00</ram:DuePayableAmount></ram:SpecifiedTradeSettlementHeaderMonetarySummation>
  </ram:ApplicableHeaderTradeSettlement>
 </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>
"""

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def user(email: str | None = None, **fields: Any) -> User:
    email = email or f"agent{next(_counter)}@example.test"
    created: User = User.objects.create_user(
        email=email, password="Mot-de-passe-1", first_name="Camille", last_name="Agent", **fields
    )
    return created


def structure(identifier: str, name: str, *, public: bool = False, **fields: Any) -> Structure:
    created, _ = Structure.objects.get_or_create(
        identifier_type=IdentifierType.SIRET,
        identifier=identifier,
        defaults={"raison_sociale": name, "is_public": public, **fields},
    )
    return created


def attach(
    who: User,
    where: Structure,
    *,
    espace: str = Espace.FACTURES_RECUES,
    mode: str = AccessMode.MODIFICATION,
    role: str = Role.UTILISATEUR,
    services: list[Service] | None = None,
) -> User:
    """`who` validly attached to `where`, subscribed to `espace` in `mode`."""
    rattachement, _ = Rattachement.objects.get_or_create(
        user=who, structure=where, defaults={"role": role, "status": RattachementStatus.VALIDEE}
    )
    if services:
        rattachement.services.add(*services)
    StructureEspace.objects.get_or_create(structure=where, espace=espace)
    EspaceSubscription.objects.update_or_create(
        user=who, structure=where, espace=espace, defaults={"mode": mode}
    )
    return who


def invoice(
    *,
    supplier: Structure,
    recipient: Structure,
    service: Service | None = None,
    status: str = InvoiceStatus.MISE_A_DISPOSITION,
    depositor: User | None = None,
    number: str | None = None,
    with_xml: bool = True,
    with_pdf: bool = True,
    age_days: int = 0,
    **fields: Any,
) -> Invoice:
    number = number or f"F-2026-{next(_counter):04d}"
    xml = stored_file_create(
        data=CII.format(number=number).encode(), name=f"{number}.xml", content_type="text/xml"
    )
    flux = Flux.objects.create(
        numero=f"CPP{next(_counter):022d}",
        depositor=depositor,
        supplier=supplier,
        mode_depot=ModeDepot.UPLOAD_PORTAIL,
        filename=f"{number}.xml",
        original=xml,
    )
    pdf = stored_file_create(
        data=PDF + number.encode(), name=f"{number}.pdf", content_type="application/pdf"
    )
    defaults: dict[str, Any] = {
        "mode_depot": ModeDepot.UPLOAD_PORTAIL,
        "syntax": SyntaxeFlux.IN_DP_E1_CII_16B,
        "issue_date": dt.date(2026, 1, 5),
        "issue_year": 2026,
        "due_date": dt.date(2026, 2, 4),
        "total_ht": Decimal("1000.00"),
        "total_tva": Decimal("200.00"),
        "total_ttc": Decimal("1200.00"),
        "amount_due": Decimal("1200.00"),
        "vat_breakdown": [{"category": "S", "rate": "20.00", "base": "1000.00", "tax": "200.00"}],
        "seller_name": supplier.raison_sociale,
        "buyer_name": recipient.raison_sociale,
        "fingerprint": xml.sha256,
    }
    defaults.update(fields)
    created = Invoice.objects.create(
        flux=flux,
        supplier=supplier,
        recipient=recipient,
        service=service,
        number=number,
        status=status,
        deposited_by=depositor,
        xml=xml if with_xml else None,
        main_document=pdf if with_pdf else None,
        **defaults,
    )
    InvoiceLine.objects.create(
        invoice=created,
        position=1,
        line_id="1",
        designation="Bureau en chêne",
        quantity=Decimal("2"),
        unit="C62",
        unit_price=Decimal("500"),
        vat_category="S",
        vat_rate=Decimal("20"),
        net_amount=Decimal("1000.00"),
    )
    InvoiceStatusChange.objects.create(invoice=created, from_status="", to_status=status)
    if age_days:
        when = timezone.now() - dt.timedelta(days=age_days)
        Invoice.objects.filter(pk=created.pk).update(created_at=when, status_changed_at=when)
        created.refresh_from_db()
    return created


def attachment(on: Invoice, *, name: str = "bon-de-livraison.pdf", data: bytes = PDF) -> Attachment:
    stored = stored_file_create(
        data=data + name.encode(), name=name, content_type="application/pdf"
    )
    created: Attachment = Attachment.objects.create(
        invoice=on, kind=AttachmentKind.COMPLEMENTAIRE, name=name, file=stored
    )
    return created
