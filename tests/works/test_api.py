"""The works circuit over the API: facturesTravaux/v1/rechercher and consulter, the cadres per
typeDemandePaiement, the structures active in « Factures de travaux ». Every answer is checked
against the OpenAPI document (the response-check fixture of tests/api)."""

from __future__ import annotations

from typing import Any

import pytest

from choeur.structures.enums import Espace
from choeur.works.models import WorksInvoice
from choeur.works.services import works_act
from tests.api.conftest import make_api_account
from tests.api.conftest import (
    responses_match_the_openapi_document as responses_match_the_openapi_document,
)

pytestmark = pytest.mark.django_db
R = "/cpro/facturesTravaux/v1/rechercher"
C = "/cpro/facturesTravaux/v1/consulter"
T = "/cpro/transverses/v1/"


@pytest.fixture
def moe_api(works, client):  # type: ignore[no-untyped-def]
    return make_api_account(works.moe, client, espace=Espace.FACTURES_TRAVAUX)


@pytest.fixture
def deposited(works):  # type: ignore[no-untyped-def]
    return works.invoice(cadre="A4")


def test_the_moe_polls_its_works_invoices_and_consults_them(works, moe_api, deposited) -> None:  # type: ignore[no-untyped-def]
    answer = moe_api.post(R, {"roleUtilisateur": "MOE", "flagTelecharge": False})
    assert answer.status_code == 200
    body = answer.json()
    assert body["codeRetour"] == 0
    (row,) = body["listeFacturesTravaux"]
    assert row["idFactureTravaux"] == deposited.pk
    assert row["numeroFactureTravaux"] == "PDM-2026-01"
    assert row["statutFactureTravaux"] == "MISE_A_DISPOSITION_MOE"
    assert row["typeFactureTravaux"] == "PROJET_DECOMPTE_MENSUEL"
    assert row["cadreFacturation"] == "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR"
    assert row["idStructureMoa"] == works.moa.pk
    assert body["parametresRetour"]["total"] == 1

    detail = moe_api.post(C, {"idFactureTravaux": deposited.pk, "roleUtilisateur": "MOE"})
    assert detail.status_code == 200
    assert detail.json()["factureTravaux"]["objetMarche"] == "Rénovation de l'école Jules-Ferry"
    # consulted: no longer among those not downloaded yet
    again = moe_api.post(R, {"roleUtilisateur": "MOE", "flagTelecharge": False}).json()
    assert again["codeRetour"] == 20007 and again["libelle"] == "GFT_MSG_01.075"
    assert again["listeFacturesTravaux"] == []
    done = moe_api.post(R, {"roleUtilisateur": "MOE", "flagTelecharge": True}).json()
    assert [r["idFactureTravaux"] for r in done["listeFacturesTravaux"]] == [deposited.pk]


def test_filters_and_other_roles(works, moe_api, deposited) -> None:  # type: ignore[no-untyped-def]
    record = WorksInvoice.objects.get(invoice=deposited)
    works_act(works=record, user=works.moe_user, role="MOE", to_status="PRISE_EN_COMPTE_MOE")
    by_status = moe_api.post(
        R, {"roleUtilisateur": "MOE", "statutFactureTravaux": ["PRISE_EN_COMPTE_MOE"]}
    ).json()
    assert len(by_status["listeFacturesTravaux"]) == 1
    other = moe_api.post(
        R, {"roleUtilisateur": "MOE", "statutFactureTravaux": ["TRANSMISE_MOA"]}
    ).json()
    assert other["codeRetour"] == 20007
    # the MOE's account is no supplier nor MOA of this contract
    for role in ("FOURNISSEUR", "MOA"):
        assert moe_api.post(R, {"roleUtilisateur": role}).json()["codeRetour"] == 20007


def test_outsiders_find_nothing(works, client, deposited) -> None:  # type: ignore[no-untyped-def]
    from tests.lifecycle import factories as f

    other = f.structure("73282932000090", "CABINET ÉTRANGER")
    api = make_api_account(other, client, espace=Espace.FACTURES_TRAVAUX)
    assert api.post(R, {"roleUtilisateur": "MOE"}).json()["codeRetour"] == 20007
    answer = api.post(C, {"idFactureTravaux": deposited.pk, "roleUtilisateur": "MOE"})
    assert answer.status_code == 400
    assert answer.json()["codeRetour"] == 20002


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"roleUtilisateur": "PATRON"}, "Valeur « PATRON » inconnue pour le champ roleUtilisateur"),
        ({"statutFactureTravaux": ["PAYEE"]}, "Valeur « PAYEE » inconnue"),
        ({"rechercheFactureTravaux": {"nbResultatsParPage": -1}}, "nbResultatsParPage"),
        ({"flagTelecharge": "peut-être"}, "flagTelecharge"),
    ],
)
def test_bad_search_input_is_a_readable_400(moe_api, payload: dict[str, Any], message) -> None:  # type: ignore[no-untyped-def]
    answer = moe_api.post(R, payload)
    assert answer.status_code == 400
    assert answer.json()["codeRetour"] == 20001
    assert message in answer.json()["libelle"]


