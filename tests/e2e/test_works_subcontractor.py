"""A subcontractor's projet de décompte mensuel (cadre A10) in a real browser: the subcontractor
deposits it under the contract's engagement; the titulaire, named by the fiche identité du
marché (nobody re-types it), accepts it in « Factures à valider »; then the maîtrise d'œuvre,
the maîtrise d'ouvrage and the paying service, as for the titulaire's own projets."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from choeur.invoices.models import Invoice
from tests.e2e.session import log_in_as
from tests.invoices.samples import Sample
from tests.works.conftest import EJ, PAYER_SIRET, SUB_SIRET, add_subcontracting, build_works_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_subcontractor_projet_accepted_by_the_titulaire_then_moe_moa_payer(
    live_server: Any,
    browser_page: Any,
    check_accessibility: Any,
    screenshot: Any,
    tmp_path: Any,
) -> None:
    works = build_works_world()
    sub = add_subcontracting(works)
    page = browser_page
    projet = tmp_path / "ST-2026-07.xml"
    projet.write_bytes(
        Sample(
            SUB_SIRET,
            PAYER_SIRET,
            number="ST-2026-07",
            engagement=EJ,
            cadre="A10",
            seller_name="ÉLECTRICITÉ PETIT",
            buyer_name="COMMUNE DE VILLEBOIS",
        ).cii()
    )

    # The subcontractor deposits its projet de décompte mensuel (A10, the contract's EJ).
    log_in_as(page, live_server, sub.sub_user)
    page.goto(f"{live_server.url}/factures/deposer-flux/")
    page.get_by_label("Fichier").set_input_files(str(projet))
    page.get_by_role("button", name="Déposer").click()
    expect(page.get_by_text("Intégré").first).to_be_visible()
    invoice = Invoice.objects.get(number="ST-2026-07")
    page.goto(f"{live_server.url}/travaux/{invoice.pk}/")
    expect(page.locator("#statut-courant")).to_have_text("À valider (1)")

    # Neither the MOE nor the paying service sees it yet.
    log_in_as(page, live_server, works.moe_user)
    page.goto(f"{live_server.url}/travaux/?role=MOE")
    expect(page.locator("main")).not_to_contain_text("ST-2026-07")
    log_in_as(page, live_server, works.payer_user)
    response = page.goto(f"{live_server.url}/factures-recues/{invoice.pk}/")
    assert response is not None and response.status == 404

    # The titulaire accepts it in « Factures à valider ».
    log_in_as(page, live_server, sub.prime_validator)
    page.goto(f"{live_server.url}/factures-a-valider/")
    page.get_by_role("link", name="ST-2026-07").click()
    expect(page.locator("#statut-courant")).to_have_text("À valider (1)")
    check_accessibility(page)
    page.get_by_text("Valider la facture", exact=True).click()
    page.get_by_label("Commentaire").fill("Situation conforme au lot électricité.")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.locator("#statut-courant")).to_have_text("Mise à disposition de la MOE")

    # The maîtrise d'œuvre: prise en compte, état d'acompte, to the MOA.
    log_in_as(page, live_server, works.moe_user)
    page.goto(f"{live_server.url}/travaux/?role=MOE")
    page.get_by_role("link", name="ST-2026-07").click()
    expect(page.locator("#statut-courant")).to_have_text("Mise à disposition de la MOE")
    expect(page.locator("#validations")).to_contain_text("Situation conforme au lot électricité.")
    check_accessibility(page)
    page.get_by_role("link", name="Prendre en compte").click()
    page.get_by_role("button", name="Confirmer : Prendre en compte").click()
    expect(page.locator("#statut-courant")).to_have_text("Prise en compte par la MOE")
    page.get_by_role("link", name="Établir l'état d'acompte ou le décompte").click()
    page.locator("select[name=cadre]").select_option("A15_ETAT_ACOMPTE_MOE")
    page.get_by_label("Numéro du document").fill("EA-ST-07")
    page.get_by_label("Montant HT retenu (€)").fill("300.00")
    page.get_by_label("Montant TTC retenu (€)").fill("360.00")
    page.get_by_role("button", name="Établir et transmettre").click()
    expect(page.locator("#statut-courant")).to_have_text("Transmise à la MOA")

    # The maîtrise d'ouvrage validates and transmits to the paying service.
    log_in_as(page, live_server, works.moa_user)
    page.goto(f"{live_server.url}/travaux/{invoice.pk}/")
    page.get_by_role("link", name="Prendre en compte").click()
    page.get_by_role("button", name="Confirmer : Prendre en compte").click()
    expect(page.locator("#statut-courant")).to_have_text("Prise en compte par la MOA")
    page.get_by_role("link", name="Valider et transmettre au service payeur").click()
    page.get_by_label("Numéro du document").fill("EAV-ST-07")
    page.get_by_label("Montant HT retenu (€)").fill("300.00")
    page.get_by_label("Montant TTC retenu (€)").fill("360.00")
    page.get_by_role("button", name="Établir et transmettre").click()
    expect(page.locator("#statut-courant")).to_have_text("Mise à disposition")

    # Now the paying service has it in « Factures reçues », with its history.
    log_in_as(page, live_server, works.payer_user)
    page.goto(f"{live_server.url}/factures-recues/")
    page.get_by_role("link", name="ST-2026-07").click()
    expect(page.locator("#statut-courant")).to_have_text("Mise à disposition")
    history = page.locator("#history")
    for step in ("Validée (1)", "Mise à disposition de la MOE", "Transmise à la MOA"):
        expect(history).to_contain_text(step)
    screenshot(page, "works-subcontractor-received")


def test_fiche_gets_a_subcontractor_and_the_titulaire_completes_with_a_document(
    live_server: Any,
    browser_page: Any,
    check_accessibility: Any,
    tmp_path: Any,
) -> None:
    from choeur.works.models import WorksInvoice
    from choeur.works.services import works_act
    from tests.lifecycle import factories as f

    works = build_works_world()
    f.structure(SUB_SIRET, "ÉLECTRICITÉ PETIT")
    page = browser_page

    # The paying service adds the subcontractor to the fiche identité du marché.
    log_in_as(page, live_server, works.payer_user)
    page.goto(f"{live_server.url}/travaux/marches/")
    page.locator("#contracts").get_by_role("link", name="Ajouter").click()
    check_accessibility(page)
    page.get_by_label("SIRET de l'entreprise").fill("12345678901234")
    page.get_by_role("button", name="Ajouter à la fiche").click()
    expect(page.locator("main")).to_contain_text("Aucune structure de SIRET 12345678901234")
    page.get_by_label("SIRET de l'entreprise").fill(SUB_SIRET)
    page.get_by_role("button", name="Ajouter à la fiche").click()
    expect(page.locator("#contracts")).to_contain_text("ÉLECTRICITÉ PETIT")

    # The MOE asks the titulaire to complete its projet; the titulaire adds a document.
    invoice = Invoice.objects.get(flux=works.deposit(cadre="A4", number="PDM-2026-08"))
    works_act(
        works=WorksInvoice.objects.get(invoice=invoice),
        user=works.moe_user,
        role="MOE",
        to_status="A_COMPLETER",
        reason="Joindre le métré du lot 2.",
    )
    log_in_as(page, live_server, works.supplier_user)
    page.goto(f"{live_server.url}/travaux/{invoice.pk}/")
    page.get_by_role("link", name="Compléter").click()
    check_accessibility(page)
    bad = tmp_path / "programme.exe"
    bad.write_bytes(b"MZ")
    page.get_by_label("Pièces complémentaires").set_input_files(str(bad))
    page.get_by_role("button", name="Confirmer : Compléter").click()
    expect(page.locator("main")).to_contain_text("L'extension du fichier n'est pas acceptée")
    metre = tmp_path / "metre-lot2.pdf"
    metre.write_bytes(b"%PDF-1.4\n% metre du lot 2\n%%EOF\n")
    page.get_by_label("Pièces complémentaires").set_input_files(str(metre))
    page.get_by_label("Motif ou commentaire").fill("Métré joint.")
    page.get_by_role("button", name="Confirmer : Compléter").click()
    expect(page.locator("#statut-courant")).to_have_text("À valider par la MOE")

    # The MOE finds it on the invoice's page.
    log_in_as(page, live_server, works.moe_user)
    page.goto(f"{live_server.url}/travaux/{invoice.pk}/")
    expect(page.locator("#pieces-jointes")).to_contain_text("metre-lot2.pdf")
    expect(page.locator("#pieces-jointes")).to_contain_text("complément du titulaire")
