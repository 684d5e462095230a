"""The quality bar's bad files: each is rejected with a clear reason in the compte rendu, never a
500 and never a partial invoice."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from choeur.invoices.enums import FluxStatus, SyntaxeFlux
from choeur.invoices.models import Flux, Invoice, InvoiceDraft
from choeur.invoices.services.deposit import Upload, flux_deposit
from choeur.invoices.services.drafts import SaisieError
from choeur.invoices.services.integration import flux_integrate
from choeur.invoices.services.pdf import invoice_draft_from_pdf
from tests.einvoice.test_hostile_pdf import ACTIVE, double_flate_pdf
from tests.invoices.factories import PUBLIC_FREE_SIRET
from tests.invoices.samples import Sample, zip_of
from tests.shared import CORPUS

pytestmark = pytest.mark.django_db
SUPPLIER = "84211943000010"
FACTURX_DIR = CORPUS / "zugferd-corpus/facturx/fnfe-examples"

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100">&lol4;</rsm:CrossIndustryInvoice>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100">&xxe;</rsm:CrossIndustryInvoice>"""


def facturx_pdf() -> bytes:
    return sorted(FACTURX_DIR.glob("*.pdf"))[0].read_bytes()


def encrypted_pdf() -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(owner="secret", user="secret"))
    return out.getvalue()


def zip_bomb() -> bytes:
    # 13 members of 40 Mo of zeros: a few hundred kilobytes that would inflate past 500 Mo.
    buffer = io.BytesIO()
    zeros = bytes(40 * 1024 * 1024)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for i in range(13):
            archive.writestr(f"f{i}.xml", zeros)
    return buffer.getvalue()


def big_member_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("huge.xml", bytes(60 * 1024 * 1024))
    return buffer.getvalue()


def ten_thousand_files() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for i in range(10_000):
            archive.writestr(f"f{i}.xml", b"<x/>")
    return buffer.getvalue()


def with_active_content(data: bytes, case: str) -> bytes:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        ACTIVE[case][0](pdf)
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


def plain_pdf() -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


CASES = {
    "not-xml": (lambda: b"Ceci n'est pas une facture.", "facture.xml"),
    "xml-bomb": (lambda: BOMB, "bomb.xml"),
    "external-entity": (lambda: XXE, "xxe.xml"),
    "truncated-pdf": (lambda: facturx_pdf()[:3000], "tronque.pdf"),
    "password-pdf": (encrypted_pdf, "secret.pdf"),
    "zip-bomb": (zip_bomb, "bomb.zip"),
    "zip-big-member": (big_member_zip, "big.zip"),
    "ten-thousand-files": (ten_thousand_files, "lot.zip"),
    "truncated-zip": (
        lambda: zip_of({"a.xml": Sample(SUPPLIER, PUBLIC_FREE_SIRET).cii()})[:200],
        "cut.zip",
    ),
    "random-xml": (lambda: b"<?xml version='1.0'?><commande><id>1</id></commande>", "commande.xml"),
    "double-compressed-pdf": (double_flate_pdf, "bombe.pdf"),
    "javascript-facturx": (
        lambda: with_active_content(facturx_pdf(), "open-action-javascript"),
        "script.pdf",
    ),
    "launch-facturx": (lambda: with_active_content(facturx_pdf(), "page-aa-launch"), "launch.pdf"),
    "uri-facturx": (lambda: with_active_content(facturx_pdf(), "uri-link"), "lien.pdf"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_file_is_rejected_with_a_clear_reason(world, case) -> None:  # type: ignore[no-untyped-def]
    make, name = CASES[case]
    flux = flux_deposit(user=world.user, supplier=world.supplier, upload=Upload(name, make()))
    flux_integrate(flux_id=flux.pk)
    flux.refresh_from_db()
    assert flux.status == FluxStatus.IN_REJETE
    errors = list(flux.report["errors"])
    for item in flux.report["items"]:
        errors += item["errors"]
    assert errors, flux.report
    for error in errors:
        assert error["rule_id"]
        assert len(error["message"]) > 10
    assert not Invoice.objects.exists()


def test_wrong_syntax_declared(world) -> None:  # type: ignore[no-untyped-def]
    data = Sample(SUPPLIER, PUBLIC_FREE_SIRET).cii()
    flux = flux_deposit(
        user=world.user,
        supplier=world.supplier,
        upload=Upload("f.xml", data),
        declared_syntax=SyntaxeFlux.IN_DP_E1_UBL_INVOICE,
    )
    flux_integrate(flux_id=flux.pk)
    flux.refresh_from_db()
    assert flux.status == FluxStatus.IN_REJETE
    error = flux.report["items"][0]["errors"][0]
    assert error["rule_id"] == "CHOEUR-SYNTAXE-01"
    assert "CII" in error["message"]
    assert not Invoice.objects.exists()


def test_messages_of_unsafe_xml_are_french(world) -> None:  # type: ignore[no-untyped-def]
    flux = flux_deposit(user=world.user, supplier=world.supplier, upload=Upload("x.xml", XXE))
    flux_integrate(flux_id=flux.pk)
    flux.refresh_from_db()
    message = flux.report["items"][0]["errors"][0]["message"]
    assert "DOCTYPE" in message or "entit" in message.lower()
    assert Flux.objects.count() == 1


# --- active content and bombs on every way in (the flux above, the PDF deposit below) ---------

ACTIVE_CASES = ["open-action-javascript", "page-aa-launch", "uri-link"]


@pytest.mark.parametrize("case", ACTIVE_CASES)
def test_flux_with_active_content_is_rejected_with_its_rule(world, case) -> None:  # type: ignore[no-untyped-def]
    data = with_active_content(facturx_pdf(), case)
    flux = flux_deposit(user=world.user, supplier=world.supplier, upload=Upload("f.pdf", data))
    flux_integrate(flux_id=flux.pk)
    flux.refresh_from_db()
    assert flux.status == FluxStatus.IN_REJETE
    (error,) = flux.report["items"][0]["errors"]
    assert error["rule_id"] == "CHOEUR-PDF-01"
    assert error["message"].startswith("Le PDF contient du contenu actif : ")
    assert not Invoice.objects.exists()


@pytest.mark.parametrize("source", ["plain", "facturx"])
@pytest.mark.parametrize("case", ACTIVE_CASES)
def test_pdf_deposit_refuses_active_content(client, world, case, source) -> None:  # type: ignore[no-untyped-def]
    """« Déposer une facture PDF »: the PDF would be the invoice the buyer opens."""
    data = with_active_content(plain_pdf() if source == "plain" else facturx_pdf(), case)
    client.force_login(world.user)
    response = client.post(
        reverse("invoices:upload_pdf"),
        {"supplier": world.supplier.pk, "file": SimpleUploadedFile("facture.pdf", data)},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Le PDF contient du contenu actif" in page
    assert ACTIVE[case][1].replace("'", "&#x27;") in page
    assert not InvoiceDraft.objects.exists()


def test_pdf_deposit_service_refuses_active_content(world) -> None:  # type: ignore[no-untyped-def]
    """The service behind the portal's and the API's PDF deposit (DEPOT_PDF_PORTAIL / _API)."""
    with pytest.raises(SaisieError, match="contenu actif"):
        invoice_draft_from_pdf(
            user=world.user,
            supplier=world.supplier,
            upload=Upload("f.pdf", with_active_content(plain_pdf(), "submit-form")),
        )
    assert not InvoiceDraft.objects.exists()
