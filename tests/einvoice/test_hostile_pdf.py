"""Hostile PDFs: decompression bombs whatever the filter chain, and active content.

Every bomb here is a file of a few kilobytes that would expand to hundreds of megabytes or
gigabytes; the refusal must come before that, with a clear French message, in bounded memory.
The helpers are also used by the CLI and deposit tests (tests/einvoice/test_cli.py,
tests/invoices/test_bad_files.py).
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import subprocess
import sys
import tracemalloc
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from choeur.einvoice import detect, read, validate
from choeur.einvoice.errors import ReadError, UnsafeInput
from choeur.einvoice.facturx import write_facturx
from choeur.einvoice.samples import sample_invoice
from choeur.einvoice.security import (
    ACTIVE_CONTENT_RULE,
    ActiveContent,
    Limits,
    open_pdf,
    pdf_embedded_files,
)
from choeur.einvoice.writers import write_cii
from tests.shared import CORPUS

MB = 1024 * 1024
GB = 1024 * MB
ROOT = Path(__file__).resolve().parents[2]
EXTRA_MEMORY = 300 * MB  # a generous sanity bound: the bombs below would take gigabytes

# --- encoders, the inverse of each PDF filter ------------------------------------------------


def zeros_zlib(n: int, chunk: int = 16 * MB) -> bytes:
    """A zlib stream of `n` zero bytes (a multiple of `chunk`), made in milliseconds: after a
    full flush deflate's output for the same input repeats, and the Adler-32 of zeros is known."""
    assert n % chunk == 0
    deflater = zlib.compressobj(9)
    zeros = bytes(chunk)
    first = deflater.compress(zeros) + deflater.flush(zlib.Z_FULL_FLUSH)
    unit = deflater.compress(zeros) + deflater.flush(zlib.Z_FULL_FLUSH)
    tail = deflater.flush()
    adler = ((n % 65521) << 16) | 1
    return first + unit * (n // chunk - 1) + tail[:-4] + adler.to_bytes(4, "big")


def double_flate_zeros(n: int) -> bytes:
    """What /Filter [/FlateDecode /FlateDecode] decodes to `n` zero bytes."""
    return zlib.compress(zeros_zlib(n), 9)


def _lzw_pack(codes: Iterable[int]) -> bytes:
    """PDF LZW bits (EarlyChange 1), code widths following the decoder's table."""
    out = bytearray()
    buffer = bits = 0
    width, size, first = 9, 258, True
    for code in codes:
        buffer = (buffer << width) | code
        bits += width
        while bits >= 8:
            bits -= 8
            out.append((buffer >> bits) & 0xFF)
        buffer &= (1 << bits) - 1
        if code == 256:
            width, size, first = 9, 258, True
            continue
        if code == 257:
            break
        if not first and size < 4096:
            size += 1
        first = False
        if size + 1 >= (1 << width) and width < 12:
            width += 1
    if bits:
        out.append((buffer << (8 - bits)) & 0xFF)
    return bytes(out)


def _lzw_codes(data: bytes) -> Iterator[int]:
    yield 256
    table = {bytes([i]): i for i in range(256)}
    current = b""
    for byte in data:
        candidate = current + bytes([byte])
        if candidate in table:
            current = candidate
            continue
        yield table[current]
        if len(table) + 2 < 4095:
            table[candidate] = len(table) + 2
        else:
            yield 256
            table = {bytes([i]): i for i in range(256)}
        current = bytes([byte])
    if current:
        yield table[current]


def _lzw_zero_codes(n: int) -> Iterator[int]:
    """Codes of about `n` zero bytes, each one byte longer than the one before (~1300:1)."""
    left = n
    while left > 0:
        yield 256
        yield 0
        left -= 1
        size, length = 258, 1
        while size < 4095 and left > 0:
            yield size
            length += 1
            left -= length
            size += 1


def lzw(data: bytes, zeros_after: int = 0) -> bytes:
    return _lzw_pack([*_lzw_codes(data), *_lzw_zero_codes(zeros_after), 257])


def run_length(data: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i < len(data):
        run = 1
        while i + run < len(data) and run < 128 and data[i + run] == data[i]:
            run += 1
        if run > 1:
            out += bytes([257 - run, data[i]])
        else:
            out += bytes([0, data[i]])
        i += run
    return bytes(out + b"\x80")


def png_predict(data: bytes, columns: int, kinds: Iterable[int]) -> bytes:
    """PNG predictors (one byte per pixel) row by row, with the row types given in turn."""
    out = bytearray()
    previous = bytes(columns)
    kinds = iter(kinds)
    for start in range(0, len(data), columns):
        row = data[start : start + columns].ljust(columns, b"\0")
        kind = next(kinds)
        line = bytearray([kind])
        for i, value in enumerate(row):
            left = row[i - 1] if i else 0
            up = previous[i]
            up_left = previous[i - 1] if i else 0
            if kind == 1:
                value -= left
            elif kind == 2:
                value -= up
            elif kind == 3:
                value -= (left + up) >> 1
            elif kind == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                value -= left if pa <= pb and pa <= pc else up if pb <= pc else up_left
            line.append(value & 0xFF)
        out += line
        previous = row
    return bytes(out)


def tiff_predict(data: bytes, columns: int, colors: int) -> bytes:
    out = bytearray(data)
    row = columns * colors
    for start in range(0, len(data), row):
        for i in range(min(start + row, len(data)) - 1, start + colors - 1, -1):
            out[i] = (data[i] - data[i - colors]) & 0xFF
    return bytes(out)


ENCODERS: dict[str, Callable[[bytes], bytes]] = {
    "/FlateDecode": zlib.compress,
    "/Fl": zlib.compress,
    "/LZWDecode": lzw,
    "/ASCIIHexDecode": lambda data: binascii.hexlify(data) + b">",
    "/AHx": lambda data: binascii.hexlify(data) + b">",
    "/ASCII85Decode": lambda data: base64.a85encode(data, wrapcol=72) + b"~>",
    "/RunLengthDecode": run_length,
}


def encode(data: bytes, filters: list[str]) -> bytes:
    for name in reversed(filters):  # the first filter is the last applied
        data = ENCODERS[name](data)
    return data


# --- PDF builders ----------------------------------------------------------------------------


def save(pdf: pikepdf.Pdf, **options: Any) -> bytes:
    """Saved as written: qpdf must not decode (and normalise) the hostile streams."""
    out = io.BytesIO()
    settings: dict[str, Any] = {
        "compress_streams": False,
        "stream_decode_level": pikepdf.StreamDecodeLevel.none,
    }
    pdf.save(out, **(settings | options))
    return out.getvalue()


def pdf_embedding(
    raw: bytes,
    filters: list[str],
    parms: Any = None,
    *,
    name: str = "factur-x.xml",
    object_streams: bool = False,
) -> bytes:
    """A one-page PDF whose embedded file `name` has the raw (encoded) bytes and filters given."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    stream = pikepdf.Stream(pdf, raw)
    stream.Type = pikepdf.Name.EmbeddedFile
    stream.Subtype = pikepdf.Name("/text#2Fxml")
    stream.Filter = pikepdf.Array([pikepdf.Name(f) for f in filters])
    if parms is not None:
        stream.DecodeParms = parms
    spec = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Filespec,
            F=pikepdf.String(name),
            UF=pikepdf.String(name),
            AFRelationship=pikepdf.Name.Data,
            EF=pikepdf.Dictionary(F=pdf.make_indirect(stream)),
        )
    )
    pdf.Root.Names = pikepdf.Dictionary(
        EmbeddedFiles=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String(name), spec]))
    )
    pdf.Root.AF = pikepdf.Array([spec])
    mode = pikepdf.ObjectStreamMode.generate if object_streams else pikepdf.ObjectStreamMode.disable
    return save(pdf, object_stream_mode=mode)


def double_flate_pdf(n: int = 4 * GB, **options: Any) -> bytes:
    """The issue's file: its factur-x.xml is `n` zero bytes compressed twice (a few KB)."""
    return pdf_embedding(double_flate_zeros(n), ["/FlateDecode", "/FlateDecode"], **options)


def handmade_pdf(
    *,
    objstm_filter: bytes = b"",
    objstm_encode: Callable[[bytes], bytes] = lambda data: data,
    xref_filter: bytes = b"",
    xref_encode: Callable[[bytes], bytes] = lambda data: data,
    catalog_extra: bytes = b"",
) -> bytes:
    """A PDF 1.5 written by hand: objects 1-3 (catalog, pages, page) at top level, object 5 in
    the object stream 4, and a cross-reference stream 6; filters and encoders as given."""
    top = {
        1: b"<< /Type /Catalog /Pages 2 0 R /X 5 0 R " + catalog_extra + b">>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>",
    }
    inside = b"<< /Foo 1 >>\n"
    header = b"5 0\n"
    payload = objstm_encode(header + inside)
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number, text in top.items():
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, text)
    offsets[4] = len(out)
    out += b"4 0 obj\n<< /Type /ObjStm /N 1 /First %d /Length %d %s >>\nstream\n" % (
        len(header),
        len(payload),
        objstm_filter,
    )
    out += payload + b"\nendstream\nendobj\n"
    offsets[6] = len(out)
    rows = b"\x00\x00\x00\x00\x00\xff\xff"
    for number in range(1, 7):
        if number == 5:
            rows += b"\x02" + (4).to_bytes(4, "big") + (0).to_bytes(2, "big")
        else:
            rows += b"\x01" + offsets[number].to_bytes(4, "big") + (0).to_bytes(2, "big")
    data = xref_encode(rows)
    out += b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d %s >>\n" % (
        len(data),
        xref_filter,
    )
    out += b"stream\n" + data + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[6]
    return bytes(out)


