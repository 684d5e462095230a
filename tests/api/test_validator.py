"""The validator circuit over the API: a subcontractor's A9 invoice submitted with its validator
(`soumettre`), found, consulted and validated or refused by the prime contractor's technical
account (`rechercher/valideur`, `consulter/valideur`, `traiter/factureAValider`), the wrong
validator corrected by the supplier (`corriger/valideur/facture`); answers checked against the
OpenAPI document by the autouse fixture of conftest."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from choeur.invoices.models import Invoice
from choeur.structures.enums import Espace
from tests.api.conftest import deposit_invoice, make_api_account, make_structure
from tests.api.test_soumettre import payload

pytestmark = pytest.mark.django_db(transaction=True)

F = "/cpro/factures/v1/"
PRIME_SIRET = "55210055400013"


@pytest.fixture(autouse=True)
def _buyer(recipient_account: Any) -> Any:
    """The public buyer every invoice here is addressed to."""
    return recipient_account


@pytest.fixture
def prime_account(db: Any) -> Any:
    structure = make_structure(PRIME_SIRET, "BTP Titulaire SA")
    return make_api_account(structure, Client(), espace=Espace.FACTURES_A_VALIDER)


def _not_found(answer: Any) -> bool:
    """Another structure's invoice is simply not found: HTTP 400, codeRetour 20002."""
    return bool(answer.status_code == 400 and answer.json()["codeRetour"] == 20002)


def _a9(account: Any, number: str = "ST-2026-001", **validator: str) -> Any:
    cadre = {
        "codeCadreFacturation": "A9_FACTURE_SOUSTRAITANT",
        "codeServiceValideur": "",
        "codeStructureValideur": PRIME_SIRET,
        **validator,
    }
    return account.post(
        F + "soumettre", payload(numeroFactureSaisi=number, cadreDeFacturation=cadre)
    )


def test_submitted_a9_is_validated_through_the_api_then_received(
    api_account: Any, prime_account: Any, recipient_account: Any
) -> None:
    answer = _a9(api_account)
    assert answer.status_code == 200, answer.content
    assert answer.json()["statutFacture"] == "A_VALIDER_1"
    invoice_id = answer.json()["identifiantFactureCPP"]

    # the supplier sees its validator and where the invoice stands
    own = api_account.post(F + "consulter/fournisseur", {"identifiantFactureCPP": invoice_id})
    facture = own.json()["facture"]
    assert facture["statutFacture"] == "A_VALIDER_1"
    assert facture["cadreDeFacturation"]["codeValideur1"] == PRIME_SIRET
    assert facture["cadreDeFacturation"]["raisonSocialeValideur1"] == "BTP Titulaire SA"

    # ...also in its search rows (ListeFactures: codeValideur1...)
    rows = api_account.post(F + "rechercher/fournisseur", {"numeroFacture": "ST-2026-001"})
    [listed] = rows.json()["listeFactures"]
    assert listed["codeValideur1"] == PRIME_SIRET
    assert listed["raisonSocialeValideur1"] == "BTP Titulaire SA"
    assert listed["typeIdentifiantValideur1"] == "SIRET"
    assert listed["codeValideur2"] == ""

    # the prime contractor finds it among its payment requests, as validator
    requests = prime_account.post(
        F + "rechercher/demandePaiement", {"roleUtilisateur": "VALIDATEUR"}
    ).json()["listeDemandePaiement"]
    assert [(r["idDemandePaiement"], r["cadreFacturation"]) for r in requests] == [
        (invoice_id, "A9_FACTURE_SOUSTRAITANT")
    ]

    # the buyer does not see it yet
    hidden = recipient_account.post(
        F + "consulter/recipiendaire", {"identifiantFactureCPP": invoice_id}
    )
    assert _not_found(hidden)

    found = prime_account.post(
        F + "rechercher/valideur", {"pagination": {"nbResultatsParPage": 10}}
    )
    body = found.json()
    assert body["codeRetour"] == 0
    assert [row["idFacture"] for row in body["listeFactures"]] == [invoice_id]
    row = body["listeFactures"][0]
    assert row["statut"] == "A_VALIDER_1"
    assert row["identifiantValideur"] == PRIME_SIRET
    assert body["parametresRetour"]["total"] == 1

    seen = prime_account.post(F + "consulter/valideur", {"identifiantFactureCPP": invoice_id})
    cadre = seen.json()["facture"]["cadreDeFacturation"]
    assert cadre["codeCadreFacturation"] == "A9_FACTURE_SOUSTRAITANT"
    assert cadre["codeValideur1"] == PRIME_SIRET
    assert "dateValidation1" not in cadre

    done = prime_account.post(
        F + "traiter/factureAValider",
        {"idFacture": invoice_id, "action": "VALIDATION", "complementInfo": "Conforme au marché"},
    )
    assert done.status_code == 200, done.content
    assert done.json()["statutFacture"] == "MISE_A_DISPOSITION"
    received = recipient_account.post(
        F + "consulter/recipiendaire", {"identifiantFactureCPP": invoice_id}
    )
    assert received.status_code == 200
    history = recipient_account.post(F + "consulter/historique", {"idFacture": invoice_id}).json()
    codes = [s["histoStatutCode"] for s in history["historiquesDesStatuts"]["histoStatut"]]
    assert codes[:3] == ["MISE_A_DISPOSITION", "VALIDEE_1", "A_VALIDER_1"]
    again = prime_account.post(F + "consulter/valideur", {"identifiantFactureCPP": invoice_id})
    assert "dateValidation1" in again.json()["facture"]["cadreDeFacturation"]


