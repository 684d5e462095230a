"""Issue 16 as people see it: the lockout email and its unlock link, the 429 page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

NEW = "Autre-Secret-2027!"


def _fail_login(page: Any, url: str, email: str) -> None:
    page.goto(url + "/compte/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill("Mauvais-2026")
    page.get_by_role("button", name="Se connecter").click()


def test_a_locked_out_owner_gets_an_email_whose_link_unlocks_the_account(
    live_server: Any, browser_page: Any, smtp_sink: Any, screenshot: Any
) -> None:
    UserFactory(email="lea@exemple.fr")  # answer: « Bézier »
    page = browser_page
    # Someone else hammers the account, with capitals to dodge the count: it still locks.
    for spelling in [
        "lea@exemple.fr",
        "LEA@exemple.fr",
        "Lea@Exemple.fr",
        "LEA@EXEMPLE.FR",
        "lEa@exemple.FR",
    ]:
        _fail_login(page, live_server.url, spelling)
    expect(page.get_by_role("heading", name="Compte bloqué pendant une heure")).to_be_visible()

    mail = smtp_sink.wait_for(lambda m: "bloqué" in smtp_sink.subject(m))
    assert mail["To"] == "lea@exemple.fr"
    link = re.search(r"https?://\S+/compte/mot-de-passe-oublie/\S+/", smtp_sink.body(mail))
    assert link
    path = link.group(0).split("/compte/", 1)[1]
    page.goto(f"{live_server.url}/compte/{path}")
    # The token left the address bar (and the access logs) at once.
    expect(page).to_have_url(re.compile(r"/compte/mot-de-passe-oublie/lien/$"))
    page.get_by_label("Réponse à votre question de sécurité").fill("bezier")
    page.get_by_role("button", name="Valider").click()
    page.locator("#id_password1").fill(NEW)
    page.locator("#id_password2").fill(NEW)
    page.get_by_role("button", name="Valider").click()
    expect(page).to_have_url(re.compile(r"/compte/connexion/$"))
    page.get_by_label("Adresse électronique").fill("lea@exemple.fr")
    page.get_by_label("Mot de passe").fill(NEW)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/mon-espace/$"))
    screenshot(page, "deblocage-par-courriel")


def test_too_many_reset_requests_get_the_429_page(
    live_server: Any, browser_page: Any, settings: Any, screenshot: Any, check_accessibility: Any
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "reset_target": (2, 3600)}
    UserFactory(email="lea@exemple.fr")
    page = browser_page
    for _ in range(3):
        page.goto(live_server.url + "/compte/mot-de-passe-oublie/")
        page.get_by_label("Adresse électronique de connexion").fill("lea@exemple.fr")
        page.get_by_role("button", name="Recevoir le lien").click()
    expect(page.get_by_role("heading", name="Trop de demandes")).to_be_visible()
    expect(page.get_by_text("Erreur 429")).to_be_visible()
    expect(page.get_by_text(re.compile("réessayez dans 60 minutes"))).to_be_visible()
    screenshot(page, "trop-de-demandes")
    check_accessibility(page)