@pytest.fixture(scope="module")
def facturx() -> bytes:
    return write_facturx(sample_invoice(2))


def _edited(data: bytes, change: Callable[[pikepdf.Pdf], None], **options: Any) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        change(pdf)
        return save(pdf, **options)


def _link(pdf: pikepdf.Pdf, action: pikepdf.Dictionary) -> None:
    annotation = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 50, 50], A=action
    )
    pdf.pages[0].obj.Annots = pikepdf.Array([pdf.make_indirect(annotation)])


def _attach(pdf: pikepdf.Pdf, name: str, mime: str) -> None:
    pdf.attachments[name] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00", mime_type=mime)


def js() -> pikepdf.Dictionary:
    return pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('pwned')"))


def launch() -> pikepdf.Dictionary:
    return pikepdf.Dictionary(
        S=pikepdf.Name.Launch, Win=pikepdf.Dictionary(F=pikepdf.String("cmd.exe"))
    )


def uri() -> pikepdf.Dictionary:
    return pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://example.invalid/x"))


ACTIVE: dict[str, tuple[Callable[[pikepdf.Pdf], None], str]] = {
    "open-action-javascript": (lambda pdf: setattr(pdf.Root, "OpenAction", js()), "JavaScript"),
    "javascript-name-tree": (
        lambda pdf: setattr(
            pdf.Root.Names,
            "JavaScript",
            pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("a"), pdf.make_indirect(js())])),
        ),
        "JavaScript",
    ),
    "page-aa-launch": (
        lambda pdf: setattr(pdf.pages[0].obj, "AA", pikepdf.Dictionary(O=launch())),
        "Launch",
    ),
    "uri-link": (lambda pdf: _link(pdf, uri()), "adresse extérieure"),
    "submit-form": (
        lambda pdf: _link(
            pdf,
            pikepdf.Dictionary(
                S=pikepdf.Name.SubmitForm, F=pikepdf.String("https://example.invalid/")
            ),
        ),
        "envoie des données",
    ),
    "javascript-chained-after-goto": (
        lambda pdf: setattr(
            pdf.Root,
            "OpenAction",
            pikepdf.Dictionary(S=pikepdf.Name.GoTo, D=pikepdf.Array([0]), Next=js()),
        ),
        "JavaScript",
    ),
    "action-type-by-reference": (
        lambda pdf: setattr(
            pdf.Root,
            "OpenAction",
            pikepdf.Dictionary(S=pdf.make_indirect(pikepdf.Name.Launch), F=pikepdf.String("x")),
        ),
        "Launch",
    ),
    "xfa-form": (
        lambda pdf: setattr(
            pdf.Root, "AcroForm", pikepdf.Dictionary(Fields=[], XFA=pikepdf.String("<xdp/>"))
        ),
        "XFA",
    ),
    "executable-attachment": (
        lambda pdf: _attach(pdf, "facture.exe", "application/octet-stream"),
        "facture.exe",
    ),
    "executable-type": (
        lambda pdf: _attach(pdf, "annexe.dat", "application/x-msdownload"),
        "exécutable",
    ),
}


