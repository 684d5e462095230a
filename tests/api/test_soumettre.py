"""soumettre: the « saisie API », built into the EN 16931 pivot and deposited as the web saisie."""

from __future__ import annotations

import base64
import io
import re
from typing import Any

import pytest
from django.test import Client

from choeur.api.models import UploadedPiece
from choeur.einvoice import read
from choeur.invoices.models import Attachment, Flux, Invoice, InvoiceDraft
from tests.api.conftest import RECIPIENT_SIRET, other_supplier_account

pytestmark = pytest.mark.django_db(transaction=True)

S = "/cpro/factures/v1/soumettre"


def payload(**changes: Any) -> dict[str, Any]:
    """A whole request as GO marshals it: every non-omitempty key, empty ones included."""
    body: dict[str, Any] = {
        "idUtilisateurCourant": 0,
        "modeDepot": "SAISIE_API",
        "numeroFactureSaisi": "API-2026-001",
        "dateFacture": "2026-11-02",
        "destinataire": {"codeDestinataire": RECIPIENT_SIRET, "codeServiceExecutant": ""},
        "fournisseur": {
            "codeCoordonneesBancairesFournisseur": 0,
            "idFournisseur": 0,
            "idServiceFournisseur": 0,
        },
        "cadreDeFacturation": {
            "codeCadreFacturation": "A1_FACTURE_FOURNISSEUR",
            "codeServiceValideur": "",
            "codeStructureValideur": "",
        },
        "references": {
            "deviseFacture": "EUR",
            "modePaiement": "VIREMENT",
            "motifExonerationTva": "",
            "numeroBonCommande": "",
            "numeroFactureOrigine": "",
            "numeroMarche": "",
            "typeFacture": "FACTURE",
            "typeTva": "TVA_SUR_DEBIT",
        },
        "lignePoste": [
            {
                "lignePosteNumero": 1,
                "lignePosteReference": "POSE",
                "lignePosteDenomination": "Pose de fenêtres",
                "lignePosteQuantite": 2,
                "lignePosteUnite": "HUR",
                "lignePosteMontantUnitaireHT": 45.5,
                "lignePosteMontantRemiseHT": 0,
                "lignePosteTauxTva": "TVA20",
                "lignePosteTauxTvaManuel": 0,
            },
            {
                "lignePosteNumero": 2,
                "lignePosteReference": "",
                "lignePosteDenomination": "Fenêtre",
                "lignePosteQuantite": 1,
                "lignePosteUnite": "C62",
                "lignePosteMontantUnitaireHT": 300,
                "lignePosteMontantRemiseHT": 9,
                "lignePosteTauxTva": "",
                "lignePosteTauxTvaManuel": 20,
            },
        ],
        "ligneTva": [
            {
                "ligneTvaTaux": "TVA20",
                "ligneTvaTauxManuel": 0,
                "ligneTvaMontantBaseHtParTaux": 382,
                "ligneTvaMontantTvaParTaux": 76.4,
            }
        ],
        "montantTotal": {
            "montantHtTotal": 382,
            "montantTVA": 76.4,
            "montantTtcTotal": 458.4,
            "montantRemiseGlobaleTTC": 0,
            "motifRemiseGlobaleTTC": "",
            "montantAPayer": 458.4,
        },
        "pieceJointePrincipale": {},
        "pieceJointeComplementaire": None,
        "commentaire": "",
    }
    body.update(changes)
    return body


