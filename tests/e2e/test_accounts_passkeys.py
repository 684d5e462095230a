"""Passkeys in a real browser (issue 16): Chromium's virtual authenticator (WebAuthn through the
DevTools protocol) plays the phone; a key is added from « Sécurité de connexion », then replaces
the password and the code at the next login."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from choeur.core.models import AuditLog
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.second_factor]


def add_virtual_authenticator(page: Any) -> None:
    """Chromium's virtual authenticator (DevTools protocol): a device that holds passkeys, with
    its user verification (PIN, fingerprint) always given."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def test_a_passkey_added_in_my_account_replaces_password_and_code(
    live_server: Any, settings: Any, browser_page: Any, screenshot: Any, check_accessibility: Any
) -> None:
    origin = live_server.url  # http://localhost:<port>: browsers accept localhost for WebAuthn
    assert origin.startswith("http://localhost")
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [origin]
    settings.SECOND_FACTOR_REQUIRED = False  # the key's login is what is tested here
    user = UserFactory(email="lea@exemple.fr", first_name="Léa")
    page = browser_page
    add_virtual_authenticator(page)
    page.goto(origin + "/compte/connexion/")
    page.get_by_label("Adresse électronique").fill("lea@exemple.fr")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter", exact=True).click()
    expect(page).to_have_url(re.compile(r"/mon-espace/$"))

    page.goto(origin + "/compte/securite/")
    page.get_by_role("link", name="Ajouter une clé d'accès").click()
    # The password first, as for any change of the ways to log in.
    expect(page.get_by_role("heading", name="Confirmez votre mot de passe")).to_be_visible()
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_role("heading", name="Ajouter une clé d'accès")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Ajouter une clé d'accès").click()
    expect(page.get_by_text("Clé d'accès ajoutée.")).to_be_visible()
    screenshot(page, "cle-d-acces-ajoutee")
    page.get_by_role("link", name="Retour à Sécurité de connexion").click()
    expect(page.get_by_role("cell", name="Clé d'accès", exact=True)).to_be_visible()

    page.get_by_role("button", name="Se déconnecter").click()
    page.goto(origin + "/compte/connexion/")
    page.get_by_role("button", name="Utiliser une clé d'accès").click()
    expect(page).to_have_url(re.compile(r"/mon-espace/$"))
    login = AuditLog.objects.filter(action="account.login", object_id=str(user.pk)).latest("pk")
    assert login.after == {"factor": "passkey"}