# --- decompression bombs ----------------------------------------------------------------------


def test_zeros_zlib_is_a_true_zlib_stream() -> None:
    assert zlib.decompress(zeros_zlib(64 * MB)) == bytes(64 * MB)


def test_double_flate_bomb_is_refused_early_in_bounded_memory() -> None:
    data = double_flate_pdf(4 * GB)
    assert len(data) < 20_000  # 4 GB of zeros in a few kilobytes
    tracemalloc.start()
    try:
        report = validate(data)
        with pytest.raises(UnsafeInput) as caught:
            read(data)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < EXTRA_MEMORY, f"{peak / MB:.0f} MB"
    (finding,) = report.findings
    assert finding.rule_id == "CHOEUR-READ-02" and report.syntax == "facturx"
    assert "trop volumineux une fois décompressé (plus de 20.0 Mo)" in finding.message_fr
    assert "too large once decompressed" in finding.message_en
    assert "trop volumineux" in caught.value.message_fr


def test_double_flate_bomb_in_a_pdf_with_object_streams_is_refused() -> None:
    data = double_flate_pdf(1 * GB, object_streams=True)
    assert b"/ObjStm" in data
    with pytest.raises(UnsafeInput, match="trop volumineux"):
        detect(data)


BOMBS: dict[str, Callable[[], tuple[bytes, list[str], Any]]] = {
    "flate": lambda: (zeros_zlib(64 * MB), ["/FlateDecode"], None),
    "flate-abbreviated": lambda: (zeros_zlib(64 * MB), ["/Fl"], None),
    "flate-flate-flate": lambda: (
        zlib.compress(double_flate_zeros(1 * GB)),
        ["/FlateDecode", "/FlateDecode", "/FlateDecode"],
        None,
    ),
    "flate-with-png-predictor": lambda: (
        zeros_zlib(64 * MB),
        ["/FlateDecode"],
        pikepdf.Dictionary(Predictor=12, Columns=1000),
    ),
    "parms-array-with-null": lambda: (
        double_flate_zeros(1 * GB),
        ["/FlateDecode", "/FlateDecode"],
        pikepdf.Array([None, pikepdf.Dictionary(Predictor=12, Columns=10)]),
    ),
    "lzw": lambda: (lzw(b"", zeros_after=64 * MB), ["/LZWDecode"], None),
    "flate-lzw": lambda: (
        zlib.compress(lzw(b"", zeros_after=256 * MB), 9),
        ["/FlateDecode", "/LZWDecode"],
        None,
    ),
    "lzw-flate": lambda: (lzw(zeros_zlib(256 * MB)), ["/LZWDecode", "/FlateDecode"], None),
    "flate-runlength": lambda: (
        zlib.compress(b"\x81\x00" * 400_000 + b"\x80", 9),
        ["/FlateDecode", "/RunLengthDecode"],
        None,
    ),
    "flate-ascii85-z": lambda: (zlib.compress(b"z" * 8 * MB + b"~>", 9), ["/Fl", "/A85"], None),
    "ascii85-flate-flate": lambda: (
        base64.a85encode(double_flate_zeros(1 * GB)) + b"~>",
        ["/ASCII85Decode", "/FlateDecode", "/FlateDecode"],
        None,
    ),
    "hex-flate-flate": lambda: (
        binascii.hexlify(double_flate_zeros(1 * GB)) + b">",
        ["/ASCIIHexDecode", "/FlateDecode", "/FlateDecode"],
        None,
    ),
}