def test_a_typed_invoice_is_deposited_and_made_available(
    api_account: Any, recipient_account: Any
) -> None:
    response = api_account.post(S, payload(commentaire="Chantier de la mairie"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["codeRetour"] == 0 and body["libelle"] == "TRA_MSG_00.000"
    assert body["numeroFacture"] == "API-2026-001"
    assert body["statutFacture"] == "MISE_A_DISPOSITION"
    assert body["identifiantStructure"] == api_account.structure.identifier
    assert re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", body["dateDepot"])
    assert re.fullmatch(r"[0-9a-f]{64}", body["empreinteCertificatDepot"])
    invoice = Invoice.objects.get(pk=body["identifiantFactureCPP"])
    assert body["empreinteCertificatDepot"] == invoice.fingerprint
    assert (invoice.supplier, invoice.recipient.identifier) == (
        api_account.structure,
        RECIPIENT_SIRET,
    )
    assert str(invoice.total_ttc) == "458.40"
    assert invoice.mode_depot == "SAISIE_API"
    assert invoice.flux.mode_depot == "SAISIE_API"

    seen = recipient_account.post(
        "/cpro/factures/v1/consulter/recipiendaire",
        {"identifiantFactureCPP": invoice.pk},
    ).json()["facture"]
    assert [line["lignePosteDenomination"] for line in seen["lignesDePoste"]["lignePoste"]] == [
        "Pose de fenêtres",
        "Fenêtre",
    ]
    assert seen["lignesDePoste"]["lignePoste"][1]["lignePosteMontantRemiseHT"] == 9.0
    assert seen["montantTotal"]["montantTVA"] == 76.4
    assert seen["commentaire"] == "Chantier de la mairie"


def _count() -> tuple[int, int, int]:
    return Flux.objects.count(), Invoice.objects.count(), InvoiceDraft.objects.count()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"numeroFactureSaisi": ""}, "Le numéro de facture (numeroFactureSaisi) est obligatoire."),
        ({"dateFacture": "02/11/2026"}, "Le champ dateFacture doit être une date AAAA-MM-JJ."),
        (
            {"destinataire": {"codeDestinataire": "40483304800022"}},
            "Le destinataire 40483304800022 n'est pas référencé dans l'annuaire",
        ),
        ({"lignePoste": []}, "Ajoutez au moins une ligne de poste (lignePoste)."),
        ({"references": {"deviseFacture": "E1"}}, "Devise « E1 » illisible"),
        (
            {
                "lignePoste": [
                    {
                        "lignePosteDenomination": "X",
                        "lignePosteQuantite": 1e30,
                        "lignePosteMontantUnitaireHT": 1e30,
                    }
                ]
            },
            "Ligne de poste 1 : le champ lignePosteQuantite dépasse 100 000 000 000",
        ),
        (
            {"references": {"typeFacture": "PROFORMA"}},
            "Valeur « PROFORMA » inconnue pour typeFacture",
        ),
        (
            {"montantTotal": {"montantTtcTotal": 500}},
            "Montant total incohérent : montantTtcTotal vaut 500 alors que les lignes de poste "
            "donnent 458.40.",
        ),
        (
            {"cadreDeFacturation": {"codeCadreFacturation": "A26_CADRE_INCONNU"}},
            # works cadres are accepted (tests/works/test_api.py); an unknown one is not
            "Le cadre de facturation « A26_CADRE_INCONNU » n'est pas accepté",
        ),
        ({"modeDepot": "EDI"}, "Valeur « EDI » inconnue pour modeDepot"),
        (
            {"ligneTva": [{"ligneTvaTaux": "TVA20", "ligneTvaMontantBaseHtParTaux": 380}]},
            "Ligne de TVA 1 incohérente : la base HT au taux de 20 % vaut 380 alors que les "
            "lignes de poste donnent 382.00.",
        ),
        (
            {"ligneTva": [{"ligneTvaTauxManuel": 10, "ligneTvaMontantTvaParTaux": 5}]},
            "Ligne de TVA 1 : aucune ligne de poste n'a le taux de TVA 10 %.",
        ),
        (
            {"modeDepot": "DEPOT_PDF_API"},
            "Le mode DEPOT_PDF_API demande la facture PDF en pièce jointe principale",
        ),
        (
            {"montantTotal": {"montantRemiseGlobaleTTC": 10}},
            "La remise globale TTC n'est pas prise en charge",
        ),
    ],
)
def test_bad_input_is_refused_in_french_and_writes_nothing(
    api_account: Any, recipient_account: Any, changes: dict[str, Any], message: str
) -> None:
    before = _count()
    response = api_account.post(S, payload(**changes))
    assert response.status_code == 400, response.content
    assert response.json()["codeRetour"] == 20001
    assert message in response.json()["libelle"]
    assert _count() == before


def test_recipient_rules_are_the_platforms(api_account: Any, public_structure: Any) -> None:
    before = _count()
    response = api_account.post(
        S, payload(destinataire={"codeDestinataire": public_structure.identifier})
    )
    assert response.status_code == 400
    assert "Le code service est obligatoire pour le destinataire" in response.json()["libelle"]
    assert _count() == before


