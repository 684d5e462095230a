"""« Mon compte »: details, contact email, password, security question, login email, deactivation."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.test import Client

from choeur.accounts.models import User
from choeur.accounts.passwords import security_answer_matches
from choeur.core.models import AuditLog
from tests.accounts.factories import PASSWORD, UserFactory, emails_to, link_in

pytestmark = pytest.mark.django_db

NEW = "Nouveau-Mot-2027"


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def user(client: Client) -> User:
    user = UserFactory(email="lea@exemple.fr", first_name="Léa", last_name="Dupont")
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    "url",
    [
        "/compte/",
        "/compte/modifier/",
        "/compte/mot-de-passe/",
        "/compte/question-de-securite/",
        "/compte/adresse-de-connexion/",
        "/compte/desactiver/",
    ],
)
def test_account_pages_need_a_login(client: Client, url: str) -> None:
    assert client.get(url)["Location"].startswith("/compte/connexion/")


def test_profile_shows_the_account_and_its_actions(client: Client, user: User) -> None:
    page = text(client.get("/compte/"))
    assert "lea@exemple.fr" in page and "Dupont Léa" in page
    assert "lea@exemple.fr (adresse de connexion)" in page
    for label in [
        "Modifier mes informations",
        "Changer mon mot de passe",
        "Changer ma question de sécurité",
        "Changer mon adresse de connexion",
        "Désactiver mon compte",
    ]:
        assert label in page


def test_profile_edit_changes_names_phone_and_contact_email(client: Client, user: User) -> None:
    response = client.post(
        "/compte/modifier/",
        {
            "last_name": "Durand",
            "first_name": "Léa",
            "phone": "0102030405",
            "contact_email": "Compta@Exemple.fr",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.last_name, user.phone, user.notification_email) == (
        "Durand",
        "0102030405",
        "compta@exemple.fr",
    )
    row = AuditLog.objects.get(action="account.updated")
    assert row.before["last_name"] == "Dupont" and row.after["last_name"] == "Durand"


def test_profile_edit_refuses_an_empty_name(client: Client, user: User) -> None:
    response = client.post("/compte/modifier/", {"last_name": "", "first_name": "Léa"})
    assert "Saisissez votre nom." in text(response)


def test_password_change_needs_the_current_password(client: Client, user: User) -> None:
    response = client.post(
        "/compte/mot-de-passe/", {"current_password": "faux", "password1": NEW, "password2": NEW}
    )
    assert "Mot de passe actuel incorrect." in text(response)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_follows_the_rule_and_keeps_the_session(client: Client, user: User) -> None:
    response = client.post(
        "/compte/mot-de-passe/",
        {"current_password": PASSWORD, "password1": "Dupont2026", "password2": "Dupont2026"},
    )
    assert "trop semblable" in text(response)
    response = client.post(
        "/compte/mot-de-passe/", {"current_password": PASSWORD, "password1": NEW, "password2": NEW}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert client.get("/compte/").status_code == 200
    assert AuditLog.objects.filter(action="account.password_changed").exists()


def test_security_question_change(client: Client, user: User) -> None:
    response = client.post(
        "/compte/question-de-securite/",
        {
            "current_password": PASSWORD,
            "question_choice": "Quel est le titre de votre livre préféré ?",
            "answer": "Les Misérables",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.security_question == "Quel est le titre de votre livre préféré ?"
    assert security_answer_matches("les miserables", user.security_answer)
    assert not security_answer_matches("Bézier", user.security_answer)


def test_login_email_change_needs_the_link_sent_to_the_new_address(
    client: Client, user: User
) -> None:
    response = client.post(
        "/compte/adresse-de-connexion/",
        {"current_password": PASSWORD, "new_email": "Lea.Dupont@Exemple.fr"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "lea@exemple.fr"  # nothing changes yet
    [notice] = emails_to("lea@exemple.fr")
    assert "lea.dupont@exemple.fr" in notice.body_text
    link = link_in(emails_to("lea.dupont@exemple.fr")[0], "/compte/adresse-de-connexion/")
    # Opening the link (a mail scanner may do it) changes nothing; the button does.
    confirm_page = text(client.get(link, follow=True))
    assert "deviendra <strong>lea.dupont@exemple.fr</strong>" in confirm_page
    user.refresh_from_db()
    assert user.email == "lea@exemple.fr"
    response = client.post(link, follow=True)
    assert "Votre adresse de connexion est désormais lea.dupont@exemple.fr" in text(response)
    user.refresh_from_db()
    assert user.email == "lea.dupont@exemple.fr"
    assert emails_to("lea@exemple.fr")[-1].subject == "Votre adresse de connexion a été modifiée"
    row = AuditLog.objects.get(action="account.email_changed")
    assert (row.before, row.after) == (
        {"email": "lea@exemple.fr"},
        {"email": "lea.dupont@exemple.fr"},
    )
    assert client.get(link, follow=True).status_code == 410


def test_login_email_change_refuses_bad_input(client: Client, user: User) -> None:
    page = text(
        client.post(
            "/compte/adresse-de-connexion/",
            {"current_password": PASSWORD, "new_email": "lea@exemple.fr"},
        )
    )
    assert "C'est déjà votre adresse de connexion." in page
    page = text(
        client.post(
            "/compte/adresse-de-connexion/", {"current_password": "x", "new_email": "b@exemple.fr"}
        )
    )
    assert "Mot de passe actuel incorrect." in page


def test_login_email_change_to_a_taken_address_fails_at_confirmation(
    client: Client, user: User
) -> None:
    client.post(
        "/compte/adresse-de-connexion/",
        {"current_password": PASSWORD, "new_email": "pris@exemple.fr"},
    )
    UserFactory(email="pris@exemple.fr")
    link = link_in(emails_to("pris@exemple.fr")[0], "/compte/adresse-de-connexion/")
    response = client.post(link, follow=True)
    assert "déjà l'adresse de connexion d'un autre compte" in text(response)
    user.refresh_from_db()
    assert user.email == "lea@exemple.fr"


def test_deactivation_needs_password_and_confirmation_then_blocks_login(
    client: Client, user: User
) -> None:
    page = text(client.post("/compte/desactiver/", {"current_password": PASSWORD}))
    assert "Cochez la case pour confirmer la désactivation." in page
    response = client.post("/compte/desactiver/", {"current_password": PASSWORD, "confirm": "on"})
    assert response["Location"] == "/"
    user.refresh_from_db()
    assert not user.is_active
    assert "_auth_user_id" not in client.session
    assert AuditLog.objects.filter(action="account.deactivated").exists()
    response = client.post(
        "/compte/connexion/", {"username": "lea@exemple.fr", "password": PASSWORD}
    )
    assert response.status_code == 200