@pytest.mark.parametrize("case", sorted(BOMBS))
def test_bomb_is_refused_whatever_the_filter_chain(case: str) -> None:
    raw, filters, parms = BOMBS[case]()
    data = pdf_embedding(raw, filters, parms)
    assert len(data) < 1 * MB
    tracemalloc.start()
    try:
        report = validate(data)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < EXTRA_MEMORY, f"{peak / MB:.0f} MB"
    (finding,) = report.findings
    assert (finding.rule_id, finding.severity.value) == ("CHOEUR-READ-02", "fatal")
    assert "trop volumineux une fois décompressé" in finding.message_fr


def test_ceiling_is_the_configured_xml_limit() -> None:
    data = pdf_embedding(zlib.compress(b"<x>" + b" " * 4000 + b"</x>"), ["/FlateDecode"])
    assert pdf_embedded_files(data, limits=Limits(max_xml_bytes=5000))[0][0].content.startswith(
        b"<x>"
    )
    with pytest.raises(UnsafeInput, match=r"plus de 1000 octets"):
        pdf_embedded_files(data, limits=Limits(max_xml_bytes=1000))


def test_too_many_filters_are_refused() -> None:
    xml = b"<x/>"
    filters = ["/ASCIIHexDecode"] * 6
    data = pdf_embedding(encode(xml, filters), filters)
    with pytest.raises(UnsafeInput, match="trop de filtres"):
        pdf_embedded_files(data)
    five = ["/ASCIIHexDecode"] * 5
    files, _xmp = pdf_embedded_files(pdf_embedding(encode(xml, five), five))
    assert files[0].content == xml