def test_a_number_already_used_this_year_is_refused(
    api_account: Any, recipient_account: Any
) -> None:
    assert api_account.post(S, payload()).status_code == 200
    before = _count()
    again = api_account.post(S, payload())
    assert again.status_code == 400
    assert "Une facture n° API-2026-001 de cette structure existe déjà" in again.json()["libelle"]
    assert _count() == before


def test_the_same_idempotency_key_answers_the_first_deposit(
    api_account: Any, recipient_account: Any
) -> None:
    first = api_account.post(S, payload(), HTTP_IDEMPOTENCY_KEY="cle-1").json()
    # A retry after a lost answer: the number now exists, yet the retry gets the first answer.
    flux_count = Flux.objects.count()
    second = api_account.post(S, payload(), HTTP_IDEMPOTENCY_KEY="cle-1").json()
    assert second == first
    assert Flux.objects.count() == flux_count


def _pdf() -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _piece(account: Any, name: str, data: bytes) -> int:
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


def test_a_pdf_deposit_with_its_pieces_principal_as_an_array(
    api_account: Any, recipient_account: Any
) -> None:
    principal = _piece(api_account, "facture.pdf", _pdf())
    annexe = _piece(api_account, "annexe.txt", b"Planning du chantier")
    response = api_account.post(
        S,
        payload(
            modeDepot="DEPOT_PDF_API",
            pieceJointePrincipale=[
                {"pieceJointePrincipaleId": principal, "pieceJointePrincipaleDesignation": "F"}
            ],
            pieceJointeComplementaire=[
                {"pieceJointeComplementaireId": annexe, "pieceJointeComplementaireType": "ANNEXE"}
            ],
        ),
    )
    assert response.status_code == 200, response.content
    invoice = Invoice.objects.get(pk=response.json()["identifiantFactureCPP"])
    assert invoice.main_document is not None
    assert invoice.main_document.read() == UploadedPiece.objects.get(pk=principal).file.read()
    assert "annexe.txt" in [a.name for a in Attachment.objects.filter(invoice=invoice)]
    assert invoice.mode_depot == "DEPOT_PDF_API"
    # The supplier's PDF is the invoice itself: kept as its main attachment, as on the portal.
    assert Attachment.objects.filter(invoice=invoice, kind="PRINCIPALE").exists()


def test_a_piece_of_another_account_is_not_found_and_nothing_is_written(
    api_account: Any, recipient_account: Any
) -> None:
    other = other_supplier_account(Client())
    foreign = _piece(other, "annexe.txt", b"secret")
    before = _count()
    response = api_account.post(
        S, payload(pieceJointeComplementaire=[{"pieceJointeComplementaireId": foreign}])
    )
    assert response.status_code == 400
    assert response.json()["codeRetour"] == 20002
    assert _count() == before


def test_depositing_for_another_structure_is_not_found(
    api_account: Any, recipient_account: Any
) -> None:
    other = other_supplier_account(Client())
    before = _count()
    response = api_account.post(
        S,
        payload(fournisseur={"idFournisseur": other.structure.pk, "idServiceFournisseur": 0}),
    )
    assert response.status_code == 400
    assert response.json()["codeRetour"] == 20002
    assert _count() == before


def test_an_invoice_the_norm_rejects_answers_the_report(
    api_account: Any, recipient_account: Any
) -> None:
    references = payload()["references"] | {"deviseFacture": "ZZZ"}
    response = api_account.post(S, payload(references=references))
    assert response.status_code == 400, response.content
    libelle = response.json()["libelle"]
    assert libelle.startswith("La facture a été rejetée (flux CPP")
    assert "InvoiceCurrencyCode" in libelle
    assert not Invoice.objects.exists()
    # The deposit itself is kept, as every deposit, with its compte rendu.
    assert Flux.objects.get().status == "IN_REJETE"


