"""`rechercher/demandePaiement` (reference E.3): one search over every payment request the
account sees, by role (supplier, recipient, validator); answers checked against the OpenAPI
document by tests/api/conftest.py."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import deposit_invoice

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/cpro/factures/v1/rechercher/demandePaiement"


@pytest.fixture(autouse=True)
def _buyer(recipient_account: Any) -> Any:
    """The public buyer every invoice here is addressed to."""
    return recipient_account


def ids(answer: Any) -> list[int]:
    assert answer.status_code == 200, answer.content
    return [row["idDemandePaiement"] for row in answer.json().get("listeDemandePaiement", [])]


def test_each_role_finds_what_it_sees(api_account: Any, recipient_account: Any) -> None:
    invoice = deposit_invoice(api_account)
    assert ids(api_account.post(URL, {"roleUtilisateur": "FOURNISSEUR"})) == [invoice]
    assert ids(api_account.post(URL, {})) == [invoice]
    assert ids(recipient_account.post(URL, {"roleUtilisateur": "DESTINATAIRE"})) == [invoice]
    assert ids(recipient_account.post(URL, {"roleUtilisateur": "FOURNISSEUR"})) == []
    assert ids(api_account.post(URL, {"roleUtilisateur": "VALIDATEUR"})) == []
    [row] = api_account.post(URL, {}).json()["listeDemandePaiement"]
    assert row["typeDemandePaiement"] == "FACTURE"
    assert row["etatCourant"] == "MISE_A_DISPOSITION"
    assert row["identifiantStructureFournisseur"] == api_account.structure.identifier
    assert row["nombreResultatTotal"] == "1"
    assert row["dpOuDpArchive"] == "DEMANDE_PAIEMENT"


def test_filters_and_nothing_found_is_a_200(api_account: Any) -> None:
    invoice = deposit_invoice(api_account)
    assert ids(api_account.post(URL, {"typeDemandePaiement": "FACTURE"})) == [invoice]
    assert ids(api_account.post(URL, {"statutCourant": "MISE_A_DISPOSITION"})) == [invoice]
    for nothing in (
        {"typeDemandePaiement": "FACTURE_TRAVAUX"},
        {"dpOuDpArchive": "DP_ARCHIVE"},
        {"statutCourant": "REJETEE"},
        {"montantTTCMin": 1_000_000},
        {"structureFournisseur": {"identifiantStructureFournisseur": "00000000000000"}},
    ):
        answer = api_account.post(URL, nothing)
        assert answer.status_code == 200, nothing
        assert answer.json()["codeRetour"] == 20000, nothing


def test_a_wrong_value_is_refused(api_account: Any) -> None:
    for wrong in ({"roleUtilisateur": "CHEF"}, {"typeFacture": "NOTE"}, {"montantHTMin": "x"}):
        answer = api_account.post(URL, wrong)
        assert answer.status_code == 400, wrong
        assert answer.json()["codeRetour"] == 20001, wrong