@pytest.mark.parametrize(
    ("filters", "raw"),
    [(["/DCTDecode"], b"\xff\xd8\xff"), (["/JBIG2Decode"], b"<x/>"), (["/Nonsense"], b"<x/>")],
)
def test_unsupported_filter_is_a_read_error(filters: list[str], raw: bytes) -> None:
    with pytest.raises(ReadError, match="non pris en charge"):
        pdf_embedded_files(pdf_embedding(raw, filters))


@pytest.mark.parametrize(
    "raw",
    [b"\x78\x9c garbage", b"ab{{~>", b"not hex at all>", lzw(b"abc")[:1] + b"\xff\xff\xff"],
    ids=["flate", "ascii85", "hex", "lzw"],
)
def test_damaged_encoded_data_is_a_read_error(raw: bytes) -> None:
    filters = {b"\x78": ["/FlateDecode"], b"a": ["/ASCII85Decode"], b"n": ["/AHx"]}.get(
        raw[:1], ["/LZWDecode"]
    )
    with pytest.raises(ReadError):
        read(pdf_embedding(raw, filters))


def test_lzw_object_stream_is_refused_before_qpdf_decodes_it() -> None:
    # qpdf decodes LZW without a ceiling: 2 GB here, refused without decoding
    bomb = handmade_pdf(
        objstm_filter=b"/Filter [/FlateDecode /LZWDecode]",
        objstm_encode=lambda data: zlib.compress(lzw(data, zeros_after=2 * GB), 9),
    )
    assert len(bomb) < 100_000
    with pytest.raises(UnsafeInput, match="LZW"):
        read(bomb)
    report = validate(bomb)
    assert report.findings[0].rule_id == "CHOEUR-READ-02"
    # the same file with a bounded filter opens
    good = handmade_pdf(objstm_filter=b"/Filter /FlateDecode", objstm_encode=zlib.compress)
    with open_pdf(good) as pdf:
        assert pdf.Root.X.Foo == 1


