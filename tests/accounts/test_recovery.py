"""« Mot de passe oublié ? »: link (time-limited, single use), security answer, new password."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from choeur.accounts.models import AccountToken, TokenPurpose, User
from choeur.core.models import AuditLog
from tests.accounts.factories import PASSWORD, UserFactory, emails_to, link_in

pytestmark = pytest.mark.django_db

NEW = "Nouveau-Mot-2027"


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def user() -> User:
    return UserFactory(email="lea@exemple.fr")  # answer: « Bézier »


def reset_link(client: Client, email: str = "lea@exemple.fr") -> str:
    client.post("/compte/mot-de-passe-oublie/", {"email": email})
    return link_in(emails_to(email)[-1], "/compte/mot-de-passe-oublie/")


def test_request_says_the_same_for_known_and_unknown_addresses(client: Client, user: User) -> None:
    known = text(client.post("/compte/mot-de-passe-oublie/", {"email": "lea@exemple.fr"}))
    unknown = text(client.post("/compte/mot-de-passe-oublie/", {"email": "x@exemple.fr"}))
    assert "Si un compte actif utilise l'adresse" in known
    assert known.replace("lea@exemple.fr", "@") == unknown.replace("x@exemple.fr", "@")
    assert not emails_to("x@exemple.fr")
    [email] = emails_to("lea@exemple.fr")
    assert email.subject == "Réinitialisation de votre mot de passe"
    assert "valable 60 minutes" in email.body_text


def test_reset_email_goes_to_the_login_address_not_the_contact_one(client: Client) -> None:
    UserFactory(email="lea@exemple.fr", contact_email="compta@exemple.fr")
    client.post("/compte/mot-de-passe-oublie/", {"email": "lea@exemple.fr"})
    assert emails_to("lea@exemple.fr") and not emails_to("compta@exemple.fr")


def test_link_asks_the_security_question_before_the_password(client: Client, user: User) -> None:
    link = reset_link(client)
    page = text(client.get(link, follow=True))
    assert "Dans quelle ville êtes-vous né(e) ?" in page
    assert 'name="password1"' not in page
    # Posting a password without the answer changes nothing: the answer form comes back.
    response = client.post(link, {"password1": NEW, "password2": NEW})
    assert "Saisissez la réponse à votre question de sécurité." in text(response)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_wrong_answer_is_refused_and_counted(client: Client, user: User) -> None:
    link = reset_link(client)
    page = text(client.post(link, {"answer": "Paris"}))
    assert "Réponse incorrecte" in page
    assert "Il vous reste 4 essai(s)" in page
    assert AuditLog.objects.filter(action="password_reset.wrong_answer").count() == 1


def test_five_wrong_answers_kill_the_link(client: Client, user: User) -> None:
    link = reset_link(client)
    for _ in range(4):
        client.post(link, {"answer": "Paris"})
    response = client.post(link, {"answer": "Paris"})
    assert "Trop de réponses fausses" in text(response)
    assert client.post(link, {"answer": "Bézier"}).status_code == 410


def test_answer_ignores_case_and_accents_then_password_is_changed(
    client: Client, user: User
) -> None:
    link = reset_link(client)
    response = client.post(link, {"answer": "  BEZIER "})
    assert response.status_code == 302
    page = text(client.get(link, follow=True))
    assert "Nouveau mot de passe" in page
    response = client.post(link, {"password1": NEW, "password2": NEW})
    assert response["Location"] == "/compte/connexion/"
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert AuditLog.objects.filter(action="password_reset.completed").exists()
    assert emails_to("lea@exemple.fr")[-1].subject == "Votre mot de passe a été modifié"
    # Single use.
    assert client.get(link, follow=True).status_code == 410


def test_new_password_follows_the_rule(client: Client, user: User) -> None:
    link = reset_link(client)
    client.post(link, {"answer": "bézier"})
    response = client.post(link, {"password1": "abcdefghij", "password2": "abcdefghij"})
    assert "au moins 3 types de caractères" in text(response)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_reset_link_expires(client: Client, user: User) -> None:
    link = reset_link(client)
    AccountToken.objects.filter(purpose=TokenPurpose.PASSWORD_RESET).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get(link, follow=True)
    assert response.status_code == 410
    assert "Ce lien a expiré" in text(response)


def test_a_newer_link_replaces_the_older(client: Client, user: User) -> None:
    first = reset_link(client)
    second = reset_link(client)
    assert client.get(first, follow=True).status_code == 410
    assert client.get(second, follow=True).status_code == 200


def test_no_link_for_a_deactivated_account(client: Client) -> None:
    UserFactory(email="lea@exemple.fr", is_active=False)
    client.post("/compte/mot-de-passe-oublie/", {"email": "lea@exemple.fr"})
    assert not emails_to("lea@exemple.fr")


def test_reset_ends_a_lockout(client: Client, user: User) -> None:
    for _ in range(5):
        client.post("/compte/connexion/", {"username": "lea@exemple.fr", "password": "x"})
    assert AccessAttempt.objects.filter(username="lea@exemple.fr").exists()
    link = reset_link(client)
    client.post(link, {"answer": "Bézier"})
    client.post(link, {"password1": NEW, "password2": NEW})
    assert not AccessAttempt.objects.filter(username="lea@exemple.fr").exists()
    response = client.post("/compte/connexion/", {"username": "lea@exemple.fr", "password": NEW})
    assert response.status_code == 302
