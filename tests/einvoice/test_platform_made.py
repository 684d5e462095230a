"""Invoices the platform writes itself (saisie web, PDF deposit, API) draw no finding at all:
neither from the EN 16931 rules nor, for a French VAT-registered seller, from the reform's
French rules (BR-FR) and the platform's own, which the deposit applies to them by default.

The supplier of a platform-made invoice cannot edit its XML: any finding there, even a warning
(PEPPOL-EN16931-R008, an empty element), is one they can neither understand nor fix. Hypothesis
builds many invoices of the saisie's shape, every VAT category with what the norm asks of it,
optional terms present, blank or absent, and both writers must pass every engine with nothing
to say.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import choeur.einvoice as einvoice
from choeur.einvoice.enums import InvoiceTypeCode, PaymentMeansCode, VatCategory
from choeur.einvoice.model import (
    Address,
    CreditTransfer,
    Delivery,
    Identifier,
    Invoice,
    InvoiceLine,
    Item,
    LineAllowanceCharge,
    Note,
    Party,
    PaymentInstructions,
    PrecedingInvoice,
    Price,
    ProcessControl,
    Totals,
)
from choeur.einvoice.totals import compute_totals, line_net_amount
from choeur.einvoice.writers.completion import for_the_reform, is_reform_seller

D = Decimal
ZERO = D("0.00")
SETTINGS = settings(
    max_examples=60,
    deadline=None,  # each example runs Saxon over two documents
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
UNITS = ["C62", "HUR", "DAY", "MON", "KGM", "MTR", "MTK", "LTR", "LS"]
STANDARD_RATES = [D("20.00"), D("10.00"), D("5.50"), D("2.10")]
# The exemption reason each category without VAT must give (BR-E-10, BR-AE-10, BR-IC-10,
# BR-G-10, BR-O-10); Z must give none (BR-Z-10).
REASONS = {
    VatCategory.EXEMPT: ("Exonération de TVA, article 261 du CGI", "VATEX-EU-132"),
    VatCategory.REVERSE_CHARGE: ("Autoliquidation", "VATEX-EU-AE"),
    VatCategory.INTRA_COMMUNITY: ("Livraison intracommunautaire exonérée", "VATEX-EU-IC"),
    VatCategory.EXPORT: ("Exportation hors UE, article 262 du CGI", "VATEX-EU-G"),
    VatCategory.NOT_SUBJECT: ("Non soumis à la TVA", "VATEX-EU-O"),
}
# Optional text typed in a form: absent, blank (as a form gives it), or a value.
blank = st.sampled_from(["", "   "])


def optional_text(values: st.SearchStrategy[str]) -> st.SearchStrategy[str | None]:
    return st.one_of(st.none(), blank, values)


words = st.text(
    alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzéèàçôABCDEFGHIJ0123456789 -'/"),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip())


@dataclass
class TypedLine:
    designation: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    category: VatCategory
    rate: Decimal | None
    discount: Decimal
    reference: str | None


@st.composite
def typed_lines(draw: st.DrawFn, *, exempt: VatCategory | None) -> list[TypedLine]:
    """1..6 lines; S and Z mix with one category without VAT, except O which stands alone
    (BR-O-11 to BR-O-14)."""
    if exempt is VatCategory.NOT_SUBJECT:
        categories = [VatCategory.NOT_SUBJECT]
    else:
        categories = [VatCategory.STANDARD, VatCategory.ZERO_RATED] + ([exempt] if exempt else [])
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        category = draw(st.sampled_from(categories))
        if category is VatCategory.STANDARD:
            rate: Decimal | None = draw(st.sampled_from(STANDARD_RATES))
        elif category is VatCategory.NOT_SUBJECT:
            rate = None
        else:
            rate = D("0.00")
        quantity = draw(st.decimals(D("0.0001"), D("9999"), places=4))
        unit_price = draw(st.decimals(D("0"), D("99999"), places=4))
        gross = round(quantity * unit_price, 2)
        discount = draw(st.one_of(st.just(ZERO), st.decimals(ZERO, max(gross, ZERO), places=2)))
        lines.append(
            TypedLine(
                designation=draw(words),
                quantity=quantity,
                unit=draw(st.sampled_from(UNITS)),
                unit_price=unit_price,
                category=category,
                rate=rate,
                discount=discount,
                reference=draw(optional_text(words)),
            )
        )
    return lines


@st.composite
def platform_invoices(draw: st.DrawFn) -> Invoice:
    """An invoice as the platform builds it from a form: seller and public buyer by SIRET, the
    totals computed by the norm's formulas, optional terms as typed."""
    exempt = draw(st.sampled_from([None, *REASONS]))
    lines = draw(typed_lines(exempt=exempt))
    issue = draw(st.dates(dt.date(2024, 1, 1), dt.date(2030, 12, 31)))
    due = draw(st.one_of(st.none(), st.just(issue + dt.timedelta(days=30))))
    terms = draw(optional_text(words))
    if due is None and (terms is None or not terms.strip()):
        terms = "Paiement à 30 jours"  # BR-CO-25: an amount due needs a due date or terms
    categories = {line.category for line in lines}
    vat_ids = VatCategory.NOT_SUBJECT not in categories  # BR-O-02, BR-O-03
    # AE and K need the buyer's VAT identifier (BR-AE-02, BR-IC-02).
    buyer_vat = (
        "DE123456789"
        if VatCategory.INTRA_COMMUNITY in categories
        else "FR11123456782"
        if vat_ids and draw(st.booleans())
        else None
    )
    if VatCategory.REVERSE_CHARGE in categories or VatCategory.INTRA_COMMUNITY in categories:
        buyer_vat = buyer_vat or "FR11123456782"
    delivery_country = "DE" if VatCategory.INTRA_COMMUNITY in categories else "FR"
    iban = draw(st.sampled_from([None, "FR7630006000011234567890189", "DE89370400440532013000"]))
    type_code = InvoiceTypeCode(draw(st.sampled_from(["380", "381", "386"])))
    pivot_lines = []
    for index, line in enumerate(lines, start=1):
        allowances = (
            [LineAllowanceCharge(is_charge=False, amount=line.discount, reason="Remise")]
            if line.discount
            else []
        )
        pivot_lines.append(
            InvoiceLine(
                id=str(index),
                quantity=line.quantity,
                unit_code=line.unit,
                net_amount=line_net_amount(line.quantity, line.unit_price, None, allowances),
                item=Item(name=line.designation, seller_id=line.reference),
                price=Price(net_price=line.unit_price),
                vat_category=line.category,
                vat_rate=line.rate,
                allowances_charges=allowances,
            )
        )
    invoice = Invoice(
        number=draw(st.from_regex(r"\AF-[0-9]{1,8}\Z")),
        issue_date=issue,
        type_code=type_code,
        currency_code=draw(st.sampled_from(["EUR", "USD"])),
        seller=Party(
            name="MENUISERIE DUPONT",
            legal_registration_id=Identifier("84211943000010", "0009"),
            vat_id="FR92842119430" if vat_ids else None,
            address=Address(
                line1=draw(optional_text(words)),
                line2=draw(optional_text(words)),
                city=draw(optional_text(words)),
                post_code=draw(st.sampled_from([None, "", "75001"])),
                country_code="FR",
            ),
        ),
        buyer=Party(
            name="COMMUNE DE TEST",
            legal_registration_id=Identifier("12345678200028", "0009"),
            vat_id=buyer_vat,
            address=Address(city=draw(optional_text(words)), country_code="FR"),
        ),
        totals=Totals(tax_exclusive_amount=ZERO, tax_inclusive_amount=ZERO, payable_amount=ZERO),
        due_date=due,
        payment_terms=terms,
        buyer_reference=draw(optional_text(st.from_regex(r"\A[A-Z_]{3,20}\Z"))),
        purchase_order_reference=draw(optional_text(st.from_regex(r"\AEJ[0-9]{4,10}\Z"))),
        notes=[Note(text=draw(words))] if draw(st.booleans()) else [],
        delivery=Delivery(
            actual_delivery_date=issue,
            address=Address(country_code=delivery_country)
            if VatCategory.INTRA_COMMUNITY in categories
            else None,
        ),
        process_control=ProcessControl(business_process_type="A1"),
        payment_instructions=PaymentInstructions(
            means_code=PaymentMeansCode("30"),
            credit_transfers=[
                CreditTransfer(
                    account_id=iban,
                    account_name=draw(optional_text(words)),
                    service_provider_id=draw(st.sampled_from([None, "", "AGRIFRPP"])),
                )
            ],
        )
        if iban
        else None,
        # The saisie asks an avoir for the number and date of the invoice it corrects.
        preceding_invoices=[PrecedingInvoice("F-0", issue - dt.timedelta(days=10))]
        if type_code.is_credit_note
        else [],
        lines=pivot_lines,
    )
    invoice = compute_totals(invoice)
    if invoice.currency_code != "EUR":
        # ...and an invoice in another currency for its VAT in euros (BT-6, BT-111).
        invoice.vat_currency_code = "EUR"
        invoice.totals.vat_total_amount_accounting = draw(st.decimals(ZERO, D("9999999"), places=2))
    for row in invoice.vat_breakdown:
        if row.category in REASONS:
            text, code = REASONS[row.category]
            row.exemption_reason = text
            row.exemption_reason_code = code if draw(st.booleans()) else None
    # What the saisie completes for the reform's French rules (drafts.build_pivot).
    return for_the_reform(invoice, nature=draw(st.sampled_from(["B", "S", "M"])))


