from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("recuperer/cadrefacturation", "listeCadreFacturation"),
        ("recuperer/modedepot", "listeModeDepot"),
        ("recuperer/formatflux", "listeFormatFlux"),
        ("recuperer/typedp", "listeTypeDemandePaiement"),
        ("recuperer/etat/typedp", "listeEtatDemandePaiement"),
        ("recuperer/modereglements", "listeModePaiement"),
    ],
)
def test_referentials_answer_their_lists(api_account: Any, path: str, key: str) -> None:
    response = api_account.post(f"/cpro/transverses/v1/{path}", {})
    assert response.status_code == 200
    assert response.json()["codeRetour"] == 0
    assert response.json()[key]


def test_recipient_search_by_town(api_account: Any, public_structure: Any) -> None:
    body = api_account.post(
        "/cpro/transverses/v1/rechercher/destinataire", {"nomVilleCodePostal": "Paris"}
    ).json()
    assert body["listeDestinataires"][0]["siret"] == "11000201100044"


def test_siret_information_rejects_a_bad_key(api_account: Any) -> None:
    response = api_account.post(
        "/cpro/transverses/v1/consulter/information/siret", {"siretStructure": "12345678901234"}
    )
    assert response.status_code == 400
    assert "SIRET" in response.json()["libelle"]
