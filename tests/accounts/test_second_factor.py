"""The second factor at login (issue 16): an emailed code by default, an authenticator app,
recovery codes; wrong codes lock like wrong passwords; « Sécurité de connexion » in Mon compte."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from choeur.accounts import second_factor
from choeur.accounts.models import User
from choeur.core.models import AuditLog
from tests.accounts.factories import PASSWORD, UserFactory, emails_to

pytestmark = [pytest.mark.django_db, pytest.mark.second_factor]

EMAIL = "lea@exemple.fr"


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


def password_step(client: Client, email: str = EMAIL, password: str = PASSWORD) -> Any:
    return client.post("/compte/connexion/", {"username": email, "password": password})


def code_step(client: Client, code: str, method: str = "email") -> Any:
    return client.post(
        "/compte/connexion/verification/", {"action": "verify", "method": method, "code": code}
    )


def emailed_code(address: str = EMAIL) -> str:
    codes = [e for e in emails_to(address) if "code de connexion" in e.subject]
    assert codes, [e.subject for e in emails_to(address)]
    match = re.search(r"\b(\d{6})\b", codes[-1].body_text)
    assert match, codes[-1].body_text
    return match.group(1)


def logged_in(client: Client) -> bool:
    return client.get("/compte/").status_code == 200


@pytest.fixture
def user() -> User:
    return UserFactory(email=EMAIL, first_name="Léa")


def test_the_password_alone_does_not_log_in_an_emailed_code_does(
    client: Client, user: User
) -> None:
    response = password_step(client)
    assert response.status_code == 302
    assert response["Location"] == "/compte/connexion/verification/"
    assert not logged_in(client)
    page = text(client.get("/compte/connexion/verification/"))
    assert "valable 10 minutes" in page and EMAIL in page
    [email] = [e for e in emails_to(EMAIL) if "code de connexion" in e.subject]
    assert email.carries_secrets
    assert "valable 10 minutes" in email.body_text
    done = code_step(client, emailed_code())
    assert done.status_code == 302 and done["Location"] == "/mon-espace/"
    assert logged_in(client)
    login = AuditLog.objects.get(action="account.login", object_id=str(user.pk))
    assert login.after == {"factor": "email"}


def test_a_code_serves_once_and_expires_after_ten_minutes(client: Client, user: User) -> None:
    password_step(client)
    code = emailed_code()
    assert code_step(client, code).status_code == 302
    client.post("/compte/deconnexion/")
    password_step(client)  # a new code is sent; the old one is spent
    assert "Code incorrect ou expiré" in text(code_step(client, code))
    device = EmailDevice.objects.get(user=user)
    device.valid_until = timezone.now() - dt.timedelta(seconds=1)
    device.save()
    assert "Code incorrect ou expiré" in text(code_step(client, emailed_code()))
    assert not logged_in(client)


def test_a_new_code_waits_a_minute_then_replaces_the_old(client: Client, user: User) -> None:
    password_step(client)
    first = emailed_code()
    resend = client.post(
        "/compte/connexion/verification/", {"action": "resend", "method": "email"}, follow=True
    )
    assert "patientez" in text(resend)
    assert len([e for e in emails_to(EMAIL) if "code de connexion" in e.subject]) == 1
    device = EmailDevice.objects.get(user=user)
    device.last_generated_timestamp = timezone.now() - dt.timedelta(seconds=61)
    device.save()
    again = client.post(
        "/compte/connexion/verification/", {"action": "resend", "method": "email"}, follow=True
    )
    assert "Un nouveau code vient de partir" in text(again)
    second = emailed_code()
    if second != first:
        assert "Code incorrect" in text(code_step(client, first))
    assert code_step(client, second).status_code == 302


def test_five_wrong_codes_lock_the_account_like_five_wrong_passwords(
    client: Client, user: User
) -> None:
    password_step(client)
    for _ in range(4):
        assert "Code incorrect" in text(code_step(client, "000000"))
    locked = code_step(client, "000000")
    assert locked.status_code == 429
    assert "Compte bloqué pendant une heure" in text(locked)
    # Locked: the right password is refused too, and the pending step is gone.
    assert password_step(client).status_code == 429
    assert client.get("/compte/connexion/verification/").status_code == 302
    assert not logged_in(client)


def test_the_second_step_cannot_be_reached_without_the_password(client: Client, user: User) -> None:
    response = client.get("/compte/connexion/verification/")
    assert response.status_code == 302 and response["Location"] == "/compte/connexion/"
    assert code_step(client, "123456").status_code == 302
    assert not logged_in(client)


def test_a_wrong_password_sends_no_code(client: Client, user: User) -> None:
    password_step(client, password="Mauvais-2026")
    assert not [e for e in emails_to(EMAIL) if "code de connexion" in e.subject]


def test_the_operator_may_make_it_optional(client: Client, user: User, settings: Any) -> None:
    settings.SECOND_FACTOR_REQUIRED = False
    response = password_step(client)
    assert response["Location"] == "/mon-espace/"
    assert logged_in(client)


def reauthenticate(client: Client) -> None:
    response = client.post("/compte/securite/confirmation/", {"password": PASSWORD})
    assert response.status_code == 302, text(response)


def test_an_authenticator_app_is_added_after_the_password_and_asked_at_login(
    client: Client, user: User, settings: Any
) -> None:
    client.force_login(user)
    start = client.get("/compte/securite/application/")
    assert start["Location"].startswith("/compte/securite/confirmation/")
    wrong = client.post("/compte/securite/confirmation/", {"password": "Mauvais-2026"})
    assert "Mot de passe incorrect" in text(wrong)
    reauthenticate(client)
    client.post("/compte/securite/application/", {"name": "Téléphone professionnel"})
    page = text(client.get("/compte/securite/application/"))
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page)
    assert secret and "<svg" in page
    assert "Code incorrect" in text(
        client.post("/compte/securite/application/", {"code": "000000"})
    )
    confirmed = client.post(
        "/compte/securite/application/", {"code": second_factor.totp_now(device)}
    )
    assert confirmed.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert AuditLog.objects.filter(action="account.factor_added").exists()

    # At the next login, even with the setting off, the app is asked first.
    settings.SECOND_FACTOR_REQUIRED = False
    client.post("/compte/deconnexion/")
    assert password_step(client)["Location"] == "/compte/connexion/verification/"
    assert "application d'authentification" in text(client.get("/compte/connexion/verification/"))
    assert not [e for e in emails_to(EMAIL) if "code de connexion" in e.subject]
    device.refresh_from_db()
    later = timezone.now() + dt.timedelta(seconds=30)
    assert code_step(client, second_factor.totp_now(device, at=later), "app").status_code == 302
    assert logged_in(client)


def test_recovery_codes_are_shown_once_and_each_serves_once(client: Client, user: User) -> None:
    client.force_login(user)
    reauthenticate(client)
    page = text(client.post("/compte/securite/codes-de-secours/"))
    codes = re.findall(r"<code>([a-z0-9]+)</code>", page)
    assert len(codes) == 10
    assert "ne seront plus jamais affichés" in page
    assert not re.findall(r"<code>", text(client.get("/compte/securite/codes-de-secours/")))
    client.post("/compte/deconnexion/")
    password_step(client)
    used = code_step(client, codes[0], "recovery")
    assert used.status_code == 302
    assert second_factor.recovery_left(user) == 9
    client.post("/compte/deconnexion/")
    password_step(client)
    assert "Code incorrect" in text(code_step(client, codes[0], "recovery"))


def test_security_page_lists_factors_and_last_logins_and_removal_needs_the_password(
    client: Client, user: User
) -> None:
    password_step(client)
    code_step(client, emailed_code())
    device = TOTPDevice.objects.create(user=user, name="Tablette", confirmed=True)
    page = text(client.get("/compte/securite/"))
    assert "Code par courriel" in page and "Tablette" in page
    assert "code par courriel" in page  # the last login, with its factor
    other = UserFactory(email="autre@exemple.fr")
    theirs = TOTPDevice.objects.create(user=other, name="Le sien", confirmed=True)
    removed = client.post(f"/compte/securite/application/{device.pk}/retirer/")
    assert removed["Location"].startswith("/compte/securite/confirmation/")
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    reauthenticate(client)
    client.post(f"/compte/securite/application/{theirs.pk}/retirer/")
    assert TOTPDevice.objects.filter(pk=theirs.pk).exists()
    client.post(f"/compte/securite/application/{device.pk}/retirer/")
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert AuditLog.objects.filter(action="account.factor_removed").count() == 1


def test_the_pending_step_expires(client: Client, user: User) -> None:
    password_step(client)
    session = client.session
    pending = session["second_factor_pending"]
    pending["at"] -= 16 * 60
    session["second_factor_pending"] = pending
    session.save()
    response = code_step(client, emailed_code())
    assert response.status_code == 302 and response["Location"] == "/compte/connexion/"
    assert not logged_in(client)
