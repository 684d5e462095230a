"""completer, recycler, traiterRejet: the supplier's answers, over the invoices app's services."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.test import Client

from choeur.invoices.models import Attachment, Invoice
from tests.api.conftest import deposit_invoice, make_structure, other_supplier_account

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def invoice_id(api_account: Any, recipient_account: Any) -> int:
    return deposit_invoice(api_account)


def _recipient_sets(recipient_account: Any, invoice_id: int, status: str, motif: str = "") -> None:
    response = recipient_account.post(
        "/cpro/factures/v1/traiter/recue",
        {"idFacture": invoice_id, "nouveauStatut": status, "motif": motif},
    )
    assert response.status_code == 200, response.content


def _piece(account: Any, name: str = "bon-livraison.pdf", data: bytes = b"%PDF-1.4 bl") -> int:
    response = account.post(
        "/cpro/transverses/v1/ajouter/fichier",
        {
            "pieceJointeNom": name,
            "pieceJointeExtension": "",
            "pieceJointeTypeMime": "application/pdf",
            "pieceJointeFichier": base64.b64encode(data).decode(),
        },
    )
    assert response.status_code == 200, response.content
    return int(response.json()["pieceJointeId"])


def test_complete_a_suspended_invoice_with_a_comment_and_a_piece(
    api_account: Any, recipient_account: Any, invoice_id: int
) -> None:
    _recipient_sets(recipient_account, invoice_id, "SUSPENDUE", "Bon de livraison manquant")
    piece = _piece(api_account)
    response = api_account.post(
        "/cpro/factures/v1/completer",
        {
            "identifiantFactureCPP": invoice_id,
            "idUtilisateurCourant": 0,
            "commentaire": "Voici le bon de livraison.",
            "pieceJointeComplementaire": [
                {"pieceJointeComplementaireId": piece, "pieceJointeComplementaireDesignation": "BL"}
            ],
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["codeRetour"] == 0
    assert body["identifiantFactureCPP"] == invoice_id
    assert body["numeroFacture"] == "FA-2026-001"
    assert len(body["dateTraitement"]) == 10
    assert Invoice.objects.get(pk=invoice_id).status == "COMPLETEE"
    assert [a.name for a in Attachment.objects.filter(invoice_id=invoice_id)] == [
        "bon-livraison.pdf"
    ]
    seen = recipient_account.post(
        "/cpro/factures/v1/consulter/recipiendaire", {"identifiantFactureCPP": invoice_id}
    ).json()["facture"]
    assert seen["statutFacture"] == "COMPLETEE"
    assert [p["pieceJointeDesignation"] for p in seen["listeDesPiecesJointes"]["pieceJointe"]] == [
        "bon-livraison.pdf"
    ]


def test_complete_is_refused_unless_suspended_and_writes_nothing(
    api_account: Any, invoice_id: int
) -> None:
    piece = _piece(api_account)
    response = api_account.post(
        "/cpro/factures/v1/completer",
        {
            "identifiantFactureCPP": invoice_id,
            "commentaire": "Complément",
            "pieceJointeComplementaire": [{"pieceJointeComplementaireId": piece}],
        },
    )
    assert response.status_code == 400
    assert response.json()["codeRetour"] == 20001
    assert (
        "« Compléter » n'est possible que pour une facture au statut « Suspendue »"
        in (response.json()["libelle"])
    )
    assert Invoice.objects.get(pk=invoice_id).status == "MISE_A_DISPOSITION"
    assert not Attachment.objects.filter(invoice_id=invoice_id).exists()


def test_complete_with_nothing_is_refused(
    api_account: Any, recipient_account: Any, invoice_id: int
) -> None:
    _recipient_sets(recipient_account, invoice_id, "SUSPENDUE", "Pièce manquante")
    response = api_account.post(
        "/cpro/factures/v1/completer",
        {"identifiantFactureCPP": invoice_id, "commentaire": "", "pieceJointeComplementaire": None},
    )
    assert response.status_code == 400
    assert "Ajoutez un commentaire ou au moins une pièce jointe" in response.json()["libelle"]
    assert Invoice.objects.get(pk=invoice_id).status == "SUSPENDUE"


def test_another_accounts_piece_or_invoice_is_not_found(
    api_account: Any, recipient_account: Any, invoice_id: int
) -> None:
    _recipient_sets(recipient_account, invoice_id, "SUSPENDUE", "Pièce manquante")
    other = other_supplier_account(Client())
    foreign_piece = _piece(other)
    response = api_account.post(
        "/cpro/factures/v1/completer",
        {
            "identifiantFactureCPP": invoice_id,
            "pieceJointeComplementaire": [{"pieceJointeComplementaireId": foreign_piece}],
        },
    )
    assert response.status_code == 400
    assert response.json()["codeRetour"] == 20002
    for path in ("completer", "recycler"):
        response = other.post(
            f"/cpro/factures/v1/{path}",
            {"identifiantFactureCPP": invoice_id, "commentaire": "Essai"},
        )
        assert response.status_code == 400
        assert response.json()["codeRetour"] == 20002
    response = other.post(
        "/cpro/factures/v1/traiterRejet",
        {"listeDemandePaiement": [{"idDemandePaiement": invoice_id}], "motifRejet": ""},
    )
    assert response.json()["codeRetour"] == 20002
    assert Invoice.objects.get(pk=invoice_id).status == "SUSPENDUE"


def test_recycle_sends_the_invoice_to_another_recipient(
    api_account: Any, recipient_account: Any, invoice_id: int
) -> None:
    make_structure("21750001600019", "Ville de Paris", public=True)
    _recipient_sets(recipient_account, invoice_id, "A_RECYCLER")
    response = api_account.post(
        "/cpro/factures/v1/recycler",
        {
            "identifiantFactureCPP": invoice_id,
            "idUtilisateurCourant": 0,
            "commentaire": "",
            "destinataire": {"codeDestinataire": "21750001600019", "codeServiceExecutant": ""},
            "reference": {"numeroBonCommande": "", "typeFacture": ""},
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["statutFacture"] == "MISE_A_DISPOSITION"
    assert body["numeroFacture"] == "FA-2026-001"
    assert len(body["dateDepot"]) == 10
    assert Invoice.objects.get(pk=invoice_id).recipient.identifier == "21750001600019"


def test_recycle_to_an_unknown_recipient_is_refused_and_changes_nothing(
    api_account: Any, recipient_account: Any, invoice_id: int
) -> None:
    _recipient_sets(recipient_account, invoice_id, "A_RECYCLER")
    response = api_account.post(
        "/cpro/factures/v1/recycler",
        {
            "identifiantFactureCPP": invoice_id,
            "destinataire": {"codeDestinataire": "40483304800022"},
        },
    )
    assert response.status_code == 400
    assert "n'est pas référencé dans l'annuaire" in response.json()["libelle"]
    invoice = Invoice.objects.get(pk=invoice_id)
    assert (invoice.status, invoice.recipient.identifier) == ("A_RECYCLER", "12345678200051")


def test_process_rejections_all_or_nothing(
    api_account: Any, recipient_account: Any, invoice_id: int
) -> None:
    second = deposit_invoice(api_account, number="FA-2026-002")
    _recipient_sets(recipient_account, invoice_id, "REJETEE", "Facture en double")
    payload = {
        "listeDemandePaiement": [{"idDemandePaiement": invoice_id}, {"idDemandePaiement": second}],
        "motifRejet": "",
        "cpltInfos": "",
    }
    refused = api_account.post("/cpro/factures/v1/traiterRejet", payload)
    assert refused.status_code == 400
    assert "FA-2026-002" in refused.json()["libelle"]
    assert "« Traiter le rejet » n'est possible" in refused.json()["libelle"]
    assert Invoice.objects.get(pk=invoice_id).rejection_processed_at is None

    payload["listeDemandePaiement"] = [{"idDemandePaiement": invoice_id}]
    done = api_account.post("/cpro/factures/v1/traiterRejet", payload)
    assert done.status_code == 200, done.content
    assert done.json() == {"codeRetour": 0, "libelle": "TRA_MSG_00.000"}
    assert Invoice.objects.get(pk=invoice_id).rejection_processed_at is not None
    found = api_account.post(
        "/cpro/factures/v1/rechercher/fournisseur", {"numeroFacture": "FA-2026-001"}
    ).json()
    assert found["listeFactures"][0]["rejetTraite"] is True
    again = api_account.post("/cpro/factures/v1/traiterRejet", payload)
    assert "déjà été traité" in again.json()["libelle"]


def test_process_rejection_needs_a_list(api_account: Any) -> None:
    response = api_account.post(
        "/cpro/factures/v1/traiterRejet",
        {"cpltInfos": "", "listeDemandePaiement": None, "motifRejet": ""},
    )
    assert response.status_code == 400
    assert "listeDemandePaiement" in response.json()["libelle"]
