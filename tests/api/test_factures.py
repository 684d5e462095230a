from __future__ import annotations

import base64
from typing import Any

import pytest

from choeur.invoices.models import Flux, Invoice
from tests.api.conftest import make_structure
from tests.invoices.samples import Sample

pytestmark = pytest.mark.django_db(transaction=True)

FREE_RECIPIENT = "12345678200051"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.fixture
def recipient(db: Any) -> Any:
    return make_structure(FREE_RECIPIENT, "Commune de Test", public=True)


def _deposit(api_account: Any, data: bytes, **headers: str) -> Any:
    payload = {
        "fichierFlux": _b64(data),
        "nomFichier": "facture.xml",
        "syntaxeFlux": "IN_DP_E1_CII_16B",
        "avecSignature": False,
        "idUtilisateurCourant": 0,
    }
    return api_account.post("/cpro/factures/v1/deposer/flux", payload, **headers)


def test_deposit_answers_a_flux_number_then_the_report_says_integrated(
    api_account: Any, recipient: Any
) -> None:
    sample = Sample(seller_siret=api_account.structure.identifier, buyer_siret=FREE_RECIPIENT)
    response = _deposit(api_account, sample.cii())
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["codeRetour"] == 0
    assert body["numeroFluxDepot"].startswith("CPP") and len(body["numeroFluxDepot"]) == 25
    assert len(body["dateDepot"]) == 10
    assert body["syntaxeFlux"] == "IN_DP_E1_CII_16B"

    report = api_account.post(
        "/cpro/transverses/v1/consulterCR", {"numeroFluxDepot": body["numeroFluxDepot"]}
    ).json()
    assert report["etatCourantFlux"] == "IN_INTEGRE"
    assert report["dateDepotFlux"][10] == "T"

    found = api_account.post(
        "/cpro/factures/v1/rechercher/fournisseur",
        {
            "numeroFluxDepot": body["numeroFluxDepot"],
            "typeFacture": "",
            "statutCourant": None,
            "montantTTCMin": 0,
        },
    ).json()
    assert [row["numeroFacture"] for row in found["listeFactures"]] == ["FA-2026-001"]
    assert found["listeFactures"][0]["statut"] == "MISE_A_DISPOSITION"
    assert found["listeFactures"][0]["montantTTC"] == 360.0


def test_detailed_report_lists_each_rejected_invoice_with_its_rule(
    api_account: Any, recipient: Any
) -> None:
    sample = Sample(seller_siret=api_account.structure.identifier, buyer_siret="40483304800022")
    numero = _deposit(api_account, sample.cii()).json()["numeroFluxDepot"]
    detail = api_account.post(
        "/cpro/transverses/v1/consulterCRDetaille", {"numeroFluxDepot": numero}
    ).json()
    assert detail["etatCourantDepotFlux"] == "IN_REJETE"
    assert detail["listeErreurDP"]
    error = detail["listeErreurDP"][0]
    assert error["numeroDP"] == "FA-2026-001"
    assert error["libelleErreurDP"].startswith("[")
    assert not Invoice.objects.exists()


def test_a_retried_deposit_with_the_same_idempotency_key_gets_the_first_answer(
    api_account: Any, recipient: Any
) -> None:
    data = Sample(seller_siret=api_account.structure.identifier, buyer_siret=FREE_RECIPIENT).cii()
    first = _deposit(api_account, data, HTTP_IDEMPOTENCY_KEY="erp-42").json()
    second = _deposit(api_account, data, HTTP_IDEMPOTENCY_KEY="erp-42").json()
    assert first["numeroFluxDepot"] == second["numeroFluxDepot"]
    assert Flux.objects.count() == 1
    assert Invoice.objects.count() == 1


def test_bad_base64_is_refused_and_nothing_is_stored(api_account: Any) -> None:
    response = api_account.post(
        "/cpro/factures/v1/deposer/flux", {"fichierFlux": "pas du base64 !", "nomFichier": "f.xml"}
    )
    assert response.status_code == 400
    assert "base 64" in response.json()["libelle"]
    assert not Flux.objects.exists()


def test_unknown_syntax_is_refused_with_the_accepted_list(api_account: Any) -> None:
    response = api_account.post(
        "/cpro/factures/v1/deposer/flux",
        {
            "fichierFlux": _b64(b"<x/>"),
            "nomFichier": "f.xml",
            "syntaxeFlux": "IN_DP_E3_UBL_INVOICE",
        },
    )
    assert response.status_code == 400
    assert "IN_DP_E1_UBL_INVOICE" in response.json()["libelle"]
    assert not Flux.objects.exists()


def test_another_structures_flux_is_not_found(api_account: Any) -> None:
    response = api_account.post(
        "/cpro/transverses/v1/consulterCR", {"numeroFluxDepot": "CPP0000000000000000000001"}
    )
    assert response.status_code == 400
    assert response.json()["codeRetour"] == 20002


def test_valid_bank_accounts_of_the_structure(api_account: Any) -> None:
    from choeur.structures.models import BankAccount

    BankAccount.objects.create(
        structure=api_account.structure,
        label="Compte principal",
        holder="Durand",
        iban="FR7630006000011234567890189",
        bic="AGRIFRPPXXX",
    )
    body = api_account.post(
        "/cpro/transverses/v1/recuperer/coordbanc/valides",
        {"idStructure": api_account.structure.pk},
    ).json()
    assert body["listeCoordonneeBancaire"][0]["nomCoordonneeBancaire"] == "Compte principal"
