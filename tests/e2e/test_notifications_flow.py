"""Notifications in a real browser, with mail caught by a real SMTP server.

A recipient suspends an invoice: the supplier sees the unread count in the header, finds the
notification in his list (it links to the invoice), marks it read and has the email. A supplier
who chose the daily digest gets nothing at once and one digest when the task runs.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from playwright.sync_api import expect

from choeur.notifications.tasks import digest_send_task
from choeur.structures.enums import Espace, Role
from choeur.structures.models import Service
from tests.e2e.session import log_in_as
from tests.lifecycle import factories as f
from tests.notifications.conftest import enable_unread_count

pytestmark = pytest.mark.django_db(transaction=True)


def _world() -> tuple[Any, Any, Any]:
    supplier = f.structure("84211943000010", "MENUISERIE DUPONT")
    supplier_user = f.attach(
        f.user("fournisseur@dupont.test"),
        supplier,
        espace=Espace.FACTURES_EMISES,
        role=Role.GESTIONNAIRE_PRINCIPAL,
    )
    recipient = f.structure("12345678200051", "COMMUNE DE TEST", public=True)
    achats = Service.objects.create(structure=recipient, code="ACHATS", name="Achats")
    agent = f.attach(f.user("achats@commune.test"), recipient, services=[achats])
    invoice = f.invoice(
        supplier=supplier, recipient=recipient, service=achats, depositor=supplier_user
    )
    return supplier_user, agent, invoice


def _suspend(page: Any, live_server: Any, agent: Any, invoice: Any, reason: str) -> None:
    log_in_as(page, live_server, agent)
    page.goto(f"{live_server.url}/factures-recues/{invoice.pk}/")
    page.get_by_role("link", name="Suspendre").click()
    page.get_by_label("Motif de la suspension").fill(reason)
    page.get_by_role("button", name="Confirmer : Suspendre").click()
    expect(page.locator("#statut-courant")).to_have_text("Suspendue")


def test_supplier_sees_the_count_the_notification_and_gets_the_email(
    live_server: Any,
    browser_page: Any,
    smtp_sink: Any,
    screenshot: Any,
    check_accessibility: Any,
    settings: Any,
) -> None:
    enable_unread_count(settings)
    supplier_user, agent, invoice = _world()
    page = browser_page
    _suspend(page, live_server, agent, invoice, "Le bon de livraison signé manque.")

    message = smtp_sink.wait_for(lambda m: invoice.number in m["Subject"], timeout=15)
    assert message["To"] == "fournisseur@dupont.test"
    assert "Le bon de livraison signé manque." in smtp_sink.body(message)
    assert re.search(rf"https?://\S+/factures/{invoice.pk}/", smtp_sink.body(message))

    log_in_as(page, live_server, supplier_user)
    page.goto(f"{live_server.url}/")
    header_link = page.locator("#header-notifications")
    expect(header_link).to_have_text("Notifications (1 non lue)")
    header_link.click()
    page.wait_for_url(re.compile(r"/notifications/$"))
    title = f"Votre facture {invoice.number} : Suspendue"
    entry = page.get_by_role("link", name=title)
    expect(entry).to_have_count(1)
    expect(page.locator("#notifications")).to_contain_text("Le bon de livraison signé manque.")
    screenshot(page, "notifications-list")
    check_accessibility(page)

    page.get_by_role("button", name=f"Marquer comme lue : {title}").click()
    page.wait_for_url(re.compile(r"/notifications/"))
    expect(page.locator("#header-notifications")).to_have_text("Notifications")
    expect(page.locator("#unread-count")).to_have_text("Aucune notification non lue")

    # The entry links to the invoice.
    page.get_by_role("link", name=title).click()
    page.wait_for_url(re.compile(rf"/factures/{invoice.pk}/$"))

    page.goto(f"{live_server.url}/notifications/preferences/")
    screenshot(page, "notifications-preferences")
    check_accessibility(page)


def test_a_supplier_who_chose_the_digest_gets_one_digest_when_the_task_runs(
    live_server: Any,
    browser_page: Any,
    smtp_sink: Any,
    settings: Any,
) -> None:
    enable_unread_count(settings)
    supplier_user, agent, invoice = _world()
    page = browser_page

    # The supplier, gestionnaire principal, cannot turn invoicing emails off, but may choose
    # one summary per day.
    log_in_as(page, live_server, supplier_user)
    page.goto(f"{live_server.url}/notifications/")
    page.get_by_role("link", name="Mes notifications").click()
    group = page.get_by_role("group", name=re.compile(r"^Changements de statut"))
    expect(group).to_contain_text("gestionnaire principal")
    assert group.get_by_role("radio", name=re.compile(r"^Pas de courriel")).is_disabled()
    group.get_by_text("Un résumé par jour", exact=True).click()
    expect(group.get_by_role("radio", name="Un résumé par jour")).to_be_checked()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Vos choix de notification sont enregistrés.")).to_have_count(1)

    _suspend(page, live_server, agent, invoice, "Il manque le RIB.")
    time.sleep(1)  # what would have left at once has had the time to arrive
    assert [m for m in smtp_sink.messages if m["To"] == "fournisseur@dupont.test"] == []

    # Still in his list at once.
    log_in_as(page, live_server, supplier_user)
    page.goto(f"{live_server.url}/notifications/")
    expect(page.locator("#header-notifications")).to_have_text("Notifications (1 non lue)")

    assert digest_send_task.delay().get() == 1
    digest = smtp_sink.wait_for(lambda m: "résumé du jour" in smtp_sink.subject(m))
    assert digest["To"] == "fournisseur@dupont.test"
    body = smtp_sink.body(digest)
    assert f"Votre facture {invoice.number} : Suspendue" in body
    assert "Il manque le RIB." in body

    # The task run again sends nothing more.
    assert digest_send_task.delay().get() == 0
    time.sleep(0.5)
    assert len([m for m in smtp_sink.messages if m["To"] == "fournisseur@dupont.test"]) == 1
