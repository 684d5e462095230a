"""Quality bar of « Déposer des factures »: a supplier types an invoice with three lines to a public
structure that requires a code service, gets the error when it is missing, fixes it, submits, and
sees the invoice MISE_A_DISPOSITION with its Factur-X PDF downloadable and valid."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import expect

import choeur.einvoice as einvoice
from choeur.invoices.enums import InvoiceStatus
from choeur.invoices.models import Invoice
from choeur.structures.models import Service
from tests.invoices.factories import PUBLIC_SIRET, StructureFactory, member, public_recipient

pytestmark = pytest.mark.django_db(transaction=True)


def _login(page: Any, live_server: Any, user: Any) -> None:
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_supplier_types_an_invoice_fixes_the_service_code_and_gets_a_valid_facturx(
    live_server: Any, browser_page: Any, screenshot: Any, check_accessibility: Any
) -> None:
    supplier = StructureFactory(adresse="3 rue des Artisans", code_postal="69003", ville="Lyon")
    user = member(supplier)
    recipient = public_recipient(
        PUBLIC_SIRET, raison_sociale="COMMUNE A SERVICE", code_service_required=True
    )
    Service.objects.create(structure=recipient, code="SERVICE_DEST_SERV_OBL", name="Achats")
    page = browser_page
    _login(page, live_server, user)

    page.goto(f"{live_server.url}/factures/")
    page.get_by_role("link", name="Saisir une facture").first.click()
    page.locator("[name=recipient]").fill(PUBLIC_SIRET)
    page.get_by_role("button", name="Rechercher le destinataire").click()
    expect(page.locator("#recipient-parameters")).to_contain_text("Code service obligatoire")
    page.locator("[name=number]").fill("WEB-2026-042")
    page.locator("[name=issue_date]").fill("2026-11-02")
    page.locator("[name=due_date]").fill("2026-12-02")
    lines = [
        ("Pose de fenêtres", "3", "250.00", "20.00"),
        ("Fournitures", "10", "12.35", "20.00"),
        ("Livret d'entretien", "1", "8.00", "5.50"),
    ]
    for index, (designation, quantity, price, rate) in enumerate(lines):
        if index:
            page.get_by_role("button", name="Ajouter une ligne").click()
        page.locator(f"[name=lines-{index}-designation]").fill(designation)
        page.locator(f"[name=lines-{index}-quantity]").fill(quantity)
        page.locator(f"[name=lines-{index}-unit_price]").fill(price)
        page.locator(f"[name=lines-{index}-vat_rate]").select_option(rate)
    # The live estimate (static JS) follows the typing; the server's figures are authoritative.
    # 881,50 HT + 174,70 (20 %) + 0,44 (5,5 %); French formats separate with narrow spaces.
    expect(page.locator("#live-totals")).to_contain_text(
        re.compile(r"1[\s\u202f]056,64[\s\u202f]€ TTC")
    )
    check_accessibility(page)

    # Submitted without the code service: the form says so, nothing is deposited.
    page.get_by_role("button", name="Déposer la facture").click()
    assert "code service est obligatoire" in page.content()
    assert not Invoice.objects.exists()
    screenshot(page, "invoices-saisie-erreur-code-service")
    check_accessibility(page)

    page.locator("[name=service_code]").fill("SERVICE_DEST_SERV_OBL")
    page.get_by_role("button", name="Déposer la facture").click()
    page.wait_for_url("**/factures/*/")
    expect(page.locator("main")).to_contain_text("Mise à disposition")
    invoice = Invoice.objects.get()
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION
    assert str(invoice.total_ttc) == "1056.64"
    assert invoice.lines.count() == 3
    screenshot(page, "invoices-facture-deposee")
    check_accessibility(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger la facture (PDF)").click()
    pdf = Path(download_info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert einvoice.detect(pdf).syntax == "facturx"
    report = einvoice.validate(pdf)
    assert report.is_valid, [(f.rule_id, f.message_fr) for f in report.errors]
    assert einvoice.read(pdf).buyer_reference == "SERVICE_DEST_SERV_OBL"

    # The invoice is in « Factures émises », its flux in « Suivi des flux » with its compte rendu.
    page.goto(f"{live_server.url}/factures/")
    expect(page.locator("#invoices-table")).to_contain_text("WEB-2026-042")
    check_accessibility(page)
    page.get_by_role("link", name="Suivi des flux").first.click()
    page.get_by_role("link", name=invoice.flux.numero).click()
    expect(page.locator("#flux-status")).to_contain_text("Intégré")
    expect(page.locator("#report-table")).to_contain_text("Intégrée")
    check_accessibility(page)
    page.goto(f"{live_server.url}/factures/synthese/")
    expect(page.locator("#synthese-statuts")).to_contain_text("Mise à disposition")
    check_accessibility(page)
