"""The other payment requests over the API: the four `typeDemandePaiement` and their cadres, the
recipient's search and `rechercher/demandePaiement` by type. Every answer is checked against
the OpenAPI document (the response-check fixture of tests/api)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from choeur.structures.models import Structure
from choeur.structures.services.technical import technical_account_create
from tests.api.conftest import ApiAccount
from tests.api.conftest import (
    responses_match_the_openapi_document as responses_match_the_openapi_document,
)
from tests.claims.conftest import ClaimsWorld
from tests.lifecycle import factories as f

T = "/cpro/transverses/v1/"
F = "/cpro/factures/v1/"


def _api(structure: Structure, manager: Any, client: Client) -> ApiAccount:
    secrets = technical_account_create(actor=manager, structure=structure)
    return ApiAccount(
        client=client,
        login=secrets.account.login,
        password=secrets.password,
        client_id=secrets.account.application.client_id,
        client_secret=secrets.client_secret or "",
        structure=structure,
    )


def test_the_four_payment_request_types_and_their_cadres(
    world: ClaimsWorld, client: Client
) -> None:
    api = _api(world.expert, world.expert_user, client)
    types = api.post(T + "recuperer/typedp", {}).json()["listeTypeDemandePaiement"]
    assert [t["typeDemandePaiement"] for t in types] == [
        "FACTURE",
        "FACTURE_TRAVAUX",
        "MEMOIRE_JUSTICE",
        "DEMANDE_REMBOURSEMENT",
    ]
    for kind, cadre in (
        ("MEMOIRE_JUSTICE", "A3_MEMOIRE_JUSTICE"),
        ("DEMANDE_REMBOURSEMENT", "A21_DEMANDE_REMBOURSEMENT_TIC"),
    ):
        body = api.post(T + "recuperer/cadrefacturation", {"typeDemandePaiement": kind}).json()
        assert body["listeCadreFacturation"] == [{"codeCadreFacturation": cadre}]


def test_the_juridiction_searches_its_received_requests_by_type(
    world: ClaimsWorld, client: Client
) -> None:
    memoire = world.memoire()
    invoice_id = memoire.flux.invoices.get().pk
    plain = f.invoice(supplier=world.expert, recipient=world.juridiction, number="F-2026-0099")
    api = _api(world.juridiction, world.greffe, client)
    path = F + "rechercher/recipiendaire"
    found = api.post(path, {"typeDemandePaiement": "MEMOIRE_JUSTICE"}).json()
    assert [(r["idFacture"], r["typeDemandePaiement"]) for r in found["listeFactures"]] == [
        (invoice_id, "MEMOIRE_JUSTICE")
    ]
    invoices = api.post(path, {"typeDemandePaiement": "FACTURE"}).json()
    assert [r["idFacture"] for r in invoices["listeFactures"]] == [plain.pk]
    for kind in ("FACTURE_TRAVAUX", "DEMANDE_REMBOURSEMENT"):
        assert api.post(path, {"typeDemandePaiement": kind}).json()["codeRetour"] == 20000
    everything = api.post(path, {}).json()
    assert {r["idFacture"] for r in everything["listeFactures"]} == {invoice_id, plain.pk}


def test_demande_paiement_finds_memoires_and_tic_refunds(
    world: ClaimsWorld, client: Client
) -> None:
    memoire = world.memoire()
    tic = world.tic()
    path = F + "rechercher/demandePaiement"
    expert = _api(world.expert, world.expert_user, client)
    rows = expert.post(
        path, {"roleUtilisateur": "FOURNISSEUR", "typeDemandePaiement": "MEMOIRE_JUSTICE"}
    ).json()["listeDemandePaiement"]
    assert [
        (r["numeroDemandePaiement"], r["typeDemandePaiement"], r["cadreFacturation"]) for r in rows
    ] == [(memoire.number, "MEMOIRE_JUSTICE", "A3_MEMOIRE_JUSTICE")]
    assert expert.post(path, {"typeDemandePaiement": "FACTURE"}).json()["codeRetour"] == 20000
    service = _api(world.tic_service, world.tic_agent, Client())
    rows = service.post(
        path, {"roleUtilisateur": "DESTINATAIRE", "typeDemandePaiement": "DEMANDE_REMBOURSEMENT"}
    ).json()["listeDemandePaiement"]
    assert [(r["numeroDemandePaiement"], r["typeDemandePaiement"]) for r in rows] == [
        (tic.number, "DEMANDE_REMBOURSEMENT")
    ]
    # The farmer's request is not the juridiction's.
    juridiction = _api(world.juridiction, world.greffe, Client())
    none = juridiction.post(path, {"typeDemandePaiement": "DEMANDE_REMBOURSEMENT"}).json()
    assert none["codeRetour"] == 20000


def test_states_of_a_memoire_are_the_invoice_path(world: ClaimsWorld, client: Client) -> None:
    api = _api(world.expert, world.expert_user, client)
    body = api.post(T + "recuperer/etat/typedp", {"typeDemandePaiement": "DEMANDE_REMBOURSEMENT"})
    states = [r["etatDemandePaiement"] for r in body.json()["listeEtatDemandePaiement"]]
    assert states[0] == "DEPOSEE" and "MISE_EN_PAIEMENT" in states and "REJETEE" in states
    assert not any(s.startswith(("A_VALIDER", "ERREUR")) for s in states)


@pytest.fixture(autouse=True)
def _db(db: None) -> None:
    return None


def test_the_paying_structure_searches_works_invoices_apart(client: Client) -> None:
    from tests.works.conftest import build_works_world

    works = build_works_world()
    decompte = works.invoice(cadre="A8", number="DGD-2026-01")  # straight to the paying service
    plain = f.invoice(supplier=works.supplier, recipient=works.payer, number="F-2026-0100")
    api = _api(works.payer, works.payer_user, client)
    path = F + "rechercher/recipiendaire"
    found = api.post(path, {"typeDemandePaiement": "FACTURE_TRAVAUX"}).json()
    assert [(r["idFacture"], r["typeDemandePaiement"]) for r in found["listeFactures"]] == [
        (decompte.pk, "FACTURE_TRAVAUX")
    ]
    invoices = api.post(path, {"typeDemandePaiement": "FACTURE"}).json()
    assert [r["idFacture"] for r in invoices["listeFactures"]] == [plain.pk]
