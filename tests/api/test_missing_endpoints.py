"""Issue 14: every endpoint of reference E.3 (the validator and works circuits aside) answers,
with the official example's fields; the referentials."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tests.api.official import assert_official_shape

pytestmark = pytest.mark.django_db

T = "/cpro/transverses/v1/"

# The paths of reference E.3 that answered 404 before issue 14 and answer now.
ADDED = [
    "transverses/v1/recuperer/pays",
    "transverses/v1/recuperer/tauxtva",
    "transverses/v1/recuperer/motifs/exonerationtva",
    "transverses/v1/recuperer/typedp",
    "transverses/v1/recuperer/typefacturetravaux",
    "transverses/v1/recuperer/typeidentifiant/structure",
    "transverses/v1/recuperer/typespj",
    "transverses/v1/recuperer/motifs/refus/Facture/AValider",
    "transverses/v1/telecharger/annuaire/destinataire",
    "transverses/v1/rechercher/pj/structure",
    "transverses/v1/telecharger/pieceJointe",
    "transverses/v1/recuperer/structuresPourUtilisateur",
    "transverses/v1/recuperer/structures/actives/facturetravaux",
    "utilisateurs/v1/monCompte/recuperer/rattachements",
    "structures/v1/lister/rattachementsutilisateur",
    "structures/v1/rechercher/espaces",
    "engagementsJuridiques/v1/rechercher",
    "factures/v1/deposer/pdf",
]


@pytest.mark.parametrize("path", ADDED)
def test_each_added_endpoint_asks_for_the_api_authentication(client: Client, path: str) -> None:
    response = client.post(f"/cpro/{path}", data="{}", content_type="application/json")
    assert response.status_code == 401
    assert response.json()["codeRetour"] == 401


@pytest.mark.parametrize("path", ADDED)
def test_each_added_endpoint_is_in_the_openapi_schema(client: Client, path: str) -> None:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"][f"/cpro/{path}"]["post"]
    assert any(p["name"] == "cpro-account" for p in operation["parameters"])


@pytest.mark.parametrize(
    ("endpoint", "request_body"),
    [
        ("transverses/v1/recuperer/pays", {"codeLangue": "FR"}),
        ("transverses/v1/recuperer/tauxtva", {"codeLangue": "FR"}),
        ("transverses/v1/recuperer/motifs/exonerationtva", {"codeLangue": "FR"}),
        ("transverses/v1/recuperer/typedp", {}),
        ("transverses/v1/recuperer/etat/typedp", {"typeDemandePaiement": "FACTURE"}),
        ("transverses/v1/recuperer/typefacturetravaux", {}),
        ("transverses/v1/recuperer/typeidentifiant/structure", {}),
        ("transverses/v1/recuperer/typespj", {}),
        (
            "transverses/v1/recuperer/motifs/refus/Facture/AValider",
            {"codeCadreFacturationAValider": "A9_FACTURE_SOUSTRAITANT"},
        ),
    ],
)
def test_referentials_answer_the_official_fields(
    api_account: Any, endpoint: str, request_body: dict[str, Any]
) -> None:
    response = api_account.post(f"/cpro/{endpoint}", request_body)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["codeRetour"] == 0
    assert_official_shape(endpoint, body)
    lists = [v for k, v in body.items() if k.startswith("liste")]
    assert lists and lists[0], "a referential is never empty"


def test_countries_are_iso_3166_with_french_or_english_names(api_account: Any) -> None:
    fr = api_account.post(T + "recuperer/pays", {"codeLangue": "FR"}).json()["listePays"]
    names = {row["codePays"]: row["libellePays"] for row in fr}
    assert len(names) == 249
    assert names["AD"] == "Andorre" and names["DE"] == "Allemagne" and names["FR"] == "France"
    # PKG sends the language in lower case (wire contract D13).
    en = api_account.post(T + "recuperer/pays", {"codeLangue": "en"}).json()["listePays"]
    assert {row["codePays"]: row["libellePays"] for row in en}["AD"] == "Andorra"


def test_each_vat_rate_code_carries_the_rate_soumettre_reads(api_account: Any) -> None:
    rows = api_account.post(T + "recuperer/tauxtva", {"codeLangue": "FR"}).json()["listeTauxTva"]
    rates = {row["codeTauxTva"]: row["valeurTauxTva"] for row in rows}
    assert rates["TVA20"] == 20 and rates["TVA5.5"] == 5.5 and rates["TVA2.1"] == 2.1
    for code, rate in rates.items():
        # soumettre reads the first number of `lignePosteTauxTva`.
        found = re.search(r"[0-9]+(?:[.,][0-9]+)?", code)
        assert found is not None and float(found.group(0)) == rate


def test_payment_request_types_and_their_states(api_account: Any) -> None:
    types = api_account.post(T + "recuperer/typedp", {}).json()
    assert types["libelle"] == "GCU_MSG_01_000"
    assert types["listeTypeDemandePaiement"] == [
        {"typeDemandePaiement": "FACTURE"},
        {"typeDemandePaiement": "FACTURE_TRAVAUX"},
        {"typeDemandePaiement": "MEMOIRE_JUSTICE"},
        {"typeDemandePaiement": "DEMANDE_REMBOURSEMENT"},
    ]
    states = api_account.post(T + "recuperer/etat/typedp", {"typeDemandePaiement": ""}).json()
    values = [row["etatDemandePaiement"] for row in states["listeEtatDemandePaiement"]]
    assert "MISE_A_DISPOSITION" in values and "MISE_EN_PAIEMENT" in values
    assert "BROUILLON" not in values
    memoires = api_account.post(
        T + "recuperer/etat/typedp", {"typeDemandePaiement": "MEMOIRE_JUSTICE"}
    ).json()
    memoire_states = [row["etatDemandePaiement"] for row in memoires["listeEtatDemandePaiement"]]
    assert "MISE_A_DISPOSITION" in memoire_states and "MISE_EN_PAIEMENT" in memoire_states
    assert "A_VALIDER_1" not in memoire_states and "A_VALIDER_MOE" not in memoire_states
    unknown = api_account.post(T + "recuperer/etat/typedp", {"typeDemandePaiement": "AUTRE"})
    assert unknown.status_code == 200
    assert unknown.json()["codeRetour"] == 20000


def test_attachment_types_by_object(api_account: Any) -> None:
    rows = api_account.post(T + "recuperer/typespj", {"typeObjet": "FACTURE"}).json()[
        "listeTypePieceJointe"
    ]
    assert {row["codeTypePieceJointe"] for row in rows} == {"PRINCIPALE", "COMPLEMENTAIRE"}
    assert all(row["typeObjet"] == "FACTURE" for row in rows)
    none = api_account.post(T + "recuperer/typespj", {"typeObjet": "MANDAT"})
    assert none.status_code == 200 and none.json()["codeRetour"] == 20000


def test_refusal_reasons_only_for_cadres_with_a_validator(api_account: Any) -> None:
    path = T + "recuperer/motifs/refus/Facture/AValider"
    rows = api_account.post(path, {"codeCadreFacturationAValider": "A12"}).json()[
        "listeMotifRefusFactureAValider"
    ]
    assert [row["idMotif"] for row in rows] == list(range(1, len(rows) + 1))
    assert "DOUBLON" in {row["codeMotif"] for row in rows}
    no_validator = api_account.post(path, {"codeCadreFacturationAValider": "A1"})
    assert no_validator.json()["codeRetour"] == 20000
    unknown = api_account.post(path, {"codeCadreFacturationAValider": "A99_INCONNU"})
    assert unknown.status_code == 400 and unknown.json()["codeRetour"] == 20001


def test_structure_identifier_types_are_those_structures_accept(api_account: Any) -> None:
    body = api_account.post(T + "recuperer/typeidentifiant/structure", {}).json()
    values = [row["typeIdentifiantStructure"] for row in body["listeTypeIdentifiant"]]
    assert values[0] == "SIRET" and "UE_HORS_FRANCE" in values and "PARTICULIER" in values


def test_a_malformed_body_answers_the_envelope(api_account: Any) -> None:
    response = api_account.post(T + "recuperer/pays", ["FR"])
    assert response.status_code == 400
    assert response.json()["codeRetour"] == 20001


def test_no_structure_handles_works_invoices_yet(api_account: Any) -> None:
    response = api_account.post(T + "recuperer/structures/actives/facturetravaux", {})
    assert response.json()["codeRetour"] == 20000
