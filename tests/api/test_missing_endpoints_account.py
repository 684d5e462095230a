"""Issue 14: the directory export, the account's rattachements and espaces, its pieces, and the
engagements juridiques; each checked against the official example and for isolation."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from choeur.accounts.models import User
from choeur.structures.enums import EngagementState, RattachementStatus
from choeur.structures.models import EngagementJuridique, Rattachement, Service
from tests.api.conftest import make_structure, other_supplier_account
from tests.api.official import assert_official_shape

pytestmark = pytest.mark.django_db

T = "/cpro/transverses/v1/"
S = "/cpro/structures/v1/"
EJ = "/cpro/engagementsJuridiques/v1/rechercher"


def _upload(account: Any, name: str, data: bytes) -> int:
    response = account.post(
        T + "ajouter/fichier",
        {"pieceJointeNom": name, "pieceJointeFichier": base64.b64encode(data).decode()},
    )
    assert response.status_code == 200, response.content
    return int(response.json()["pieceJointeId"])


# --- telecharger/annuaire/destinataire -------------------------------------------------------


def test_the_directory_is_a_zip_of_the_public_structures_and_their_services(
    api_account: Any, public_structure: Any
) -> None:
    make_structure("40483304800022", "Entreprise privée")
    response = api_account.post(T + "telecharger/annuaire/destinataire", {})
    assert response.status_code == 200
    body = response.json()
    assert body["libelle"] == "GCU_MSG_01_000"
    assert_official_shape("transverses/v1/telecharger/annuaire/destinataire", body)
    archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(body["fichierResultat"])))
    assert sorted(archive.namelist()) == [
        "annuaire-services.csv",
        "annuaire-structures-publiques.csv",
    ]
    text = archive.read("annuaire-structures-publiques.csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    # Only the public structures, with the columns of reference F.
    assert [(r["Identifiant"], r["GestionService"]) for r in rows] == [("11000201100044", "true")]
    services = archive.read("annuaire-services.csv").decode("utf-8-sig")
    assert "SFACETAT" in services and "40483304800022" not in services


# --- utilisateurs/v1/monCompte/recuperer/rattachements ---------------------------------------


def test_my_rattachements_give_my_structure_and_services(api_account: Any) -> None:
    structure = api_account.structure
    service = Service.objects.create(structure=structure, code="COMPTA", name="Comptabilité")
    rattachement = Rattachement.objects.get(user__email=api_account.login)
    rattachement.services.add(service)
    other_supplier_account(Client())  # another structure, not listed
    body = api_account.post(
        "/cpro/utilisateurs/v1/monCompte/recuperer/rattachements", {"parametresRecherche": None}
    ).json()
    assert_official_shape("utilisateurs/v1/monCompte/recuperer/rattachements", body)
    [row] = body["listeStructureRattachement"]
    assert row["idStructure"] == structure.pk
    assert row["identifiantStructure"] == structure.identifier
    assert row["statutRattachementStructure"] == "VALIDEE"
    assert row["roleUtilisateur"] == "UTILISATEUR"
    assert [s["codeService"] for s in row["listeServicesRattache"]] == ["COMPTA"]
    assert body["parametresRetour"]["total"] == 1


# --- structures/v1/lister/rattachementsutilisateur -------------------------------------------


def _member(structure: Any, email: str, status: str = RattachementStatus.VALIDEE) -> Rattachement:
    user = User.objects.create_user(email=email, password="Membre-2026-secret!")
    return Rattachement.objects.create(user=user, structure=structure, status=status)


def test_the_services_of_a_member_of_my_structure(api_account: Any) -> None:
    structure = api_account.structure
    service = Service.objects.create(structure=structure, code="ATELIER", name="Atelier")
    _member(structure, "paul@example.org").services.add(service)
    body = api_account.post(
        S + "lister/rattachementsutilisateur",
        {
            "adresseEmailConnexionUtilisateur": "Paul@example.org",
            "idStructure": structure.pk,
            "idUtilisateur": 0,
            "identifiantStructure": "",
            "parametresListerRattachementsStructureUtilisateur": None,
            "typeIdentifiantStructure": "",
        },
    ).json()
    assert body["codeRetour"] == 0, body
    assert_official_shape("structures/v1/lister/rattachementsutilisateur", body)
    assert body["identifiantStructure"] == structure.identifier
    assert [(s["codeService"], s["statutRattachement"]) for s in body["listeServices"]] == [
        ("ATELIER", "VALIDEE")
    ]
    assert body["premierService"] is False
    # By default, the account itself, attached to no service yet.
    mine = api_account.post(
        S + "lister/rattachementsutilisateur",
        {"identifiantStructure": structure.identifier, "typeIdentifiantStructure": "SIRET"},
    ).json()
    assert mine["listeServices"] == [] and mine["premierService"] is True


def test_a_pending_request_or_another_structure_is_not_found(api_account: Any) -> None:
    _member(api_account.structure, "attente@example.org", RattachementStatus.EN_COURS_DE_VALIDATION)
    pending = api_account.post(
        S + "lister/rattachementsutilisateur",
        {
            "idStructure": api_account.structure.pk,
            "adresseEmailConnexionUtilisateur": "attente@example.org",
        },
    )
    assert pending.status_code == 400 and pending.json()["codeRetour"] == 20002
    other = other_supplier_account(Client())
    foreign = api_account.post(
        S + "lister/rattachementsutilisateur", {"idStructure": other.structure.pk}
    )
    assert foreign.status_code == 400 and foreign.json()["codeRetour"] == 20002


# --- structures/v1/rechercher/espaces, transverses/v1/recuperer/structuresPourUtilisateur ----


def test_the_espaces_of_my_structure_and_the_structures_of_an_espace(api_account: Any) -> None:
    structure = api_account.structure
    body = api_account.post(
        S + "rechercher/espaces", {"structure": {"idStructure": structure.pk}}
    ).json()
    [espace] = body["listeEspace"]
    assert espace["libelleEspace"] == "Factures émises"
    assert espace["etatCourant"] == "ACTIVE" and espace["typeHabilitation"] == "MODIFICATION"
    found = api_account.post(
        T + "recuperer/structuresPourUtilisateur", {"espaceFo": espace["idEspaceFo"]}
    ).json()
    assert [s["idStructureCPP"] for s in found["listeStructures"]] == [structure.pk]
    assert found["listeStructures"][0]["statut"] == "ACTIVE"
    other = other_supplier_account(Client())
    foreign = api_account.post(
        S + "rechercher/espaces", {"structure": {"idStructure": other.structure.pk}}
    )
    assert foreign.status_code == 400 and foreign.json()["codeRetour"] == 20002
    theirs = other.post(
        S + "rechercher/espaces", {"structure": {"idStructure": other.structure.pk}}
    )
    foreign_espace = api_account.post(
        T + "recuperer/structuresPourUtilisateur",
        {"espaceFo": theirs.json()["listeEspace"][0]["idEspaceFo"]},
    )
    assert foreign_espace.json()["codeRetour"] == 20002


# --- rechercher/pj/structure, telecharger/pieceJointe -----------------------------------------


def test_my_pieces_are_listed_for_my_structure_and_downloaded(api_account: Any) -> None:
    piece = _upload(api_account, "devis.pdf", b"%PDF-1.4 devis")
    structure = api_account.structure
    body = api_account.post(T + "rechercher/pj/structure", {"idStructureCPP": structure.pk}).json()
    assert body["libelle"] == "GCU_MSG_01_000"
    assert_official_shape("transverses/v1/rechercher/pj/structure", body)
    [row] = body["listePiecesJointes"]
    assert (row["pieceJointeId"], row["pieceJointeStructureCode"]) == (piece, structure.identifier)
    download = api_account.post(
        T + "telecharger/pieceJointe", {"objetPieceJointe": "UTILISATEUR", "pieceJointeId": piece}
    ).json()
    assert_official_shape("transverses/v1/telecharger/pieceJointe", download)
    assert base64.b64decode(download["pieceJointe"]) == b"%PDF-1.4 devis"


def test_another_accounts_piece_and_structure_are_not_found(api_account: Any) -> None:
    other = other_supplier_account(Client())
    theirs = _upload(other, "secret.pdf", b"%PDF-1.4 secret")
    download = api_account.post(
        T + "telecharger/pieceJointe", {"objetPieceJointe": "UTILISATEUR", "pieceJointeId": theirs}
    )
    assert download.status_code == 400 and download.json()["codeRetour"] == 20002
    listed = api_account.post(T + "rechercher/pj/structure", {"idStructureCPP": other.structure.pk})
    assert listed.status_code == 400 and listed.json()["codeRetour"] == 20002
    through_theirs = api_account.post(
        T + "telecharger/pieceJointe",
        {
            "objetPieceJointe": "STRUCTURE_PIECEJOINTE",
            "structure": {"idStructure": other.structure.pk},
            "pieceJointeId": theirs,
        },
    )
    assert through_theirs.json()["codeRetour"] == 20002


def test_an_object_chorus_keeps_no_file_for_is_a_readable_400(api_account: Any) -> None:
    response = api_account.post(
        T + "telecharger/pieceJointe",
        {
            "objetPieceJointe": "ENGAGEMENT_JURIDIQUE",
            "engagementJuridique": {"numeroEngagementJuridique": "n"},
        },
    )
    assert response.status_code == 400
    assert response.json()["codeRetour"] == 20001
    assert "ENGAGEMENT_JURIDIQUE" in response.json()["libelle"]


# --- engagementsJuridiques/v1/rechercher ------------------------------------------------------


def _engagement(structure: Any, number: str, state: str = EngagementState.COMMANDE) -> Any:
    return EngagementJuridique.objects.create(
        structure=structure,
        number=number,
        amount_ht=Decimal("1000.00"),
        amount_ttc=Decimal("1200.00"),
        date=dt.date(2026, 3, 1),
        state=state,
    )


def test_a_supplier_checks_one_engagement_number_as_oca_does(
    api_account: Any, public_structure: Any
) -> None:
    _engagement(public_structure, "0000048295")
    _engagement(public_structure, "0000048296", EngagementState.CLOTURE)
    body = api_account.post(
        EJ,
        {
            # OCA sends the idStructureCPP as a string.
            "structureReceptriceEngagementJuridique": str(public_structure.pk),
            "numeroEngagementJuridique": "0000048295",
            "etatCourantEngagementJuridique": "COMMANDE",
        },
    ).json()
    assert body["codeRetour"] == 0, body
    [row] = body["listeEngagementJuridique"]
    assert row["numeroEngagementJuridique"] == "0000048295"
    assert row["libelleEtatCourantEJ"] == "COMMANDE"
    assert row["libelleTypeEngagementJuridique"] == "BON_DE_COMMANDE"
    assert row["dateCreationEJ"] == "2026-03-01"
    assert row["montantTotalHt"] == 1000.0 and row["montantTotalTtc"] == 1200.0
    assert row["structureReceptrice"] == public_structure.identifier
    assert body["parametresRetour"]["total"] == 1
    closed = api_account.post(
        EJ,
        {
            "structureReceptriceEngagementJuridique": public_structure.identifier,
            "numeroEngagementJuridique": "0000048296",
            "etatCourantEngagementJuridique": "COMMANDE",
        },
    )
    assert closed.status_code == 200 and closed.json()["codeRetour"] == 20000


def test_a_supplier_never_lists_a_buyers_engagements(
    api_account: Any, public_structure: Any
) -> None:
    _engagement(public_structure, "0000048295")
    listing = api_account.post(EJ, {"structureReceptriceEngagementJuridique": public_structure.pk})
    assert listing.status_code == 400 and listing.json()["codeRetour"] == 20001
    partial = api_account.post(
        EJ,
        {
            "structureReceptriceEngagementJuridique": public_structure.pk,
            "numeroEngagementJuridique": "00000482",
        },
    )
    # No result: HTTP 200, 20000, the empty list and its paging (as every search answers).
    assert partial.status_code == 200 and partial.json()["codeRetour"] == 20000
    assert partial.json()["listeEngagementJuridique"] == []
    assert partial.json()["parametresRetour"]["total"] == 0
    private = other_supplier_account(Client()).structure
    hidden = api_account.post(EJ, {"structureReceptriceEngagementJuridique": private.pk})
    assert hidden.status_code == 400 and hidden.json()["codeRetour"] == 20002


def test_the_public_structures_own_account_lists_its_engagements(recipient_account: Any) -> None:
    structure = recipient_account.structure
    _engagement(structure, "EJ-2026-001")
    _engagement(structure, "EJ-2026-002", EngagementState.ANNULE)
    body = recipient_account.post(
        EJ,
        {
            "parametresRecherche": {
                "triColonne": "NumeroEngagementJuridique",
                "triSens": "Descendant",
            }
        },
    ).json()
    assert [r["numeroEngagementJuridique"] for r in body["listeEngagementJuridique"]] == [
        "EJ-2026-002",
        "EJ-2026-001",
    ]
    open_only = recipient_account.post(
        EJ,
        {
            "structureReceptriceEngagementJuridique": structure.pk,
            "etatCourantEngagementJuridique": "COMMANDE",
        },
    ).json()
    assert [r["numeroEngagementJuridique"] for r in open_only["listeEngagementJuridique"]] == [
        "EJ-2026-001"
    ]
    unknown_state = recipient_account.post(EJ, {"etatCourantEngagementJuridique": "OUVERT"})
    assert unknown_state.json()["codeRetour"] == 20001
