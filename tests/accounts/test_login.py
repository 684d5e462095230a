"""Connexion: generic messages, lockout after 5 failures for 1 hour, audit rows, logout."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.test import Client

from choeur.core.models import AuditLog
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

GENERIC = "Adresse électronique ou mot de passe incorrect."


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


def login(client: Client, email: str, password: str) -> Any:
    return client.post("/compte/connexion/", {"username": email, "password": password})


def test_login_with_email_and_password_lands_on_the_dashboard_and_is_audited(
    client: Client,
) -> None:
    user = UserFactory(email="lea@exemple.fr")
    response = login(client, "Lea@Exemple.fr", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/mon-espace/"
    assert AuditLog.objects.filter(action="account.login", object_id=str(user.pk)).count() == 1


def test_login_page_links_to_recovery_resend_and_registration(client: Client) -> None:
    page = text(client.get("/compte/connexion/"))
    assert "Mot de passe oublié ?" in page
    assert "Renvoyer le lien d'activation" in page
    assert "/compte/inscription/" in page


def test_wrong_password_and_unknown_email_get_the_same_message(client: Client) -> None:
    UserFactory(email="lea@exemple.fr")
    wrong = text(login(client, "lea@exemple.fr", "Mauvais-2026"))
    unknown = text(login(client, "personne@exemple.fr", "Mauvais-2026"))
    assert GENERIC in wrong and GENERIC in unknown
    assert "Activez d'abord votre compte avec le lien reçu par courriel" in unknown
    assert "n'est pas activé" not in wrong + unknown


def test_deactivated_account_gets_the_generic_message(client: Client) -> None:
    UserFactory(email="lea@exemple.fr", is_active=False)
    page = text(login(client, "lea@exemple.fr", PASSWORD))
    assert GENERIC in page


def test_five_failures_lock_the_account_for_an_hour_with_a_plain_message(client: Client) -> None:
    user = UserFactory(email="lea@exemple.fr")
    for _ in range(4):
        assert login(client, "lea@exemple.fr", "Mauvais-2026").status_code == 200
    response = login(client, "lea@exemple.fr", "Mauvais-2026")
    assert response.status_code == 429
    page = text(response)
    assert "Compte bloqué pendant une heure" in page
    assert "5 fois de suite" in page
    # Even the right password is refused while locked.
    assert login(client, "lea@exemple.fr", PASSWORD).status_code == 429
    assert AuditLog.objects.filter(action="account.locked_out", object_id=str(user.pk)).exists()


def test_lockout_of_an_unknown_address_looks_the_same(client: Client) -> None:
    for _ in range(5):
        response = login(client, "personne@exemple.fr", "Mauvais-2026")
    assert response.status_code == 429
    assert "Compte bloqué pendant une heure" in text(response)
    assert AuditLog.objects.filter(
        action="account.locked_out", object_type="axes.accessattempt"
    ).exists()


def test_lockout_lasts_one_hour(settings: Any) -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == 1
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username"]


def test_logout_ends_the_session(client: Client) -> None:
    UserFactory(email="lea@exemple.fr")
    login(client, "lea@exemple.fr", PASSWORD)
    response = client.post("/compte/deconnexion/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get("/compte/")["Location"].startswith("/compte/connexion/")


def test_sessions_expire(settings: Any, client: Client) -> None:
    UserFactory(email="lea@exemple.fr")
    settings.SESSION_COOKIE_AGE = 600
    login(client, "lea@exemple.fr", PASSWORD)
    assert client.session.get_expiry_age() == 600


def test_a_technical_account_cannot_sign_in_to_the_portal(client: Client) -> None:
    UserFactory(email="TECH_1_73282932000074@cpro.fr", is_technical=True)
    response = login(client, "TECH_1_73282932000074@cpro.fr", PASSWORD)
    assert response.status_code == 200
    assert "sert uniquement à l'API" in text(response)
    assert "_auth_user_id" not in client.session


def test_login_page_offers_the_support_form_to_people_who_cannot_connect(client: Client) -> None:
    assert "/sollicitations/contact/" in text(client.get("/compte/connexion/"))


def test_each_request_renews_the_session(client: Client) -> None:
    import time

    UserFactory(email="lea@exemple.fr")
    login(client, "lea@exemple.fr", PASSWORD)
    first = client.cookies["sessionid"]["expires"]
    time.sleep(1.1)
    client.get("/compte/")
    assert client.cookies["sessionid"]["expires"] != first


def test_profile_links_to_rattachements_and_espace_subscriptions(client: Client) -> None:
    user = UserFactory(email="lea@exemple.fr")
    client.force_login(user)
    page = text(client.get("/compte/"))
    assert "Mes rattachements" in page
    assert "Mes abonnements aux espaces" in page
