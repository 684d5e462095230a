from __future__ import annotations

import base64
from typing import Any

import pytest
from django.test import Client

from choeur.structures.enums import Espace
from tests.api.conftest import make_api_account, make_structure
from tests.invoices.samples import Sample

pytestmark = pytest.mark.django_db(transaction=True)

RECIPIENT_SIRET = "12345678200051"


@pytest.fixture
def recipient_account(db: Any) -> Any:
    structure = make_structure(RECIPIENT_SIRET, "Commune de Test", public=True)
    return make_api_account(structure, Client(), espace=Espace.FACTURES_RECUES)


@pytest.fixture
def invoice_id(api_account: Any, recipient_account: Any) -> int:
    data = Sample(seller_siret=api_account.structure.identifier, buyer_siret=RECIPIENT_SIRET).cii()
    numero = api_account.post(
        "/cpro/factures/v1/deposer/flux",
        {"fichierFlux": base64.b64encode(data).decode(), "nomFichier": "f.xml"},
    ).json()["numeroFluxDepot"]
    found = api_account.post(
        "/cpro/factures/v1/rechercher/fournisseur", {"numeroFluxDepot": numero}
    ).json()
    return int(found["listeFactures"][0]["identifiantFactureCPP"])


def test_recipient_finds_the_invoice_with_top_level_paging(
    recipient_account: Any, invoice_id: int
) -> None:
    body = recipient_account.post(
        "/cpro/factures/v1/rechercher/recipiendaire", {"paramRecherche": {"nbResultatsParPage": 10}}
    ).json()
    assert body["codeRetour"] == 0
    assert [row["idFacture"] for row in body["listeFactures"]] == [invoice_id]
    assert body["total"] == 1 and body["pageCourante"] == 1
    assert body["listeFactures"][0]["factureTelechargeeParDestinataire"] is False


def test_supplier_does_not_see_it_as_received(api_account: Any, invoice_id: int) -> None:
    response = api_account.post("/cpro/factures/v1/rechercher/recipiendaire", {})
    assert response.status_code == 200
    assert response.json()["codeRetour"] == 20000
    assert response.json()["libelle"] == "TRA_MSG_00.015"
    assert response.json()["listeFactures"] == []


def test_recipient_processes_the_invoice_and_both_read_the_same_history(
    recipient_account: Any, api_account: Any, invoice_id: int
) -> None:
    refused = recipient_account.post(
        "/cpro/factures/v1/traiter/recue",
        {"idFacture": invoice_id, "nouveauStatut": "SUSPENDUE", "motif": ""},
    )
    assert refused.status_code == 400
    assert "motif" in refused.json()["libelle"].lower()

    done = recipient_account.post(
        "/cpro/factures/v1/traiter/recue",
        {
            "idFacture": invoice_id,
            "nouveauStatut": "SERVICE_FAIT",
            "motif": "",
            "numeroDPMandat": "",
            "idUtilisateurCourant": 0,
        },
    ).json()
    assert done["codeRetour"] == 0
    assert done["nouveauStatut"] == "SERVICE_FAIT"

    for account in (recipient_account, api_account):
        history = account.post(
            "/cpro/factures/v1/consulter/historique", {"idFacture": invoice_id}
        ).json()
        assert history["statutCourantCode"] == "SERVICE_FAIT"
        codes = [h["histoStatutCode"] for h in history["historiquesDesStatuts"]["histoStatut"]]
        assert codes[0] == "SERVICE_FAIT"
        assert "MISE_A_DISPOSITION" in codes
        assert (
            len(history["historiquesDesStatuts"]["histoStatut"][0]["histoStatutDatePassage"]) == 16
        )


def test_supplier_cannot_process_as_recipient(api_account: Any, invoice_id: int) -> None:
    response = api_account.post(
        "/cpro/factures/v1/traiter/recue",
        {"idFacture": invoice_id, "nouveauStatut": "SERVICE_FAIT"},
    )
    assert response.status_code == 400
    assert response.json()["codeRetour"] == 20002