def test_a_date_marshalled_as_rfc3339_is_read_as_the_day(
    api_account: Any, recipient_account: Any
) -> None:
    # Go's time.Time marshals an invoice date as RFC 3339 (fixture note on dateFacture).
    response = api_account.post(S, payload(dateFacture="2026-11-02T00:00:00Z"))
    assert response.status_code == 200, response.content
    invoice = Invoice.objects.get(pk=response.json()["identifiantFactureCPP"])
    assert str(invoice.issue_date) == "2026-11-02"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"destinataire": "12345678200051"}, "le champ codeDestinataire doit être dans un objet"),
        ({"references": ["EUR"]}, "le champ numeroBonCommande doit être dans un objet"),
        ({"fournisseur": 12}, "le champ idFournisseur doit être dans un objet"),
    ],
)
def test_a_value_where_an_object_is_expected_is_a_400(
    api_account: Any, recipient_account: Any, changes: dict[str, Any], message: str
) -> None:
    response = api_account.post(S, payload(**changes))
    assert response.status_code == 400, response.content
    assert message in response.json()["libelle"]
    assert _count() == (0, 0, 0)


def test_with_a_broker_the_answer_comes_before_the_integration(
    api_account: Any, recipient_account: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With real workers the integration has not run yet when the request answers.
    from choeur.invoices.services import deposit

    monkeypatch.setattr(deposit, "queue_integration", lambda flux: None)
    response = api_account.post(S, payload())
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["codeRetour"] == 0
    assert body["identifiantFactureCPP"] == 0
    assert body["statutFacture"] == "DEPOSEE"
    assert body["numeroFacture"] == "API-2026-001"
    assert Flux.objects.get().numero == body["numeroFluxDepot"]


def test_group_download_with_the_complementary_pieces_and_its_size_limit(
    api_account: Any, recipient_account: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import zipfile

    from choeur.api.views import consult
    from choeur.lifecycle.models import RecipientProcessing

    annexe = _piece(api_account, "annexe.txt", b"Planning du chantier")
    invoice_id = api_account.post(
        S, payload(pieceJointeComplementaire=[{"pieceJointeComplementaireId": annexe}])
    ).json()["identifiantFactureCPP"]
    request = {
        "avecPiecesJointesComplementaires": "OUI",
        "format": "PIVOT",
        "listeFacture": [{"idFacture": invoice_id}],
    }
    monkeypatch.setattr(consult, "GROUP_MAX_BYTES", 10)
    too_big = recipient_account.post("/cpro/factures/v1/telecharger/groupe", request)
    assert too_big.status_code == 413
    assert "120 Mo" in too_big.json()["libelle"]
    assert not RecipientProcessing.objects.filter(downloaded_at__isnull=False).exists()

    monkeypatch.setattr(consult, "GROUP_MAX_BYTES", 120 * 1024 * 1024)
    response = recipient_account.post("/cpro/factures/v1/telecharger/groupe", request)
    assert response.status_code == 200, response.content
    data = base64.b64decode(response.json()["fichierResultat"])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert names[0] == f"{invoice_id}_API-2026-001.xml"
        [annex_name] = [n for n in names if n.endswith("annexe.txt")]
        assert archive.read(annex_name) == b"Planning du chantier"
    assert RecipientProcessing.objects.get(invoice_id=invoice_id).downloaded_at is not None


def test_an_avoir_takes_the_date_of_the_invoice_it_corrects(
    api_account: Any, recipient_account: Any
) -> None:
    """soumettre has no field for BT-26; the reform's rules ask for it on an avoir of a French
    supplier (BR-FR-CO-05): the date of the supplier's own invoice with that number is taken."""
    first = api_account.post(
        S, payload(numeroFactureSaisi="API-2026-010", dateFacture="2026-10-05")
    )
    assert first.status_code == 200, first.content.decode()
    references = dict(payload()["references"], typeFacture="AVOIR")
    avoir = api_account.post(
        S,
        payload(
            numeroFactureSaisi="AV-2026-001",
            references=dict(references, numeroFactureOrigine="API-2026-010"),
        ),
    )
    assert avoir.status_code == 200, avoir.content
    assert avoir.json()["statutFacture"] == "MISE_A_DISPOSITION", avoir.content
    invoice = Invoice.objects.get(pk=avoir.json()["identifiantFactureCPP"])
    pivot = read(invoice.flux.original.read())
    assert [(p.number, str(p.issue_date)) for p in pivot.preceding_invoices] == [
        ("API-2026-010", "2026-10-05")
    ]
    unknown = api_account.post(
        S,
        payload(
            numeroFactureSaisi="AV-2026-002",
            references=dict(references, numeroFactureOrigine="INCONNUE-1"),
        ),
    )
    # an invoice the platform does not know: no date to give, the French rule says why
    assert "BR-FR-CO-05" in unknown.content.decode(), unknown.content
