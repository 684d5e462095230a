from __future__ import annotations

from typing import Any

import pytest

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
    assert "2 structures publiques" in page.locator("#resultats").inner_text()
    results = page.locator("table tbody tr")
    assert results.count() == 2
    assert "CODE SERVICE OBLIGATOIRE" in results.nth(0).inner_text().upper()
    assert "AUCUNE MENTION OBLIGATOIRE" in results.nth(1).inner_text().upper()
    screenshot(page, "annuaire-recherche")
    check_accessibility(page)

    page.get_by_role("link", name="COMMUNE DE BEAUMONT-SUR-LOIRE").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == "COMMUNE DE BEAUMONT-SUR-LOIRE"
    answer = page.locator("#que-mettre")
    assert "Que dois-je mettre sur ma facture ?" in answer.inner_text()
    assert "Le code service est obligatoire" in answer.inner_text()
    services = page.locator("table tbody tr")
    assert services.count() == 2
    assert "SERVICE_DEST_SERV_OBL" in services.nth(0).inner_text()
    assert "Oui" in services.nth(1).inner_text()  # TRAVAUX needs an engagement number
    screenshot(page, "annuaire-structure")
    check_accessibility(page)


def test_short_siret_search_explains_itself(
    live_server: Any, browser_page: Any, check_accessibility: Any
) -> None:
    browser_page.goto(live_server.url + "/annuaire/?q=12")
    assert browser_page.get_by_text(
        "Saisissez au moins 3 chiffres du numéro SIRET, ou un nom."
    ).is_visible()
    check_accessibility(browser_page)
