"""The binding tables (readers/ubl.py, readers/cii.py) and the engine that reads and writes them.

What a user notices: every line is read from its own element, a refusal names the term and the
line, the XML written is exactly what lxml itself would serialise (well-formed, escaped), text
XML cannot carry is refused, and one term added to a table is read and written.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

import pytest
from lxml import etree

from choeur.einvoice import read, write_cii, write_ubl
from choeur.einvoice.errors import ReadError
from choeur.einvoice.model import Invoice, Note
from choeur.einvoice.readers import _binding
from choeur.einvoice.readers._binding import DECIMAL, T, Table, read_group, write_element
from choeur.einvoice.readers._codegen import source_of
from choeur.einvoice.readers._common import CII_NS, UBL_NS
from choeur.einvoice.readers.cii import INVOICE as CII_INVOICE
from choeur.einvoice.readers.ubl import INVOICE as UBL_INVOICE
from choeur.einvoice.samples import sample_invoice
from tests.einvoice.test_read import DOCUMENTS

COMPLETE = [d for d in DOCUMENTS if d.syntax in ("ubl", "cii")]
_COMPACT = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)


def _lxml_serialisation(data: bytes) -> bytes:
    """What lxml writes for the same tree, whatever whitespace the input had between elements."""
    root = etree.fromstring(data, parser=_COMPACT)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _varied_lines(invoice: Invoice) -> Invoice:
    """Lines that differ from one another: a note on the first only, another price on the last."""
    first, *middle, last = invoice.lines
    first = replace(first, note="Première ligne & <seule> notée")
    last = replace(last, price=replace(last.price, net_price=Decimal("7.25")))
    return replace(invoice, lines=[first, *middle, last])


@pytest.mark.parametrize("syntax", ["ubl", "cii"])
def test_each_line_is_read_from_its_own_element(syntax: str) -> None:
    invoice = _varied_lines(sample_invoice(30))
    data = write_ubl(invoice) if syntax == "ubl" else write_cii(invoice)
    lines = read(data).lines
    assert [line.id for line in lines] == [line.id for line in invoice.lines]
    assert lines[0].note == "Première ligne & <seule> notée"
    assert all(line.note is None for line in lines[1:])
    assert lines[-1].price.net_price == Decimal("7.25")
    assert all(line.price.net_price != Decimal("7.25") for line in lines[:-1])


def test_codes_and_dates_read_in_place_keep_the_codecs_tolerance() -> None:
    """A VAT category with blanks around it and a date with a time zone read as the plain
    ones (the compiled reader's fast paths hand anything unusual to the codec)."""
    invoice = sample_invoice(3)
    invoice = replace(
        invoice,
        lines=[replace(line, period=replace(invoice.invoicing_period)) for line in invoice.lines],
    )
    data = write_ubl(invoice)
    expected = read(data)
    start = expected.lines[0].period.start.isoformat().encode()
    odd = data.replace(b"<cbc:ID>S</cbc:ID>", b"<cbc:ID> S </cbc:ID>").replace(
        b"<cbc:StartDate>" + start, b"<cbc:StartDate>" + start + b"+01:00"
    )
    assert odd != data
    assert read(odd) == expected
    with pytest.raises(ReadError, match=r"Date illisible « 2024-02-30 » \(BT-73\)"):
        read(data.replace(b"<cbc:StartDate>" + start, b"<cbc:StartDate>2024-02-30", 1))


@pytest.mark.parametrize("doc", COMPLETE, ids=lambda d: f"{d.source}/{d.path}")
def test_written_xml_is_exactly_what_lxml_serialises(doc: object) -> None:
    invoice = read(doc.data())  # type: ignore[attr-defined]
    for data in (write_ubl(invoice), write_cii(invoice)):
        assert data == _lxml_serialisation(data)


def test_escaping_and_attributes_match_lxml() -> None:
    invoice = sample_invoice(2)
    tricky = "A & B <C> \"D\" 'E' \r fin"
    invoice = replace(
        invoice,
        notes=[Note(text=tricky)],
        lines=[replace(invoice.lines[0], unit_code='C"62&'), *invoice.lines[1:]],
    )
    for data in (write_ubl(invoice), write_cii(invoice)):
        assert data == _lxml_serialisation(data)
        again = read(data)
        assert again.notes[0].text == tricky.strip()
        assert again.lines[0].unit_code == 'C"62&'


@pytest.mark.parametrize("bad", ["\x00", "\x01", "\x1f", "\ufffe", "\ud800"])
def test_a_character_xml_cannot_carry_is_refused_as_lxml_does(bad: str) -> None:
    invoice = replace(sample_invoice(1), notes=[Note(text=f"avant{bad}après")])
    for write in (write_ubl, write_cii):
        with pytest.raises(ValueError, match="XML compatible"):
            write(invoice)


def test_an_unreadable_amount_names_the_term_and_the_line() -> None:
    data = write_ubl(sample_invoice(3)).replace(
        b'<cbc:PriceAmount currencyID="EUR">49.01</cbc:PriceAmount>',
        b'<cbc:PriceAmount currencyID="EUR">49,01</cbc:PriceAmount>',
        1,
    )
    with pytest.raises(ReadError) as caught:
        read(data)
    assert "« 49,01 » (BT-146, ligne/line 1)" in caught.value.message_fr


def test_a_missing_term_of_a_line_is_named() -> None:
    root = etree.fromstring(write_cii(sample_invoice(2)))
    name = root.findall(".//ram:SpecifiedTradeProduct/ram:Name", CII_NS)[1]
    parent = name.getparent()
    assert parent is not None
    parent.remove(name)
    with pytest.raises(ReadError) as caught:
        read(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    assert (
        caught.value.message_fr == "Terme obligatoire absent : désignation de l'article (BT-153)."
    )


@dataclass
class _Box:
    """A toy group, to show that a term is one line of a table."""

    label: str
    weight: Decimal | None = None


def test_a_term_added_to_a_table_is_read_and_written() -> None:
    table = Table(
        _Box,
        (
            T("label", "cbc:Name", bt="BT-X1", required=("libellé", "label")),
            T("weight", "cac:Measure/cbc:Weight", DECIMAL, "BT-X2"),  # the one line added
        ),
        UBL_NS,
    )
    out: list[str] = []
    assert write_element(table, "cac:Box", _Box("caisse", Decimal("2.50")), {}, out, 0)
    xml = "".join(out)
    assert "<cac:Measure>\n    <cbc:Weight>2.50</cbc:Weight>" in xml
    wrapped = f'<r xmlns:cac="{UBL_NS["cac"]}" xmlns:cbc="{UBL_NS["cbc"]}">{xml}</r>'.encode()
    element = etree.fromstring(wrapped)[0]
    assert read_group(table, element) == _Box("caisse", Decimal("2.50"))
    # Absent, the term writes nothing (no empty cac:Measure) and reads None.
    out = []
    write_element(table, "cac:Box", _Box("caisse"), {}, out, 0)
    assert "Measure" not in "".join(out)


def test_the_compiled_functions_can_be_read() -> None:
    reader = source_of(UBL_INVOICE.reader())
    writer = source_of(CII_INVOICE.compiled_writer())
    assert reader.startswith("def read(el, where):")
    assert "for c0 in el:" in reader
    assert writer.startswith("def write(obj, ctx, out, depth):")
    assert _binding.VALUES == 2


def _blank_everywhere(invoice: Invoice) -> Invoice:
    """Every optional text of the lines blank, every optional group of the lines empty."""
    from choeur.einvoice.model import (
        Identifier,
        ItemAttribute,
        ItemClassification,
        LineAllowanceCharge,
        Period,
    )

    lines = []
    for line in invoice.lines:
        item = replace(
            line.item,
            description="  ",
            seller_id="",
            buyer_id=" ",
            standard_id=Identifier(value=" ", scheme=" "),
            origin_country="",
            classifications=[ItemClassification(value=" ", scheme=" ", version="")],
            attributes=[ItemAttribute(name="", value=" ")],
        )
        lines.append(
            replace(
                line,
                note=" ",
                object_id=Identifier(value="", scheme="  "),
                order_line_reference="",
                accounting_reference="\t",
                period=Period(),
                price=replace(line.price, base_quantity_unit=" "),
                allowances_charges=[
                    LineAllowanceCharge(is_charge=False, amount=Decimal("1.00"), reason=" ")
                ],
                item=item,
            )
        )
    return replace(invoice, lines=lines)


@pytest.mark.parametrize("syntax", ["ubl", "cii"])
def test_blank_line_terms_write_the_same_bytes_as_their_normal_form(syntax: str) -> None:
    # The writers do not normalise the lines term by term (complete_for(lines_as_written=False)):
    # the tables never write a blank term nor an element without a value, so the output is the
    # one of the normalised invoice, and no element is left empty.
    from choeur.einvoice.writers.completion import complete_for

    write = write_ubl if syntax == "ubl" else write_cii
    invoice = _blank_everywhere(sample_invoice(3))
    data = write(invoice)
    assert data == write(complete_for(invoice, syntax))  # type: ignore[arg-type]
    root = etree.fromstring(data)
    empty = [el.tag for el in root.iter() if len(el) == 0 and not (el.text or "").strip()]
    allowed = {
        "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}ApplicableHeaderTradeDelivery"
    }
    assert set(empty) <= allowed
