"""A works invoice from the projet de décompte mensuel to the mise en paiement, in a real browser:
the titulaire deposits it under the contract's engagement, the maîtrise d'œuvre takes it into
account and issues its état d'acompte, the maîtrise d'ouvrage validates it and transmits it to
the paying service, which puts it into payment; each party sees where it stands."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from choeur.invoices.models import Invoice
from tests.e2e.session import log_in_as
from tests.invoices.samples import Sample
from tests.works.conftest import EJ, PAYER_SIRET, SUPPLIER_SIRET, build_works_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_projet_de_decompte_mensuel_to_mise_en_paiement(
    live_server: Any,
    browser_page: Any,
    check_accessibility: Any,
    screenshot: Any,
    tmp_path: Any,
) -> None:
    works = build_works_world()
    page = browser_page
    projet = tmp_path / "PDM-2026-07.xml"
    projet.write_bytes(
        Sample(
            SUPPLIER_SIRET,
            PAYER_SIRET,
            number="PDM-2026-07",
            engagement=EJ,
            cadre="A4",
            buyer_name="COMMUNE DE VILLEBOIS",
        ).cii()
    )

    # The titulaire deposits its projet de décompte mensuel (cadre A4, the contract's EJ).
    log_in_as(page, live_server, works.supplier_user)
    page.goto(f"{live_server.url}/factures/deposer-flux/")
    page.get_by_label("Fichier").set_input_files(str(projet))
    page.get_by_role("button", name="Déposer").click()
    expect(page.get_by_text("Intégré").first).to_be_visible()
    page.goto(f"{live_server.url}/travaux/")
    check_accessibility(page)
    row = page.locator("#works-list tbody tr", has_text="PDM-2026-07")
    expect(row).to_contain_text("Mise à disposition de la MOE")
    invoice = Invoice.objects.get(number="PDM-2026-07")

    # The maîtrise d'œuvre takes it into account and issues its état d'acompte.
    log_in_as(page, live_server, works.moe_user)
    page.goto(f"{live_server.url}/travaux/")
    page.get_by_role("link", name="PDM-2026-07").click()
    expect(page.locator("#statut-courant")).to_have_text("Mise à disposition de la MOE")
    check_accessibility(page)
    page.get_by_role("link", name="Prendre en compte").click()
    page.get_by_role("button", name="Confirmer : Prendre en compte").click()
    expect(page.locator("#statut-courant")).to_have_text("Prise en compte par la MOE")
    page.get_by_role("link", name="Établir l'état d'acompte ou le décompte").click()
    page.locator("select[name=cadre]").select_option("A16_ETAT_ACOMPTE_VALIDE_MOE")
    page.get_by_label("Numéro du document").fill("EA-2026-07")
    page.get_by_label("Montant HT retenu (€)").fill("300.00")
    page.get_by_label("Montant TTC retenu (€)").fill("360.00")
    signed = tmp_path / "etat-acompte.pdf"
    signed.write_bytes(b"%PDF-1.4\n% etat d'acompte signe\n%%EOF\n")
    page.get_by_label("Document signé (PDF)").set_input_files(str(signed))
    check_accessibility(page)
    page.get_by_role("button", name="Établir et transmettre").click()
    expect(page.locator("#statut-courant")).to_have_text("Transmise à la MOA")
    expect(page.locator("#documents")).to_contain_text("EA-2026-07")

    # The maîtrise d'ouvrage validates it and transmits it to the paying service.
    log_in_as(page, live_server, works.moa_user)
    page.goto(f"{live_server.url}/travaux/{invoice.pk}/")
    page.get_by_role("link", name="Prendre en compte").click()
    page.get_by_role("button", name="Confirmer : Prendre en compte").click()
    expect(page.locator("#statut-courant")).to_have_text("Prise en compte par la MOA")
    page.get_by_role("link", name="Valider et transmettre au service payeur").click()
    page.get_by_label("Numéro du document").fill("EAV-2026-07")
    page.get_by_label("Montant HT retenu (€)").fill("300.00")
    page.get_by_label("Montant TTC retenu (€)").fill("360.00")
    page.get_by_role("button", name="Établir et transmettre").click()
    expect(page.locator("#statut-courant")).to_have_text("Mise à disposition")

    # The paying service processes it as any received invoice, up to the payment.
    log_in_as(page, live_server, works.payer_user)
    page.goto(f"{live_server.url}/factures-recues/{invoice.pk}/")
    page.get_by_role("link", name="Mise en paiement").click()
    page.get_by_role("button", name="Confirmer : Mise en paiement").click()
    expect(page.locator("#statut-courant")).to_have_text("Mise en paiement")

    # The titulaire sees the whole way in its « Factures de travaux ».
    log_in_as(page, live_server, works.supplier_user)
    page.goto(f"{live_server.url}/travaux/{invoice.pk}/")
    expect(page.locator("#statut-courant")).to_have_text("Mise en paiement")
    history = page.locator("#history tbody")
    for step in (
        "Mise à disposition de la MOE",
        "Prise en compte par la MOE",
        "Transmise à la MOA",
        "Prise en compte par la MOA",
        "Mise en paiement",
    ):
        expect(history).to_contain_text(step)
    expect(page.locator("#documents")).to_contain_text("EAV-2026-07")
    screenshot(page, "works-circuit-paid")
    # someone outside the contract: the page does not exist
    log_in_as(page, live_server, works.outsider)
    response = page.goto(f"{live_server.url}/travaux/{invoice.pk}/")
    assert response is not None and response.status == 404
