"""A search that finds nothing is HTTP 200 with codeRetour 20000 (TRA_MSG_00.015) and an empty
list, as on the real platform: the Python and GO clients raise on any other status before they
read codeRetour. A request that is wrong, or names another account's object, stays a 4xx."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from choeur.structures.models import Service
from tests.api.conftest import deposit_invoice, make_structure, other_supplier_account

pytestmark = pytest.mark.django_db(transaction=True)

T = "/cpro/transverses/v1/"
F = "/cpro/factures/v1/"
S = "/cpro/structures/v1/"


def _assert_no_result(response: Any, listing: str) -> dict[str, Any]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    data: dict[str, Any] = response.json()
    assert data["codeRetour"] == 20000
    assert data["libelle"] == "TRA_MSG_00.015"
    assert data[listing] == []
    return data


def test_services_of_a_structure_without_services(api_account: Any) -> None:
    commune = make_structure("21750001600019", "Commune sans services", public=True)
    response = api_account.post(
        S + "rechercher/services",
        {"idStructure": commune.pk, "parametresRechercherServicesStructure": {}},
    )
    data = _assert_no_result(response, "listeServices")
    assert data["parametresRetour"]["total"] == 0


def test_services_of_an_invisible_structure_stay_a_not_found_error(api_account: Any) -> None:
    private = make_structure("40483304800022", "Autre Fournisseur")
    response = api_account.post(S + "rechercher/services", {"idStructure": private.pk})
    assert response.status_code == 400
    assert response.json()["codeRetour"] == 20002


@pytest.mark.parametrize(
    ("path", "payload", "listing"),
    [
        (S + "rechercher", {"structure": {"identifiantStructure": "999999"}}, "listeStructures"),
        (T + "rechercher/destinataire", {"identifiant": "99999999999999"}, "listeDestinataires"),
        (F + "rechercher/fournisseur", {"numeroFluxDepot": "CPP000"}, "listeFactures"),
        (F + "rechercher/recipiendaire", {"numeroFacture": "NULLE-PART"}, "listeFactures"),
        (T + "rechercher/pj/moncompte", {"pieceJointeTypeId": 1}, "listePiecesJointes"),
        (T + "rechercher/categorieSollicitation", {"codeCategorie": "NON"}, "listeCategories"),
        (T + "rechercher/sousCategorieSollicitation", {"code": "NON"}, "listeSousCategories"),
        (T + "recuperer/structures/actives/destinataire", {}, "listeStructures"),
    ],
)
def test_every_search_without_result_answers_200_and_an_empty_list(
    api_account: Any, path: str, payload: dict[str, Any], listing: str
) -> None:
    _assert_no_result(api_account.post(path, payload), listing)


def test_recipient_search_without_result_keeps_its_top_level_paging(
    recipient_account: Any,
) -> None:
    data = _assert_no_result(
        recipient_account.post(F + "rechercher/recipiendaire", {"paramRecherche": {}}),
        "listeFactures",
    )
    assert data["total"] == 0 and data["pageCourante"] == 1


def test_a_supplier_search_finds_its_invoice_and_nothing_of_another_supplier(
    api_account: Any, recipient_account: Any
) -> None:
    invoice_id = deposit_invoice(api_account)
    found = api_account.post(F + "rechercher/fournisseur", {}).json()
    assert [row["identifiantFactureCPP"] for row in found["listeFactures"]] == [invoice_id]
    other = other_supplier_account(Client())
    _assert_no_result(other.post(F + "rechercher/fournisseur", {}), "listeFactures")
    # Consulting that very invoice is naming another account's object: a 400, 20002.
    refused = other.post(F + "consulter/fournisseur", {"identifiantFactureCPP": invoice_id})
    assert refused.status_code == 400
    assert refused.json()["codeRetour"] == 20002


def test_a_services_search_that_finds_services_is_unchanged(
    api_account: Any, public_structure: Any
) -> None:
    body = api_account.post(S + "rechercher/services", {"idStructure": public_structure.pk})
    assert body.status_code == 200
    assert body.json()["codeRetour"] == 0
    assert [s["codeService"] for s in body.json()["listeServices"]] == ["ANCIEN", "SFACETAT"]
    assert Service.objects.filter(structure=public_structure).count() == 2
