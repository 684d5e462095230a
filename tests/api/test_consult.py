"""consulter/fournisseur, consulter/recipiendaire and telecharger/groupe."""

from __future__ import annotations

import base64
import io
import re
import zipfile
from typing import Any

import pytest
from django.test import Client

from choeur.lifecycle.models import RecipientProcessing
from tests.api.conftest import deposit_invoice, other_supplier_account

pytestmark = pytest.mark.django_db(transaction=True)

DATE = re.compile(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


@pytest.fixture
def invoice_id(api_account: Any, recipient_account: Any) -> int:
    return deposit_invoice(api_account)


def test_supplier_reads_the_invoice_with_lines_vat_and_amounts(
    api_account: Any, invoice_id: int
) -> None:
    response = api_account.post(
        "/cpro/factures/v1/consulter/fournisseur",
        {
            "identifiantFactureCPP": invoice_id,
            "codeLangue": "FR",
            "idUtilisateurCourant": 0,
            "pLignesPoste": {"nbResultatsParPageLignesPoste": 0, "triSensListeLignesPoste": ""},
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["codeRetour"] == 0 and body["libelle"] == "TRA_MSG_00.000"
    facture = body["facture"]
    assert facture["identifiantFactureCPP"] == invoice_id
    assert facture["numeroFacture"] == "FA-2026-001"
    assert facture["statutFacture"] == "MISE_A_DISPOSITION"
    assert facture["destinataire"]["codeDestinataire"] == "12345678200051"
    assert facture["fournisseur"]["codeFournisseur"] == api_account.structure.identifier
    assert facture["fournisseur"]["typeIdentifiantFournisseur"] == "SIRET"
    assert facture["montantTotal"]["montantHtTotal"] == 300.0
    assert facture["montantTotal"]["montantTVA"] == 60.0
    assert facture["montantTotal"]["montantTtcTotal"] == 360.0
    lines = facture["lignesDePoste"]
    assert lines["totalLignesPoste"] == 1
    assert lines["lignePoste"][0]["lignePosteQuantite"] == 3.0
    assert lines["lignePoste"][0]["lignePosteMontantUnitaireHT"] == 100.0
    vat = facture["recapitulatifDeTva"]["ligneTva"]
    assert [
        (row["ligneTvaMontantBaseHtParTaux"], row["ligneTvaMontantTvaParTaux"]) for row in vat
    ] == [(300.0, 60.0)]
    assert facture["listeDesPiecesJointes"]["totalListePiecesJointe"] == 0
    references = facture["references"]
    assert DATE.match(references["dateFacture"]) and DATE.match(references["dateDepot"])
    assert re.fullmatch(
        r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}", references["dateCreationFacture"]
    )


def test_recipient_reads_the_same_shape(
    recipient_account: Any, api_account: Any, invoice_id: int
) -> None:
    supplier_view = api_account.post(
        "/cpro/factures/v1/consulter/fournisseur", {"identifiantFactureCPP": invoice_id}
    ).json()["facture"]
    response = recipient_account.post(
        "/cpro/factures/v1/consulter/recipiendaire",
        {"identifiantFactureCPP": invoice_id, "rechercheLignePoste": None},
    )
    assert response.status_code == 200, response.content
    assert response.json()["facture"] == supplier_view


def test_line_paging_follows_the_suffixed_keys(api_account: Any, invoice_id: int) -> None:
    facture = api_account.post(
        "/cpro/factures/v1/consulter/fournisseur",
        {
            "identifiantFactureCPP": invoice_id,
            "pLignesPoste": {
                "nbResultatsParPageLignesPoste": 1,
                "pageResultatDemandeeLignesPoste": 2,
            },
        },
    ).json()["facture"]
    assert facture["lignesDePoste"]["lignePoste"] == []
    assert facture["lignesDePoste"]["pageCouranteLignesPoste"] == 2


def test_vat_recap_paging_reads_gos_doubled_key(recipient_account: Any, invoice_id: int) -> None:
    facture = recipient_account.post(
        "/cpro/factures/v1/consulter/recipiendaire",
        {
            "identifiantFactureCPP": invoice_id,
            "rechercheligneTvaRecap": {
                "nbResultatsParPageListeListeRecapitulatifTVA": 7,
                "pageResultatDemandeeListeRecapitulatifTVA": 1,
            },
        },
    ).json()["facture"]
    assert facture["recapitulatifDeTva"]["nbResultatsParPageLignesRecapitulativesTVA"] == 7
    assert len(facture["recapitulatifDeTva"]["ligneTva"]) == 1


def test_another_structures_invoice_is_not_found(
    api_account: Any, recipient_account: Any, invoice_id: int
) -> None:
    other = other_supplier_account(Client())
    for account, path in (
        (other, "/cpro/factures/v1/consulter/fournisseur"),
        (other, "/cpro/factures/v1/consulter/recipiendaire"),
        # The supplier does not read its invoice as a recipient, nor the recipient as a supplier.
        (api_account, "/cpro/factures/v1/consulter/recipiendaire"),
        (recipient_account, "/cpro/factures/v1/consulter/fournisseur"),
    ):
        response = account.post(path, {"identifiantFactureCPP": invoice_id})
        assert response.status_code == 400
        assert response.json() == {
            "codeRetour": 20002,
            "libelle": "Facture inconnue pour ce compte.",
        }


def test_missing_identifier_is_a_clear_refusal(api_account: Any) -> None:
    response = api_account.post(
        "/cpro/factures/v1/consulter/fournisseur", {"identifiantFactureCPP": 0}
    )
    assert response.status_code == 400
    assert response.json()["codeRetour"] == 20001
    assert "identifiantFactureCPP" in response.json()["libelle"]


def _zip_names(body: dict[str, Any]) -> list[str]:
    data = base64.b64decode(body["fichierResultat"])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.namelist()


def test_recipient_group_download_zips_the_invoices_and_marks_them_downloaded(
    recipient_account: Any, api_account: Any, invoice_id: int
) -> None:
    second = deposit_invoice(api_account, number="FA-2026-002")
    response = recipient_account.post(
        "/cpro/factures/v1/telecharger/groupe",
        {
            "avecPiecesJointesComplementaires": "NON",
            "format": "XML",
            "idEspace": 0,
            "idUtilisateurCourant": 0,
            "listeFacture": [{"idFacture": invoice_id}, {"idFacture": second}],
        },
    )
    assert response.status_code == 200, response.content
    names = _zip_names(response.json())
    assert names == [f"{invoice_id}_FA-2026-001.xml", f"{second}_FA-2026-002.xml"]
    assert set(
        RecipientProcessing.objects.filter(downloaded_at__isnull=False).values_list(
            "invoice_id", flat=True
        )
    ) == {invoice_id, second}
    found = recipient_account.post(
        "/cpro/factures/v1/rechercher/recipiendaire", {"factureTelechargeeParDestinataire": True}
    ).json()
    assert {row["idFacture"] for row in found["listeFactures"]} == {invoice_id, second}


def test_supplier_group_download_marks_nothing(api_account: Any, invoice_id: int) -> None:
    response = api_account.post(
        "/cpro/factures/v1/telecharger/groupe",
        {"format": "PDF", "listeFacture": [{"idFacture": invoice_id}]},
    )
    assert response.status_code == 200, response.content
    data = base64.b64decode(response.json()["fichierResultat"])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.read(f"{invoice_id}_FA-2026-001.pdf").startswith(b"%PDF")
    assert not RecipientProcessing.objects.filter(downloaded_at__isnull=False).exists()


def test_group_download_with_another_structures_invoice_marks_nothing(
    recipient_account: Any, api_account: Any, invoice_id: int
) -> None:
    other = other_supplier_account(Client())
    response = other.post(
        "/cpro/factures/v1/telecharger/groupe",
        {"format": "XML", "listeFacture": [{"idFacture": invoice_id}]},
    )
    assert response.status_code == 400
    assert response.json()["codeRetour"] == 20002
    bad_format = recipient_account.post(
        "/cpro/factures/v1/telecharger/groupe",
        {"format": "DOCX", "listeFacture": [{"idFacture": invoice_id}]},
    )
    assert bad_format.status_code == 400
    assert "Format inconnu" in bad_format.json()["libelle"]
    empty = recipient_account.post("/cpro/factures/v1/telecharger/groupe", {"listeFacture": None})
    assert empty.status_code == 400
    assert "listeFacture" in empty.json()["libelle"]
    assert not RecipientProcessing.objects.filter(downloaded_at__isnull=False).exists()


def test_paging_given_as_a_string_is_a_400(api_account: Any, invoice_id: int) -> None:
    response = api_account.post(
        "/cpro/factures/v1/consulter/fournisseur",
        {"identifiantFactureCPP": invoice_id, "pLignesPoste": "10"},
    )
    assert response.status_code == 400
    assert "doit être dans un objet JSON" in response.json()["libelle"]