def findings(data: bytes) -> list[tuple[str, str, str]]:
    """Every finding of the deposit's validation: the EN 16931 rules, and the reform's French
    rules (BR-FR) with the platform's own when the seller is French and VAT-registered."""
    report = einvoice.validate(data, profile="AUTO")
    seller = einvoice.read(data).seller
    assert report.profile == ("BR-FR" if is_reform_seller(seller) else "EN16931")
    if report.profile == "BR-FR":
        assert {"br-fr", "choeur"} <= set(report.engines_run)
    return [(f.rule_id, f.severity.value, f.location) for f in report.findings]


def empty_elements(data: bytes) -> list[str]:
    root = etree.fromstring(data)
    return [
        root.getroottree().getpath(el)
        for el in root.iter(etree.Element)
        if len(el) == 0 and not (el.text or "").strip()
    ]


@SETTINGS
@given(invoice=platform_invoices())
def test_platform_made_cii_draws_no_finding(invoice: Invoice) -> None:
    xml = einvoice.write_cii(invoice)
    assert empty_elements(xml) == []
    assert findings(xml) == []


@SETTINGS
@given(invoice=platform_invoices())
def test_platform_made_ubl_draws_no_finding(invoice: Invoice) -> None:
    xml = einvoice.write_ubl(invoice)
    assert empty_elements(xml) == []
    assert findings(xml) == []


