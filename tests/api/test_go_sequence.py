"""A short working day driven exactly as the GO client (antoine2116/go-choruspro) sends it: each
body is its `request_body_as_client_sends_it` (every non-omitempty key, empty ones as "", 0,
false or null), with only the ids and the values the test needs substituted."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.api.conftest import RECIPIENT_SIRET
from tests.api.test_soumettre import payload as soumettre_as_go_marshals_it

pytestmark = pytest.mark.django_db(transaction=True)

F = "/cpro/factures/v1/"
T = "/cpro/transverses/v1/"


def _ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    assert body["codeRetour"] == 0, body
    return body


def rechercher_fournisseur(numero_facture: str) -> dict[str, Any]:
    return {
        "cadreFacturation": {},
        "coordonneeBancaire": 0,
        "idFournisseur": 0,
        "idServiceFournisseur": 0,
        "idStructureValideur": 0,
        "idUtilisateurCourant": 0,
        "idUtilisateurCreateur": None,
        "listeDestinataire": None,
        "modeDepot": "",
        "montantApayerMax": 0,
        "montantApayerMin": 0,
        "montantHTMax": 0,
        "montantHTMin": 0,
        "montantTTCMax": 0,
        "montantTTCMin": 0,
        "numeroBonCommande": "",
        "numeroFacture": numero_facture,
        "numeroFactureOrigine": "",
        "numeroFluxDepot": "",
        "numeroMarche": "",
        "periodeDateDepotAu": "",
        "periodeDateDepotDu": "",
        "periodeDateFactureAu": None,
        "periodeDateFactureDu": None,
        "periodeDateHeureEtatCourantAu": None,
        "periodeDateHeureEtatCourantDu": None,
        "rechercheFactureParFournisseur": None,
        "rechercheSirenDestinataire": False,
        "recupererTaille": False,
        "rejetTraite": False,
        "statutCourant": None,
        "typeFacture": "",
    }


def traiter_recue(invoice_id: int, status: str, motif: str = "") -> dict[str, Any]:
    return {
        "idFacture": invoice_id,
        "idUtilisateurCourant": 0,
        "motif": motif,
        "nouveauStatut": status,
        "numeroDPMandat": "",
    }


def test_the_go_client_submits_reads_processes_completes_and_acknowledges(
    api_account: Any, recipient_account: Any
) -> None:
    # health-check: GET with the JSON body `null`.
    health = api_account.client.generic(
        "GET", T + "health-check", "null", content_type="application/json;charset=utf-8"
    )
    assert health.status_code == 200 and health.json()["statusCode"] == "OK"

    # soumettre, the fixture's own body: nothing but empty objects and an origin number.
    bare = api_account.post(
        F + "soumettre",
        {
            "cadreDeFacturation": {},
            "destinataire": {},
            "fournisseur": {},
            "montantTotal": {},
            "pieceJointePrincipale": {},
            "references": {"numeroFactureOrigine": "F001"},
        },
    )
    assert bare.status_code == 400
    assert bare.json() == {
        "codeRetour": 20001,
        "libelle": "Le numéro de facture (numeroFactureSaisi) est obligatoire.",
    }

    # ajouter/fichier (extension, file, name, MIME type), then soumettre naming the piece.
    piece = _ok(
        api_account.post(
            T + "ajouter/fichier",
            {
                "pieceJointeExtension": "txt",
                "pieceJointeFichier": base64.b64encode(b"Planning").decode(),
                "pieceJointeNom": "planning",
                "pieceJointeTypeMime": "text/plain",
            },
        )
    )["pieceJointeId"]
    submitted = _ok(
        api_account.post(
            F + "soumettre",
            soumettre_as_go_marshals_it(
                pieceJointeComplementaire=[
                    {
                        "pieceJointeComplementaireDesignation": "Planning",
                        "pieceJointeComplementaireId": piece,
                        "pieceJointeComplementaireIdLiaison": 0,
                        "pieceJointeComplementaireNumeroLigneFacture": 0,
                        "pieceJointeComplementaireType": "",
                    }
                ]
            ),
        )
    )
    invoice_id = submitted["identifiantFactureCPP"]

    found = _ok(
        api_account.post(F + "rechercher/fournisseur", rechercher_fournisseur("API-2026-001"))
    )
    assert [row["identifiantFactureCPP"] for row in found["listeFactures"]] == [invoice_id]
    consulted = _ok(
        api_account.post(F + "consulter/fournisseur", {"identifiantFactureCPP": invoice_id})
    )
    assert (
        consulted["facture"]["listeDesPiecesJointes"]["pieceJointe"][0]["pieceJointeDesignation"]
        == "planning.txt"
    )

    # The recipient: its list, the statuses it may set, a suspension.
    received = _ok(recipient_account.post(F + "rechercher/recipiendaire", {}))
    assert [row["idFacture"] for row in received["listeFactures"]] == [invoice_id]
    states = _ok(
        recipient_account.post(
            T + "recuperer/etats/traitement", {"statutCourant": "MISE_A_DISPOSITION"}
        )
    )
    assert {"statutPossiblePourTraitement": "SUSPENDUE"} in states[
        "listeStatutsPossiblesPourTraitement"
    ]
    _ok(
        recipient_account.post(
            F + "traiter/recue", traiter_recue(invoice_id, "SUSPENDUE", "RIB manquant")
        )
    )

    # The supplier completes; the fixture's body is `{}`, here with the id and a comment.
    completed = _ok(
        api_account.post(
            F + "completer", {"identifiantFactureCPP": invoice_id, "commentaire": "RIB joint."}
        )
    )
    assert completed["numeroFacture"] == "API-2026-001"

    # The recipient sends it back for recycling; GO's recycler body keeps every routing value.
    _ok(recipient_account.post(F + "traiter/recue", traiter_recue(invoice_id, "A_RECYCLER")))
    recycled = _ok(
        api_account.post(
            F + "recycler",
            {
                "commentaire": "",
                "destinataire": None,
                "idUtilisateurCourant": 0,
                "identifiantFactureCPP": invoice_id,
                "reference": None,
            },
        )
    )
    assert recycled["statutFacture"] == "MISE_A_DISPOSITION"

    # Then rejects it; the supplier acknowledges the rejection.
    _ok(
        recipient_account.post(F + "traiter/recue", traiter_recue(invoice_id, "REJETEE", "Doublon"))
    )
    _ok(
        api_account.post(
            F + "traiterRejet",
            {
                "cpltInfos": "",
                "listeDemandePaiement": [{"idDemandePaiement": invoice_id}],
                "motifRejet": "",
            },
        )
    )
    history = _ok(
        api_account.post(
            F + "consulter/historique",
            {
                "idEspace": 0,
                "idFacture": invoice_id,
                "idUtilisateurCourant": 0,
                "paramRechercheHistoActionsUtilisateurs": None,
                "paramRechercheHistoEvenementsComplementaires": None,
                "paramRechercheHistoStatuts": None,
            },
        )
    )
    codes = [h["histoStatutCode"] for h in history["historiquesDesStatuts"]["histoStatut"]]
    assert codes[:4] == ["REJETEE", "MISE_A_DISPOSITION", "DEPOSEE", "A_RECYCLER"]
    assert "COMPLETEE" in codes and "SUSPENDUE" in codes

    # telecharger/groupe: GO marshals the wrong options type (wire contract D8); the answer is
    # the 400 envelope GO parses, with what is missing.
    wrong = recipient_account.post(
        F + "telecharger/groupe",
        {"action": "", "complementInfo": "", "idFacture": invoice_id, "motifRefus": ""},
    )
    assert wrong.status_code == 400
    assert wrong.json() == {
        "codeRetour": 20001,
        "libelle": "Indiquez au moins une facture dans listeFacture.",
    }
    assert RECIPIENT_SIRET in {r["codeDestinataire"] for r in received["listeFactures"]}
