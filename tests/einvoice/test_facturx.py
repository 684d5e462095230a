"""The readable PDF and the Factur-X PDF/A-3b: what a supplier and a buyer would open."""

from __future__ import annotations

import io
from dataclasses import replace
from decimal import Decimal

import facturx
import pikepdf
import pytest
from lxml import etree
from pypdf import PdfReader

from choeur.einvoice import detect, read, render_pdf, write_facturx
from choeur.einvoice.errors import WriteError
from choeur.einvoice.facturx import format_amount, format_date, format_number, render_html
from choeur.einvoice.facturx import render_pdf as render_pdf_with_options
from choeur.einvoice.model import Invoice
from choeur.einvoice.samples import sample_invoice
from choeur.einvoice.security import pdf_embedded_files


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def compact(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


@pytest.fixture(scope="module")
def invoice() -> Invoice:
    return sample_invoice(6)


@pytest.fixture(scope="module")
def facturx_pdf(invoice: Invoice) -> bytes:
    return write_facturx(invoice)


def test_french_number_formatting() -> None:
    assert format_amount(Decimal("1234.56")) == "1\u202f234,56\u00a0€"
    assert format_amount(Decimal("-1234567.5")) == "-1\u202f234\u202f567,50\u00a0€"
    assert format_amount(Decimal("0.005")) == "0,01\u00a0€"  # half up
    assert format_amount(Decimal("12"), "USD") == "12,00\u00a0$"
    assert format_amount(Decimal("12"), "NOK") == "12,00\u00a0NOK"
    assert format_number(Decimal("2.500"), decimals=None) == "2,5"
    assert format_number(Decimal("1E+3"), decimals=None) == "1\u202f000"
    from datetime import date

    assert format_date(date(2025, 3, 4)) == "04/03/2025"


def test_rendered_pdf_shows_what_a_buyer_checks(invoice: Invoice) -> None:
    text = compact(pdf_text(render_pdf(invoice)))
    for expected in (
        "Facture",
        "FA-2025-0042",
        "14/03/2025",  # date d'émission
        "13/04/2025",  # échéance
        "SIRET 73282932000074",
        "FR40732829320",
        "Code service SERVICE-FIN-01",
        "N° d'engagement EJ-2025-000123",
        "Récapitulatif de la TVA".upper(),
        "Net à payer",
        compact(format_amount(invoice.totals.payable_amount)),
        "FR76 3000 6000 0112 3456 7890 189",
        "AGRIFRPP",
        "40 €",
        "recouvrement",
    ):
        assert expected in text, expected


def test_credit_note_is_titled_avoir() -> None:
    html = render_html(sample_invoice(1, credit_note=True))
    assert "<h1>Avoir</h1>" in html


def test_legal_mentions_are_added_when_the_invoice_has_none(invoice: Invoice) -> None:
    html = render_html(replace(invoice, notes=[]))
    assert "indemnité forfaitaire de 40 € pour frais de recouvrement" in html
    assert "pénalités de retard" in html
    assert "escompte" in html


def test_values_are_escaped(invoice: Invoice) -> None:
    hostile = replace(invoice, seller=replace(invoice.seller, name="<script>alert(1)</script>"))
    html = render_html(hostile)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_facturx_reads_back_to_the_same_invoice(invoice: Invoice, facturx_pdf: bytes) -> None:
    again = read(facturx_pdf)
    assert again == invoice
    assert (again.syntax, again.profile) == ("facturx", "EN 16931")
    detected = detect(facturx_pdf)
    assert (detected.syntax, detected.profile, detected.embedded_filename) == (
        "facturx",
        "EN 16931",
        "factur-x.xml",
    )


def test_facturx_embedded_xml_passes_the_factur_x_checks(facturx_pdf: bytes) -> None:
    filename, xml = facturx.get_facturx_xml_from_pdf(facturx_pdf, check_xsd=True)
    assert filename == "factur-x.xml" and xml
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert facturx.get_level(etree.fromstring(xml)) == "en16931"


def test_facturx_is_pdfa3b_with_its_xmp(facturx_pdf: bytes) -> None:
    files, xmp = pdf_embedded_files(facturx_pdf)
    assert [f.name for f in files] == ["factur-x.xml"]
    assert files[0].relationship == "Alternative"
    assert xmp is not None
    with pikepdf.open(io.BytesIO(facturx_pdf)) as pdf:
        meta = pdf.open_metadata()
        assert meta.get("pdfaid:part") == "3"
        assert meta.get("pdfaid:conformance") == "B"
        fx = "{urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#}"
        assert meta.get(f"{fx}ConformanceLevel") == "EN 16931"
        assert meta.get(f"{fx}DocumentFileName") == "factur-x.xml"
        assert "/AF" in pdf.Root and "/OutputIntents" in pdf.Root


def test_credit_note_facturx_round_trips() -> None:
    credit = sample_invoice(2, credit_note=True)
    assert read(write_facturx(credit)) == credit


def test_a_given_pdf_is_used_as_the_visual(invoice: Invoice) -> None:
    visual = render_pdf(sample_invoice(1, number="VISUEL"))
    result = write_facturx(invoice, visual)
    assert "VISUEL" in pdf_text(result)
    assert read(result) == invoice


def test_an_invoice_without_lines_cannot_be_en16931_facturx(invoice: Invoice) -> None:
    with pytest.raises(WriteError) as caught:
        write_facturx(replace(invoice, lines=[]))
    assert "Factur-X" in caught.value.message_fr


def test_every_corpus_invoice_renders_as_pdf() -> None:
    from tests.einvoice.test_read import DOCUMENTS

    assert DOCUMENTS
    # One of each syntax and profile is enough to exercise every group of the layout.
    picked = {}
    for doc in DOCUMENTS:
        picked.setdefault((doc.syntax, doc.entry.get("expected_profile")), doc)
    picked["max"] = next(d for d in DOCUMENTS if d.path.endswith("Invoice-Max_content.xml"))
    for doc in picked.values():
        parsed = read(doc.data())
        html = render_html(parsed)
        assert parsed.number in html or "&" in parsed.number
    pdf = render_pdf_with_options(read(picked["max"].data()), pdf_variant=None)
    assert pdf.startswith(b"%PDF")
