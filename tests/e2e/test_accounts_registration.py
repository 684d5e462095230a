"""A newcomer registers with a SIRET, activates his account from the email, logs out and in;
another user forgets his password and recovers it. Real browser, real server, real SMTP sink."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from choeur.directory.demo import DEMO_SUPPLIER_2_NAME, DEMO_SUPPLIER_2_SIRET
from tests.accounts.factories import UserFactory, etablissement_create

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Menuiserie-2026"


@pytest.fixture
def site(live_server: Any, smtp_sink: Any, settings: Any) -> Any:
    settings.SITE_URL = live_server.url
    return live_server


def link_from(smtp_sink: Any, to: str, subject: str, path: str) -> str:
    message = smtp_sink.wait_for(lambda m: to in m["To"] and m["Subject"] == subject)
    match = re.search(rf"(https?://\S+{re.escape(path)}\S+/)", smtp_sink.body(message))
    assert match, smtp_sink.body(message)
    return match.group(1)


def code_from(smtp_sink: Any, to: str) -> str:
    """The second factor's code, from the last « Votre code de connexion » email to `to`."""
    smtp_sink.wait_for(lambda m: to in m["To"] and "code de connexion" in smtp_sink.subject(m))
    message = [m for m in smtp_sink.messages if "code de connexion" in smtp_sink.subject(m)][-1]
    match = re.search(r"\b(\d{6})\b", smtp_sink.body(message))
    assert match, smtp_sink.body(message)
    return match.group(1)


def captcha_answer(page: Any) -> str:
    from captcha.models import CaptchaStore

    key = page.locator("input[name='captcha_0']").input_value()
    return CaptchaStore.objects.get(hashkey=key).response.upper()


@pytest.mark.second_factor
def test_newcomer_registers_with_a_siret_activates_and_logs_in(
    site: Any, smtp_sink: Any, browser_page: Any, screenshot: Any, check_accessibility: Any
) -> None:
    etablissement_create(DEMO_SUPPLIER_2_SIRET, name=DEMO_SUPPLIER_2_NAME)
    page = browser_page
    page.goto(site.url + "/")
    page.get_by_role("link", name="Créer un compte").first.click()

    # Step 1
    expect(page.locator(".fr-stepper")).to_contain_text("Étape 1 sur 4")
    check_accessibility(page)
    page.get_by_label("Adresse électronique de connexion").fill("lea.martin@exemple.fr")
    page.get_by_label("N° SIRET de votre structure").fill("123")
    page.get_by_role("button", name="Valider").click()
    expect(
        page.get_by_text("Le numéro SIRET doit comporter exactement 14 chiffres.")
    ).to_be_visible()
    screenshot(page, "inscription-1-siret-errone")
    check_accessibility(page)
    page.get_by_label("N° SIRET de votre structure").fill(DEMO_SUPPLIER_2_SIRET)
    screenshot(page, "inscription-1")
    page.get_by_role("button", name="Valider").click()

    # Step 2
    expect(page.locator(".fr-stepper")).to_contain_text("Étape 2 sur 4")
    page.wait_for_load_state("load")
    # The captcha image is really drawn (5 characters), with its text alternative beside it.
    assert page.locator("img.captcha").evaluate("img => img.complete && img.naturalWidth > 0")
    expect(page.locator("label[for=id_captcha_question]")).to_contain_text("?")
    expect(page.get_by_label("Raison sociale")).to_have_value(DEMO_SUPPLIER_2_NAME)
    expect(page.get_by_label("Déposer des demandes de paiement")).to_be_checked()
    expect(page.get_by_label("Créer et/ou consulter des DUME")).not_to_be_checked()
    check_accessibility(page)
    page.get_by_label("Adresse électronique de connexion").fill("lea.martin@exemple.fr")
    page.locator("#id_last_name").fill("Martin")
    page.get_by_label("Prénom").fill("Léa")
    page.locator("label[for='id_consent']").click()
    page.get_by_label("Recopiez les 5 caractères de l'image").fill(captcha_answer(page))
    page.get_by_label("Vous êtes ?").select_option("ENTREPRISE_PRIVEE")
    screenshot(page, "inscription-2")
    page.get_by_role("button", name="Valider").click()

    # Step 3
    expect(page.locator(".fr-stepper")).to_contain_text("Étape 3 sur 4")
    expect(page.get_by_label("Factures émises")).to_be_checked()
    expect(page.get_by_label("Sollicitations émises")).to_be_checked()
    expect(page.get_by_label("Factures reçues")).not_to_be_checked()
    check_accessibility(page)
    screenshot(page, "inscription-3")
    page.get_by_role("button", name="Valider").click()

    # Step 4: the email, the link, the password and the security question
    expect(page.locator(".fr-stepper")).to_contain_text("Étape 4 sur 4")
    expect(page.get_by_text("lea.martin@exemple.fr").first).to_be_visible()
    check_accessibility(page)
    screenshot(page, "inscription-4-courriel-envoye")
    link = link_from(
        smtp_sink, "lea.martin@exemple.fr", "Activez votre compte", "/compte/activation/"
    )
    page.goto(link)
    expect(page.get_by_role("heading", name="Finalisation de l'inscription")).to_be_visible()
    check_accessibility(page)
    page.locator("#id_password1").fill("court")
    length_rule = page.locator("[data-rule='length']")
    assert "fr-message--info" in (length_rule.get_attribute("class") or "")
    page.locator("#id_password1").fill(PASSWORD)
    assert "fr-message--valid" in (length_rule.get_attribute("class") or "")
    assert "fr-message--valid" in (page.locator("[data-rule='kinds']").get_attribute("class") or "")
    page.get_by_label("Confirmation du mot de passe").fill(PASSWORD)
    page.locator("#id_question_choice").select_option(index=2)
    page.get_by_label("Réponse à la question de sécurité").fill("Saint-Étienne")
    screenshot(page, "inscription-4-finalisation")
    page.get_by_role("button", name="Valider").click()

    # Home page of the new account, with its espaces
    page.wait_for_url(site.url + "/mon-espace/")
    expect(page.get_by_text("Votre compte est activé")).to_be_visible()
    expect(page.get_by_role("link", name="Factures émises").first).to_be_visible()
    screenshot(page, "inscription-5-mon-espace")
    check_accessibility(page)

    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("link", name="Se connecter").first.click()
    page.get_by_label("Adresse électronique").fill("lea.martin@exemple.fr")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    # The second factor (mandatory by default): the code emailed at once.
    expect(page.get_by_role("heading", name="Vérification de connexion")).to_be_visible()
    expect(page.get_by_text("valable 10 minutes")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "inscription-6-code-de-connexion")
    page.get_by_label("Code de vérification").fill(code_from(smtp_sink, "lea.martin@exemple.fr"))
    page.get_by_role("button", name="Vérifier et me connecter").click()
    page.wait_for_url(site.url + "/mon-espace/")
    page.goto(site.url + "/compte/")
    expect(page.get_by_text("Martin Léa")).to_be_visible()
    screenshot(page, "inscription-6-mon-compte")
    check_accessibility(page)


