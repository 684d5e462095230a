"""Nobody sends another company's invoice, whatever the way in: the seller an invoice names must
be the depositing structure (or one the depositor may deposit for), checked by one function
(`check_seller`) on the saisie, the PDF deposit (portal and API), the flux (portal and API)."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import choeur.einvoice as einvoice
from choeur.invoices.enums import FluxStatus, InvoiceStatus, ModeDepot
from choeur.invoices.models import Flux, Invoice, InvoiceDraft
from choeur.invoices.services.deposit import Upload, flux_deposit
from choeur.invoices.services.drafts import Saisie, SaisieLine, build_pivot, invoice_submit
from choeur.invoices.services.integration import flux_integrate
from tests.invoices.factories import (
    PUBLIC_FREE_SIRET,
    SUPPLIER_SIRET,
    StructureFactory,
    member,
)
from tests.invoices.samples import Sample
from tests.shared import CORPUS

pytestmark = pytest.mark.django_db

OTHER_SIRET = "51234567900017"
# A real Factur-X of the shared corpus: its seller is « LE FOURNISSEUR », a company of nobody here.
CORPUS_FACTURX = CORPUS / "akretion-factur-x" / "facturx" / "fixtures" / "invoice_EN16931.pdf"


def facturx_of(seller_siret: str, number: str = "FX-2026-001") -> bytes:
    pivot = einvoice.read(Sample(seller_siret, PUBLIC_FREE_SIRET, number=number).cii())
    return einvoice.write_facturx(pivot)


@pytest.fixture
def client_in(client, world):  # type: ignore[no-untyped-def]
    client.force_login(world.user)
    return client


def _upload_pdf(client_in: Any, world: Any, data: bytes) -> Any:
    return client_in.post(
        reverse("invoices:upload_pdf"),
        {"supplier": world.supplier.pk, "file": SimpleUploadedFile("facture.pdf", data)},
    )


def _rules(flux: Flux) -> set[str]:
    flux.refresh_from_db()
    return {error["rule_id"] for item in flux.report["items"] for error in item["errors"]}


def test_portal_pdf_deposit_refuses_the_corpus_facturx_of_another_company(
    client_in: Any, world: Any
) -> None:
    response = _upload_pdf(client_in, world, CORPUS_FACTURX.read_bytes())
    page = response.content.decode()
    assert response.status_code == 200
    assert "LE FOURNISSEUR" in page
    assert "que les factures émises par vos structures" in page
    assert not InvoiceDraft.objects.exists() and not Flux.objects.exists()


def test_portal_pdf_deposit_of_an_own_facturx_is_prefilled(client_in: Any, world: Any) -> None:
    response = _upload_pdf(client_in, world, facturx_of(SUPPLIER_SIRET))
    assert response.status_code == 302
    assert InvoiceDraft.objects.get().data["number"] == "FX-2026-001"


def test_portal_pdf_deposit_names_the_right_structure_when_the_user_has_two(
    client_in: Any, world: Any
) -> None:
    other = StructureFactory(identifier=OTHER_SIRET, raison_sociale="AUTRE SOCIETE")
    member(other, user=world.user)
    response = _upload_pdf(client_in, world, facturx_of(OTHER_SIRET))
    assert response.status_code == 200
    assert "déposez-la au nom de cette structure" in response.content.decode()
    assert not InvoiceDraft.objects.exists()


def test_a_pdf_deposit_flux_made_before_the_check_is_still_rejected(world: Any) -> None:
    """The integration checks the PDF again: a flux cannot skip the check by its way in."""
    saisie_pivot = einvoice.read(Sample(SUPPLIER_SIRET, PUBLIC_FREE_SIRET, number="PDF-1").cii())
    flux = flux_deposit(
        user=world.user,
        supplier=world.supplier,
        upload=Upload("facture.pdf", CORPUS_FACTURX.read_bytes(), "application/pdf"),
        mode_depot=ModeDepot.DEPOT_PDF_PORTAIL,
        form_data=einvoice.write_cii(saisie_pivot),
    )
    flux_integrate(flux_id=flux.pk)
    flux.refresh_from_db()
    assert flux.status == FluxStatus.IN_REJETE
    assert "CHOEUR-FOURN-02" in _rules(flux)
    assert not Invoice.objects.exists()


FOREIGN = {
    "corpus.pdf": lambda: CORPUS_FACTURX.read_bytes(),
    "autre.pdf": lambda: facturx_of(OTHER_SIRET),
    "autre.xml": lambda: Sample(OTHER_SIRET, PUBLIC_FREE_SIRET).cii(),
}


@pytest.mark.parametrize("name", sorted(FOREIGN))
def test_portal_flux_deposit_refuses_another_sellers_invoice(
    client_in: Any, world: Any, name: str
) -> None:
    data = FOREIGN[name]()
    client_in.post(
        reverse("invoices:upload"),
        {
            "supplier": world.supplier.pk,
            "file": SimpleUploadedFile(name, data),
            "declared_syntax": "",
        },
    )
    flux = Flux.objects.get()
    flux_integrate(flux_id=flux.pk)
    flux.refresh_from_db()
    assert flux.status == FluxStatus.IN_REJETE
    assert "CHOEUR-FOURN-02" in _rules(flux)
    assert not Invoice.objects.exists()


def test_the_saisie_always_sells_as_the_depositing_structure(world: Any) -> None:
    import datetime as dt
    from decimal import Decimal

    from choeur.einvoice.model import Identifier

    saisie = Saisie(
        recipient=world.free_recipient,
        number="WEB-SELLER-1",
        issue_date=dt.date(2026, 11, 2),
        due_date=dt.date(2026, 12, 2),
        lines=[SaisieLine("Conseil", Decimal("1"), "C62", Decimal("100.00"), Decimal("20.00"))],
    )
    pivot = build_pivot(supplier=world.supplier, saisie=saisie)
    # The reform's way (BR-FR-10, BR-FR-09): the SIREN as BT-30, the SIRET as BT-29.
    assert pivot.seller.legal_registration_id == Identifier(SUPPLIER_SIRET[:9], "0002")
    assert Identifier(SUPPLIER_SIRET, "0009") in pivot.seller.identifiers
    flux = invoice_submit(user=world.user, supplier=world.supplier, saisie=saisie)
    flux_integrate(flux_id=flux.pk)
    invoice = Invoice.objects.get(number="WEB-SELLER-1")
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION
    assert invoice.seller_name == world.supplier.raison_sociale


# --- The API: the same checks through soumettre (DEPOT_PDF_API) and deposer/flux ---------------


@pytest.fixture
def api(db: Any) -> Any:
    from django.test import Client

    from tests.api.conftest import RECIPIENT_SIRET, make_api_account, make_structure

    account = make_api_account(
        make_structure(SUPPLIER_SIRET, "MENUISERIE DUPONT ET FILS"), Client()
    )
    make_structure(RECIPIENT_SIRET, "Commune de Test", public=True)
    return account


def _piece(api: Any, data: bytes) -> int:
    response = api.post(
        "/cpro/transverses/v1/ajouter/fichier",
        {
            "pieceJointeNom": "facture.pdf",
            "pieceJointeExtension": "PDF",
            "pieceJointeTypeMime": "application/pdf",
            "pieceJointeFichier": base64.b64encode(data).decode(),
        },
    )
    assert response.status_code == 200, response.content
    return int(response.json()["pieceJointeId"])


def test_api_soumettre_refuses_a_pdf_of_another_company(api: Any) -> None:
    from tests.api.test_soumettre import S, payload

    principal = _piece(api, CORPUS_FACTURX.read_bytes())
    response = api.post(
        S,
        payload(
            modeDepot="DEPOT_PDF_API",
            pieceJointePrincipale=[{"pieceJointePrincipaleId": principal}],
        ),
    )
    assert response.status_code == 400
    assert "LE FOURNISSEUR" in response.json()["libelle"]
    assert not Flux.objects.exists() and not InvoiceDraft.objects.exists()


def test_api_deposer_flux_refuses_another_sellers_facturx(
    api: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/cpro/factures/v1/deposer/flux",
            {
                "fichierFlux": base64.b64encode(facturx_of(OTHER_SIRET)).decode(),
                "nomFichier": "autre.pdf",
            },
        )
    assert response.status_code == 200, response.content
    flux = Flux.objects.get(numero=response.json()["numeroFluxDepot"])
    assert flux.status == FluxStatus.IN_REJETE
    assert "CHOEUR-FOURN-02" in _rules(flux)
    assert not Invoice.objects.exists()
