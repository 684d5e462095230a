from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from choeur.api.views.transverses import HEALTH_MESSAGE

pytestmark = pytest.mark.django_db


def test_health_check_answers_the_live_platform_body_and_ignores_a_get_body(client: Client) -> None:
    for body in (None, "null", "[]"):
        kwargs = {} if body is None else {"data": body, "content_type": "application/json"}
        response = client.generic("GET", "/cpro/transverses/v1/health-check", **kwargs)
        assert response.status_code == 200
        assert response.json() == {
            "statusCodeValue": 200,
            "statusCode": "OK",
            "body": HEALTH_MESSAGE,
        }


def test_client_credentials_token_as_piste_answers_it(api_account: Any) -> None:
    response = api_account.client.post(
        "/api/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": api_account.client_id,
            "client_secret": api_account.client_secret,
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert 0 < body["expires_in"] <= 32767  # the GO client reads it as an int16
    assert body["access_token"]


def test_bad_client_secret_is_http_400_as_on_piste(api_account: Any) -> None:
    response = api_account.client.post(
        "/api/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": api_account.client_id,
            "client_secret": "faux",
        },
    )
    assert response.status_code == 400
    assert "WWW-Authenticate" not in response


def test_a_call_with_token_and_cpro_account_succeeds(api_account: Any) -> None:
    response = api_account.post("/cpro/transverses/v1/recuperer/devises", {"codeLangue": "fr"})
    assert response.status_code == 200
    assert response.json()["codeRetour"] == 0
    assert response.json()["listeDevises"][0]["codeDevise"] == "EUR"


def test_wrong_cpro_account_password_is_http_401_with_the_envelope(api_account: Any) -> None:
    response = api_account.post(
        "/cpro/transverses/v1/recuperer/devises",
        {},
        HTTP_CPRO_ACCOUNT=api_account.cpro_account(password="mauvais"),
    )
    assert response.status_code == 401
    assert response.json()["codeRetour"] == 401
    assert "compte technique" in response.json()["libelle"]


def test_missing_cpro_account_is_refused(api_account: Any) -> None:
    api_account.fetch_token()
    response = api_account.client.post(
        "/cpro/transverses/v1/recuperer/devises",
        data="{}",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_account.token}",
    )
    assert response.status_code == 401
    assert "cpro-account" in response.json()["libelle"]


def test_missing_token_is_refused_even_with_a_good_cpro_account(
    api_account: Any, client: Client
) -> None:
    response = client.post(
        "/cpro/transverses/v1/recuperer/devises",
        data="{}",
        content_type="application/json",
        HTTP_CPRO_ACCOUNT=api_account.cpro_account(),
    )
    assert response.status_code == 401
    assert response.json()["codeRetour"] == 401


def test_expired_technical_password_is_refused_with_a_clear_reason(api_account: Any) -> None:
    account = api_account.structure.technical_accounts.get()
    account.password_expires_at = timezone.now() - dt.timedelta(minutes=1)
    account.save()
    response = api_account.post("/cpro/transverses/v1/recuperer/devises", {})
    assert response.status_code == 401
    assert "expiré" in response.json()["libelle"]


def test_malformed_json_gets_the_envelope_not_an_html_page(api_account: Any) -> None:
    api_account.fetch_token()
    response = api_account.client.post(
        "/cpro/transverses/v1/recuperer/devises",
        data="{pas du json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_account.token}",
        HTTP_CPRO_ACCOUNT=api_account.cpro_account(),
    )
    assert response.status_code == 400
    assert response.json()["codeRetour"] == 20001


def test_the_password_is_checked_once_per_token_not_on_every_call(
    api_account: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Argon2 costs about 0.3 s of CPU: an ERP's calls with one token pay it once."""
    from choeur.accounts.models import User

    checks: list[str] = []
    real = User.check_password

    def counting(self: Any, raw: str) -> bool:
        checks.append(raw)
        return real(self, raw)

    monkeypatch.setattr(User, "check_password", counting)
    for _ in range(3):
        assert api_account.post("/cpro/transverses/v1/recuperer/devises", {}).status_code == 200
    assert len(checks) == 1
    # A wrong password is never remembered: refused every time, checked every time.
    for _ in range(2):
        response = api_account.post(
            "/cpro/transverses/v1/recuperer/devises",
            {},
            HTTP_CPRO_ACCOUNT=api_account.cpro_account("Mauvais-2026!"),
        )
        assert response.status_code == 401
    assert len(checks) == 3


def test_a_changed_password_ends_what_the_old_one_opened(api_account: Any) -> None:
    assert api_account.post("/cpro/transverses/v1/recuperer/devises", {}).status_code == 200
    user = api_account.structure.technical_accounts.get().user
    user.set_password("Nouveau-Mot-2026!")
    user.save()
    response = api_account.post("/cpro/transverses/v1/recuperer/devises", {})
    assert response.status_code == 401
    api_account.password = "Nouveau-Mot-2026!"
    assert api_account.post("/cpro/transverses/v1/recuperer/devises", {}).status_code == 200
