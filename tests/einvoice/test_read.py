"""Reading UBL, CII and Factur-X into the EN 16931 pivot, over the shared corpus and by hand."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from choeur.einvoice import detect, read
from choeur.einvoice.enums import InvoiceTypeCode, VatCategory
from choeur.einvoice.errors import ReadError
from choeur.einvoice.model import Invoice
from tests.shared import CORPUS

SOURCES = ("en16931-cen", "peppol-bis-billing3", "zugferd-corpus", "akretion-factur-x")


@dataclass(frozen=True)
class Document:
    """One complete invoice of the corpus (`kind: document` in its manifest)."""

    source: str
    path: str
    syntax: str  # ubl, cii or facturx, as the manifest says
    entry: dict[str, object]

    def data(self) -> bytes:
        return (CORPUS / self.source / self.path).read_bytes()


def corpus_documents() -> list[Document]:
    found = []
    for source in SOURCES:
        manifest = CORPUS / source / "manifest.json"
        if not manifest.exists():
            continue
        for entry in json.loads(manifest.read_text(encoding="utf-8"))["files"]:
            if entry["kind"] == "document" and entry["syntax"] in ("ubl", "cii", "facturx"):
                found.append(Document(source, entry["path"], entry["syntax"], entry))
    return found


DOCUMENTS = corpus_documents()
PROFILES = {
    "minimum": "MINIMUM",
    "basicwl": "BASIC WL",
    "basic": "BASIC",
    "en16931": "EN 16931",
    "extended": "EXTENDED",
    "extended-ctc-fr": "EXTENDED",
}


def test_the_corpus_has_documents_of_every_syntax() -> None:
    syntaxes = {doc.syntax for doc in DOCUMENTS}
    assert syntaxes == {"ubl", "cii", "facturx"}, f"corpus not found under {CORPUS}"
    assert len(DOCUMENTS) > 150


@pytest.mark.parametrize("doc", DOCUMENTS, ids=lambda d: f"{d.source}/{d.path}")
def test_corpus_document_is_detected_and_read(doc: Document) -> None:
    detected = detect(doc.data())
    assert detected.syntax == doc.syntax
    if doc.syntax == "facturx":
        assert detected.embedded_syntax == doc.entry.get("embedded_syntax", "cii")
        assert detected.is_pdf
    if "expected_profile" in doc.entry:
        assert detected.profile == PROFILES[str(doc.entry["expected_profile"])]

    invoice = read(doc.data())
    assert isinstance(invoice, Invoice)
    assert invoice.syntax == doc.syntax
    assert invoice.number and invoice.seller.name and invoice.buyer.name
    assert isinstance(invoice.issue_date, date)
    assert isinstance(invoice.totals.payable_amount, Decimal)
    if detected.profile not in ("MINIMUM", "BASIC WL"):
        assert invoice.lines, "every profile from BASIC up has lines"
        assert all(isinstance(line.net_amount, Decimal) for line in invoice.lines)


@pytest.mark.parametrize("doc", DOCUMENTS, ids=lambda d: f"{d.source}/{d.path}")
def test_the_tree_validation_judged_reads_to_the_same_pivot(doc: Document) -> None:
    """A deposit parses once: the pivot read from the report's tree is the one `read` gives."""
    from choeur.einvoice import validate
    from choeur.einvoice.readers import read_tree

    data = doc.data()
    report = validate(data, xsd=False)
    assert report.tree is not None
    pivot = read_tree(report.tree, pdf=data if doc.syntax == "facturx" else None)
    assert pivot == read(data)


def test_a_refused_document_has_no_tree() -> None:
    from choeur.einvoice import validate

    assert validate(b"<!DOCTYPE x><x/>").tree is None


def _doc(path: str) -> bytes:
    return next(d for d in DOCUMENTS if d.path == path).data()