def test_lzw_cross_reference_stream_is_refused_before_qpdf_opens_it() -> None:
    bomb = handmade_pdf(
        xref_filter=b"/Filter [/F#6cateDecode /L#5aW]",  # names escaped, to hide them
        xref_encode=lambda data: zlib.compress(lzw(data, zeros_after=2 * GB), 9),
    )
    with pytest.raises(UnsafeInput, match="LZW"):
        read(bomb)


def test_object_stream_with_filter_by_reference_is_refused() -> None:
    data = handmade_pdf(objstm_filter=b"/Filter 3 0 R", objstm_encode=zlib.compress)
    with pytest.raises(UnsafeInput, match="par référence"):
        read(data)


def test_flate_bomb_in_an_object_stream_stops_at_qpdf_cap() -> None:
    # qpdf gives up at its cap with a warning (the objects would be null): refused as a bomb
    data = handmade_pdf(
        objstm_filter=b"/Filter [/FlateDecode /FlateDecode]",
        objstm_encode=lambda data: zlib.compress(zeros_zlib(4 * GB), 9),
    )
    with pytest.raises(UnsafeInput, match="bombe de décompression"):
        read(data)


HOSTILE_FILES: dict[str, Callable[[], bytes]] = {
    "double-flate-embedded": lambda: double_flate_pdf(4 * GB),
    "double-flate-object-stream": lambda: handmade_pdf(
        objstm_filter=b"/Filter [/FlateDecode /FlateDecode]",
        objstm_encode=lambda data: zlib.compress(zeros_zlib(4 * GB), 9),
    ),
    "lzw-object-stream": lambda: handmade_pdf(
        objstm_filter=b"/Filter [/FlateDecode /LZWDecode]",
        objstm_encode=lambda data: zlib.compress(lzw(data, zeros_after=2 * GB), 9),
    ),
    "lzw-xref-stream": lambda: handmade_pdf(
        xref_filter=b"/Filter [/FlateDecode /LZWDecode]",
        xref_encode=lambda data: zlib.compress(lzw(data, zeros_after=2 * GB), 9),
    ),
}

MEASURE = """
import json, resource, sys
from choeur.einvoice import validate
def rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
validate(open(sys.argv[1], "rb").read())  # warm: imports, qpdf, lxml (a PDF, no invoice)
before = rss()
found = {}
for path in sys.argv[2:]:
    found[path] = [f.rule_id for f in validate(open(path, "rb").read()).findings]
print(json.dumps({"extra": rss() - before, "found": found}))
"""


def test_hostile_files_stay_in_bounded_memory_in_a_fresh_process(tmp_path: Path) -> None:
    """qpdf's own allocations are not seen by tracemalloc: the whole process is measured."""
    warm = tmp_path / "warm.pdf"
    plain = pikepdf.new()
    plain.add_blank_page()
    warm.write_bytes(save(plain))
    paths = []
    for name, make in HOSTILE_FILES.items():
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(make())
        paths.append(str(path))
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(warm), *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["extra"] < EXTRA_MEMORY, f"{result['extra'] / MB:.0f} MB"
    for path in paths:
        assert result["found"][path] and result["found"][path][0].startswith("CHOEUR-READ-"), (
            path,
            result["found"][path],
        )


# --- every filter decodes right ---------------------------------------------------------------

