"""ajouter/fichier, rechercher/pj/moncompte, the sollicitation referentials, recuperer/etats/traitement
and recuperer/structures/actives/*."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.test import Client

from choeur.api.models import UploadedPiece
from choeur.core.models import StoredFile
from choeur.invoices.services.rules import ATTACHMENT_MAX_BYTES
from choeur.sollicitations.models import Category, SubCategory
from choeur.structures.enums import Espace
from tests.api.conftest import make_api_account, make_structure, other_supplier_account

pytestmark = pytest.mark.django_db

T = "/cpro/transverses/v1/"


def _upload(account: Any, name: str, data: bytes, extension: str = "") -> Any:
    return account.post(
        T + "ajouter/fichier",
        {
            "idUtilisateurCourant": 0,
            "pieceJointeNom": name,
            "pieceJointeExtension": extension,
            "pieceJointeTypeMime": "application/pdf",
            "pieceJointeFichier": base64.b64encode(data).decode(),
        },
    )


def test_upload_a_piece_then_find_it_in_my_account(api_account: Any) -> None:
    response = _upload(api_account, "devis", b"%PDF-1.4 devis", extension="pdf")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["codeRetour"] == 0 and body["libelle"] == "GCU_MSG_01_000"
    piece = UploadedPiece.objects.get(pk=body["pieceJointeId"])
    assert piece.name == "devis.pdf"
    assert piece.file.read() == b"%PDF-1.4 devis"

    found = api_account.post(
        T + "rechercher/pj/moncompte",
        {"pieceJointeTypeId": 0, "pieceJointeDesignation": "", "parametresRecherche": None},
    ).json()
    assert found["codeRetour"] == 0
    assert [
        (p["pieceJointeId"], p["pieceJointeExtension"]) for p in found["listePiecesJointes"]
    ] == [(body["pieceJointeId"], "PDF")]
    assert found["parametresRetour"]["total"] == 1


def test_another_accounts_pieces_are_not_listed(api_account: Any) -> None:
    assert _upload(api_account, "devis.pdf", b"%PDF-1.4").status_code == 200
    other = other_supplier_account(Client())
    response = other.post(T + "rechercher/pj/moncompte", {"pieceJointeTypeId": 1})
    assert response.status_code == 200
    assert response.json()["codeRetour"] == 20000
    assert response.json()["libelle"] == "TRA_MSG_00.015"
    assert response.json()["listePiecesJointes"] == []


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("virus.exe", b"MZ", "L'extension du fichier n'est pas acceptée"),
        ("vide.pdf", b"", "pieceJointeFichier (fichier en base 64) est obligatoire"),
        ("x" * 51 + ".pdf", b"%PDF", "Le nom du fichier dépasse 50 caractères"),
    ],
)
def test_attachment_rules_refuse_and_store_nothing(
    api_account: Any, name: str, data: bytes, message: str
) -> None:
    stored = StoredFile.objects.count()
    response = _upload(api_account, name, data)
    assert response.status_code == 400
    assert response.json()["codeRetour"] == 20001
    assert message in response.json()["libelle"]
    assert not UploadedPiece.objects.exists()
    assert StoredFile.objects.count() == stored


def test_a_file_of_10_mb_is_20003(api_account: Any) -> None:
    response = _upload(api_account, "gros.pdf", b"0" * ATTACHMENT_MAX_BYTES)
    assert response.status_code == 400
    assert response.json()["codeRetour"] == 20003
    assert "10 Mo" in response.json()["libelle"]
    assert not UploadedPiece.objects.exists()


def test_bad_base64_is_refused(api_account: Any) -> None:
    response = api_account.post(
        T + "ajouter/fichier", {"pieceJointeNom": "a.pdf", "pieceJointeFichier": "pas du base64!"}
    )
    assert response.status_code == 400
    assert "base 64" in response.json()["libelle"]
    assert not UploadedPiece.objects.exists()


@pytest.fixture
def referential(db: Any) -> tuple[Category, Category]:
    factures = Category.objects.create(code="FACTURES", label="Factures", position=1)
    old = Category.objects.create(code="ANCIENNE", label="Ancienne", is_active=False, position=2)
    SubCategory.objects.create(category=factures, code="RETARD", label="Retard de paiement")
    SubCategory.objects.create(category=factures, code="REJET", label="Contester un rejet")
    SubCategory.objects.create(category=old, code="VIEUX", label="Vieux sujet", is_active=False)
    return factures, old


def test_categories_all_or_only_active(api_account: Any, referential: Any) -> None:
    factures, old = referential
    every = api_account.post(T + "rechercher/categorieSollicitation", {"estActif": False}).json()
    assert [c["codeCategorie"] for c in every["listeCategories"]] == ["FACTURES", "ANCIENNE"]
    assert every["listeCategories"][0] == {
        "idTechniqueCategorie": factures.pk,
        "codeCategorie": "FACTURES",
        "libelleCategorie": "Factures",
    }
    active = api_account.post(
        T + "rechercher/categorieSollicitation",
        {"estActif": True, "pagination": {"nbResultatsParPage": 10, "triSense": "Ascendant "}},
    ).json()
    assert [c["codeCategorie"] for c in active["listeCategories"]] == ["FACTURES"]
    assert active["parametresRetour"]["total"] == 1
    none = api_account.post(T + "rechercher/categorieSollicitation", {"codeCategorie": "NON"})
    assert none.status_code == 200
    assert none.json()["codeRetour"] == 20000 and none.json()["libelle"] == "TRA_MSG_00.015"
    assert none.json()["listeCategories"] == []


def test_subcategories_grouped_by_category(api_account: Any, referential: Any) -> None:
    factures, _old = referential
    body = api_account.post(
        T + "rechercher/sousCategorieSollicitation",
        {"idTechniqueCategorie": factures.pk, "estActif": True, "code": "", "libelle": ""},
    ).json()
    assert body["codeRetour"] == 0
    [group] = body["listeSousCategories"]
    assert group["categorie"][0]["codeCategorie"] == "FACTURES"
    assert sorted(s["code"] for s in group["ssCategorie"]) == ["REJET", "RETARD"]
    sub = group["ssCategorie"][0]
    assert sub["estActif"] is True and sub["idTechniqueCategorie"] == factures.pk
    assert sub["dateCreation"][10] == "T" and sub["dateCreation"][-6] in "+-"


def test_states_a_recipient_may_set_come_from_the_transition_table(api_account: Any) -> None:
    body = api_account.post(
        T + "recuperer/etats/traitement", {"statutCourant": "MISE_A_DISPOSITION"}
    )
    statuses = [
        s["statutPossiblePourTraitement"]
        for s in body.json()["listeStatutsPossiblesPourTraitement"]
    ]
    assert {
        "SUSPENDUE",
        "REJETEE",
        "A_RECYCLER",
        "SERVICE_FAIT",
        "MANDATEE",
        "MISE_EN_PAIEMENT",
    } <= set(statuses)
    assert "COMPLETEE" not in statuses and "MISE_A_DISPOSITION" not in statuses
    final = api_account.post(T + "recuperer/etats/traitement", {"statutCourant": "REJETEE"}).json()
    assert final["listeStatutsPossiblesPourTraitement"] == []
    unknown = api_account.post(T + "recuperer/etats/traitement", {"statutCourant": "PAYEE"})
    assert unknown.status_code == 400
    assert unknown.json()["libelle"] == "Statut inconnu : « PAYEE »."
    missing = api_account.post(T + "recuperer/etats/traitement", {"statutCourant": ""})
    assert "statutCourant" in missing.json()["libelle"]


def test_active_structures_as_supplier_and_as_recipient(api_account: Any) -> None:
    supplier = api_account.structure
    body = api_account.post(T + "recuperer/structures/actives/fournisseur", {}).json()
    assert body["listeStructures"] == [
        {
            "idStructureCPP": supplier.pk,
            "identifiant": supplier.identifier,
            "designationStructure": supplier.raison_sociale,
        }
    ]
    none = api_account.post(T + "recuperer/structures/actives/destinataire", {})
    assert none.json()["codeRetour"] == 20000

    commune = make_structure("12345678200051", "Commune de Test", public=True)
    recipient = make_api_account(commune, Client(), espace=Espace.FACTURES_RECUES)
    body = recipient.post(T + "recuperer/structures/actives/destinataire", {}).json()
    assert [s["identifiant"] for s in body["listeStructures"]] == ["12345678200051"]


def test_a_body_over_the_api_limit_is_413_in_the_envelope(
    api_account: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from choeur.api.views import base

    monkeypatch.setattr(base, "API_BODY_MAX_BYTES", 1000)
    response = _upload(api_account, "devis.pdf", b"0" * 2000)
    assert response.status_code == 413
    assert response.json()["codeRetour"] == 20003
    assert "120 Mo" in response.json()["libelle"]
    assert not UploadedPiece.objects.exists()


def test_uploaded_pieces_are_listed_in_the_admin(api_account: Any, client: Client) -> None:
    from choeur.accounts.models import User

    assert _upload(api_account, "devis.pdf", b"%PDF-1.4").status_code == 200
    admin = User.objects.create_superuser(email="admin@example.org", password="Admin-2026!")
    client.force_login(admin)
    response = client.get("/admin/api/uploadedpiece/")
    assert response.status_code == 200
    assert "devis.pdf" in response.content.decode()