@settings(SETTINGS, max_examples=15)  # each example also renders the PDF
@given(invoice=platform_invoices())
def test_platform_made_facturx_draws_no_finding(invoice: Invoice) -> None:
    # The PDF is judged by the CEN rules and by the Factur-X profile's own layer (which
    # carries PEPPOL-EN16931-R008, the rule of issue 12).
    pdf = einvoice.write_facturx(invoice)
    assert findings(pdf) == []


def test_blank_optional_terms_are_left_out_with_their_parents() -> None:
    # An address the form left blank, a contact without anything: no element at all, not
    # <ram:PostalTradeAddress/> (PEPPOL-EN16931-R008).
    line = InvoiceLine(
        id="1",
        quantity=D("1"),
        unit_code="C62",
        net_amount=D("10.00"),
        item=Item(name="Conseil", seller_id="  "),
        price=Price(net_price=D("10")),
        vat_category=VatCategory.STANDARD,
        vat_rate=D("20.00"),
    )
    invoice = compute_totals(
        Invoice(
            number="F-1",
            issue_date=dt.date(2026, 11, 2),
            type_code=InvoiceTypeCode("380"),
            currency_code="EUR",
            seller=Party(
                name="MENUISERIE",
                legal_registration_id=Identifier("84211943000010", "0009"),
                vat_id="FR92842119430",
                address=Address(line1="", city="  ", country_code="FR"),
            ),
            buyer=Party(
                name="COMMUNE",
                legal_registration_id=Identifier("12345678200028", "0009"),
                address=Address(line1="", post_code="", country_code="FR"),
            ),
            totals=Totals(
                tax_exclusive_amount=ZERO, tax_inclusive_amount=ZERO, payable_amount=ZERO
            ),
            due_date=dt.date(2026, 12, 2),
            buyer_reference="",
            purchase_order_reference=" ",
            payment_terms="",
            notes=[Note(text=" ")],
            delivery=Delivery(actual_delivery_date=dt.date(2026, 11, 2)),
            lines=[line],
        )
    )
    for xml in (einvoice.write_cii(invoice), einvoice.write_ubl(invoice)):
        assert empty_elements(xml) == []
        assert b"BuyerReference" not in xml and b"OrderReference" not in xml
        assert b"Note" not in xml and b"SellerAssignedID" not in xml
        assert b"SellersItemIdentification" not in xml
        # (the EN 16931 rules: this invoice is not completed for the French ones)
        assert [f.rule_id for f in einvoice.validate(xml).findings] == []
    # The buyer's address says only its country: none of the blank lines is written.
    cii = etree.fromstring(einvoice.write_cii(invoice))
    address = cii.find(".//{*}BuyerTradeParty/{*}PostalTradeAddress")
    assert [etree.QName(el).localname for el in address] == ["CountryID"]