def test_consulter_needs_an_id(moe_api) -> None:  # type: ignore[no-untyped-def]
    answer = moe_api.post(C, {})
    assert answer.status_code == 400
    assert "idFactureTravaux" in answer.json()["libelle"]


@pytest.mark.parametrize(
    ("kind", "expected", "absent"),
    [
        (
            "FACTURE_TRAVAUX",
            {
                "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR",
                "A19_ETAT_ACOMPTE_VALIDE_MOA",
                "A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT",
                "A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT",
                "A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT",
                "A14_PROJET_DECOMPTE_FINAL_COTRAITANT",
            },
            "A1_FACTURE_FOURNISSEUR",
        ),
        ("FACTURE", {"A1_FACTURE_FOURNISSEUR", "A9_FACTURE_SOUSTRAITANT"}, "A15_ETAT_ACOMPTE_MOE"),
        ("", {"A1_FACTURE_FOURNISSEUR", "A25_DECOMPTE_GENERAL_DEFINITIF_MOE_PROCEDURE_TACITE"}, ""),
    ],
)
def test_cadres_per_type_of_payment_request(moe_api, kind, expected, absent) -> None:  # type: ignore[no-untyped-def]
    answer = moe_api.post(T + "recuperer/cadrefacturation", {"typeDemandePaiement": kind})
    codes = {row["codeCadreFacturation"] for row in answer.json()["listeCadreFacturation"]}
    assert expected <= codes
    assert absent not in codes


def test_unknown_type_of_payment_request(moe_api) -> None:  # type: ignore[no-untyped-def]
    answer = moe_api.post(T + "recuperer/cadrefacturation", {"typeDemandePaiement": "DEVIS"})
    assert answer.status_code == 400
    assert "FACTURE_TRAVAUX" in answer.json()["libelle"]


def test_structures_active_in_works(works, moe_api, client) -> None:  # type: ignore[no-untyped-def]
    answer = moe_api.post(T + "recuperer/structures/actives/facturetravaux", {}).json()
    assert answer["listeStructures"] == [
        {
            "idStructureCPP": works.moe.pk,
            "identifiant": works.moe.identifier,
            "designationStructure": works.moe.raison_sociale,
        }
    ]
    from tests.lifecycle import factories as f

    lone = make_api_account(f.structure("73282932000108", "SEUL"), client)
    assert (
        lone.post(T + "recuperer/structures/actives/facturetravaux", {}).json()["codeRetour"]
        == 20000
    )


def test_soumettre_of_a_projet_de_decompte_reaches_the_moe(  # type: ignore[no-untyped-def]
    works, client, django_capture_on_commit_callbacks
) -> None:
    from choeur.structures.services.technical import technical_account_create
    from tests.api.conftest import ApiAccount

    secrets = technical_account_create(actor=works.supplier_user, structure=works.supplier)
    api = ApiAccount(
        client=client,
        login=secrets.account.login,
        password=secrets.password,
        client_id=secrets.account.application.client_id,
        client_secret=secrets.client_secret or "",
        structure=works.supplier,
    )
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.post(
            "/cpro/factures/v1/soumettre",
            {
                "numeroFactureSaisi": "PDM-API-01",
                "dateFacture": "2026-11-02",
                "modeDepot": "SAISIE_API",
                "destinataire": {"codeDestinataire": works.payer.identifier},
                "cadreDeFacturation": {
                    "codeCadreFacturation": "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR"
                },
                "references": {
                    "deviseFacture": "EUR",
                    "typeFacture": "FACTURE",
                    "typeTva": "TVA_SUR_DEBIT",
                    "numeroBonCommande": works.engagement.number,
                    "modePaiement": "VIREMENT",
                },
                "lignePoste": [
                    {
                        "lignePosteNumero": 1,
                        "lignePosteDenomination": "Lot gros œuvre, situation 1",
                        "lignePosteQuantite": 1,
                        "lignePosteUnite": "C62",
                        "lignePosteMontantUnitaireHT": 10000,
                        "lignePosteTauxTvaManuel": 20,
                    }
                ],
                "montantTotal": {
                    "montantHtTotal": 10000,
                    "montantTVA": 2000,
                    "montantTtcTotal": 12000,
                    "montantAPayer": 12000,
                },
            },
        )
    assert answer.status_code == 200, answer.content
    record = WorksInvoice.objects.select_related("invoice").get(invoice__number="PDM-API-01")
    assert record.invoice.status == "MISE_A_DISPOSITION_MOE"
    assert record.moe == works.moe and record.moa == works.moa


