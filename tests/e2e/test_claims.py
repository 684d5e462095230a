"""The other payment requests in a real browser: an expert deposits a mémoire de frais de justice
that the juridiction receives, certifies and puts into payment; a farmer deposits a demande de
remboursement TIC, refund computed, that the service receives and puts into payment. Each side
sees where the request stands; an outsider gets 404."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from choeur.claims.models import Claim
from tests.claims.conftest import build_claims_world
from tests.e2e.session import log_in_as

pytestmark = pytest.mark.django_db(transaction=True)


def test_memoire_deposited_by_the_expert_processed_by_the_juridiction(
    live_server: Any, browser_page: Any, check_accessibility: Any, tmp_path: Any
) -> None:
    world = build_claims_world()
    page = browser_page
    requisition = tmp_path / "requisition.pdf"
    requisition.write_bytes(b"%PDF-1.4\n% requisition\n%%EOF\n")

    log_in_as(page, live_server, world.expert_user)
    page.goto(f"{live_server.url}/factures/")
    page.get_by_role("link", name="Mémoires de frais de justice").first.click()
    page.get_by_role("link", name="Déposer un mémoire").click()
    check_accessibility(page)
    page.locator("[name=recipient]").select_option(
        label=f"TRIBUNAL JUDICIAIRE DE BEAUMONT ({world.juridiction.identifier})"
    )
    page.locator("[name=number]").fill("MEM-E2E-001")
    page.locator("[name=procedure_number]").fill("26123000045")
    page.locator("[name=requisition_date]").fill("2026-01-15")
    page.locator("[name=prescripteur]").fill("Mme la juge d'instruction Fontaine")
    page.locator("[name=mission_nature]").select_option("EXPERTISE")
    page.locator("[name=lines-0-designation]").fill("Honoraires d'expertise")
    page.locator("[name=lines-0-quantity]").fill("10")
    page.locator("[name=lines-0-unit]").select_option("HUR")
    page.locator("[name=lines-0-unit_price]").fill("90")
    page.locator("[name=lines-0-vat_rate]").select_option("20.00")
    page.locator("[name=bank_account]").select_option(index=1)
    page.locator("[name=attachments]").set_input_files(str(requisition))
    page.get_by_role("button", name="Déposer le mémoire").click()
    expect(page.locator("#claim-status")).to_have_text("Mise à disposition")
    expect(page.locator("#claim-amount-due")).to_contain_text("1 080,00")
    check_accessibility(page)
    claim = Claim.objects.get(number="MEM-E2E-001")

    log_in_as(page, live_server, world.greffe)
    page.goto(f"{live_server.url}/memoires-justice/recus/")
    check_accessibility(page)
    page.get_by_role("link", name="MEM-E2E-001").click()
    expect(page.locator("#claim-data")).to_contain_text("Mme la juge d'instruction Fontaine")
    expect(page.locator("#claim-attachments")).to_contain_text("requisition.pdf")
    page.get_by_role("link", name="Service fait").click()
    page.get_by_role("button", name="Confirmer : Service fait").click()
    expect(page.locator("#claim-status")).to_have_text("Service fait")
    page.get_by_role("link", name="Mise en paiement").click()
    page.get_by_role("button", name="Confirmer : Mise en paiement").click()
    expect(page.locator("#claim-status")).to_have_text("Mise en paiement")
    expect(page.locator("#claim-history")).to_contain_text("Service fait")

    log_in_as(page, live_server, world.expert_user)
    page.goto(f"{live_server.url}/memoires-justice/")
    expect(page.locator("#claims-list tbody tr", has_text="MEM-E2E-001")).to_contain_text(
        "Mise en paiement"
    )

    log_in_as(page, live_server, world.outsider)
    response = page.goto(f"{live_server.url}/memoires-justice/recus/{claim.pk}/")
    assert response is not None and response.status == 404


def test_tic_request_deposited_by_the_farmer_paid_by_the_service(
    live_server: Any, browser_page: Any, check_accessibility: Any, tmp_path: Any
) -> None:
    world = build_claims_world()
    page = browser_page
    proof = tmp_path / "factures-gnr.pdf"
    proof.write_bytes(b"%PDF-1.4\n% factures GNR\n%%EOF\n")

    log_in_as(page, live_server, world.farmer_user)
    page.goto(f"{live_server.url}/remboursements-tic/")
    page.get_by_role("link", name="Déposer une demande de remboursement").click()
    check_accessibility(page)
    page.locator("[name=recipient]").select_option(index=1)
    page.locator("[name=pacage_number]").fill("045123456")
    page.locator("[name=campaign_year]").select_option("2025")
    page.locator("[name=GAZOLE_NON_ROUTIER]").fill("5000")
    page.locator("[name=bank_account]").select_option(index=1)
    page.locator("[name=attachments]").set_input_files(str(proof))
    page.get_by_role("button", name="Déposer la demande").click()
    expect(page.locator("#claim-status")).to_have_text("Mise à disposition")
    expect(page.locator("#claim-refund")).to_contain_text("748,00")  # 50 hl x 14,96 €
    check_accessibility(page)

    log_in_as(page, live_server, world.tic_agent)
    page.goto(f"{live_server.url}/remboursements-tic/recus/")
    page.get_by_role("link", name="TIC-2025-01").click()
    expect(page.locator("#claim-data")).to_contain_text("045123456")
    page.get_by_role("link", name="Mise en paiement").click()
    page.get_by_role("button", name="Confirmer : Mise en paiement").click()
    expect(page.locator("#claim-status")).to_have_text("Mise en paiement")

    log_in_as(page, live_server, world.farmer_user)
    page.goto(f"{live_server.url}/remboursements-tic/")
    expect(page.locator("#claims-list tbody tr", has_text="TIC-2025-01")).to_contain_text(
        "Mise en paiement"
    )
