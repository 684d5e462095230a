"""The validator circuit in a browser: a subcontractor types an A9 invoice naming the prime
contractor as validator; the prime contractor receives the email (real SMTP), validates it in
« Factures à valider »; the buyer then finds it in « Factures reçues » with the circuit's
history. Then one refused as « not the right validator », corrected by the supplier and
accepted; and one validated tacitly once the clock has moved past the 15 days."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from choeur.invoices.enums import InvoiceStatus
from choeur.invoices.models import Invoice, InvoiceValidation
from choeur.invoices.services.validation_circuit import tacit_validations_run
from choeur.structures.enums import Espace
from tests.invoices.factories import (
    PUBLIC_FREE_SIRET,
    StructureFactory,
    UserFactory,
    member,
    public_recipient,
)

pytestmark = pytest.mark.django_db(transaction=True)

PRIME_SIRET = "55210055400013"
RIGHT_SIRET = "73282932000074"


def _login(page: Any, live_server: Any, user: Any) -> None:
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def _type_a9(page: Any, live_server: Any, number: str, validator: str) -> None:
    page.goto(f"{live_server.url}/factures/saisir/")
    page.locator("[name=recipient]").fill(PUBLIC_FREE_SIRET)
    page.get_by_role("button", name="Rechercher le destinataire").click()
    expect(page.locator("#recipient-parameters")).to_be_visible()
    page.locator("[name=cadre]").select_option("A9_FACTURE_SOUSTRAITANT")
    page.locator("[name=valideur_1]").fill(validator)
    page.locator("[name=number]").fill(number)
    page.locator("[name=issue_date]").fill("2026-11-02")
    page.locator("[name=due_date]").fill("2026-12-02")
    page.locator("[name=lines-0-designation]").fill("Peinture des façades (lot 4)")
    page.locator("[name=lines-0-quantity]").fill("8")
    page.locator("[name=lines-0-unit_price]").fill("48.00")
    page.locator("[name=lines-0-vat_rate]").select_option("20.00")
    # The deposit validates the invoice (EN 16931) before answering: allow for a loaded machine.
    page.get_by_role("button", name="Déposer la facture").click(timeout=90_000)
    page.wait_for_url("**/factures/*/", timeout=90_000)


def test_subcontractor_invoice_accepted_by_the_prime_contractor_then_received(
    live_server: Any,
    browser_page: Any,
    smtp_sink: Any,
    screenshot: Any,
    check_accessibility: Any,
) -> None:
    subcontractor = StructureFactory(raison_sociale="PEINTURES DU RHÔNE")
    sub_user = member(subcontractor, UserFactory(email="sous-traitant@peintures.test"))
    prime = StructureFactory(identifier=PRIME_SIRET, raison_sociale="BÂTIR ENSEMBLE SA")
    prime_user = member(
        prime, UserFactory(email="titulaire@batir.test"), espace=Espace.FACTURES_A_VALIDER
    )
    buyer = public_recipient(PUBLIC_FREE_SIRET, raison_sociale="COMMUNE DE TEST")
    buyer_user = member(
        buyer, UserFactory(email="achats@commune.test"), espace=Espace.FACTURES_RECUES
    )
    page = browser_page

    # The subcontractor types its invoice with cadre A9 and names the prime contractor.
    _login(page, live_server, sub_user)
    _type_a9(page, live_server, "ST-2026-001", PRIME_SIRET)
    expect(page.locator(".fr-alert--success")).to_contain_text("transmise à son valideur")
    invoice = Invoice.objects.get(number="ST-2026-001")
    assert invoice.status == InvoiceStatus.A_VALIDER_1
    page.get_by_role("link", name="Voir le circuit de validation").click()
    expect(page.locator("#statut-courant")).to_have_text("À valider (1)")
    expect(page.locator("main")).to_contain_text("attend la décision de BÂTIR ENSEMBLE SA")
    check_accessibility(page)

    # The prime contractor is told by email, and validates it in « Factures à valider ».
    message = smtp_sink.wait_for(lambda m: "Facture à valider" in m["Subject"], timeout=15)
    assert "titulaire@batir.test" in message["To"]
    _login(page, live_server, prime_user)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Factures à valider").first.click()
    expect(page.locator("#factures-a-valider")).to_contain_text("ST-2026-001")
    check_accessibility(page)
    page.get_by_role("link", name="ST-2026-001").click()
    expect(page.locator("#statut-courant")).to_have_text("À valider (1)")
    check_accessibility(page)
    page.get_by_text("Valider la facture", exact=True).click()
    page.get_by_label("Commentaire").fill("Travaux conformes au marché.")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.locator("#statut-courant")).to_have_text("Mise à disposition")
    screenshot(page, "validation-facture-validee")

    # The buyer receives it, with the circuit's history.
    smtp_sink.wait_for(lambda m: "Nouvelle facture reçue" in m["Subject"], timeout=15)
    _login(page, live_server, buyer_user)
    page.goto(f"{live_server.url}/factures-recues/")
    page.get_by_role("link", name="ST-2026-001").click()
    expect(page.locator("#circuit-validation")).to_contain_text("BÂTIR ENSEMBLE SA")
    expect(page.locator("#validation-decisions")).to_contain_text("Travaux conformes au marché.")
    expect(page.locator("#history")).to_contain_text("Validée (1)")
    check_accessibility(page)


def test_refused_as_wrong_validator_corrected_then_accepted_and_tacit_after_the_delay(
    live_server: Any, browser_page: Any, check_accessibility: Any
) -> None:
    subcontractor = StructureFactory(raison_sociale="PEINTURES DU RHÔNE")
    sub_user = member(subcontractor, UserFactory(email="sous-traitant@peintures.test"))
    wrong = StructureFactory(identifier=PRIME_SIRET, raison_sociale="MAUVAIS TITULAIRE")
    wrong_user = member(
        wrong, UserFactory(email="mauvais@btp.test"), espace=Espace.FACTURES_A_VALIDER
    )
    right = StructureFactory(identifier=RIGHT_SIRET, raison_sociale="BON TITULAIRE")
    right_user = member(right, UserFactory(email="bon@btp.test"), espace=Espace.FACTURES_A_VALIDER)
    public_recipient(PUBLIC_FREE_SIRET, raison_sociale="COMMUNE DE TEST")
    page = browser_page

    _login(page, live_server, sub_user)
    _type_a9(page, live_server, "ST-2026-002", PRIME_SIRET)
    invoice = Invoice.objects.get(number="ST-2026-002")

    # The wrong validator refuses: « not the validator of this invoice ».
    _login(page, live_server, wrong_user)
    page.goto(f"{live_server.url}/factures-a-valider/{invoice.pk}/")
    page.get_by_text("Refuser la facture", exact=True).click()
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.locator("#traiter")).to_contain_text("motif de refus est obligatoire")
    page.get_by_text("Refuser la facture", exact=True).click()
    page.get_by_label("Motif du refus").select_option("ERREUR_VALIDEUR")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.locator("#statut-courant")).to_have_text("Erreur du fournisseur sur le valideur")

    # The supplier corrects the validator from its invoice page.
    _login(page, live_server, sub_user)
    page.goto(f"{live_server.url}/factures/{invoice.pk}/")
    page.get_by_role("link", name="Corriger le valideur").click()
    check_accessibility(page)
    page.get_by_label("SIRET du bon valideur").fill(RIGHT_SIRET)
    page.get_by_role("button", name="Corriger le valideur").click()
    expect(page.locator("#statut-courant")).to_have_text("À valider (1)")

    # The right validator accepts it.
    _login(page, live_server, right_user)
    page.goto(f"{live_server.url}/factures-a-valider/")
    page.get_by_role("link", name="ST-2026-002").click()
    page.get_by_text("Valider la facture", exact=True).click()
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.locator("#statut-courant")).to_have_text("Mise à disposition")

    # Another invoice, left unanswered: once the clock is past the 15 days, the periodic task
    # validates it tacitly and the validator's page says so.
    _login(page, live_server, sub_user)
    _type_a9(page, live_server, "ST-2026-003", RIGHT_SIRET)
    late = Invoice.objects.get(number="ST-2026-003")
    started = InvoiceValidation.objects.get(invoice=late).started_at
    assert started is not None
    assert tacit_validations_run(now=started + dt.timedelta(days=14)) == 0
    assert tacit_validations_run(now=timezone.now() + dt.timedelta(days=15, minutes=1)) == 1
    _login(page, live_server, right_user)
    page.goto(f"{live_server.url}/factures-a-valider/{late.pk}/")
    expect(page.locator("#statut-courant")).to_have_text("Mise à disposition")
    expect(page.locator("#validation-decisions")).to_contain_text("Validée tacitement")
    expect(page.locator("#history")).to_contain_text("Absence de validation (1) hors délai")
    check_accessibility(page)