def test_ubl_example_reads_every_group_it_carries() -> None:
    invoice = read(_doc("ubl/examples/ubl-tc434-example2.xml"))
    assert invoice.number == "TOSL108"
    assert invoice.issue_date == date(2013, 6, 30)
    assert invoice.due_date == date(2013, 7, 20)
    assert invoice.type_code is InvoiceTypeCode.COMMERCIAL_INVOICE
    assert invoice.currency_code == "NOK"
    assert invoice.process_control.specification_id == "urn:cen.eu:en16931:2017"
    assert invoice.process_control.business_process_type == "Invoicing on purchase order"
    assert invoice.purchase_order_reference == "123"
    assert invoice.contract_reference == "Contract321"
    assert invoice.buyer_accounting_reference == "Project cost code 123"
    assert invoice.invoicing_period is not None
    assert invoice.invoicing_period.start == date(2013, 6, 1)
    assert invoice.tax_point_date_code == "3"
    # BG-24 with an external URI and an embedded base64 PDF.
    external, embedded = invoice.additional_documents
    assert external.external_uri == "http://www.suppliersite.eu/sheet001.html"
    assert embedded.attachment is not None
    assert embedded.attachment.content == b"Testing Base64 encoding"
    assert embedded.attachment.mime_code == "application/pdf"
    assert embedded.attachment.filename == "test.pdf"
    seller = invoice.seller
    assert seller.name == "Salescompany ltd."
    assert seller.identifiers[0].value == "1238764941386"
    assert seller.identifiers[0].scheme == "0088"
    assert seller.vat_id == "NO123456789MVA"
    assert seller.address is not None and seller.address.country_subdivision == "RegionA"
    assert seller.contact is not None and seller.contact.email == "antonio@salescompany.no"
    assert invoice.payee is not None and invoice.payee.name == "Ebeneser Scrooge AS"
    assert invoice.tax_representative is not None
    assert invoice.tax_representative.vat_id == "NO967611265MVA"
    assert invoice.delivery is not None
    assert invoice.delivery.actual_delivery_date == date(2013, 6, 15)
    assert invoice.delivery.location_id is not None
    assert invoice.delivery.location_id.value == "6754238987643"
    assert invoice.lines and invoice.lines[0].vat_category is VatCategory.STANDARD


def test_cii_example_reads_the_french_b2g_references() -> None:
    invoice = read(_doc("cii/fixtures/factur-x-en16931.xml"))
    assert invoice.syntax == "cii"
    assert invoice.profile == "EN 16931"
    assert invoice.seller.legal_registration_id is not None
    assert invoice.seller.vat_id
    assert invoice.vat_breakdown and invoice.totals.vat_total_amount is not None
    assert sum(row.tax_amount for row in invoice.vat_breakdown) == invoice.totals.vat_total_amount


def test_credit_note_is_read_as_such() -> None:
    invoice = read(_doc("ubl/examples/ubl-tc434-creditnote1.xml"))
    assert invoice.is_credit_note
    assert detect(_doc("ubl/examples/ubl-tc434-creditnote1.xml")).document == "creditnote"


def test_facturx_pdf_is_read_through_its_embedded_xml() -> None:
    data = _doc("facturx/fnfe-examples/Facture_FR_EN16931.pdf")
    invoice = read(data)
    assert invoice.syntax == "facturx"
    assert invoice.profile == "EN 16931"
    detected = detect(data)
    assert (detected.syntax, detected.embedded_filename) == ("facturx", "factur-x.xml")


def test_unknown_codes_are_kept_not_refused() -> None:
    data = _doc("ubl/examples/ubl-tc434-example1.xml").replace(
        b"<cbc:InvoiceTypeCode>380<", b"<cbc:InvoiceTypeCode>999<"
    )
    invoice = read(data)
    assert invoice.type_code == "999"
    assert not invoice.type_code.is_known


def test_a_missing_mandatory_term_is_a_clear_read_error() -> None:
    data = _doc("ubl/examples/ubl-tc434-example1.xml")
    start = data.index(b"<cbc:IssueDate>")
    end = data.index(b"</cbc:IssueDate>") + len(b"</cbc:IssueDate>")
    with pytest.raises(ReadError) as caught:
        read(data[:start] + data[end:])
    assert "BT-2" in caught.value.message_fr and "BT-2" in caught.value.message_en


def test_an_unreadable_amount_names_the_term() -> None:
    data = _doc("ubl/examples/ubl-tc434-example1.xml")
    broken = data.replace(
        b'<cbc:PayableAmount currencyID="EUR">', b'<cbc:PayableAmount currencyID="EUR">abc', 1
    )
    assert broken != data
    with pytest.raises(ReadError) as caught:
        read(broken)
    assert "BT-115" in caught.value.message_en


def test_other_xml_is_detected_as_unknown_and_not_read() -> None:
    assert detect(b"<note><to>Tove</to></note>").syntax == "unknown"
    with pytest.raises(ReadError):
        read(b"<note><to>Tove</to></note>")
