from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_says_what_the_platform_is_for_and_offers_registration(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Déposez et suivez vos factures" in html
    assert reverse("accounts:register") in html
    assert "Se connecter" in html
    assert 'lang="fr"' in html


def test_footer_carries_the_mandatory_mentions(client: Client) -> None:
    html = client.get("/").content.decode()
    for label in ("Accessibilité", "Mentions légales", "Données personnelles", "Plan du site"):
        assert label in html
    for slug in ("accessibilite", "mentions-legales", "donnees-personnelles", "plan-du-site"):
        assert client.get(reverse("core:legal", args=[slug])).status_code == 200


@override_settings(DSFR_STATE_BRAND=False)
def test_state_brand_block_is_absent_for_a_non_state_deployer(client: Client) -> None:
    assert "fr-logo" not in client.get("/").content.decode()


@override_settings(DSFR_STATE_BRAND=True)
def test_state_brand_block_is_shown_for_a_state_deployer(client: Client) -> None:
    html = client.get("/").content.decode()
    assert 'class="fr-logo"' in html
    assert "République<br>Française" in html


@override_settings(DEBUG=False)
def test_unknown_page_answers_a_dsfr_404(client: Client) -> None:
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
    assert "fr-header" in response.content.decode()


def test_dashboard_requires_login(client: Client) -> None:
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_error_500_page_renders_without_request_context(rf) -> None:  # type: ignore[no-untyped-def]
    from choeur.core.views import error_500

    response = error_500(rf.get("/"))
    assert response.status_code == 500
    assert "Erreur inattendue" in response.content.decode()


def test_responses_carry_a_content_security_policy(client: Client) -> None:
    policy = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
