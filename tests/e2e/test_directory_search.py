from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from choeur.structures.enums import IdentifierType, StructureKind
from choeur.structures.models import Service, Structure

pytestmark = pytest.mark.django_db(transaction=True)


def _public(identifier: str, name: str, **values: Any) -> Structure:
    defaults: dict[str, Any] = {
        "identifier_type": IdentifierType.SIRET,
        "identifier": identifier,
        "raison_sociale": name,
        "kind": StructureKind.STRUCTURE_PUBLIQUE,
        "is_public": True,
        "adresse": "1 PLACE DE LA MAIRIE",
        "code_postal": "45190",
        "ville": "BEAUMONT-SUR-LOIRE",
    }
    return Structure.objects.create(**(defaults | values))


def test_supplier_finds_a_public_structure_and_sees_what_to_put_on_the_invoice(
    live_server: Any, browser_page: Any, screenshot: Any, check_accessibility: Any
) -> None:
    commune = _public("12345678200028", "COMMUNE DE BEAUMONT-SUR-LOIRE", code_service_required=True)
    Service.objects.create(
        structure=commune, code="SERVICE_DEST_SERV_OBL", name="Service facturier"
    )
    Service.objects.create(
        structure=commune, code="TRAVAUX", name="Travaux", engagement_required=True
    )
    _public("12345678200051", "OFFICE DE TOURISME DE BEAUMONT")
    _public(
        "12345678200036",
        "CENTRE HOSPITALIER DE SAINT-ALBAN",
        engagement_required=True,
        code_postal="81000",
        ville="ALBI",
    )

    page = browser_page
    page.goto(live_server.url + "/annuaire/")
    page.get_by_label("Nom ou numéro SIRET").fill("782000")
    page.get_by_label("Code postal ou ville").fill("45190")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#resultats")).to_contain_text("2 structures publiques")
    results = page.locator("table tbody tr")
    expect(results).to_have_count(2)
    expect(results.nth(0)).to_contain_text(re.compile("code service obligatoire", re.I))
    expect(results.nth(1)).to_contain_text(re.compile("aucune mention obligatoire", re.I))
    screenshot(page, "annuaire-recherche")
    check_accessibility(page)

    page.get_by_role("link", name="COMMUNE DE BEAUMONT-SUR-LOIRE").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", level=1)).to_have_text("COMMUNE DE BEAUMONT-SUR-LOIRE")
    answer = page.locator("#que-mettre")
    expect(answer).to_contain_text("Que dois-je mettre sur ma facture ?")
    expect(answer).to_contain_text("Le code service est obligatoire")
    services = page.locator("table tbody tr")
    expect(services).to_have_count(2)
    expect(services.nth(0)).to_contain_text("SERVICE_DEST_SERV_OBL")
    expect(services.nth(1)).to_contain_text("Oui")  # TRAVAUX needs an engagement number
    screenshot(page, "annuaire-structure")
    check_accessibility(page)


def test_short_siret_search_explains_itself(
    live_server: Any, browser_page: Any, check_accessibility: Any
) -> None:
    browser_page.goto(live_server.url + "/annuaire/?q=12")
    expect(
        browser_page.get_by_text("Saisissez au moins 3 chiffres du numéro SIRET, ou un nom.")
    ).to_be_visible()
    check_accessibility(browser_page)