# filters, decode parameters, predictor encoder and its row size (the XML is padded to rows)
CHAINS: dict[
    str, tuple[list[str], Callable[[], Any] | None, Callable[[bytes], bytes] | None, int]
] = {
    "none": ([], None, None, 1),
    "flate": (["/FlateDecode"], None, None, 1),
    "flate-abbreviated": (["/Fl"], None, None, 1),
    "lzw": (["/LZWDecode"], None, None, 1),
    "hex": (["/ASCIIHexDecode"], None, None, 1),
    "ascii85": (["/ASCII85Decode"], None, None, 1),
    "runlength": (["/RunLengthDecode"], None, None, 1),
    "ascii85-flate": (["/ASCII85Decode", "/FlateDecode"], None, None, 1),
    "hex-lzw": (["/AHx", "/LZWDecode"], None, None, 1),
    "flate-flate": (["/FlateDecode", "/FlateDecode"], None, None, 1),
    "runlength-flate": (["/RunLengthDecode", "/FlateDecode"], None, None, 1),
    "flate-png-up": (
        ["/FlateDecode"],
        lambda: pikepdf.Dictionary(Predictor=12, Columns=37),
        lambda data: png_predict(data, 37, [2] * len(data)),
        37,
    ),
    "flate-png-mixed": (
        ["/FlateDecode"],
        lambda: pikepdf.Dictionary(Predictor=15, Columns=23),
        lambda data: png_predict(data, 23, [0, 1, 2, 3, 4] * len(data)),
        23,
    ),
    "lzw-png-paeth": (
        ["/LZWDecode"],
        lambda: pikepdf.Dictionary(Predictor=14, Columns=50),
        lambda data: png_predict(data, 50, [4] * len(data)),
        50,
    ),
    "flate-tiff": (
        ["/FlateDecode"],
        lambda: pikepdf.Dictionary(Predictor=2, Colors=3, Columns=11),
        lambda data: tiff_predict(data, 11, 3),
        33,
    ),
    "ascii85-flate-png-in-array": (
        ["/ASCII85Decode", "/FlateDecode"],
        lambda: pikepdf.Array([None, pikepdf.Dictionary(Predictor=12, Columns=64)]),
        lambda data: png_predict(data, 64, [2] * len(data)),
        64,
    ),
}


@pytest.mark.parametrize("case", sorted(CHAINS))
def test_embedded_invoice_decodes_as_qpdf_does(case: str) -> None:
    filters, make_parms, predict, row = CHAINS[case]
    xml = write_cii(sample_invoice(2))
    xml += b" " * (-len(xml) % row)
    predicted = predict(xml) if predict else xml
    raw = encode(predicted, filters)
    # qpdf is the reference for the encoders of this test (small data: no cap reached)
    scratch = pikepdf.new()
    reference = pikepdf.Stream(scratch, raw)
    if filters:
        reference.Filter = pikepdf.Array([pikepdf.Name(f) for f in filters])
    if make_parms is not None:
        reference.DecodeParms = make_parms()
    expected = reference.read_bytes(decode_level=pikepdf.StreamDecodeLevel.specialized)
    assert expected == xml
    data = pdf_embedding(raw, filters, make_parms() if make_parms else None)
    files, _xmp = pdf_embedded_files(data)
    assert files[0].content == expected
    assert detect(data).syntax == "facturx"


def test_facturx_with_recompressed_invoice_reads_the_same(facturx: bytes) -> None:
    def recompress(pdf: pikepdf.Pdf) -> None:
        stream = pdf.attachments["factur-x.xml"].get_file().obj
        xml = stream.read_bytes()
        stream.write(
            encode(xml, ["/ASCII85Decode", "/LZWDecode"]),
            filter=[pikepdf.Name.ASCII85Decode, pikepdf.Name.LZWDecode],
        )

    again = _edited(facturx, recompress)
    assert read(again) == read(facturx)


# --- active content ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(ACTIVE))
def test_active_content_is_refused_through_validate(facturx: bytes, case: str) -> None:
    change, shown = ACTIVE[case]
    data = _edited(facturx, change)
    report = validate(data)
    assert not report.is_valid and report.syntax == "facturx"
    (finding,) = report.findings
    assert finding.rule_id == ACTIVE_CONTENT_RULE == "CHOEUR-PDF-01"
    assert finding.severity.value == "fatal"
    assert finding.message_fr.startswith("Le PDF contient du contenu actif : ")
    assert shown in finding.message_fr
    assert "PDF/A-3" in finding.message_fr and "active content" in finding.message_en
    with pytest.raises(ActiveContent):
        read(data)