def test_forgotten_password_is_recovered_with_the_link_and_the_answer(
    site: Any, smtp_sink: Any, browser_page: Any, screenshot: Any, check_accessibility: Any
) -> None:
    UserFactory(email="paul@exemple.fr", first_name="Paul")  # answer « Bézier »
    page = browser_page
    page.goto(site.url + "/compte/connexion/")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    check_accessibility(page)
    page.get_by_label("Adresse électronique de connexion").fill("paul@exemple.fr")
    screenshot(page, "mot-de-passe-1")
    page.get_by_role("button", name="Recevoir le lien").click()
    expect(page.get_by_text("Si un compte actif utilise l'adresse")).to_be_visible()
    check_accessibility(page)

    link = link_from(
        smtp_sink,
        "paul@exemple.fr",
        "Réinitialisation de votre mot de passe",
        "/compte/mot-de-passe-oublie/",
    )
    page.goto(link)
    expect(page.get_by_text("Dans quelle ville êtes-vous né(e) ?")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Réponse à votre question de sécurité").fill("Paris")
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("Réponse incorrecte")).to_be_visible()
    screenshot(page, "mot-de-passe-2-mauvaise-reponse")
    check_accessibility(page)
    page.get_by_label("Réponse à votre question de sécurité").fill("BEZIER")
    page.get_by_role("button", name="Valider").click()

    expect(page.get_by_role("heading", name="Nouveau mot de passe")).to_be_visible()
    check_accessibility(page)
    page.locator("#id_password1").fill("Nouveau-Depart-2027")
    page.get_by_label("Confirmation du mot de passe").fill("Nouveau-Depart-2027")
    screenshot(page, "mot-de-passe-3-nouveau")
    page.get_by_role("button", name="Valider").click()

    expect(page.get_by_text("Votre mot de passe a été modifié")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Adresse électronique").fill("paul@exemple.fr")
    page.get_by_label("Mot de passe").fill("Nouveau-Depart-2027")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(site.url + "/mon-espace/")
    screenshot(page, "mot-de-passe-4-connecte")
    smtp_sink.wait_for(lambda m: m["Subject"] == "Votre mot de passe a été modifié")