def _projet(works, number: str, cadre: str, **cadre_fields: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return {
        "numeroFactureSaisi": number,
        "dateFacture": "2026-11-02",
        "modeDepot": "SAISIE_API",
        "destinataire": {"codeDestinataire": works.payer.identifier},
        "cadreDeFacturation": {"codeCadreFacturation": cadre, **cadre_fields},
        "references": {
            "deviseFacture": "EUR",
            "typeFacture": "FACTURE",
            "typeTva": "TVA_SUR_DEBIT",
            "numeroBonCommande": works.engagement.number,
            "modePaiement": "VIREMENT",
        },
        "lignePoste": [
            {
                "lignePosteNumero": 1,
                "lignePosteDenomination": "Lot électricité, situation 1",
                "lignePosteQuantite": 1,
                "lignePosteUnite": "C62",
                "lignePosteMontantUnitaireHT": 4000,
                "lignePosteTauxTvaManuel": 20,
            }
        ],
        "montantTotal": {
            "montantHtTotal": 4000,
            "montantTVA": 800,
            "montantTtcTotal": 4800,
            "montantAPayer": 4800,
        },
    }


def test_soumettre_of_a_subcontractor_projet_goes_to_the_titulaire_then_the_moe(  # type: ignore[no-untyped-def]
    works, subcontracting, client, django_capture_on_commit_callbacks
) -> None:
    from choeur.invoices.models import Invoice

    sub_api = make_api_account(subcontracting.sub, client)
    with django_capture_on_commit_callbacks(execute=True):
        answer = sub_api.post(
            "/cpro/factures/v1/soumettre",
            _projet(works, "ST-API-01", "A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT"),
        )
    assert answer.status_code == 200, answer.content
    invoice = Invoice.objects.get(number="ST-API-01")
    assert invoice.status == "A_VALIDER_1"
    assert invoice.validation.validator_1 == works.supplier
    # the titulaire validates over the API (traiter/factureAValider)
    from choeur.structures.services.technical import technical_account_create
    from tests.api.conftest import ApiAccount

    secrets = technical_account_create(actor=works.supplier_user, structure=works.supplier)
    prime_api = ApiAccount(
        client=client,
        login=secrets.account.login,
        password=secrets.password,
        client_id=secrets.account.application.client_id,
        client_secret=secrets.client_secret or "",
        structure=works.supplier,
    )
    with django_capture_on_commit_callbacks(execute=True):
        treated = prime_api.post(
            "/cpro/factures/v1/traiter/factureAValider",
            {"idFacture": invoice.pk, "action": "VALIDATION"},
        )
    assert treated.status_code == 200, treated.content
    invoice.refresh_from_db()
    assert invoice.status == "MISE_A_DISPOSITION_MOE"
    # and the MOE finds it in facturesTravaux/v1/rechercher
    moe_api = make_api_account(works.moe, client, espace=Espace.FACTURES_TRAVAUX)
    rows = moe_api.post(R, {"roleUtilisateur": "MOE"}).json()["listeFacturesTravaux"]
    assert [r["cadreFacturation"] for r in rows] == ["A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT"]


def test_soumettre_of_a_projet_naming_a_validator_is_refused(  # type: ignore[no-untyped-def]
    works, subcontracting, client
) -> None:
    from choeur.invoices.models import Invoice

    sub_api = make_api_account(subcontracting.sub, client)
    answer = sub_api.post(
        "/cpro/factures/v1/soumettre",
        _projet(
            works,
            "ST-API-02",
            "A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT",
            codeStructureValideur=works.supplier.identifier,
        ),
    )
    assert answer.status_code == 400
    assert "fiche identité du marché" in answer.json()["libelle"]
    assert not Invoice.objects.filter(number="ST-API-02").exists()
