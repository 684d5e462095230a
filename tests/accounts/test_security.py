"""Issue 16, « What an attacker tried on the web pages »: each test plays the attack."""

from __future__ import annotations

import csv
import html
import io
import logging
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from choeur.accounts.captcha import QUESTIONS, answer_matches, question_new
from choeur.accounts.forms import SetPasswordForm
from choeur.core.csvfile import csv_safe, csv_writer
from choeur.notifications.models import OutboxEmail, OutboxStatus
from choeur.notifications.services import BODY_AFTER_SENDING, outbox_send_one
from tests.accounts.factories import PASSWORD, UserFactory, emails_to, link_in

pytestmark = pytest.mark.django_db


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


def login(client: Client, email: str, password: str, **extra: Any) -> Any:
    return client.post("/compte/connexion/", {"username": email, "password": password}, **extra)


@pytest.fixture
def user() -> Any:
    return UserFactory(email="lea@exemple.fr", first_name="Léa")


# --- 1. the case of the login ------------------------------------------------------------------


def test_a_locked_account_does_not_log_in_with_capitals(client: Client, user: Any) -> None:
    for _ in range(5):
        login(client, "lea@exemple.fr", "mauvais")
    response = login(client, "LEA@EXEMPLE.FR", PASSWORD)
    assert response.status_code == 429
    assert "Compte bloqué" in text(response)
    assert "_auth_user_id" not in client.session


def test_every_spelling_of_the_login_counts_against_the_same_five_tries(
    client: Client, user: Any
) -> None:
    for spelling in ["lea@exemple.fr", "LEA@exemple.fr", "Lea@Exemple.Fr", "lea@EXEMPLE.fr"]:
        login(client, spelling, "mauvais")
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["lea@exemple.fr"]
    login(client, "LEA@EXEMPLE.FR", "mauvais")
    assert login(client, "lea@exemple.fr", PASSWORD).status_code == 429


# --- 2. lockout abuse --------------------------------------------------------------------------


def test_the_owner_is_told_once_with_a_link_that_unlocks(client: Client, user: Any) -> None:
    for _ in range(7):
        login(client, "lea@exemple.fr", "mauvais")
    [locked] = [e for e in emails_to("lea@exemple.fr") if "bloqué" in e.subject]
    assert locked.carries_secrets
    link = link_in(locked, "/compte/mot-de-passe-oublie/")
    client.get(link)
    client.post("/compte/mot-de-passe-oublie/lien/", {"answer": "Bézier"})
    new = "Autre-Secret-2027!"
    client.post("/compte/mot-de-passe-oublie/lien/", {"password1": new, "password2": new})
    assert not AccessAttempt.objects.exists()
    assert login(Client(), "lea@exemple.fr", new).status_code == 302