def test_soumettre_refuses_a_bad_validator(api_account: Any, prime_account: Any) -> None:
    missing = _a9(api_account, codeStructureValideur="")
    assert missing.status_code == 400
    assert "demande un valideur" in missing.json()["libelle"]
    unknown = _a9(api_account, codeStructureValideur="40483304800022")
    assert unknown.status_code == 400 and "inscrite sur Chœur" in unknown.json()["libelle"]
    a1 = api_account.post(
        F + "soumettre",
        payload(
            cadreDeFacturation={
                "codeCadreFacturation": "A1_FACTURE_FOURNISSEUR",
                "codeStructureValideur": PRIME_SIRET,
            }
        ),
    )
    assert a1.status_code == 400 and "ne se renseigne que" in a1.json()["libelle"]
    assert Invoice.objects.count() == 0


def test_bad_treatments_change_nothing_and_outsiders_get_404(
    api_account: Any, prime_account: Any, client: Client
) -> None:
    invoice_id = _a9(api_account).json()["identifiantFactureCPP"]
    url = F + "traiter/factureAValider"
    for bad, words in (
        ({"idFacture": invoice_id, "action": "REFUS"}, "motif de refus est obligatoire"),
        ({"idFacture": invoice_id, "action": "REFUS", "motifRefus": "NIMPORTE"}, "inconnu"),
        ({"idFacture": invoice_id, "action": "SUSPENSION"}, "VALIDATION ou REFUS"),
        (
            {"idFacture": invoice_id, "action": "VALIDATION", "idValideur": 999999},
            "pas le valideur",
        ),
    ):
        answer = prime_account.post(url, bad)
        assert answer.status_code == 400, bad
        assert words in answer.json()["libelle"]
    missing_piece = prime_account.post(
        url, {"idFacture": invoice_id, "action": "VALIDATION", "idPieceJointe": 987654}
    )
    assert _not_found(missing_piece)
    assert Invoice.objects.get(pk=invoice_id).status == "A_VALIDER_1"
    stranger = make_api_account(
        make_structure("40483304800022", "Autre BTP"), Client(), espace=Espace.FACTURES_A_VALIDER
    )
    assert _not_found(
        stranger.post(F + "consulter/valideur", {"identifiantFactureCPP": invoice_id})
    )
    assert _not_found(stranger.post(url, {"idFacture": invoice_id, "action": "VALIDATION"}))
    assert stranger.post(F + "rechercher/valideur", {}).json()["codeRetour"] == 20000
    assert _not_found(
        stranger.post(
            F + "corriger/valideur/facture",
            {"idFacture": invoice_id, "identifiantStructure": PRIME_SIRET},
        )
    )


