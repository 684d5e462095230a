"""A supplier's question about a rejected invoice, from its sending to its closing by the
recipient, through the pages, with the emails caught by a real SMTP sink."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import expect

from choeur.sollicitations.enums import Status
from choeur.sollicitations.models import Sollicitation
from tests.sollicitations import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

BACKEND = "django.contrib.auth.backends.ModelBackend"


def subject(message: Any) -> str:
    # Long non-ASCII subjects arrive folded as encoded words: compare them unfolded.
    return " ".join(str(message["Subject"] or "").split())


def _log_in_as(page: Any, live_server: Any, user: Any) -> None:
    """Open a session for `user` (the login pages have their own tests) and hand it over."""
    client = Client()
    client.force_login(user, backend=BACKEND)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def _open(page: Any, label: str) -> None:
    """Unfold the accordion of an action (the expected next step is already open)."""
    button = page.get_by_role("button", name=label, exact=True)
    if button.get_attribute("aria-expanded") != "true":
        button.click()


def _check(page: Any, screenshot: Any, check_accessibility: Any, name: str) -> None:
    screenshot(page, f"sollicitations-{name}")
    check_accessibility(page)


def test_a_question_about_a_rejected_invoice_runs_to_its_closing(
    live_server: Any,
    browser_page: Any,
    screenshot: Any,
    check_accessibility: Any,
    smtp_sink: Any,
    tmp_path: Any,
) -> None:
    page = browser_page
    supplier = f.StructureFactory()
    public = f.StructureFactory(public=True)
    sender = f.supplier_user(supplier, email="fournisseur@example.test", first_name="Paul")
    agent = f.agent(public, email="agent@commune.test", first_name="Agnès")
    invoice = f.make_invoice(supplier, public, "F2026-001", status="REJETEE")
    f.subcategory()  # « Facture rejetee » -> structure publique
    justificatif = tmp_path / "bon-de-commande.pdf"
    justificatif.write_bytes(b"%PDF-1.4 bon de commande")

    # The supplier writes to the recipient about his rejected invoice.
    _log_in_as(page, live_server, sender)
    page.goto(live_server.url + "/sollicitations/emises/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sollicitations émises")
    _check(page, screenshot, check_accessibility, "emises-vide")
    page.get_by_role("link", name="Nouvelle sollicitation").click()
    page.get_by_label("Catégorie et sous-catégorie").select_option(
        label="Facture rejetee (structure publique)"
    )
    page.get_by_label("Facture concernée").select_option(value=str(invoice.pk))
    page.get_by_label("Titre").fill("Facture F2026-001 rejetée")
    page.get_by_label("Description").fill("Pourquoi notre facture a-t-elle été rejetée ?")
    page.get_by_label("Pièces jointes").set_input_files(str(justificatif))
    _check(page, screenshot, check_accessibility, "nouvelle")
    page.get_by_role("button", name="Envoyer").click()
    page.wait_for_url(re.compile(r"/sollicitations/SOL-\d{4}-\d{7}/$"))
    number = Sollicitation.objects.get().number
    assert f"Votre sollicitation {number} a été envoyée." in page.content()
    expect(page.locator("#statut")).to_have_text("Nouveau")
    _check(page, screenshot, check_accessibility, "detail-emetteur")
    new = smtp_sink.wait_for(lambda m: subject(m).startswith(f"Nouvelle sollicitation {number}"))
    assert new["To"] == "agent@commune.test"

    # The agent finds it in « Tickets à traiter », takes it and asks for more.
    _log_in_as(page, live_server, agent)
    page.goto(live_server.url + "/sollicitations/recues/")
    expect(page.get_by_role("link", name=re.compile(r"Tickets à traiter \(1\)"))).to_be_visible()
    expect(page.get_by_text("Non lu", exact=True)).to_be_visible()
    _check(page, screenshot, check_accessibility, "recues-a-traiter")
    page.get_by_role("link", name=number).click()
    expect(page.get_by_role("link", name="bon-de-commande.pdf")).to_be_visible()
    page.get_by_role("button", name="Prendre en charge").click()
    expect(page.locator("#statut")).to_have_text("Pris en charge")
    smtp_sink.wait_for(lambda m: subject(m) == f"Votre sollicitation {number} est prise en charge")
    _check(page, screenshot, check_accessibility, "detail-agent")
    _open(page, "Demander un complément")
    page.get_by_label("Informations demandées à l'émetteur").fill(
        "Le bon de commande ne correspond pas : quel est le numéro d'engagement ?"
    )
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.locator("#statut")).to_have_text("En attente de complément")
    request = smtp_sink.wait_for(
        lambda m: subject(m) == f"Complément demandé pour votre sollicitation {number}"
    )
    assert request["To"] == "fournisseur@example.test"
    assert "numéro d'engagement" in smtp_sink.body(request)

    # The supplier sees the question as unread and answers it.
    _log_in_as(page, live_server, sender)
    page.goto(live_server.url + "/sollicitations/emises/")
    expect(page.get_by_text("Non lu", exact=True)).to_be_visible()
    _check(page, screenshot, check_accessibility, "emises-action-requise")
    page.get_by_role("link", name=number).click()
    assert "numéro d'engagement" in page.content()
    page.get_by_label("Informations complémentaires").fill("L'engagement est EJ2026000001.")
    page.get_by_role("button", name="Envoyer le complément").click()
    expect(page.locator("#statut")).to_have_text("Pris en charge")
    smtp_sink.wait_for(lambda m: subject(m) == f"Complément reçu pour la sollicitation {number}")

    # Back in the agent's queue: he answers, then closes.
    _log_in_as(page, live_server, agent)
    page.goto(live_server.url + "/sollicitations/recues/")
    page.get_by_role("link", name=number).click()
    page.get_by_label("Votre réponse").fill(
        "Merci : déposez une nouvelle facture citant EJ2026000001."
    )
    page.get_by_role("button", name="Envoyer la réponse").click()
    expect(page.locator("#statut")).to_have_text("Répondu")
    answer = smtp_sink.wait_for(lambda m: subject(m) == f"Réponse à votre sollicitation {number}")
    assert "EJ2026000001" in smtp_sink.body(answer)
    _open(page, "Clôturer")
    page.get_by_role("button", name="Clôturer la sollicitation").click()
    expect(page.locator("#statut")).to_have_text("Clôturé")
    closed = smtp_sink.wait_for(
        lambda m: subject(m) == f"Votre sollicitation {number} est clôturée"
    )
    assert closed["To"] == "fournisseur@example.test"
    _check(page, screenshot, check_accessibility, "detail-cloture")

    sollicitation = Sollicitation.objects.get()
    assert sollicitation.status == Status.CLOTURE
    assert sollicitation.invoice == invoice
    assert [m.kind for m in sollicitation.messages.all()] == [
        "SENT",
        "ASSIGNED",
        "INFORMATION_REQUEST",
        "INFORMATION",
        "ANSWER",
        "CLOSED",
    ]

    # The supplier finds it among the closed ones.
    _log_in_as(page, live_server, sender)
    page.goto(live_server.url + "/sollicitations/emises/?onglet=clotures")
    expect(page.get_by_role("link", name=number)).to_be_visible()


def test_someone_who_cannot_connect_gets_a_ticket_number_by_email(
    live_server: Any,
    browser_page: Any,
    screenshot: Any,
    check_accessibility: Any,
    smtp_sink: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # django-simple-captcha reads its test mode at import time (see tests/sollicitations).
    monkeypatch.setattr("captcha.conf.settings.CAPTCHA_TEST_MODE", True)
    page = browser_page
    f.subcategory("SUPPORT", offered_logged_out=True)
    page.goto(live_server.url + "/sollicitations/contact/")
    _check(page, screenshot, check_accessibility, "contact")
    page.get_by_label("Catégorie").select_option(label="Mot de passe (support de la plateforme)")
    page.locator("#id_email").fill("perdu@example.test")
    page.get_by_label("Confirmation de l'adresse électronique").fill("perdu@example.test")
    page.get_by_label("Titre").fill("Compte bloqué")
    page.get_by_label("Description").fill("Je ne peux plus me connecter depuis hier.")
    page.get_by_label("Recopiez les 5 caractères de l'image").fill("PASSED")
    page.get_by_role("button", name="Envoyer").click()
    page.wait_for_url(re.compile(r"/sollicitations/contact/envoyee/$"))
    expect(page.locator("#numero-sollicitation")).to_have_text(re.compile(r"^SOL-\d{4}-\d{7}$"))
    number = page.locator("#numero-sollicitation").inner_text()
    assert re.fullmatch(r"SOL-\d{4}-\d{7}", number)
    _check(page, screenshot, check_accessibility, "contact-envoyee")
    confirmation = smtp_sink.wait_for(lambda m: number in (subject(m) or ""))
    assert confirmation["To"] == "perdu@example.test"
    assert number in smtp_sink.body(confirmation)


def test_a_draft_to_support_is_saved_edited_and_sent(
    live_server: Any,
    browser_page: Any,
    screenshot: Any,
    check_accessibility: Any,
    smtp_sink: Any,
) -> None:
    page = browser_page
    supplier = f.StructureFactory()
    sender = f.supplier_user(supplier, email="fournisseur@example.test")
    operator = f.UserFactory(email="support@choeur.test", is_staff=True)
    f.subcategory("SUPPORT", code="RATTACHEMENT")
    _log_in_as(page, live_server, sender)
    page.goto(live_server.url + "/sollicitations/emises/nouvelle/")
    page.get_by_label("Catégorie et sous-catégorie").select_option(
        label="Rattachement (support de la plateforme)"
    )
    page.get_by_label("Titre").fill("Rattachement en attente")
    page.get_by_label("Description").fill("Ma demande attend depuis deux semaines.")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.locator("#statut")).to_have_text("Brouillon")
    page.get_by_role("link", name="Modifier le brouillon").click()
    _check(page, screenshot, check_accessibility, "brouillon-modifier")
    page.get_by_label("Titre").fill("Rattachement en attente depuis deux semaines")
    page.get_by_role("button", name="Envoyer").click()
    expect(page.locator("#statut")).to_have_text("Nouveau")
    number = Sollicitation.objects.get().number
    smtp_sink.wait_for(
        lambda m: (
            subject(m).startswith(f"Nouvelle sollicitation {number}")
            and m["To"] == "support@choeur.test"
        )
    )

    # Support finds it in the same « Sollicitations reçues » page.
    _log_in_as(page, live_server, operator)
    page.goto(live_server.url + "/sollicitations/recues/")
    expect(page.get_by_role("link", name=number)).to_be_visible()
    _check(page, screenshot, check_accessibility, "support-a-traiter")
