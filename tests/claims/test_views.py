"""The espaces' pages: the depositor's form, list and page; the recipient's list, page and
processing; the navigation; outsiders answered 404."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from choeur.claims.models import Claim
from choeur.invoices.enums import InvoiceStatus
from choeur.invoices.models import Flux, Invoice
from tests.claims.conftest import PROOF, TODAY, ClaimsWorld


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("choeur.claims.views.timezone.localdate", lambda: TODAY)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _memoire_post(world: ClaimsWorld, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "structure": world.expert.pk,
        "recipient": world.juridiction.pk,
        "service_code": "",
        "engagement_number": "",
        "number": "MEM-2026-014",
        "issue_date": "2026-03-16",
        "procedure_number": "26123000045",
        "requisition_reference": "",
        "requisition_date": "2026-02-01",
        "prescripteur": "M. le procureur de la République",
        "mission_nature": "INTERPRETARIAT",
        "mission_description": "Interprétariat en langue roumaine, audition du 3 février",
        "tva_regime": "EXONERATION",
        "bank_account": world.expert_bank.pk,
        "comment": "",
        "idem": "cle-1",
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "50",
        "lines-0-designation": "Interprétariat (heures)",
        "lines-0-quantity": "3",
        "lines-0-unit": "HUR",
        "lines-0-unit_price": "42.50",
        "lines-0-vat_rate": "0.00",
        # The blank rows as a browser posts them: their selects keep their first choice.
        "lines-1-unit": "C62",
        "lines-1-vat_rate": "20.00",
        "lines-2-unit": "C62",
        "lines-2-vat_rate": "20.00",
        "attachments": SimpleUploadedFile("requisition.pdf", PROOF, "application/pdf"),
    }
    data.update(changes)
    return data


def test_expert_deposits_a_memoire_and_follows_it(
    world: ClaimsWorld, django_capture_on_commit_callbacks: Any
) -> None:
    client = _client(world.expert_user)
    page = client.get("/memoires-justice/deposer/")
    assert page.status_code == 200
    assert "TRIBUNAL JUDICIAIRE DE BEAUMONT" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/memoires-justice/deposer/", _memoire_post(world))
    claim = Claim.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/memoires-justice/{claim.pk}/"
    invoice = Invoice.objects.get(flux=claim.flux)
    assert invoice.cadre == "A3_MEMOIRE_JUSTICE"
    assert invoice.amount_due == Decimal("127.50")
    html = client.get(response["Location"]).content.decode()
    assert f"Mémoire n° MEM-2026-014 déposé (flux {claim.flux.numero})" in html
    assert "Mise à disposition" in html
    assert "M. le procureur de la République" in html
    assert "127,50" in html
    listing = client.get("/memoires-justice/").content.decode()
    assert "MEM-2026-014" in listing


def test_memoire_form_errors_are_shown_and_nothing_is_written(world: ClaimsWorld) -> None:
    client = _client(world.expert_user)
    response = client.post(
        "/memoires-justice/deposer/",
        _memoire_post(world, prescripteur="", procedure_number="", requisition_reference=""),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "La demande n'est pas déposée" in html
    assert not Flux.objects.exists()
    response = client.post("/memoires-justice/deposer/", _memoire_post(world, procedure_number=""))
    assert response.status_code == 400
    assert "Indiquez le numéro de procédure ou la référence de la réquisition." in (
        response.content.decode()
    )
    assert not Flux.objects.exists()


def test_memoire_to_a_recipient_not_offered_is_refused(world: ClaimsWorld) -> None:
    response = _client(world.expert_user).post(
        "/memoires-justice/deposer/", _memoire_post(world, recipient=world.tic_service.pk)
    )
    assert response.status_code == 400
    assert not Flux.objects.exists()


def test_juridiction_receives_and_processes_the_memoire(world: ClaimsWorld) -> None:
    claim = world.memoire()
    client = _client(world.greffe)
    listing = client.get("/memoires-justice/")  # a recipient only: his list
    assert listing.status_code == 302
    html = client.get("/memoires-justice/recus/").content.decode()
    assert claim.number in html
    assert "CABINET DUVAL EXPERTISES" in html
    detail = client.get(f"/memoires-justice/recus/{claim.pk}/").content.decode()
    assert "Service fait" in detail
    assert "requisition.pdf" in detail
    response = client.post(
        f"/memoires-justice/recus/{claim.pk}/traiter/service-fait/",
        {"expected_status": InvoiceStatus.MISE_A_DISPOSITION, "reason": ""},
    )
    assert response.status_code == 302
    invoice = Invoice.objects.get(flux=claim.flux)
    assert invoice.status == InvoiceStatus.SERVICE_FAIT
    response = client.post(
        f"/memoires-justice/recus/{claim.pk}/traiter/suspendre/",
        {"expected_status": InvoiceStatus.SERVICE_FAIT, "reason": ""},
    )
    assert response.status_code == 400  # a suspension needs its reason
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.SERVICE_FAIT
    expert_page = _client(world.expert_user).get(f"/memoires-justice/{claim.pk}/")
    assert "Service fait" in expert_page.content.decode()


def test_reader_sees_the_memoire_but_cannot_process_it(world: ClaimsWorld) -> None:
    claim = world.memoire()
    client = _client(world.greffe_reader)
    detail = client.get(f"/memoires-justice/recus/{claim.pk}/")
    assert detail.status_code == 200
    assert 'id="claim-actions"' not in detail.content.decode()
    response = client.post(
        f"/memoires-justice/recus/{claim.pk}/traiter/service-fait/",
        {"expected_status": InvoiceStatus.MISE_A_DISPOSITION},
    )
    assert response.status_code == 404
    assert Invoice.objects.get(flux=claim.flux).status == InvoiceStatus.MISE_A_DISPOSITION


def test_outsiders_get_404(world: ClaimsWorld) -> None:
    memoire = world.memoire()
    tic = world.tic()
    outsider = _client(world.outsider)
    for url in (
        f"/memoires-justice/{memoire.pk}/",
        f"/memoires-justice/recus/{memoire.pk}/",
        f"/memoires-justice/recus/{memoire.pk}/traiter/service-fait/",
        f"/remboursements-tic/{tic.pk}/",
        f"/remboursements-tic/recus/{tic.pk}/",
    ):
        assert outsider.get(url).status_code == 404, url
    # Each side sees only its own side, and one kind's page does not show the other kind.
    expert = _client(world.expert_user)
    assert expert.get(f"/memoires-justice/recus/{memoire.pk}/").status_code == 404
    assert expert.get(f"/remboursements-tic/{tic.pk}/").status_code == 404
    assert _client(world.tic_agent).get(f"/memoires-justice/recus/{memoire.pk}/").status_code == 404


def test_navigation_shows_the_espaces_of_the_user_only(world: ClaimsWorld) -> None:
    html = _client(world.expert_user).get("/factures/").content.decode()
    assert 'href="/memoires-justice/"' in html
    assert 'href="/remboursements-tic/"' not in html
    html = _client(world.farmer_user).get("/factures/").content.decode()
    assert 'href="/remboursements-tic/"' in html
    assert 'href="/memoires-justice/"' not in html


def test_farmer_deposits_a_tic_request_with_its_refund_computed(
    world: ClaimsWorld, django_capture_on_commit_callbacks: Any
) -> None:
    client = _client(world.farmer_user)
    page = client.get("/remboursements-tic/deposer/").content.decode()
    assert '<option value="2025"' in page
    assert '<option value="2026"' not in page  # the campaign is not over
    data = {
        "structure": world.farmer.pk,
        "recipient": world.tic_service.pk,
        "service_code": "",
        "exploitation_name": "EARL des Trois Chênes",
        "pacage_number": "045123456",
        "campaign_year": "2025",
        "GAZOLE_NON_ROUTIER": "8000",
        "FIOUL_LOURD": "",
        "GAZ_NATUREL": "",
        "bank_account": world.farmer_bank.pk,
        "comment": "",
        "idem": "cle-tic",
        "attachments": SimpleUploadedFile("factures-gnr.pdf", PROOF, "application/pdf"),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/remboursements-tic/deposer/", data)
    assert response.status_code == 302
    claim = Claim.objects.get()
    html = client.get(response["Location"]).content.decode()
    assert Invoice.objects.get(flux=claim.flux).amount_due == Decimal("1196.80")  # 80 hl x 14,96 €
    assert "196,80" in html
    assert "Gazole non routier" in html
    agent_html = _client(world.tic_agent).get("/remboursements-tic/recus/").content.decode()
    assert claim.number in agent_html


def test_tic_form_without_proof_or_with_a_bad_pacage_is_refused(world: ClaimsWorld) -> None:
    client = _client(world.farmer_user)
    data = {
        "structure": world.farmer.pk,
        "recipient": world.tic_service.pk,
        "exploitation_name": "EARL des Trois Chênes",
        "pacage_number": "12AB",
        "campaign_year": "2025",
        "GAZOLE_NON_ROUTIER": "8000",
        "bank_account": world.farmer_bank.pk,
    }
    response = client.post("/remboursements-tic/deposer/", data)
    assert response.status_code == 400
    assert "Le numéro PACAGE compte 9 chiffres." in response.content.decode()
    data["pacage_number"] = "045123456"
    response = client.post("/remboursements-tic/deposer/", data)
    assert response.status_code == 400
    assert "Joignez au moins une pièce justificative." in response.content.decode()
    assert not Flux.objects.exists()


def test_a_user_without_the_espace_gets_404(world: ClaimsWorld) -> None:
    client = _client(world.farmer_user)
    assert client.get("/memoires-justice/").status_code == 404
    assert client.get("/memoires-justice/deposer/").status_code == 404


def test_the_request_is_also_a_received_and_a_sent_invoice(world: ClaimsWorld) -> None:
    claim = world.memoire()
    invoice = Invoice.objects.get(flux=claim.flux)
    received = _client(world.greffe).get(f"/factures-recues/{invoice.pk}/")
    assert received.status_code == 200
    assert claim.number in received.content.decode()
    sent = _client(world.expert_user).get(f"/factures/{invoice.pk}/")
    assert sent.status_code == 200
    assert claim.number in sent.content.decode()
    assert _client(world.outsider).get(f"/factures-recues/{invoice.pk}/").status_code == 404


def test_a_depositor_without_bank_details_is_told_where_to_add_them(world: ClaimsWorld) -> None:
    world.expert_bank.is_active = False
    world.expert_bank.save()
    html = _client(world.expert_user).get("/memoires-justice/deposer/").content.decode()
    assert "les coordonnées bancaires de la structure sont obligatoires" in html
    assert f'href="/structures/{world.expert.pk}/coordonnees-bancaires/"' in html
