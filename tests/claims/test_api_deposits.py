"""A mémoire (A3) or a TIC refund (A21) sent as an invoice through the API (`soumettre`) or a
flux file: its Claim is made at integration, once per invoice, so that it appears in both
espaces; a recipient not flagged for the kind refuses it with its finding; outsiders: 404."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.test import Client

import choeur.einvoice as einvoice
from choeur.claims.models import Claim
from choeur.claims.services import claim_for_invoice, memoire_saisie
from choeur.einvoice import read as read_pivot
from choeur.invoices.enums import FluxStatus, InvoiceStatus, ModeDepot
from choeur.invoices.models import Flux, Invoice
from choeur.invoices.services.deposit import Upload, flux_deposit
from choeur.invoices.services.drafts import build_pivot
from choeur.invoices.services.integration import flux_integrate
from choeur.structures.models import Structure
from choeur.structures.services.technical import technical_account_create
from tests.api.conftest import ApiAccount
from tests.claims.conftest import ClaimsWorld

S = "/cpro/factures/v1/soumettre"


@pytest.fixture(autouse=True)
def _db(db: None) -> None:
    return None


def _body(recipient: str, cadre: str, number: str, **changes: Any) -> dict[str, Any]:
    """A soumettre request: two lines at 20 %, 1 140 + 84,40 € HT."""
    body: dict[str, Any] = {
        "modeDepot": "SAISIE_API",
        "numeroFactureSaisi": number,
        "dateFacture": "2026-03-16",
        "destinataire": {"codeDestinataire": recipient, "codeServiceExecutant": ""},
        "cadreDeFacturation": {"codeCadreFacturation": cadre},
        "references": {
            "deviseFacture": "EUR",
            "modePaiement": "VIREMENT",
            "typeFacture": "FACTURE",
            "typeTva": "TVA_SUR_DEBIT",
        },
        "lignePoste": [
            {
                "lignePosteNumero": 1,
                "lignePosteDenomination": "Honoraires d'expertise",
                "lignePosteQuantite": 12,
                "lignePosteUnite": "HUR",
                "lignePosteMontantUnitaireHT": 95,
                "lignePosteTauxTva": "TVA20",
            },
            {
                "lignePosteNumero": 2,
                "lignePosteDenomination": "Frais de déplacement",
                "lignePosteQuantite": 1,
                "lignePosteUnite": "LS",
                "lignePosteMontantUnitaireHT": 84.4,
                "lignePosteTauxTva": "TVA20",
            },
        ],
        "ligneTva": [
            {
                "ligneTvaTaux": "TVA20",
                "ligneTvaMontantBaseHtParTaux": 1224.4,
                "ligneTvaMontantTvaParTaux": 244.88,
            }
        ],
        "montantTotal": {
            "montantHtTotal": 1224.4,
            "montantTVA": 244.88,
            "montantTtcTotal": 1469.28,
            "montantAPayer": 1469.28,
        },
    }
    body.update(changes)
    return body


def make_api_account(structure: Structure, manager: Any, client: Client) -> ApiAccount:
    """The structure's technical account, made by its gestionnaire principal."""
    secrets = technical_account_create(actor=manager, structure=structure)
    return ApiAccount(
        client=client,
        login=secrets.account.login,
        password=secrets.password,
        client_id=secrets.account.application.client_id,
        client_secret=secrets.client_secret or "",
        structure=structure,
    )


def _soumettre(api: ApiAccount, body: dict[str, Any]) -> Flux:
    """Submit, then run the integration the commit would have queued (the tests' transaction
    never commits)."""
    before = set(Flux.objects.values_list("pk", flat=True))
    response = api.post(S, body)
    assert response.status_code == 200, response.content
    (flux,) = Flux.objects.exclude(pk__in=before)
    flux_integrate(flux_id=flux.pk)
    flux.refresh_from_db()
    return flux


def _page(user: Any, url: str) -> Any:
    client = Client()
    client.force_login(user)
    return client.get(url)


