"""Passkeys (issue 16), server side: registering one asks for the password first, removing one
too; the script's texts are French; the login page offers the key. The ceremony itself runs
in a real browser: tests/e2e/test_accounts_passkeys.py."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.test import Client
from django_otp_webauthn.models import WebAuthnCredential

from choeur.accounts.models import User
from choeur.core.models import AuditLog
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

BEGIN = "/compte/cle-d-acces/registration/begin/"


@pytest.fixture
def user() -> User:
    return UserFactory(email="lea@exemple.fr")


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


def test_registering_a_key_needs_the_password_confirmed_first(client: Client, user: User) -> None:
    client.force_login(user)
    refused = client.post(BEGIN, content_type="application/json")
    assert refused.status_code == 403
    assert "Confirmez d'abord votre mot de passe" in refused.json()["detail"]
    page = client.get("/compte/securite/cle-d-acces/")
    assert page["Location"].startswith("/compte/securite/confirmation/")
    client.post("/compte/securite/confirmation/", {"password": PASSWORD})
    options = client.post(BEGIN, content_type="application/json")
    assert options.status_code == 200, options.content
    assert options.json()["rp"]["id"] == "localhost"
    assert "passkey-register-button" in text(client.get("/compte/securite/cle-d-acces/"))


def test_nobody_registers_a_key_without_being_logged_in(client: Client) -> None:
    assert client.post(BEGIN, content_type="application/json").status_code in (401, 403)


def test_removing_a_key_needs_the_password_and_touches_only_ones_own(
    client: Client, user: User
) -> None:
    mine = WebAuthnCredential.objects.create(
        user=user, name="Téléphone", confirmed=True, credential_id=b"cle-1", public_key=b"k"
    )
    other = UserFactory(email="autre@exemple.fr")
    theirs = WebAuthnCredential.objects.create(
        user=other, name="Le sien", confirmed=True, credential_id=b"cle-2", public_key=b"k"
    )
    client.force_login(user)
    assert "Téléphone" in text(client.get("/compte/securite/"))
    first = client.post(f"/compte/securite/cle-d-acces/{mine.pk}/retirer/")
    assert first["Location"].startswith("/compte/securite/confirmation/")
    assert WebAuthnCredential.objects.filter(pk=mine.pk).exists()
    client.post("/compte/securite/confirmation/", {"password": PASSWORD})
    client.post(f"/compte/securite/cle-d-acces/{theirs.pk}/retirer/")
    assert WebAuthnCredential.objects.filter(pk=theirs.pk).exists()
    client.post(f"/compte/securite/cle-d-acces/{mine.pk}/retirer/")
    assert not WebAuthnCredential.objects.filter(pk=mine.pk).exists()
    assert AuditLog.objects.filter(action="account.factor_removed").count() == 1


def test_the_login_page_offers_a_key_and_the_script_speaks_french(client: Client) -> None:
    page = text(client.get("/compte/connexion/"))
    assert "Utiliser une clé d'accès" in page
    assert 'id="otp_webauthn_config"' in page
    catalog = client.get("/compte/cle-d-acces/jsi18n/").content.decode()
    assert "Verification canceled or not allowed." in catalog  # the library's text...
    assert "V\\u00e9rification annul\\u00e9e ou refus\\u00e9e" in catalog or (
        "Vérification annulée ou refusée" in catalog
    )  # ...and its French
