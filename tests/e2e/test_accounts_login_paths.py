"""Every login path in a real browser, failures included (issue 16): the second factor's code
(wrong, then right), ProConnect through a real OpenID Connect provider on 127.0.0.1 (accepted,
then a refused answer), a passkey the device does not hold. The password, passkey success and
recovery paths: test_accounts_registration.py, test_accounts_passkeys.py, test_accounts_security.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.accounts import oidc_provider
from tests.accounts.factories import PASSWORD, UserFactory
from tests.e2e.test_accounts_passkeys import add_virtual_authenticator
from tests.e2e.test_accounts_registration import code_from

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.second_factor]

EMAIL = "lea@exemple.fr"


@pytest.fixture
def provider(settings: Any) -> Iterator[oidc_provider.Provider]:
    with oidc_provider.running() as running:
        settings.PROCONNECT_ISSUER = running.url
        settings.PROCONNECT_CLIENT_ID = oidc_provider.CLIENT_ID
        settings.PROCONNECT_CLIENT_SECRET = oidc_provider.CLIENT_SECRET
        running.claims = {"sub": "pc-lea", "email": EMAIL, "siret": "84211943000010"}
        yield running


def password_step(page: Any, url: str) -> None:
    page.goto(url + "/compte/connexion/")
    page.get_by_label("Adresse électronique").fill(EMAIL)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter", exact=True).click()


def test_a_wrong_code_is_refused_then_the_emailed_one_logs_in(
    live_server: Any, smtp_sink: Any, settings: Any, browser_page: Any, check_accessibility: Any
) -> None:
    settings.SITE_URL = live_server.url
    UserFactory(email=EMAIL)
    page = browser_page
    password_step(page, live_server.url)
    expect(page.get_by_role("heading", name="Vérification de connexion")).to_be_visible()
    page.get_by_label("Code de vérification").fill("000000")
    page.get_by_role("button", name="Vérifier et me connecter").click()
    expect(page.get_by_text("Code incorrect ou expiré")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Code de vérification").fill(code_from(smtp_sink, EMAIL))
    page.get_by_role("button", name="Vérifier et me connecter").click()
    expect(page).to_have_url(re.compile(r"/mon-espace/$"))


def test_proconnect_logs_in_a_known_address_and_a_refused_answer_logs_in_nobody(
    live_server: Any, provider: oidc_provider.Provider, browser_page: Any, screenshot: Any
) -> None:
    UserFactory(email=EMAIL)
    page = browser_page
    page.goto(live_server.url + "/compte/connexion/")
    page.get_by_role("link", name="S'identifier avec ProConnect").click()
    # The provider (on 127.0.0.1) sends the browser back with a code: logged in, no code asked.
    expect(page).to_have_url(re.compile(r"/mon-espace/$"))
    screenshot(page, "proconnect-connecte")
    page.get_by_role("button", name="Se déconnecter").click()

    provider.wrong_nonce = True
    page.goto(live_server.url + "/compte/connexion/")
    page.get_by_role("link", name="S'identifier avec ProConnect").click()
    expect(page).to_have_url(re.compile(r"/compte/connexion/$"))
    expect(page.get_by_text("La connexion par ProConnect n'a pas abouti")).to_be_visible()
    page.goto(live_server.url + "/compte/")
    expect(page).to_have_url(re.compile(r"/compte/connexion/"))


def test_a_passkey_the_device_does_not_hold_is_refused_in_french(
    live_server: Any, settings: Any, browser_page: Any
) -> None:
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    page = browser_page
    add_virtual_authenticator(page)
    page.goto(live_server.url + "/compte/connexion/")
    page.get_by_role("button", name="Utiliser une clé d'accès").click()
    expect(page.locator("#passkey-verification-status-message")).to_contain_text(
        re.compile("annulée|refusée|échoué")
    )
    expect(page).to_have_url(re.compile(r"/compte/connexion/$"))
