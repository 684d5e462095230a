"""A recipient suspends an invoice with a reason; the supplier receives the email (real SMTP),
completes it with an attachment on his page; the recipient marks it SERVICE_FAIT then
MISE_EN_PAIEMENT; both see the same history."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from choeur.structures.enums import Espace, Role
from choeur.structures.models import Service
from tests.e2e.session import log_in_as
from tests.lifecycle import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def _history(page: Any, status_selector: str) -> list[tuple[str, str]]:
    rows = page.locator("#history tbody tr")
    found = []
    for index in range(rows.count()):
        row = rows.nth(index)
        status = row.locator(status_selector).text_content().strip()
        reason = row.locator("td:nth-child(4) .history-reason").text_content().strip()
        found.append((status, "" if reason == "—" else reason))
    return found


def test_suspend_complete_then_pay(
    live_server: Any,
    browser_page: Any,
    smtp_sink: Any,
    screenshot: Any,
    check_accessibility: Any,
    tmp_path: Any,
) -> None:
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
    page = browser_page

    # The recipient suspends the invoice: the reason says what is missing.
    log_in_as(page, live_server, agent)
    page.goto(f"{live_server.url}/factures-recues/")
    check_accessibility(page)
    page.get_by_role("link", name=invoice.number).click()
    check_accessibility(page)
    page.get_by_role("link", name="Suspendre").click()
    page.get_by_label("Motif de la suspension").fill("Le bon de livraison signé manque.")
    check_accessibility(page)
    page.get_by_role("button", name="Confirmer : Suspendre").click()
    expect(page.locator("#statut-courant")).to_have_text("Suspendue")

    # The supplier's contact receives the email, with the reason and a link to his invoice.
    message = smtp_sink.wait_for(lambda m: invoice.number in m["Subject"], timeout=15)
    assert message["To"] == "fournisseur@dupont.test"
    assert "Suspendue" in message["Subject"]
    body = smtp_sink.body(message)
    assert "Le bon de livraison signé manque." in body
    link = re.search(r"https?://\S+/factures/\d+/", body)
    assert link is not None

    # The supplier follows the link and completes the invoice with an attachment.
    log_in_as(page, live_server, supplier_user)
    page.goto(live_server.url + urlparse(link.group(0)).path)
    page.get_by_role("link", name="Compléter").click()
    proof = tmp_path / "bon-de-livraison.pdf"
    proof.write_bytes(f.PDF)
    page.get_by_label("Commentaire").fill("Voici le bon de livraison signé.")
    page.get_by_label("Pièces jointes").set_input_files(str(proof))
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url(re.compile(rf"/factures/{invoice.pk}/$"))
    invoice.refresh_from_db()
    assert invoice.status == "COMPLETEE"

    # The recipient sees the attachment, marks the service done, then the payment.
    log_in_as(page, live_server, agent)
    page.goto(f"{live_server.url}/factures-recues/{invoice.pk}/")
    expect(page.get_by_role("link", name="bon-de-livraison.pdf")).to_have_count(1)
    page.get_by_role("link", name="Service fait").click()
    page.get_by_role("button", name="Confirmer : Service fait").click()
    expect(page.locator("#statut-courant")).to_have_text("Service fait")
    page.get_by_role("link", name="Mise en paiement").click()
    page.get_by_role("button", name="Confirmer : Mise en paiement").click()
    expect(page.locator("#statut-courant")).to_have_text("Mise en paiement")
    screenshot(page, "lifecycle-recipient-history")
    check_accessibility(page)
    recipient_history = _history(page, "td:nth-child(2) strong")

    log_in_as(page, live_server, supplier_user)
    page.goto(f"{live_server.url}/factures/{invoice.pk}/")
    screenshot(page, "lifecycle-supplier-history")
    supplier_history = _history(page, "td:nth-child(2)")

    expected = [
        ("Mise à disposition", ""),
        ("Suspendue", "Le bon de livraison signé manque."),
        ("Complétée", "Voici le bon de livraison signé."),
        ("Service fait", ""),
        ("Mise en paiement", ""),
    ]
    assert recipient_history == expected
    assert supplier_history == expected

    # The synthèse page is accessible too.
    log_in_as(page, live_server, agent)
    page.goto(f"{live_server.url}/factures-recues/synthese/")
    screenshot(page, "lifecycle-synthese")
    check_accessibility(page)
    page.goto(f"{live_server.url}/factures-recues/?statut=MISE_EN_PAIEMENT")
    expect(page.get_by_role("link", name=invoice.number)).to_have_count(1)
    screenshot(page, "lifecycle-list")
    check_accessibility(page)
