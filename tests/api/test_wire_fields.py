"""Answers with the values and fields the clients read (issue 14, item 4): formatflux's flux
families, the paging of modedepot and formatflux (PHP requires it), ISO 4217 currencies, the
last user action of consulter/historique (an action code, not a status), the ListeFactures
fields of rechercher/fournisseur, and the compte rendu PDF of consulterCR."""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest
from pypdf import PdfReader

from tests.api.conftest import deposit_invoice

pytestmark = pytest.mark.django_db(transaction=True)

T = "/cpro/transverses/v1/"
F = "/cpro/factures/v1/"

# PHP's ListeFormatFlux accepts these values only (IFormatFlux, reference C.2).
FORMATS_FLUX = {"IN_DP_E1_STRUCT", "IN_DP_E2_MIXTE", "IN_DP_E2_FACTURX"}
# The action codes of reference C.9 (PHP's IActionCode: derniereActionCode, histoActionCode).
ACTION_CODES = {
    "TELECHARGEMENT_FACTURE",
    "ACQUITTEMENT_REJET",
    "ACQUITTEMENT_SUSPENSION",
    "TRAITEMENT_REJET",
}
# GO's RechercherFactureParFournisseurResponse.listeFactures, but the validators' dates that
# Chœur cannot fill (GO reads a Date only as AAAA-MM-JJ: an empty one would fail the call).
LISTE_FACTURES = {
    "affactureurCode", "affactureurRaisonSociale", "affactureurTypeIdentifiant",
    "codeDestinataire", "codeFournisseur", "codeServiceExecutant", "codeServiceFournisseur",
    "codeValideur1", "codeValideur2", "commentaireEtatCourant", "coordBancairesFournisseurCleIban",
    "coordBancairesFournisseurCleRib", "coordBancairesFournisseurCodeBanque",
    "coordBancairesFournisseurCodePays", "coordBancairesFournisseurCompteBancaire",
    "coordBancairesFournisseurNomCb", "designationDestinataire", "designationFournisseur",
    "devise", "modeDepot", "nomPrenomUtilisateurCreateur", "nomServiceExecutant",
    "nomServiceFournisseur", "nomValideur1", "nomValideur2", "numeroBonCommande",
    "numeroFacture", "numeroFactureOrigine", "numeroFluxDepot", "numeroMarche",
    "prenomValideur1", "prenomValideur2", "raisonSocialeValideur1", "raisonSocialeValideur2",
    "statut", "typeDemandePaiement", "typeFacture", "dateDepot", "dateFacture",
    "dateHeureEtatCourant", "idDestinataire", "idServiceExecutant", "identifiantFactureCPP",
    "taille", "montantAPayer", "montantHT", "montantTTC", "rejetTraite",
    "typeIdentifiantFournisseur", "typeIdentifiantValideur1", "typeIdentifiantValideur2",
}  # fmt: skip


def test_formatflux_answers_the_flux_families_with_their_paging(api_account: Any) -> None:
    body = api_account.post(T + "recuperer/formatflux", {}).json()
    assert body["codeRetour"] == 0
    assert {row["formatFlux"] for row in body["listeFormatFlux"]} == FORMATS_FLUX
    assert (body["nbResultatsParPage"], body["pageCourante"], body["pages"], body["total"]) == (
        3,
        1,
        1,
        3,
    )


def test_modedepot_answers_its_paging(api_account: Any) -> None:
    body = api_account.post(T + "recuperer/modedepot", {}).json()
    modes = [row["modeDepot"] for row in body["listeModeDepot"]]
    assert "SAISIE_API" in modes
    assert body["total"] == len(modes) and body["pages"] == 1 and body["pageCourante"] == 1


def test_devises_offer_the_iso_4217_list_in_french_and_in_english(api_account: Any) -> None:
    french = api_account.post(T + "recuperer/devises", {"codeLangue": "FR"}).json()
    english = api_account.post(T + "recuperer/devises", {"codeLangue": "en"}).json()
    fr = {row["codeDevise"]: row["libelleDevise"] for row in french["listeDevises"]}
    en = {row["codeDevise"]: row["libelleDevise"] for row in english["listeDevises"]}
    assert len(fr) > 150 and fr.keys() == en.keys()
    assert french["listeDevises"][0] == {"codeDevise": "EUR", "libelleDevise": "Euro européen"}
    assert en["EUR"] == "European Euro"
    assert fr["USD"] == "Dollar américain" and en["USD"] == "US Dollar"
    assert fr["CHF"] == "Franc suisse" and fr["XPF"] == "Franc pacifique"
    assert "XXX" not in fr and "XTS" not in fr


