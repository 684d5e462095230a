"""« Saisir une facture »: the supplier finds the recipient by its name, chooses it (or one of
its services) from the results instead of copying a SIRET, and sends the invoice. The choice is
a plain form submit, so it works the same with scripts blocked."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import expect

from choeur.invoices.enums import InvoiceStatus
from choeur.invoices.models import Invoice
from choeur.structures.models import Service
from tests.invoices.factories import StructureFactory, member, public_recipient

pytestmark = pytest.mark.django_db(transaction=True)

HOPITAL_SIRET = "26750045200011"


def _login(page: Any, live_server: Any, user: Any) -> None:
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def _directory() -> None:
    hopital = public_recipient(
        HOPITAL_SIRET,
        raison_sociale="CENTRE HOSPITALIER DE SAINT-ÉTIENNE",
        code_postal="42000",
        ville="Saint-Étienne",
        code_service_required=True,
    )
    Service.objects.create(structure=hopital, code="PHARMA", name="Pharmacie centrale")
    Service.objects.create(
        structure=hopital, code="TRAVAUX", name="Services techniques", engagement_required=True
    )
    public_recipient(
        "26750045200029",
        raison_sociale="CENTRE HOSPITALIER DE SAINT-ÉTIENNE NORD",
        ville="Saint-Étienne",
    )
    # Cannot receive: neither is offered.
    public_recipient(
        "26750045200037", raison_sociale="CENTRE HOSPITALIER SAINT-ÉTIENNE SUD", is_active=False
    )
    StructureFactory(identifier="44306184100047", raison_sociale="CLINIQUE DE SAINT-ÉTIENNE")


def _type_the_invoice(page: Any) -> None:
    page.locator("[name=number]").fill("WEB-2026-077")
    page.locator("[name=issue_date]").fill("2026-11-02")
    page.locator("[name=due_date]").fill("2026-12-02")
    page.locator("[name=lines-0-designation]").fill("Maintenance des armoires réfrigérées")
    page.locator("[name=lines-0-quantity]").fill("2")
    page.locator("[name=lines-0-unit_price]").fill("480.00")


@pytest.mark.parametrize("scripts", ["on", "blocked"])
def test_supplier_finds_the_recipient_by_name_chooses_it_and_sends_the_invoice(
    live_server: Any,
    browser_page: Any,
    screenshot: Any,
    check_accessibility: Any,
    scripts: str,
) -> None:
    supplier = StructureFactory(adresse="3 rue des Artisans", code_postal="69003", ville="Lyon")
    user = member(supplier)
    _directory()
    page = browser_page
    if scripts == "blocked":
        page.route(re.compile(r"\.js(\?|$)"), lambda route: route.abort())
    _login(page, live_server, user)

    page.goto(f"{live_server.url}/factures/")
    page.get_by_role("link", name="Saisir une facture").first.click()
    _type_the_invoice(page)
    page.locator("[name=recipient]").fill("hospitalier saint etienne")
    page.get_by_role("button", name="Rechercher le destinataire").click()

    results = page.locator("#recipient-results")
    expect(results).to_be_visible()
    expect(results).to_contain_text("2 structures correspondent")
    expect(results).to_contain_text("CENTRE HOSPITALIER DE SAINT-ÉTIENNE")
    expect(results).to_contain_text("Code service obligatoire.")
    expect(results).to_contain_text("PHARMA — Pharmacie centrale")
    expect(results).not_to_contain_text("SUD")  # inactive
    expect(results).not_to_contain_text("CLINIQUE")  # not a public structure
    # What was typed before the search is still there.
    expect(page.locator("[name=number]")).to_have_value("WEB-2026-077")
    if scripts == "on":
        screenshot(page, "invoices-saisie-destinataire-resultats")
        check_accessibility(page)

    # One click on a service of the hospital: recipient and code service are filled in.
    page.get_by_role("button", name=re.compile(r"PHARMA — Pharmacie centrale")).click()
    parameters = page.locator("#recipient-parameters")
    expect(parameters).to_be_visible()
    expect(parameters).to_contain_text(f"CENTRE HOSPITALIER DE SAINT-ÉTIENNE — {HOPITAL_SIRET}")
    expect(page.locator("#recipient-results")).to_have_count(0)
    expect(page.locator("[name=recipient]")).to_have_value(HOPITAL_SIRET)
    expect(page.locator("[name=service_code]")).to_have_value("PHARMA")
    # The recipient requires a code service: its field now carries the required marker.
    expect(page.locator("label[for=id_service_code] .fr-required-marker")).to_be_visible()
    expect(page.locator("[name=lines-0-designation]")).to_have_value(
        "Maintenance des armoires réfrigérées"
    )
    if scripts == "on":
        screenshot(page, "invoices-saisie-destinataire-choisi")
        check_accessibility(page)

    page.get_by_role("button", name="Déposer la facture").click()
    page.wait_for_url("**/factures/*/")
    expect(page.locator("main")).to_contain_text("Mise à disposition")
    invoice = Invoice.objects.select_related("recipient", "service").get()
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION
    assert invoice.recipient.identifier == HOPITAL_SIRET
    assert invoice.service is not None and invoice.service.code == "PHARMA"
    assert str(invoice.total_ttc) == "1152.00"
