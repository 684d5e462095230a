"""« S'identifier avec ProConnect » (issue 16) against a real OpenID Connect provider on
127.0.0.1 (tests/accounts/oidc_provider.py): login, linking by email then by `sub`, the start of
a registration, and the refusals (state, nonce, expired token, provider down)."""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client

from choeur.accounts.models import User
from choeur.core.models import AuditLog
from tests.accounts import oidc_provider
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "agent@exemple.gouv.fr"


@pytest.fixture
def provider(settings: Any) -> Iterator[oidc_provider.Provider]:
    with oidc_provider.running() as running:
        settings.PROCONNECT_ISSUER = running.url
        settings.PROCONNECT_CLIENT_ID = oidc_provider.CLIENT_ID
        settings.PROCONNECT_CLIENT_SECRET = oidc_provider.CLIENT_SECRET
        running.claims = {
            "sub": "pc-sub-0001",
            "email": EMAIL,
            "given_name": "Agnès",
            "usual_name": "Durand",
            "siret": "13002526500013",
        }
        yield running


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


def through_provider(client: Client, *, tamper_state: bool = False) -> Any:
    """The browser's trip: Chœur → the provider (which logs the person in) → Chœur."""
    start = client.get("/compte/proconnect/")
    assert start.status_code == 302
    authorize = start["Location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"][0]
    back = requests.get(authorize, allow_redirects=False, timeout=5)
    assert back.status_code == 302
    callback = urlsplit(back.headers["Location"])
    params = callback.query
    if tamper_state:
        params = params.replace("state=", "state=x")
    return client.get(f"{callback.path}?{params}")


def logged_in(client: Client) -> bool:
    return client.get("/compte/").status_code == 200


def test_the_button_shows_only_when_configured(
    client: Client, provider: Any, settings: Any
) -> None:
    assert "S'identifier avec ProConnect" in text(client.get("/compte/connexion/"))
    settings.PROCONNECT_ISSUER = ""
    assert "S'identifier avec ProConnect" not in text(client.get("/compte/connexion/"))
    assert client.get("/compte/proconnect/").status_code == 404


def test_a_first_login_links_the_account_with_the_same_email_then_holds_by_sub(
    client: Client, provider: oidc_provider.Provider
) -> None:
    user = UserFactory(email="Agent@Exemple.gouv.fr")
    response = through_provider(client)
    assert response.status_code == 302 and response["Location"] == "/mon-espace/"
    assert logged_in(client)
    user.refresh_from_db()
    assert user.proconnect_sub == "pc-sub-0001"
    assert AuditLog.objects.filter(action="account.proconnect_linked").count() == 1
    login = AuditLog.objects.filter(action="account.login", object_id=str(user.pk)).get()
    assert login.after == {"factor": "proconnect"}
    # The person's address changes at ProConnect: the link by `sub` still finds the account.
    client.post("/compte/deconnexion/")
    provider.claims["email"] = "nouvelle@exemple.gouv.fr"
    assert through_provider(client)["Location"] == "/mon-espace/"
    assert logged_in(client)


def test_without_an_account_the_registration_starts_with_email_and_siret(
    client: Client, provider: oidc_provider.Provider
) -> None:
    response = through_provider(client)
    assert response["Location"] == "/compte/inscription/"
    assert not logged_in(client)
    page = text(client.get("/compte/inscription/"))
    assert f'value="{EMAIL}"' in page
    assert 'value="13002526500013"' in page
    assert "déjà remplis" in page
    assert not User.objects.filter(email=EMAIL).exists()


@pytest.mark.parametrize("case", ["state", "nonce", "expired"])
def test_a_refused_state_nonce_or_expired_token_logs_nobody_in(
    client: Client, provider: oidc_provider.Provider, case: str
) -> None:
    UserFactory(email=EMAIL)
    provider.wrong_nonce = case == "nonce"
    provider.expired = case == "expired"
    response = through_provider(client, tamper_state=case == "state")
    assert response.status_code == 302 and response["Location"] == "/compte/connexion/"
    assert "n'a pas abouti" in text(client.get("/compte/connexion/"))
    assert not logged_in(client)
    assert not User.objects.filter(proconnect_sub__isnull=False).exists()


def test_a_callback_without_a_started_attempt_is_refused(
    client: Client, provider: oidc_provider.Provider
) -> None:
    UserFactory(email=EMAIL)
    response = client.get("/compte/proconnect/retour/?code=abc&state=def")
    assert response["Location"] == "/compte/connexion/"
    assert not logged_in(client)


def test_a_provider_out_of_reach_says_so(client: Client, settings: Any) -> None:
    settings.PROCONNECT_ISSUER = "http://127.0.0.1:9"  # nothing listens there
    settings.PROCONNECT_CLIENT_ID = oidc_provider.CLIENT_ID
    settings.PROCONNECT_CLIENT_SECRET = oidc_provider.CLIENT_SECRET
    response = client.get("/compte/proconnect/", follow=True)
    assert "ProConnect ne répond pas" in text(response)


def test_an_account_linked_to_another_sub_is_not_taken_over(
    client: Client, provider: oidc_provider.Provider
) -> None:
    UserFactory(email=EMAIL, proconnect_sub="une-autre-personne")
    response = through_provider(client)
    assert response["Location"] == "/compte/inscription/"
    assert not logged_in(client)


def test_a_newcomer_from_proconnect_registers_without_password_nor_activation_link(
    client: Client, provider: oidc_provider.Provider
) -> None:
    from tests.accounts.factories import (
        ESPACES_DEFAULT,
        SIRET,
        details_data,
        emails_to,
        etablissement_create,
    )

    etablissement_create(SIRET)
    provider.claims["siret"] = SIRET
    assert through_provider(client)["Location"] == "/compte/inscription/"
    # Steps 1 to 3 as anyone, with ProConnect's email and SIRET already in step 1.
    assert client.post("/compte/inscription/", {"email": EMAIL, "siret": SIRET}).status_code == 302
    details = details_data(client, email_confirmation=EMAIL)
    assert client.post("/compte/inscription/informations/", details).status_code == 302
    done = client.post("/compte/inscription/espaces/", ESPACES_DEFAULT)
    assert done.status_code == 302 and done["Location"] == "/mon-espace/"
    assert logged_in(client)
    user = User.objects.get(email=EMAIL)
    assert user.proconnect_sub == "pc-sub-0001"
    assert not user.has_usable_password()
    assert user.rattachements.filter(structure__identifier=SIRET).exists()
    assert not [e for e in emails_to(EMAIL) if "Activez" in e.subject]
    # Next time, ProConnect logs in at once.
    client.post("/compte/deconnexion/")
    assert through_provider(client)["Location"] == "/mon-espace/"
