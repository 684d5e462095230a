"""Strict typed reading of requests (issue 14, item 5): a value of the wrong JSON type is a 400
with codeRetour 20001 and a French libelle naming the field, never coerced (`true` or `1.5` is
not invoice 1) nor dropped (a string where a list is due). Empty values still mean « absent »."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from choeur.invoices.models import Flux
from tests.api.conftest import deposit_invoice
from tests.api.test_soumettre import S, _pdf, _piece, payload

pytestmark = pytest.mark.django_db(transaction=True)

F = "/cpro/factures/v1/"
T = "/cpro/transverses/v1/"


def _refused(response: Any, field: str) -> str:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["codeRetour"] == 20001
    assert field in body["libelle"], body["libelle"]
    return str(body["libelle"])


@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_an_invoice_id_must_be_an_integer(api_account: Any, recipient_account: Any) -> None:
    invoice_id = deposit_invoice(api_account)
    assert invoice_id == 1  # the id that `true` and `1.5` used to read
    for bad in (True, 1.5, "1x", [1], {"id": 1}, 2**64):
        libelle = _refused(
            api_account.post(F + "consulter/fournisseur", {"identifiantFactureCPP": bad}),
            "identifiantFactureCPP",
        )
        assert "nombre entier" in libelle
        _refused(
            recipient_account.post(F + "consulter/historique", {"idFacture": bad}), "idFacture"
        )
        _refused(
            recipient_account.post(
                F + "traiter/recue", {"idFacture": bad, "nouveauStatut": "SERVICE_FAIT"}
            ),
            "idFacture",
        )
    # What real clients send is still read: a JSON integer, or its digits in a string (PHP).
    for good in (invoice_id, str(invoice_id), float(invoice_id)):
        found = api_account.post(F + "consulter/fournisseur", {"identifiantFactureCPP": good})
        assert found.status_code == 200, found.content
        assert found.json()["facture"]["identifiantFactureCPP"] == invoice_id


def test_a_status_filter_must_be_a_list_of_known_statuses(
    api_account: Any, recipient_account: Any
) -> None:
    deposit_invoice(api_account)
    for account, path in (
        (api_account, "rechercher/fournisseur"),
        (recipient_account, "rechercher/recipiendaire"),
    ):
        libelle = _refused(
            account.post(F + path, {"statutCourant": "MISE_A_DISPOSITION"}), "statutCourant"
        )
        assert "liste" in libelle
        _refused(account.post(F + path, {"statutCourant": ["MISE_A_DISPO"]}), "statutCourant")
        _refused(account.post(F + path, {"statutCourant": [1]}), "statutCourant")
        kept = account.post(F + path, {"statutCourant": ["MISE_A_DISPOSITION"]}).json()
        assert kept["codeRetour"] == 0 and len(kept["listeFactures"]) == 1
        none = account.post(F + path, {"statutCourant": ["REJETEE"]}).json()
        assert none["codeRetour"] == 20000 and none["listeFactures"] == []
        # GO sends an unset list as null, PHP as []: no filter.
        for empty in (None, [], [""]):
            assert (
                len(account.post(F + path, {"statutCourant": empty}).json()["listeFactures"]) == 1
            )


def test_other_wrongly_typed_filters_are_refused_naming_the_field(
    api_account: Any, recipient_account: Any
) -> None:
    cases: list[tuple[Any, str, dict[str, Any], str]] = [
        (api_account, F + "rechercher/fournisseur", {"numeroFacture": {"x": 1}}, "numeroFacture"),
        (api_account, F + "rechercher/fournisseur", {"typeFacture": "FACTURETTE"}, "typeFacture"),
        (api_account, F + "rechercher/fournisseur", {"rejetTraite": "oui"}, "rejetTraite"),
        (api_account, F + "rechercher/fournisseur", {"montantTTCMin": "NaN"}, "montantTTCMin"),
        (api_account, F + "rechercher/fournisseur", {"montantTTCMax": True}, "montantTTCMax"),
        (api_account, F + "rechercher/fournisseur", {"listeDestinataire": 12}, "listeDestinataire"),
        (
            api_account,
            F + "rechercher/fournisseur",
            {"periodeDateFactureDu": "2026-11-02garbage"},
            "periodeDateFactureDu",
        ),
        (
            recipient_account,
            F + "rechercher/recipiendaire",
            {"factureTelechargeeParDestinataire": 1},
            "factureTelechargeeParDestinataire",
        ),
        (
            recipient_account,
            F + "rechercher/recipiendaire",
            {"listeFournisseurs": [{"idFournisseur": "premier"}]},
            "listeFournisseurs.idFournisseur",
        ),
        (
            api_account,
            "/cpro/structures/v1/rechercher",
            {"structure": {"identifiantStructure": ["1"]}},
            "structure.identifiantStructure",
        ),
        (
            api_account,
            "/cpro/structures/v1/rechercher",
            {"restreindreStructuresPrivees": "peut-être"},
            "restreindreStructuresPrivees",
        ),
        (api_account, T + "consulterCR", {"numeroFluxDepot": 12.5}, "numeroFluxDepot"),
        (api_account, F + "deposer/flux", {"fichierFlux": 123}, "fichierFlux"),
        (api_account, T + "recuperer/typespj", {"typeObjet": ["FACTURE"]}, "typeObjet"),
        (
            api_account,
            "/cpro/engagementsJuridiques/v1/rechercher",
            {"numeroEngagementJuridique": {"numero": "0000048295"}},
            "numeroEngagementJuridique",
        ),
    ]
    for account, path, body, field in cases:
        _refused(account.post(path, body), field)


def test_a_flux_without_nomfichier_is_named_after_its_kind(api_account: Any) -> None:
    pdf = _pdf()
    response = api_account.post(
        F + "deposer/flux", {"fichierFlux": base64.b64encode(pdf).decode(), "nomFichier": ""}
    )
    assert response.status_code == 200, response.content
    flux = Flux.objects.get(numero=response.json()["numeroFluxDepot"])
    assert flux.filename == "flux.pdf"
    assert flux.original.read() == pdf
    report = api_account.post(T + "consulterCR", {"numeroFluxDepot": flux.numero}).json()
    assert report["nomFichierFlux"] == "flux.pdf"

    xml = b'<?xml version="1.0"?><Invoice/>'
    response = api_account.post(F + "deposer/flux", {"fichierFlux": base64.b64encode(xml).decode()})
    assert response.status_code == 200, response.content
    assert Flux.objects.get(numero=response.json()["numeroFluxDepot"]).filename == "flux.xml"


def test_a_damaged_pdf_in_soumettre_is_refused_without_python_internals(
    api_account: Any, recipient_account: Any
) -> None:
    principal = _piece(api_account, "facture.pdf", b"%PDF-1.4 garbage, no trailer")
    response = api_account.post(
        S,
        payload(
            modeDepot="DEPOT_PDF_API", pieceJointePrincipale={"pieceJointePrincipaleId": principal}
        ),
    )
    assert response.status_code == 400, response.content
    libelle = response.json()["libelle"]
    assert libelle.startswith("Le fichier PDF est illisible ou endommagé")
    assert " at 0x" not in libelle and "<_io" not in libelle and "object" not in libelle
