"""Contract tests: each official example request of spec/official/go-choruspro-fixtures, sent
as the GO client sends it (its placeholder ids pointed at real objects), gets an answer with the
official response's fields and JSON types (tests/api/official.py)."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.test import Client

from choeur.structures.enums import Espace
from choeur.structures.models import Structure
from tests.api.conftest import (
    RECIPIENT_SIRET,
    ApiAccount,
    deposit_invoice,
    make_api_account,
    make_structure,
)
from tests.api.official import assert_official_shape, fixture
from tests.api.test_soumettre import payload as soumettre_payload
from tests.invoices.samples import Sample

# The flux is processed on commit.
pytestmark = pytest.mark.django_db(transaction=True)

# Endpoints answered for the recipient's technical account (espace « Factures reçues »).
RECIPIENT = {
    "factures/v1/rechercher/recipiendaire",
    "factures/v1/consulter/recipiendaire",
    "factures/v1/traiter/recue",
}

# Fields left out on purpose: GO reads these dates only as AAAA-MM-JJ, and Chœur has no
# validator circuit to date (views.factures.supplier_row).
LEFT_OUT = {
    "factures/v1/rechercher/fournisseur": frozenset({"dateValidation1", "dateValidation2"}),
}

# Every official example Chœur serves (the validator and works circuits aside).
ENDPOINTS = [
    "factures/v1/consulter/fournisseur",
    "factures/v1/consulter/historique",
    "factures/v1/consulter/recipiendaire",
    "factures/v1/deposer/flux",
    "factures/v1/rechercher/fournisseur",
    "factures/v1/rechercher/recipiendaire",
    "factures/v1/soumettre",
    "factures/v1/telecharger/groupe",
    "factures/v1/traiter/recue",
    "structures/v1/consulter",
    "structures/v1/consulter/service",
    "structures/v1/rechercher",
    "structures/v1/rechercher/services",
    "transverses/v1/ajouter/fichier",
    "transverses/v1/consulterCR",
    "transverses/v1/consulterCRDetaille",
    "transverses/v1/rechercher/categorieSollicitation",
    "transverses/v1/rechercher/destinataire",
    "transverses/v1/rechercher/pj/moncompte",
    "transverses/v1/rechercher/sousCategorieSollicitation",
    "transverses/v1/recuperer/cadrefacturation",
    "transverses/v1/recuperer/coordbanc/valides",
    "transverses/v1/recuperer/devises",
    "transverses/v1/recuperer/etat/typedp",
    "transverses/v1/recuperer/etats/traitement",
    "transverses/v1/recuperer/formatflux",
    "transverses/v1/recuperer/modedepot",
    "transverses/v1/recuperer/modereglements",
    "transverses/v1/recuperer/motifs/exonerationtva",
    "transverses/v1/recuperer/motifs/refus/Facture/AValider",
    "transverses/v1/recuperer/pays",
    "transverses/v1/recuperer/structures/actives/destinataire",
    "transverses/v1/recuperer/structures/actives/facturetravaux",
    "transverses/v1/recuperer/structures/actives/fournisseur",
    "transverses/v1/recuperer/tauxtva",
    "transverses/v1/recuperer/typedp",
    "transverses/v1/recuperer/typefacturetravaux",
    "transverses/v1/recuperer/typeidentifiant/structure",
    "transverses/v1/recuperer/typespj",
]


def point_at(data: Any, ids: dict[str, Any]) -> Any:
    """The example with its placeholder ids (`idFacture: 0`, `numeroFluxDepot: "1"`) replaced."""
    if isinstance(data, dict):
        return {k: ids[k] if k in ids else point_at(v, ids) for k, v in data.items()}
    if isinstance(data, list):
        return [point_at(item, ids) for item in data]
    return data


def adapted(endpoint: str, ids: dict[str, Any], flux: bytes) -> Any:
    """The official example request, with what a placeholder cannot stand for."""
    example = fixture(endpoint)["examples"][0]["request_body_as_client_sends_it"]
    body = point_at(example, ids) if example else {}
    filled: dict[str, dict[str, Any]] = {
        "factures/v1/consulter/fournisseur": {"identifiantFactureCPP": ids["idFacture"]},
        "factures/v1/consulter/recipiendaire": {"identifiantFactureCPP": ids["idFacture"]},
        "factures/v1/deposer/flux": {"fichierFlux": base64.b64encode(flux).decode()},
        "factures/v1/telecharger/groupe": {
            "listeFacture": [{"idFacture": ids["idFacture"]}],
            "format": "PDF",
        },
        "factures/v1/traiter/recue": {"nouveauStatut": "MISE_EN_PAIEMENT"},
        "transverses/v1/ajouter/fichier": {
            "pieceJointeNom": "bon.pdf",
            "pieceJointeExtension": "PDF",
            "pieceJointeTypeMime": "application/pdf",
            "pieceJointeFichier": base64.b64encode(b"%PDF-1.4 bon de commande").decode(),
        },
        "transverses/v1/recuperer/coordbanc/valides": {"idStructure": ids["idStructureCPP"]},
        "transverses/v1/recuperer/etat/typedp": {"typeDemandePaiement": "FACTURE"},
        "transverses/v1/recuperer/etats/traitement": {"statutCourant": "MISE_A_DISPOSITION"},
        "transverses/v1/recuperer/motifs/refus/Facture/AValider": {
            "codeCadreFacturationAValider": "A9_FACTURE_SOUSTRAITANT"
        },
    }
    if endpoint == "factures/v1/soumettre":
        return {**soumettre_payload(), **{k: v for k, v in body.items() if v}}
    return {**body, **filled.get(endpoint, {})}


@pytest.fixture
def accounts(supplier_structure: Structure, public_structure: Structure) -> dict[str, Any]:
    supplier = make_api_account(supplier_structure, Client())
    recipient = make_api_account(
        make_structure(RECIPIENT_SIRET, "Commune de Test", public=True),
        Client(),
        espace=Espace.FACTURES_RECUES,
    )
    invoice_id = deposit_invoice(supplier)
    found = supplier.post("/cpro/factures/v1/rechercher/fournisseur", {}).json()
    service = public_structure.services.get(code="SFACETAT")
    ids = {
        "idFacture": invoice_id,
        "identifiantFactureCPP": invoice_id,
        "numeroFluxDepot": found["listeFactures"][0]["numeroFluxDepot"],
        "idStructure": public_structure.pk,
        "idStructureCPP": supplier_structure.pk,
        "idService": service.pk,
    }
    return {"supplier": supplier, "recipient": recipient, "ids": ids}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_the_official_example_gets_the_official_answer(
    accounts: dict[str, Any], endpoint: str
) -> None:

    account: ApiAccount = accounts["recipient" if endpoint in RECIPIENT else "supplier"]
    flux = Sample(seller_siret=account.structure.identifier, buyer_siret=RECIPIENT_SIRET).cii()
    if endpoint == "factures/v1/consulter/historique":
        # `derniereAction` is left out while the invoice has no user action: the recipient
        # downloads it first (TELECHARGEMENT_FACTURE).
        groupe = {"listeFacture": [{"idFacture": accounts["ids"]["idFacture"]}], "format": "PDF"}
        downloaded = accounts["recipient"].post("/cpro/factures/v1/telecharger/groupe", groupe)
        assert downloaded.status_code == 200, downloaded.content
    response = account.post(f"/cpro/{endpoint}", adapted(endpoint, accounts["ids"], flux))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["codeRetour"] in (0, 20000), body
    assert_official_shape(endpoint, body, left_out=LEFT_OUT.get(endpoint, frozenset()))


def test_the_health_check_answers_the_official_example(client: Client) -> None:
    response = client.get("/cpro/transverses/v1/health-check")
    assert response.status_code == 200
    assert_official_shape("transverses/v1/health-check", response.json())