def test_failures_over_the_address_limit_do_not_count_against_the_account(
    client: Client, user: Any, settings: Any
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_ip": (3, 600)}
    attacker = {"REMOTE_ADDR": "203.0.113.9"}
    statuses = [
        login(client, "lea@exemple.fr", "mauvais", **attacker).status_code for _ in range(6)
    ]
    assert statuses == [200, 200, 200, 429, 429, 429]
    assert AccessAttempt.objects.get().failures_since_start == 3
    # The owner, from her own address, still logs in: the account was not locked.
    owner = login(Client(), "lea@exemple.fr", PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert owner.status_code == 302


def test_password_spraying_over_many_accounts_is_stopped_per_address(
    client: Client, settings: Any
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_ip": (5, 600)}
    statuses = [login(client, f"u{i}@exemple.fr", "Choeur2026").status_code for i in range(8)]
    assert statuses[:5] == [200] * 5 and statuses[5:] == [429] * 3


# --- 3. rate limits on logged-out forms --------------------------------------------------------


def test_thirty_reset_requests_send_at_most_the_per_email_limit(client: Client, user: Any) -> None:
    statuses = [
        client.post(
            "/compte/mot-de-passe-oublie/",
            {"email": "lea@exemple.fr"},
            REMOTE_ADDR=f"203.0.113.{i}",  # spread over addresses: the per-email limit holds
        ).status_code
        for i in range(30)
    ]
    assert statuses.count(200) == 3 and statuses.count(429) == 27
    assert len(emails_to("lea@exemple.fr")) == 3


def test_the_429_page_says_so_in_french(client: Client, settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "resend_ip": (1, 3600)}
    client.post("/compte/activation/renvoyer/", {"email": "a@exemple.fr"})
    response = client.post("/compte/activation/renvoyer/", {"email": "b@exemple.fr"})
    assert response.status_code == 429
    assert response["Retry-After"]
    assert "Trop de demandes" in text(response) and "réessayez dans" in text(response)


def test_a_limit_set_to_zero_is_off(client: Client, settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "reset_ip": (0, 60), "reset_target": (0, 60)}
    for _ in range(12):
        assert (
            client.post("/compte/mot-de-passe-oublie/", {"email": "x@exemple.fr"}).status_code
            == 200
        )


def test_behind_the_proxy_the_address_nginx_saw_is_limited(client: Client, settings: Any) -> None:
    settings.BEHIND_PROXY = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "resend_ip": (2, 3600)}
    statuses = [
        client.post(
            "/compte/activation/renvoyer/",
            {"email": f"{i}@exemple.fr"},
            HTTP_X_FORWARDED_FOR=f"10.0.0.{i}, 203.0.113.5",  # forged first entry
        ).status_code
        for i in range(3)
    ]
    assert statuses == [302, 302, 429]


# --- 4. the captcha's text alternative ---------------------------------------------------------


def test_the_question_bank_is_varied_and_not_a_sum() -> None:
    assert len(QUESTIONS) >= 30
    assert len({q.split()[0:3].__str__() for q, _a in QUESTIONS}) >= 10
    assert not any("plus" in q and "Combien font" in q for q, _a in QUESTIONS)


def test_answers_ignore_case_accents_and_articles() -> None:
    expected = dict(QUESTIONS)["Quel est le dernier mois de l'année ?"]
    joined = "|".join(expected)
    assert answer_matches("Décembre", joined) and answer_matches("  le DECEMBRE. ", joined)
    assert not answer_matches("novembre", joined) and not answer_matches("", joined)
    question, answers = question_new()
    assert question in dict(QUESTIONS) and "|" in answers or answers


# --- 5. secrets in the outbox ------------------------------------------------------------------


def test_a_sent_reset_email_keeps_no_link_but_keeps_its_audit(client: Client, user: Any) -> None:
    client.post("/compte/mot-de-passe-oublie/", {"email": "lea@exemple.fr"})
    email = OutboxEmail.objects.get(to=["lea@exemple.fr"])
    assert "/compte/mot-de-passe-oublie/" in email.body_text
    assert outbox_send_one(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == OutboxStatus.SENT and email.sent_at
    assert email.body_text == BODY_AFTER_SENDING and email.body_html == ""
    assert email.subject == "Réinitialisation de votre mot de passe"
    assert email.to == ["lea@exemple.fr"]


def test_an_ordinary_email_keeps_its_body(client: Client, user: Any) -> None:
    from choeur.notifications.services import email_queue

    email = email_queue(
        to="lea@exemple.fr",
        subject="x",
        template="accounts/emails/password_changed",
        context={"first_name": "Léa", "reset_url": "http://x/"},
    )
    outbox_send_one(email_id=email.pk)
    email.refresh_from_db()
    assert email.body_text != BODY_AFTER_SENDING


# --- 6. demo accounts --------------------------------------------------------------------------


def test_load_demo_refuses_with_debug_off(settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=true"):
        call_command("load_demo", stdout=io.StringIO())
    from choeur.accounts.models import User

    assert not User.objects.filter(is_superuser=True).exists()


# --- 7. CSV formula injection ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+33 1 23", "'+33 1 23"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("\t=1", "'\t=1"),
        ("-12,50", "-12,50"),
        ("ACME", "ACME"),
    ],
)
def test_csv_cells_that_spreadsheets_would_run_are_neutralised(cell: str, written: str) -> None:
    assert csv_safe(cell) == written
    out = io.StringIO()
    csv_writer(out, delimiter=";").writerow([cell, 3])
    assert next(csv.reader(io.StringIO(out.getvalue()), delimiter=";")) == [written, "3"]


def test_the_public_services_export_neutralises_a_hostile_service_name(client: Client) -> None:
    from choeur.structures.models import Service
    from tests.accounts.factories import structure_with_manager

    structure = structure_with_manager()
    structure.is_public = True
    structure.save(update_fields=["is_public"])
    Service.objects.create(structure=structure, code="S1", name='=HYPERLINK("http://x")')
    body = b"".join(
        client.get("/annuaire/telecharger/annuaire-services.csv").streaming_content
    ).decode()  # type: ignore[attr-defined]
    assert "'=HYPERLINK" in body and ";=HYPERLINK" not in body


# --- 8. Cache-Control --------------------------------------------------------------------------


def test_private_pages_are_not_stored(client: Client, user: Any) -> None:
    client.force_login(user)
    response = client.get("/compte/")
    assert response["Cache-Control"] == "private, no-store"


def test_public_pages_keep_their_cache_headers(client: Client) -> None:
    response = client.get("/")
    assert "no-store" not in response.get("Cache-Control", "")


def test_api_answers_are_not_stored(client: Client) -> None:
    response = client.get("/api/nulle-part/")
    assert "no-store" in response["Cache-Control"]


# --- 9. weak passwords -------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["Choeur2026", "ChorusPro-2026", "Dupontbat-2026!"])
def test_passwords_built_on_the_platform_or_the_structure_are_refused(
    user: Any, password: str
) -> None:
    from choeur.structures.models import Rattachement
    from tests.accounts.factories import structure_with_manager

    structure = structure_with_manager()
    structure.raison_sociale = "DUPONTBAT SARL"
    structure.save(update_fields=["raison_sociale"])
    Rattachement.objects.filter(structure=structure).update(user=user)
    form = SetPasswordForm({"password1": password, "password2": password}, user=user)
    assert not form.is_valid()
    assert "ni le nom de la plateforme, ni celui de votre structure" in str(form.errors)


def test_a_common_password_is_refused_in_french(user: Any) -> None:
    form = SetPasswordForm({"password1": "Password1", "password2": "Password1"}, user=user)
    assert not form.is_valid()
    assert "trop courant" in str(form.errors)


# --- 10. tokens in URLs, logs, HEAD / ----------------------------------------------------------


def test_opening_a_reset_link_moves_the_token_out_of_the_url(client: Client, user: Any) -> None:
    client.post("/compte/mot-de-passe-oublie/", {"email": "lea@exemple.fr"})
    link = link_in(emails_to("lea@exemple.fr")[-1], "/compte/mot-de-passe-oublie/")
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"] == "/compte/mot-de-passe-oublie/lien/"
    page = client.get(response["Location"])
    assert page.status_code == 200 and "question de sécurité" in text(page).lower()
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert token not in text(page)


def test_opening_an_activation_link_lands_on_a_clean_url(client: Client) -> None:
    response = client.get("/compte/activation/un-jeton-quelconque/")
    assert response["Location"] == "/compte/activation/"
    assert client.get("/compte/activation/").status_code == 404  # unknown token explained


def test_permission_denied_is_one_warning_line(client: Client, caplog: Any) -> None:
    from django.core.exceptions import PermissionDenied

    from choeur.core.logging import PermissionDeniedOneLine

    try:
        raise PermissionDenied("non")
    except PermissionDenied:
        import sys

        record = logging.LogRecord(
            "django.request", logging.WARNING, "", 0, "Forbidden", (), sys.exc_info()
        )
    assert PermissionDeniedOneLine().filter(record)
    assert record.exc_info is None and record.levelname == "WARNING"


def test_head_on_the_home_page_answers(client: Client) -> None:
    assert client.head("/").status_code == 200