def test_historique_names_the_last_user_action(api_account: Any, recipient_account: Any) -> None:
    invoice_id = deposit_invoice(api_account)
    fresh = recipient_account.post(F + "consulter/historique", {"idFacture": invoice_id}).json()
    assert fresh["codeRetour"] == 0
    assert "derniereAction" not in fresh  # no action yet: PHP accepts only the four codes
    assert fresh["historiquesDesActionsUtilisateurs"]["totalHistoAction"] == 0

    downloaded = recipient_account.post(
        F + "telecharger/groupe", {"format": "XML", "listeFacture": [{"idFacture": invoice_id}]}
    )
    assert downloaded.status_code == 200, downloaded.content
    rejected = recipient_account.post(
        F + "traiter/recue",
        {"idFacture": invoice_id, "nouveauStatut": "REJETEE", "motif": "Doublon"},
    )
    assert rejected.status_code == 200, rejected.content
    processed = api_account.post(
        F + "traiterRejet", {"listeDemandePaiement": [{"idDemandePaiement": invoice_id}]}
    )
    assert processed.status_code == 200, processed.content

    history = api_account.post(
        F + "consulter/historique",
        {
            "idFacture": invoice_id,
            "paramRechercheHistoActionsUtilisateurs": {"nbResultatsParPageListeHistoAction": 1},
        },
    ).json()
    assert history["statutCourantCode"] == "REJETEE"
    assert history["derniereAction"]["derniereActionCode"] == "TRAITEMENT_REJET"
    assert history["derniereAction"]["derniereActionCode"] in ACTION_CODES
    actions = history["historiquesDesActionsUtilisateurs"]
    assert actions["totalHistoAction"] == 2 and actions["pagesHistoAction"] == 2
    assert [a["histoActionCode"] for a in actions["histoAction"]] == ["TRAITEMENT_REJET"]
    assert (
        actions["histoAction"][0]["histoActionId"] == history["derniereAction"]["derniereActionId"]
    )
    second = api_account.post(
        F + "consulter/historique",
        {
            "idFacture": invoice_id,
            "paramRechercheHistoActionsUtilisateurs": {
                "nbResultatsParPageListeHistoAction": 1,
                "pageResultatDemandeeListeHistoAction": 2,
            },
        },
    ).json()["historiquesDesActionsUtilisateurs"]["histoAction"]
    assert [a["histoActionCode"] for a in second] == ["TELECHARGEMENT_FACTURE"]
    assert second[0]["histoActionUtilisateurEmail"] == recipient_account.login


def test_supplier_search_answers_the_fields_clients_read(
    api_account: Any, recipient_account: Any
) -> None:
    invoice_id = deposit_invoice(api_account)
    row = api_account.post(F + "rechercher/fournisseur", {"recupererTaille": True}).json()[
        "listeFactures"
    ][0]
    assert not LISTE_FACTURES - row.keys()
    assert row["identifiantFactureCPP"] == invoice_id
    # The technical account deposited it: « nom prénom » of that user.
    assert row["nomPrenomUtilisateurCreateur"] == "Menuiserie Durand Compte technique"
    assert isinstance(row["taille"], int) and row["taille"] > 1000  # the CII file, in bytes
    assert row["commentaireEtatCourant"] == ""
    rejected = recipient_account.post(
        F + "traiter/recue",
        {"idFacture": invoice_id, "nouveauStatut": "REJETEE", "motif": "Montant erroné"},
    )
    assert rejected.status_code == 200, rejected.content
    again = api_account.post(F + "rechercher/fournisseur", {}).json()["listeFactures"][0]
    assert again["statut"] == "REJETEE"
    assert again["commentaireEtatCourant"] == "Montant erroné"


def test_consulter_cr_carries_the_compte_rendu_pdf(
    api_account: Any, recipient_account: Any
) -> None:
    deposit_invoice(api_account)
    numero = api_account.post(F + "rechercher/fournisseur", {}).json()["listeFactures"][0][
        "numeroFluxDepot"
    ]
    body = api_account.post(T + "consulterCR", {"numeroFluxDepot": numero}).json()
    assert body["codeRetour"] == 0
    pdf = base64.b64decode(body["fichierCR"], validate=True)
    assert pdf.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert numero in text