def test_active_content_inside_object_streams_is_found(facturx: bytes) -> None:
    data = _edited(
        facturx,
        ACTIVE["javascript-chained-after-goto"][0],
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
        compress_streams=True,
    )
    assert b"/JavaScript" not in data  # compressed inside an object stream
    with pytest.raises(ActiveContent, match="JavaScript"):
        detect(data)


def test_escaped_names_do_not_hide_active_content() -> None:
    data = (
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R "
        b"/OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >> >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >> endobj\n"
        b"trailer << /Root 1 0 R /Size 4 >>\n%%EOF\n"
    )
    with pytest.raises(ActiveContent, match="JavaScript"), open_pdf(data):
        pass


def test_plain_pdf_with_active_content_is_refused_when_opened() -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("x.exe"))
    with pytest.raises(ActiveContent) as caught, open_pdf(save(pdf)):
        pass
    assert caught.value.rule_id == "CHOEUR-PDF-01"
    assert "Launch" in caught.value.message_fr and "Launch" in caught.value.message_en


def test_an_external_pdf_with_active_content_is_not_made_into_a_facturx(facturx: bytes) -> None:
    with pytest.raises(ActiveContent):
        write_facturx(sample_invoice(2), _edited(facturx, ACTIVE["uri-link"][0]))


def test_harmless_actions_and_attachments_are_kept(facturx: bytes) -> None:
    def harmless(pdf: pikepdf.Pdf) -> None:
        pdf.Root.OpenAction = pikepdf.Dictionary(
            S=pikepdf.Name.GoTo, D=pikepdf.Array([pdf.pages[0].obj, pikepdf.Name.Fit])
        )
        pdf.Root.URI = pikepdf.Dictionary(Base=pikepdf.String("https://example.invalid/"))
        pdf.attachments["bon-de-livraison.pdf"] = pikepdf.AttachedFileSpec(
            pdf, b"%PDF-1.4", mime_type="application/pdf"
        )

    data = _edited(facturx, harmless)
    assert validate(data).is_valid
    assert read(data) == read(facturx)


def test_no_corpus_pdf_is_refused_for_active_content() -> None:
    paths = sorted(CORPUS.rglob("*.pdf"))
    assert len(paths) > 30
    for path in paths:
        with open_pdf(path.read_bytes()):
            pass


def test_declared_object_count_is_checked_before_the_objects_are_resolved() -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    data = save(pdf)
    with pytest.raises(UnsafeInput, match=r"trop d'objets \(5, maximum 2\)"):
        pdf_embedded_files(data, limits=Limits(max_pdf_objects=2))


def test_predictor_rows_are_bounded_too() -> None:
    # a row of 2 GB announced by /Columns must not be allocated
    parms = pikepdf.Dictionary(Predictor=12, Colors=32, BitsPerComponent=16, Columns=2**24)
    data = pdf_embedding(zlib.compress(b"\x02<x/>"), ["/FlateDecode"], parms)
    tracemalloc.start()
    try:
        with pytest.raises(ReadError, match="prédicteur"):
            pdf_embedded_files(data)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10 * MB


def test_bomb_in_the_xmp_metadata_is_refused(facturx: bytes) -> None:
    def bomb(pdf: pikepdf.Pdf) -> None:
        metadata = pikepdf.Stream(pdf, double_flate_zeros(1 * GB))
        metadata.Type = pikepdf.Name.Metadata
        metadata.Subtype = pikepdf.Name.XML
        metadata.Filter = pikepdf.Array([pikepdf.Name.FlateDecode, pikepdf.Name.FlateDecode])
        del pdf.Root.Metadata
        # qpdf writes /Metadata decoded: the bomb is saved under a name of the same length
        pdf.Root.Metadatb = pdf.make_indirect(metadata)

    data = _edited(facturx, bomb, fix_metadata_version=False).replace(b"/Metadatb", b"/Metadata")
    with pytest.raises(UnsafeInput, match="Le bloc de métadonnées XMP du PDF est trop volumineux"):
        read(data)
