"""Issue 14: `factures/v1/deposer/pdf` reads a PDF invoice as the web « Déposer une facture PDF »
does and keeps it as a piece; `soumettre` in DEPOT_PDF_API then deposits it."""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest

import choeur.einvoice as einvoice
from choeur.api.models import UploadedPiece
from choeur.invoices.models import Invoice, InvoiceDraft
from tests.api.conftest import RECIPIENT_SIRET
from tests.api.test_soumettre import payload
from tests.invoices.samples import Sample

pytestmark = pytest.mark.django_db(transaction=True)

P = "/cpro/factures/v1/deposer/pdf"


def _deposit(account: Any, data: bytes, **fields: Any) -> Any:
    body = {
        "idUtilisateurCourant": 0,
        "fichierFacture": base64.b64encode(data).decode(),
        "nomFichier": "facture.pdf",
        "formatDepot": "PDF_NON_SIGNE",
    }
    body.update(fields)
    return account.post(P, body)


def text_pdf(text: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<p>{text}</p>").write_pdf()  # type: ignore[no-any-return]


def encrypted_pdf() -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(owner="o", user="u"))
    return out.getvalue()


def test_a_text_pdf_is_read_then_deposited_by_soumettre(
    api_account: Any, recipient_account: Any
) -> None:
    pdf = text_pdf(
        f"Facture n° PDF-77 du 05/11/2026<br>SIRET client : {RECIPIENT_SIRET}<br>"
        "Total HT : 1 000,00 €<br>Total TTC : 1 200,00 €"
    )
    response = _deposit(api_account, pdf)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["codeRetour"] == 0
    assert body["numeroFacture"] == "PDF-77"
    assert body["dateFacture"] == "2026-11-05"
    assert body["codeDestinataire"] == RECIPIENT_SIRET
    assert body["codeFournisseur"] == api_account.structure.identifier
    assert body["typeFacture"] == "FACTURE"
    assert (body["montantHtTotal"], body["montantTVA"], body["montantAPayer"]) == (
        1000.0,
        200.0,
        1200.0,
    )
    # Nothing is deposited yet: the PDF is one of the account's pieces, no draft is left.
    piece = UploadedPiece.objects.get(pk=body["pieceJointeId"])
    assert piece.file.read() == pdf
    assert not Invoice.objects.exists() and not InvoiceDraft.objects.exists()

    submitted = api_account.post(
        "/cpro/factures/v1/soumettre",
        payload(
            modeDepot="DEPOT_PDF_API",
            numeroFactureSaisi=body["numeroFacture"],
            pieceJointePrincipale={"pieceJointePrincipaleId": body["pieceJointeId"]},
        ),
    )
    assert submitted.status_code == 200, submitted.content
    invoice = Invoice.objects.get(pk=submitted.json()["identifiantFactureCPP"])
    assert invoice.mode_depot == "DEPOT_PDF_API"
    assert invoice.main_document is not None and invoice.main_document.read() == pdf


def test_a_facturx_pdf_answers_its_own_data(api_account: Any, recipient_account: Any) -> None:
    cii = Sample(api_account.structure.identifier, RECIPIENT_SIRET, number="FX-9").cii()
    pivot = einvoice.read(cii)
    body = _deposit(api_account, einvoice.write_facturx(pivot)).json()
    assert body["codeRetour"] == 0, body
    assert body["numeroFacture"] == "FX-9"
    assert body["codeDestinataire"] == RECIPIENT_SIRET
    assert body["codeDeviseFacture"] == "EUR"
    assert body["montantHtTotal"] == float(pivot.totals.tax_exclusive_amount)
    assert body["montantAPayer"] == float(pivot.totals.payable_amount)


@pytest.mark.parametrize(
    ("data", "fields", "message"),
    [
        (encrypted_pdf(), {}, "mot de passe"),
        (b"%PDF-1.4", {"formatDepot": "PDF_SCANNE"}, "formatDepot"),
        (b"%PDF-1.4", {"nomFichier": "facture.xml"}, "PDF"),
        (b"", {}, "fichierFacture"),
    ],
)
def test_what_the_web_page_refuses_is_refused_and_nothing_is_kept(
    api_account: Any, data: bytes, fields: dict[str, Any], message: str
) -> None:
    response = _deposit(api_account, data, **fields)
    assert response.status_code == 400
    assert response.json()["codeRetour"] == 20001
    assert message in response.json()["libelle"]
    assert not UploadedPiece.objects.exists()


def test_another_companys_facturx_is_refused(api_account: Any, recipient_account: Any) -> None:
    cii = Sample("51234567900017", RECIPIENT_SIRET).cii()
    response = _deposit(api_account, einvoice.write_facturx(einvoice.read(cii)))
    assert response.status_code == 400
    assert response.json()["codeRetour"] == 20001
    assert not UploadedPiece.objects.exists()
