"""Hardened parsing: hostile or broken input gives a clear ReadError, never another exception."""

from __future__ import annotations

import io
import re
import zlib

import pikepdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from choeur.einvoice import detect, read
from choeur.einvoice.errors import ReadError, UnsafeInput
from choeur.einvoice.facturx import write_facturx
from choeur.einvoice.samples import sample_invoice
from choeur.einvoice.security import (
    Limits,
    has_declaration,
    parse_xml,
    pdf_embedded_files,
    reserialise,
)
from choeur.einvoice.writers import write_cii

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&lol4;</Invoice>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&xxe;</Invoice>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE Invoice SYSTEM "http://127.0.0.1:9/evil.dtd">
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!doctype x [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]><x/>"""

UTF16_DOCTYPE = (
    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'.encode(
        "utf-16"
    )
)


def assert_clear_error(data: bytes, kind: type[ReadError] = ReadError) -> ReadError:
    for call in (read, detect):
        with pytest.raises(kind) as caught:
            call(data)
    error = caught.value
    assert error.message_fr and error.message_en and error.message_fr != error.message_en
    return error


@pytest.mark.parametrize(
    "data",
    [BILLION_LAUGHS, XXE, EXTERNAL_DTD, PARAMETER_ENTITY, UTF16_DOCTYPE],
    ids=["billion-laughs", "xxe-file", "external-dtd", "parameter-entity", "utf16-doctype"],
)
def test_doctype_and_entities_are_refused(data: bytes) -> None:
    error = assert_clear_error(data, UnsafeInput)
    assert "passwd" not in str(error) and "root:" not in str(error)


# The declaration search as it was written before it scanned for "!" (a case-blind search and
# twelve wide ones over the whole document): the new one must answer the same on every input.
_OLD_ANYCASE = re.compile(rb"<!\s*(?:doctype|entity)", re.IGNORECASE)
_OLD_WIDE = tuple(
    word.encode(encoding)
    for word in ("<!DOCTYPE", "<!ENTITY", "<!doctype")
    for encoding in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)


def _old_has_declaration(data: bytes) -> bool:
    return bool(_OLD_ANYCASE.search(data)) or any(marker in data for marker in _OLD_WIDE)


# Pieces a hostile or odd document is made of: the markers in every encoding, near misses,
# NULs (UTF-16 / UTF-32 text), "!" in text.
_PIECES = st.sampled_from(
    [
        b"<",
        b"!",
        b"<!",
        b"<! ",
        b"\x00",
        b"<\x00!",
        b"<\x00\x00\x00!",
        b"<!--",
        b"DOCTYPE",
        b"doctype",
        b"DocType",
        b"ENTITY",
        b"entity",
        b" \n\t",
        b"<a>Merci !</a>",
        b"<![CDATA[",
        *_OLD_WIDE,
        *(marker[:-1] for marker in _OLD_WIDE),
        *(marker[1:] for marker in _OLD_WIDE),
    ]
)


@settings(max_examples=400, derandomize=True)
@given(st.lists(st.one_of(_PIECES, st.binary(max_size=4)), max_size=12).map(b"".join))
def test_declaration_search_answers_as_the_full_scans(data: bytes) -> None:
    assert has_declaration(data) is _old_has_declaration(data)


def test_declaration_search_finds_each_form() -> None:
    for data in (BILLION_LAUGHS, XXE, EXTERNAL_DTD, PARAMETER_ENTITY, UTF16_DOCTYPE):
        assert has_declaration(data)
    assert has_declaration("<x>!</x><!DOCTYPE x>".encode("utf-32-be"))
    assert has_declaration(b"<x>Merci !</x><\x00!x<!  EnTiTy")  # a wide near miss first
    assert not has_declaration(b"<x>Merci ! <!-- ! --><![CDATA[!]]></x>")


def test_oversize_xml_is_refused_before_parsing() -> None:
    data = b"<x>" + b"a" * 2048 + b"</x>"
    with pytest.raises(UnsafeInput) as caught:
        parse_xml(data, limits=Limits(max_xml_bytes=1024))
    assert "volumineux" in caught.value.message_fr and "too large" in caught.value.message_en


def test_default_limit_is_twenty_megabytes() -> None:
    assert Limits().max_xml_bytes == 20 * 1024 * 1024
    big = b"<x>" + b" " * (20 * 1024 * 1024) + b"</x>"
    assert_clear_error(big, UnsafeInput)


def test_too_deep_xml_is_refused() -> None:
    deep = b"<a>" * 100 + b"</a>" * 100
    with pytest.raises(UnsafeInput) as caught:
        parse_xml(deep)
    assert "imbriqué" in caught.value.message_fr
    assert parse_xml(b"<a>" * 10 + b"</a>" * 10, limits=Limits(max_depth=10)) is not None
    with pytest.raises(UnsafeInput):
        parse_xml(b"<a>" * 11 + b"</a>" * 11, limits=Limits(max_depth=10))
    # Beyond libxml2's own limit too, still our error.
    assert_clear_error(b"<a>" * 5000 + b"</a>" * 5000, UnsafeInput)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   ",
        b"hello world",
        b"\x00\x01\x02garbage",
        b"<Invoice",
        b"<a><b></a>",
        b'{"json": 1}',
    ],
    ids=["empty", "blank", "text", "binary", "truncated-xml", "mismatched-tags", "json"],
)
def test_not_xml_is_a_read_error(data: bytes) -> None:
    assert_clear_error(data)


def test_non_bytes_input_is_a_read_error() -> None:
    with pytest.raises(ReadError):
        read("<Invoice/>")  # type: ignore[arg-type]


def test_reserialised_tree_has_no_doctype_and_parses_again() -> None:
    xml = write_cii(sample_invoice(1))
    root = parse_xml(xml)
    out = reserialise(root)
    assert out.startswith(b"<?xml") and b"<!DOCTYPE" not in out
    assert parse_xml(out).tag == root.tag


@pytest.fixture(scope="module")
def facturx_pdf() -> bytes:
    return write_facturx(sample_invoice(2))


def test_truncated_pdf_is_a_read_error(facturx_pdf: bytes) -> None:
    assert_clear_error(facturx_pdf[: len(facturx_pdf) // 3])
    assert_clear_error(b"%PDF-1.7\n%garbage")


def test_encrypted_pdf_is_refused(facturx_pdf: bytes) -> None:
    for owner, user in (("owner", "secret"), ("owner", "")):
        with pikepdf.open(io.BytesIO(facturx_pdf)) as pdf:
            out = io.BytesIO()
            pdf.save(out, encryption=pikepdf.Encryption(owner=owner, user=user, R=6))
        error = assert_clear_error(out.getvalue(), UnsafeInput)
        assert "mot de passe" in error.message_fr and "password" in error.message_en


def test_pdf_without_embedded_xml_is_a_read_error() -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    detected = detect(out.getvalue())
    assert (detected.syntax, detected.is_pdf) == ("unknown", True)
    with pytest.raises(ReadError) as caught:
        read(out.getvalue())
    assert "factur-x.xml" in caught.value.message_fr


def test_pdf_with_too_many_objects_is_refused(facturx_pdf: bytes) -> None:
    with pytest.raises(UnsafeInput):
        pdf_embedded_files(facturx_pdf, limits=Limits(max_pdf_objects=5))


def test_oversize_pdf_is_refused(facturx_pdf: bytes) -> None:
    with pytest.raises(UnsafeInput):
        pdf_embedded_files(facturx_pdf, limits=Limits(max_pdf_bytes=1000))


def test_compression_bomb_in_embedded_xml_is_refused() -> None:
    bomb = zlib.compress(b"<x>" + b" " * (30 * 1024 * 1024) + b"</x>", 9)
    pdf = pikepdf.new()
    pdf.add_blank_page()
    stream = pikepdf.Stream(pdf, bomb)
    stream.Filter = pikepdf.Name.FlateDecode
    stream.Type = pikepdf.Name.EmbeddedFile
    spec = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Filespec,
            F=pikepdf.String("factur-x.xml"),
            UF=pikepdf.String("factur-x.xml"),
            EF=pikepdf.Dictionary(F=pdf.make_indirect(stream)),
        )
    )
    pdf.Root.Names = pikepdf.Dictionary(
        EmbeddedFiles=pikepdf.Dictionary(
            Names=pikepdf.Array([pikepdf.String("factur-x.xml"), spec])
        )
    )
    out = io.BytesIO()
    pdf.save(out)
    error = assert_clear_error(out.getvalue(), UnsafeInput)
    assert "trop volumineux" in error.message_fr


def test_pdf_embedding_hostile_xml_is_refused() -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.attachments["factur-x.xml"] = pikepdf.AttachedFileSpec(pdf, XXE, mime_type="text/xml")
    out = io.BytesIO()
    pdf.save(out)
    assert_clear_error(out.getvalue(), UnsafeInput)


def _outcome(data: bytes) -> str:
    try:
        read(data)
    except ReadError:
        return "refused"
    return "read"


def test_damaged_invoices_never_raise_another_exception_type() -> None:
    from choeur.einvoice.writers import write_ubl

    invoice = sample_invoice(3)
    for xml in (write_ubl(invoice), write_cii(invoice)):
        # Cut anywhere, or with a byte changed: read or a clear refusal, nothing else.
        for cut in range(0, len(xml), max(1, len(xml) // 60)):
            assert _outcome(xml[:cut]) == "refused"
        for position in range(0, len(xml), max(1, len(xml) // 80)):
            for byte in (b"<", b"&", b"\x00", b"9"):
                _outcome(xml[:position] + byte + xml[position + 1 :])


def test_damaged_pdf_never_raises_another_exception_type(facturx_pdf: bytes) -> None:
    for cut in range(0, len(facturx_pdf), len(facturx_pdf) // 12):
        _outcome(facturx_pdf[:cut])
    for position in range(200, len(facturx_pdf), len(facturx_pdf) // 12):
        _outcome(facturx_pdf[:position] + b"\xff\x00garbage" + facturx_pdf[position + 10 :])


def test_utf16_and_bom_invoices_are_read() -> None:
    from choeur.einvoice.writers import write_ubl

    invoice = sample_invoice(1)
    xml = write_ubl(invoice)
    utf16 = xml.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert read(utf16) == invoice
    assert read(b"\xef\xbb\xbf" + xml) == invoice
    assert read(b"\n  " + xml) == invoice