def test_cii_keeps_its_mandatory_delivery_element_when_the_invoice_has_none() -> None:
    # ram:ApplicableHeaderTradeDelivery is 1..1 in the XSD: left empty, never removed (the
    # invoice, not the writer, must give BG-13; the saisie gives BT-72).
    invoice = compute_totals(
        Invoice(
            number="F-2",
            issue_date=dt.date(2026, 11, 2),
            type_code=InvoiceTypeCode("380"),
            currency_code="EUR",
            seller=Party(name="MENUISERIE", vat_id="FR92842119430"),
            buyer=Party(name="COMMUNE"),
            totals=Totals(
                tax_exclusive_amount=ZERO, tax_inclusive_amount=ZERO, payable_amount=ZERO
            ),
            due_date=dt.date(2026, 12, 2),
            lines=[
                InvoiceLine(
                    id="1",
                    quantity=D("1"),
                    unit_code="C62",
                    net_amount=D("10.00"),
                    item=Item(name="Conseil"),
                    price=Price(net_price=D("10")),
                    vat_category=VatCategory.STANDARD,
                    vat_rate=D("20.00"),
                )
            ],
        )
    )
    xml = einvoice.write_cii(invoice)
    assert etree.fromstring(xml).find(".//{*}ApplicableHeaderTradeDelivery") is not None
    report = einvoice.validate(xml)
    assert [f.rule_id for f in report.findings if f.engine == "xsd"] == []