def test_wrong_validator_corrected_by_the_supplier(api_account: Any, prime_account: Any) -> None:
    invoice_id = _a9(api_account).json()["identifiantFactureCPP"]
    refused = prime_account.post(
        F + "traiter/factureAValider",
        {"idFacture": invoice_id, "action": "REFUS", "motifRefus": "ERREUR_VALIDEUR"},
    )
    assert refused.json()["statutFacture"] == "ERREUR_FOURNISSEUR_SUR_VALIDEUR"
    right = make_api_account(
        make_structure("40483304800022", "Vrai Titulaire"),
        Client(),
        espace=Espace.FACTURES_A_VALIDER,
    )
    wrong = api_account.post(
        F + "corriger/valideur/facture", {"idFacture": invoice_id, "identifiantStructure": "12345"}
    )
    assert wrong.status_code == 400
    fixed = api_account.post(
        F + "corriger/valideur/facture",
        {
            "idFacture": invoice_id,
            "idStructure": right.structure.pk,
            "identifiantStructure": "",
            "typeIdentifiantStructure": "SIRET",
        },
    )
    assert fixed.status_code == 200, fixed.content
    assert fixed.json()["idFacture"] == invoice_id
    assert Invoice.objects.get(pk=invoice_id).status == "A_VALIDER_1"
    assert _not_found(
        prime_account.post(F + "consulter/valideur", {"identifiantFactureCPP": invoice_id})
    )
    listed = right.post(F + "rechercher/valideur", {"statutCourant": ["A_VALIDER_1"]}).json()
    assert [r["idFacture"] for r in listed["listeFactures"]] == [invoice_id]
    again = api_account.post(
        F + "corriger/valideur/facture",
        {"idFacture": invoice_id, "idStructure": right.structure.pk},
    )
    assert again.status_code == 400  # no longer sent back


def test_a_flux_naming_no_validator_waits_for_the_supplier(
    api_account: Any, prime_account: Any
) -> None:
    invoice_id = deposit_invoice(api_account, cadre="A9")
    invoice = Invoice.objects.get(pk=invoice_id)
    assert invoice.status == "ERREUR_FOURNISSEUR_SUR_VALIDEUR"
    fixed = api_account.post(
        F + "corriger/valideur/facture",
        {"idFacture": invoice_id, "identifiantStructure": PRIME_SIRET},
    )
    assert fixed.status_code == 200
    assert (
        prime_account.post(F + "rechercher/valideur", {}).json()["listeFactures"][0]["idFacture"]
        == invoice_id
    )


def test_referentials(prime_account: Any) -> None:
    statuses = prime_account.post(
        F + "recuperer/statutsFactureVisibles/valideur", {"idUtilisateurCourant": 0}
    )
    codes = [row["codeStatutFacture"] for row in statuses.json()["listeStatutFacture"]]
    assert codes[:2] == ["A_VALIDER_1", "VALIDEE_1"]
    assert "MISE_A_DISPOSITION" in codes and "BROUILLON" not in codes
    motifs = prime_account.post(
        "/cpro/transverses/v1/recuperer/motifs/refus/Facture/AValider",
        {"codeCadreFacturationAValider": "A9_FACTURE_SOUSTRAITANT"},
    ).json()["listeMotifRefusFactureAValider"]
    assert "ERREUR_VALIDEUR" in {m["codeMotif"] for m in motifs}
    assert all(m["libelleMotif"] for m in motifs)
    # a subcontractor's works projet is validated by the titulaire first: the same reasons
    works = prime_account.post(
        "/cpro/transverses/v1/recuperer/motifs/refus/Facture/AValider",
        {"codeCadreFacturationAValider": "A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT"},
    ).json()["listeMotifRefusFactureAValider"]
    assert works == motifs
    # an invoice no validator sees has none
    none = prime_account.post(
        "/cpro/transverses/v1/recuperer/motifs/refus/Facture/AValider",
        {"codeCadreFacturationAValider": "A1_FACTURE_FOURNISSEUR"},
    ).json()
    assert not none.get("listeMotifRefusFactureAValider")