def test_a_memoire_sent_through_the_api_appears_in_both_espaces(
    world: ClaimsWorld, client: Client
) -> None:
    api = make_api_account(world.expert, world.expert_user, client)
    flux = _soumettre(api, _body(world.juridiction.identifier, "A3_MEMOIRE_JUSTICE", "MEM-API-7"))
    invoice = Invoice.objects.get(flux=flux)
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION
    claim = Claim.objects.get(invoice=invoice)
    assert (claim.kind, claim.number, claim.supplier, claim.recipient) == (
        "MEMOIRE_JUSTICE",
        "MEM-API-7",
        world.expert,
        world.juridiction,
    )
    assert claim.procedure_number == "" and claim.mission_nature == ""

    sent = _page(world.expert_user, "/memoires-justice/").content.decode()
    assert "MEM-API-7" in sent and "TRIBUNAL JUDICIAIRE DE BEAUMONT" in sent
    assert "non renseigné" in sent  # no procedure number in an invoice
    mine = _page(world.expert_user, f"/memoires-justice/{claim.pk}/").content.decode()
    assert "Honoraires d&#x27;expertise" in mine and "469,28\xa0€" in mine
    received = _page(world.greffe, "/memoires-justice/recus/").content.decode()
    assert "MEM-API-7" in received and "CABINET DUVAL EXPERTISES" in received
    page = _page(world.greffe, f"/memoires-justice/recus/{claim.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "non renseigné" in text and "Frais de déplacement" in text
    # The juridiction processes it as any request it received.
    assert 'id="claim-actions"' in text

    for url in (f"/memoires-justice/{claim.pk}/", f"/memoires-justice/recus/{claim.pk}/"):
        assert _page(world.outsider, url).status_code == 404
    assert _page(world.farmer_user, f"/memoires-justice/{claim.pk}/").status_code == 404


def test_a_tic_refund_sent_through_the_api_appears_in_both_espaces(
    world: ClaimsWorld, client: Client
) -> None:
    api = make_api_account(world.farmer, world.farmer_user, client)
    body = _body(
        world.tic_service.identifier,
        "A21_DEMANDE_REMBOURSEMENT_TIC",
        "TIC-API-2025",
        lignePoste=[
            {
                "lignePosteNumero": 1,
                "lignePosteDenomination": "Remboursement TIC gazole non routier",
                "lignePosteQuantite": 100,
                "lignePosteUnite": "C62",
                "lignePosteMontantUnitaireHT": 14.96,
                "lignePosteTauxTva": "TVA0",
            }
        ],
        ligneTva=[
            {
                "ligneTvaTaux": "TVA0",
                "ligneTvaMontantBaseHtParTaux": 1496,
                "ligneTvaMontantTvaParTaux": 0,
            }
        ],
        montantTotal={
            "montantHtTotal": 1496,
            "montantTVA": 0,
            "montantTtcTotal": 1496,
            "montantAPayer": 1496,
        },
    )
    flux = _soumettre(api, body)
    invoice = Invoice.objects.get(flux=flux)
    claim = Claim.objects.get(invoice=invoice)
    # Dated 16 March 2026 with no invoicing period: the last closed campaign.
    assert (claim.kind, claim.campaign_year) == ("DEMANDE_REMBOURSEMENT", 2025)
    assert claim.exploitation_name == invoice.supplier.raison_sociale

    sent = _page(world.farmer_user, "/remboursements-tic/").content.decode()
    assert "TIC-API-2025" in sent and "2025" in sent
    received = _page(world.tic_agent, "/remboursements-tic/recus/").content.decode()
    assert "TIC-API-2025" in received and "EARL DES TROIS CHÊNES" in received
    text = _page(world.tic_agent, f"/remboursements-tic/recus/{claim.pk}/").content.decode()
    assert "Remboursement TIC gazole non routier" in text and "496,00\xa0€" in text
    assert _page(world.greffe, f"/remboursements-tic/recus/{claim.pk}/").status_code == 404
    assert _page(world.outsider, f"/remboursements-tic/{claim.pk}/").status_code == 404


def test_a_second_run_of_the_integration_makes_no_second_claim(
    world: ClaimsWorld, client: Client
) -> None:
    api = make_api_account(world.expert, world.expert_user, client)
    flux = _soumettre(api, _body(world.juridiction.identifier, "A3_MEMOIRE_JUSTICE", "MEM-API-8"))
    flux_integrate(flux_id=flux.pk)  # the task delivered twice, or the sweeper
    invoice = Invoice.objects.get(flux=flux)
    assert Claim.objects.filter(flux=flux).count() == 1
    # The hook itself, called again on the same invoice, gives the same row.
    stored = invoice.xml or invoice.main_document
    assert stored is not None
    pivot = read_pivot(stored.read())
    assert claim_for_invoice(invoice=invoice, pivot=pivot) == Claim.objects.get(invoice=invoice)
    assert Claim.objects.count() == 1


def test_a_form_deposit_keeps_its_one_claim_linked_to_its_invoice(world: ClaimsWorld) -> None:
    claim = world.memoire()
    flux_integrate(flux_id=claim.flux_id)
    claim.refresh_from_db()
    assert claim.invoice == Invoice.objects.get(flux=claim.flux)
    assert claim.prescripteur and Claim.objects.count() == 1


@pytest.mark.parametrize(
    ("cadre", "words"),
    [
        ("A3_MEMOIRE_JUSTICE", "ne reçoit pas de mémoires de frais de justice"),
        ("A21_DEMANDE_REMBOURSEMENT_TIC", "ne reçoit pas de demandes de remboursement TIC"),
    ],
)
def test_a_recipient_not_flagged_for_the_kind_refuses_it(
    world: ClaimsWorld, client: Client, cadre: str, words: str
) -> None:
    # A public structure, receiving invoices, but neither mémoires nor TIC refunds.
    world.juridiction.receives_memoires_justice = False
    world.juridiction.save(update_fields=["receives_memoires_justice"])
    api = make_api_account(world.expert, world.expert_user, client)
    flux = _soumettre(api, _body(world.juridiction.identifier, cadre, "MEM-API-9"))
    assert flux.status == FluxStatus.IN_REJETE
    errors = [e for item in flux.report["items"] for e in item["errors"]]
    assert [e["rule_id"] for e in errors] == ["CHOEUR-DEST-06"]
    assert words in errors[0]["message"]
    assert "TRIBUNAL JUDICIAIRE DE BEAUMONT" in errors[0]["message"]
    assert not Invoice.objects.filter(flux=flux).exists()
    assert not Claim.objects.exists()
    listed = _page(world.expert_user, "/memoires-justice/").content.decode()
    assert "MEM-API-9" not in listed


def test_two_memoires_in_one_flux_file_get_one_claim_each(world: ClaimsWorld) -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        for number in ("MEM-LOT-1", "MEM-LOT-2"):
            pivot = build_pivot(
                supplier=world.expert, saisie=memoire_saisie(world.memoire_input(number=number))
            )
            zf.writestr(f"{number}.xml", einvoice.write_ubl(pivot))
    flux = flux_deposit(
        user=world.expert_user,
        supplier=world.expert,
        upload=Upload("lot.zip", archive.getvalue(), "application/zip"),
        mode_depot=ModeDepot.EDI_XML_STRUCT,
    )
    flux_integrate(flux_id=flux.pk)
    flux_integrate(flux_id=flux.pk)
    claims = list(Claim.objects.filter(flux=flux).order_by("number"))
    assert [(c.number, c.invoice.flux_position if c.invoice else None) for c in claims] == [
        ("MEM-LOT-1", 0),
        ("MEM-LOT-2", 1),
    ]
    received = _page(world.greffe, "/memoires-justice/recus/").content.decode()
    assert "MEM-LOT-1" in received and "MEM-LOT-2" in received