def test_the_reform_completion_fills_what_the_french_rules_ask_and_nothing_else() -> None:
    # A saisie's invoice of a French VAT-registered seller, before and after `for_the_reform`:
    # without it the French rules refuse it (the rules it breaks are the official ones).
    line = InvoiceLine(
        id="1",
        quantity=D("2"),
        unit_code="HUR",
        net_amount=D("110.00"),
        item=Item(name="Pose"),
        price=Price(net_price=D("55")),
        vat_category=VatCategory.STANDARD,
        vat_rate=D("20.00"),
    )
    bare = compute_totals(
        Invoice(
            number="F-3",
            issue_date=dt.date(2026, 11, 2),
            type_code=InvoiceTypeCode("380"),
            currency_code="EUR",
            seller=Party(
                name="MENUISERIE",
                legal_registration_id=Identifier("84211943000010", "0009"),
                vat_id="FR92842119430",
                address=Address(country_code="FR"),
            ),
            buyer=Party(
                name="COMMUNE",
                legal_registration_id=Identifier("12345678200028", "0009"),
                address=Address(country_code="FR"),
            ),
            totals=Totals(
                tax_exclusive_amount=ZERO, tax_inclusive_amount=ZERO, payable_amount=ZERO
            ),
            due_date=dt.date(2026, 12, 2),
            delivery=Delivery(actual_delivery_date=dt.date(2026, 11, 2)),
            process_control=ProcessControl(business_process_type="A1"),
            lines=[line],
        )
    )
    refused = {rule for rule, _, _ in findings(einvoice.write_cii(bare))}
    assert refused == {
        "BR-FR-05_BT-22_PMT",
        "BR-FR-05_BT-22_PMD",
        "BR-FR-05_BT-22_AAB",
        "BR-FR-08_BT-23",
        "BR-FR-10_BT-30",
        "BR-FR-12_BT-49",
        "BR-FR-13_BT-34",
    }
    reform = for_the_reform(bare, nature="M")
    assert findings(einvoice.write_cii(reform)) == []
    assert findings(einvoice.write_ubl(reform)) == []
    assert reform.seller.legal_registration_id == Identifier("842119430", "0002")
    assert Identifier("84211943000010", "0009") in reform.seller.identifiers
    assert reform.buyer.electronic_address == Identifier("12345678200028", "0009")
    assert reform.process_control.business_process_type == "M1"
    assert [n.subject_code for n in reform.notes] == ["PMT", "PMD", "AAB"]
    assert reform.lines == bare.lines and reform.totals == bare.totals
    # A mention the supplier gave is kept; a cadre of Chorus Pro alone (A9) is not renamed.
    own = for_the_reform(replace(bare, notes=[Note("Escompte 2 % à 10 jours", "AAB")]), nature="S")
    assert [(n.subject_code, n.text) for n in own.notes][0] == ("AAB", "Escompte 2 % à 10 jours")
    assert [n.subject_code for n in own.notes] == ["AAB", "PMT", "PMD"]
    a9 = replace(bare, process_control=ProcessControl(business_process_type="A9"))
    assert for_the_reform(a9, nature="S").process_control.business_process_type == "A9"
    # Chorus Pro's A2, an invoice already paid, is the reform's B2/S2/M2: nothing left to pay.
    a2 = replace(bare, process_control=ProcessControl(business_process_type="A2"))
    paid = for_the_reform(a2, nature="B")
    assert paid.process_control.business_process_type == "B2"
    assert (paid.totals.prepaid_amount, paid.totals.payable_amount) == (D("132.00"), ZERO)
    assert findings(einvoice.write_cii(paid)) == findings(einvoice.write_ubl(paid)) == []
    assert {r for r, _, _ in findings(einvoice.write_cii(replace(paid, totals=a2.totals)))} == {
        "BR-FR-CO-09_BT-23-1",
        "BR-FR-CO-09_BT-23-2",
    }
    # A foreign seller's invoice is not touched.
    foreign = replace(bare, seller=replace(bare.seller, vat_id="BE0123456749"))
    assert for_the_reform(foreign, nature="S") is foreign
