"""Sample invoices built in code: for tests, benchmarks and demonstrations (no I/O)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from choeur.einvoice.enums import InvoiceTypeCode, PaymentMeansCode, VatCategory
from choeur.einvoice.model import (
    Address,
    Contact,
    CreditTransfer,
    Delivery,
    Identifier,
    Invoice,
    InvoiceLine,
    Item,
    Note,
    Party,
    PaymentInstructions,
    Period,
    PrecedingInvoice,
    Price,
    ProcessControl,
    Totals,
)
from choeur.einvoice.totals import compute_totals, line_net_amount
from choeur.einvoice.writers.completion import for_the_reform

_RATES = (Decimal("20.00"), Decimal("10.00"), Decimal("5.50"))


def sample_invoice(
    lines: int = 3, *, number: str = "FA-2025-0042", credit_note: bool = False
) -> Invoice:
    """A French B2G invoice (or credit note) with `lines` lines and consistent totals, which
    meets the EN 16931 rules and the reform's French rules (BR-FR)."""
    invoice_lines = []
    for index in range(1, lines + 1):
        quantity = Decimal(index % 7 + 1)
        price = Decimal(f"{(index * 37) % 900 + 12}.{index % 100:02d}")
        rate = _RATES[index % len(_RATES)]
        invoice_lines.append(
            InvoiceLine(
                id=str(index),
                quantity=quantity,
                unit_code="C62" if index % 2 else "HUR",
                net_amount=line_net_amount(quantity, price),
                item=Item(
                    name=f"Prestation {index} : maintenance des équipements",
                    description="Intervention sur site" if index % 3 == 0 else None,
                    seller_id=f"REF-{index:05d}",
                ),
                price=Price(net_price=price),
                vat_category=VatCategory.STANDARD,
                vat_rate=rate,
            )
        )
    invoice = Invoice(
        number=number,
        issue_date=date(2025, 3, 14),
        type_code=InvoiceTypeCode.CREDIT_NOTE
        if credit_note
        else InvoiceTypeCode.COMMERCIAL_INVOICE,
        currency_code="EUR",
        due_date=date(2025, 4, 13),
        buyer_reference="SERVICE-FIN-01",
        purchase_order_reference="EJ-2025-000123",
        contract_reference="MARCHE-2024-17",
        payment_terms="Paiement à 30 jours par virement.",
        notes=[
            Note(
                text="En cas de retard de paiement, pénalités au taux de la BCE majoré de 10 points.",
                subject_code="PMD",
            ),
            Note(
                text="Indemnité forfaitaire pour frais de recouvrement : 40 €.",
                subject_code="PMT",
            ),
        ],
        process_control=ProcessControl(business_process_type="A1"),
        seller=Party(
            name="Atelier Dupont SARL",
            trading_name="Atelier Dupont",
            legal_registration_id=Identifier("73282932000074", "0009"),
            vat_id="FR40732829320",
            additional_legal_info="SARL au capital de 10 000 €, RCS Lyon 732 829 320",
            electronic_address=Identifier("73282932000074", "0009"),
            address=Address(
                line1="12 rue des Tanneurs", city="Lyon", post_code="69002", country_code="FR"
            ),
            contact=Contact(
                name="Marie Dupont", telephone="04 78 00 00 00", email="compta@dupont.example"
            ),
        ),
        buyer=Party(
            name="Commune de Saint-Exemple",
            legal_registration_id=Identifier("21690123400019", "0009"),
            electronic_address=Identifier("21690123400019", "0009"),
            address=Address(
                line1="Place de la Mairie",
                city="Saint-Exemple",
                post_code="69990",
                country_code="FR",
            ),
        ),
        invoicing_period=Period(start=date(2025, 2, 1), end=date(2025, 2, 28)),
        # CII's ram:ApplicableHeaderTradeDelivery is never empty (PEPPOL-EN16931-R008).
        delivery=Delivery(actual_delivery_date=date(2025, 2, 28)),
        payment_instructions=PaymentInstructions(
            means_code=PaymentMeansCode.SEPA_CREDIT_TRANSFER,
            remittance_information=number,
            credit_transfers=[
                CreditTransfer(
                    account_id="FR7630006000011234567890189",
                    account_name="Atelier Dupont",
                    service_provider_id="AGRIFRPP",
                )
            ],
        ),
        totals=Totals(
            tax_exclusive_amount=Decimal("0.00"),
            tax_inclusive_amount=Decimal("0.00"),
            payable_amount=Decimal("0.00"),
        ),
        lines=invoice_lines,
    )
    if credit_note:
        # An avoir names the invoice it corrects, with its date (BR-FR-CO-05).
        invoice.preceding_invoices = [PrecedingInvoice("FA-2025-0041", date(2025, 3, 1))]
    # A French VAT-registered seller's: what the reform's rules ask (BR-FR), services (S1).
    return for_the_reform(compute_totals(invoice), nature="S")
