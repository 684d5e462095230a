"""Every other accounts page passes the accessibility checks, in the states a user meets."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.accounts.factories import (
    PASSWORD,
    UserFactory,
    etablissement_create,
    structure_with_manager,
)

pytestmark = pytest.mark.django_db(transaction=True)

SIRET = "84211943000010"


def test_account_pages_are_accessible(
    live_server: Any, browser_page: Any, screenshot: Any, check_accessibility: Any
) -> None:
    user = UserFactory(email="lea@exemple.fr", first_name="Léa", last_name="Martin")
    client = Client()
    client.force_login(user)
    page = browser_page
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    for path, name in [
        ("/compte/", "mon-compte"),
        ("/compte/modifier/", "mon-compte-informations"),
        ("/compte/mot-de-passe/", "mon-compte-mot-de-passe"),
        ("/compte/question-de-securite/", "mon-compte-question"),
        ("/compte/adresse-de-connexion/", "mon-compte-adresse"),
        ("/compte/desactiver/", "mon-compte-desactiver"),
    ]:
        response = page.goto(live_server.url + path)
        assert response.ok, path
        screenshot(page, name)
        check_accessibility(page)
    # Errors beside the fields, still accessible.
    page.goto(live_server.url + "/compte/mot-de-passe/")
    page.get_by_label("Mot de passe actuel").fill("faux")
    page.locator("#id_password1").fill("abc")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Mot de passe actuel incorrect.")).to_be_visible()
    check_accessibility(page)


def test_public_accounts_pages_are_accessible(
    live_server: Any, browser_page: Any, screenshot: Any, check_accessibility: Any
) -> None:
    page = browser_page
    for path in ["/compte/activation/renvoyer/", "/compte/mot-de-passe-oublie/"]:
        page.goto(live_server.url + path)
        check_accessibility(page)
    page.goto(live_server.url + "/compte/activation/lien-inconnu/")
    expect(page.get_by_text("Ce lien n'est pas valable").first).to_be_visible()
    check_accessibility(page)

    # « Je n'ai pas de numéro de SIRET », with its messages.
    page.goto(live_server.url + "/compte/inscription/sans-siret/")
    check_accessibility(page)
    page.get_by_label("Adresse électronique de connexion").fill("hans@exemple.de")
    page.locator("label[for='id_identifier_type_0']").click()
    page.get_by_label("Numéro de TVA intracommunautaire").fill("DE123")
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("n'est pas valide")).to_be_visible()
    screenshot(page, "inscription-sans-siret-erreur")
    check_accessibility(page)

    # A SIRET whose structure has a manager: step 2 becomes a rattachement request.
    etablissement_create(SIRET)
    structure_with_manager(SIRET)
    page.goto(live_server.url + "/compte/inscription/")
    page.get_by_label("Adresse électronique de connexion").fill("collegue@exemple.fr")
    page.get_by_label("N° SIRET de votre structure").fill(SIRET)
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("demande de rattachement").first).to_be_visible()
    page.wait_for_load_state("load")
    screenshot(page, "inscription-2-rattachement")
    check_accessibility(page)


def test_lockout_page_is_plain_and_accessible(
    live_server: Any, browser_page: Any, screenshot: Any, check_accessibility: Any
) -> None:
    UserFactory(email="lea@exemple.fr")
    page = browser_page
    for _ in range(5):
        page.goto(live_server.url + "/compte/connexion/")
        page.get_by_label("Adresse électronique").fill("lea@exemple.fr")
        page.get_by_label("Mot de passe").fill("Mauvais-2026")
        page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Compte bloqué pendant une heure")).to_be_visible()
    screenshot(page, "connexion-compte-bloque")
    check_accessibility(page)
    # The right password does not get through during the hour.
    page.goto(live_server.url + "/compte/connexion/")
    page.get_by_label("Adresse électronique").fill("lea@exemple.fr")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Compte bloqué pendant une heure")).to_be_visible()
