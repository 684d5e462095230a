from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import make_structure

pytestmark = pytest.mark.django_db


def test_search_returns_public_structures_and_only_own_private_ones(
    api_account: Any, public_structure: Any
) -> None:
    make_structure("40483304800022", "Concurrent SARL")
    response = api_account.post(
        "/cpro/structures/v1/rechercher",
        {"parametres": None, "restreindreStructuresPrivees": None, "structure": None},
    )
    assert response.status_code == 200
    body = response.json()
    names = {row["designationStructure"] for row in body["listeStructures"]}
    assert names == {"Ministère de la Culture", "Menuiserie Durand"}
    assert body["parametresRetour"]["total"] == 2
    assert {row["statut"] for row in body["listeStructures"]} == {"ACTIVE"}


def test_search_treats_go_empty_values_as_absent_and_accepts_trisense(
    api_account: Any, public_structure: Any
) -> None:
    payload = {
        "parametres": {
            "nbResultatsParPage": 1,
            "pageResultatDemandee": 2,
            "triColonne": "DesignationStructure",
            "triSense": "Ascendant ",
        },
        "restreindreStructuresPrivees": True,
        "structure": {
            "identifiantStructure": "",
            "raisonSocialeStructure": "",
            "estMOA": False,
            "typeStructure": "",
            "adresseVille": "",
        },
    }
    body = api_account.post("/cpro/structures/v1/rechercher", payload).json()
    assert body["parametresRetour"] == {
        "nbResultatsParPage": 1,
        "pageCourante": 2,
        "pages": 2,
        "total": 2,
    }
    assert [row["designationStructure"] for row in body["listeStructures"]] == [
        "Ministère de la Culture"
    ]


def test_search_without_result_is_the_platform_no_result_answer(api_account: Any) -> None:
    response = api_account.post(
        "/cpro/structures/v1/rechercher", {"structure": {"identifiantStructure": "999999"}}
    )
    assert response.status_code == 200
    assert response.json()["codeRetour"] == 20000
    assert response.json()["libelle"] == "TRA_MSG_00.015"
    assert response.json()["listeStructures"] == []


def test_consult_gives_the_recipient_parameters(api_account: Any, public_structure: Any) -> None:
    body = api_account.post(
        "/cpro/structures/v1/consulter", {"idStructureCPP": public_structure.pk, "codeLangue": "fr"}
    ).json()
    assert body["codeRetour"] == 0
    assert body["informationGenerales"]["identifiantStructure"] == "11000201100044"
    assert body["informationGenerales"]["structurePriveePublique"] == "PUBLIQUE"
    assert body["parametres"]["codeServiceDoitEtreRenseigne"] is True
    assert body["parametres"]["getaMoa"] is False


def test_consult_accepts_go_idstructure_and_shows_own_password_expiry(api_account: Any) -> None:
    body = api_account.post(
        "/cpro/structures/v1/consulter", {"idStructure": api_account.structure.pk, "codeLangue": ""}
    ).json()
    assert body["informationGenerales"]["raisonSocialeStructure"] == "Menuiserie Durand"
    assert body["informationGenerales"]["dateExpirationMotPasseCompteTech"].startswith("20")


def test_another_private_structure_is_not_found(api_account: Any) -> None:
    other = make_structure("40483304800022", "Concurrent SARL")
    response = api_account.post("/cpro/structures/v1/consulter", {"idStructureCPP": other.pk})
    assert response.status_code == 400
    assert response.json()["codeRetour"] == 20002


def test_services_of_a_public_structure_with_their_status(
    api_account: Any, public_structure: Any
) -> None:
    body = api_account.post(
        "/cpro/structures/v1/rechercher/services",
        {
            "idStructure": public_structure.pk,
            "idUtilisateurCourant": 0,
            "parametresRechercherServicesStructure": None,
        },
    ).json()
    services = {row["codeService"]: row for row in body["listeServices"]}
    assert services["SFACETAT"]["estActif"] is True
    assert services["ANCIEN"]["statutService"] == "INACTIF"


def test_consult_service_dates_use_the_go_datetime_format(
    api_account: Any, public_structure: Any
) -> None:
    service = public_structure.services.get(code="SFACETAT")
    body = api_account.post(
        "/cpro/structures/v1/consulter/service",
        {"idStructure": public_structure.pk, "idService": service.pk, "codeLangue": "FR"},
    ).json()
    assert body["informationsGenerales"]["codeService"] == "SFACETAT"
    assert body["parametres"]["numeroEngagement"] is True
    created = body["parametres"]["dateCreation"]
    assert len(created) == 16 and created[10] == " "
