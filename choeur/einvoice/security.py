"""Hardened parsing of untrusted bytes: XML with lxml, PDF with pikepdf.

XML: no network, no external or internal entities, no DTD at all (a document with a DOCTYPE is
refused before parsing, so no entity bomb and no XXE can reach libxml2's expander), a size limit
and a depth limit. Only trees parsed here and re-serialised by `reserialise` may reach any other
engine (saxonche resolves external entities when it is given raw input).

PDF: a size limit, an object-count limit, encrypted documents refused, and embedded files
decompressed with a size limit of their own.

Every refusal is `errors.UnsafeInput` and every unreadable input `errors.ReadError`, each with a
message in French and in English; no other exception type leaves this module for bad input.
"""

from __future__ import annotations

import re
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from lxml import etree

from choeur.einvoice.errors import ReadError, UnsafeInput

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """The limits applied to untrusted input (configurable; see `set_default_limits`)."""

    max_xml_bytes: int = 20 * MB  # per XML document, embedded ones included
    max_depth: int = 64  # UBL and CII invoices nest about 10 deep
    max_pdf_bytes: int = 50 * MB
    max_pdf_objects: int = 200_000
    max_embedded_files: int = 100


_default_limits = Limits()


def default_limits() -> Limits:
    return _default_limits


def set_default_limits(limits: Limits) -> None:
    """Change the process-wide limits (the platform calls it once, from its settings)."""
    global _default_limits
    _default_limits = limits


def _size(n: int) -> str:
    return f"{n / MB:.1f} Mo" if n >= MB else f"{n} octets"


def _size_en(n: int) -> str:
    return f"{n / MB:.1f} MB" if n >= MB else f"{n} bytes"


# --- XML ----------------------------------------------------------------------------------------

_local = threading.local()


def _parser() -> etree.XMLParser:
    # lxml parsers must not be shared between threads: one per thread, reused.
    parser: etree.XMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_comments=False,
            remove_blank_text=False,
        )
        _local.parser = parser
    return parser


# A DOCTYPE or ENTITY declaration is refused before libxml2 sees it: searched case-blind in
# ASCII-compatible encodings, and as UTF-16 / UTF-32 text for documents in those.
_DOCTYPE_ANYCASE = re.compile(rb"<!\s*(?:doctype|entity)", re.IGNORECASE)
_DOCTYPE_WIDE = tuple(
    word.encode(encoding)
    for word in ("<!DOCTYPE", "<!ENTITY", "<!doctype")
    for encoding in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)


def _as_bytes(data: object) -> bytes:
    if isinstance(data, bytes):
        return data
    if isinstance(data, bytearray | memoryview):
        return bytes(data)
    raise ReadError(
        "Le document doit être fourni sous forme d'octets.",
        f"The document must be given as bytes, not {type(data).__name__}.",
    )


def parse_xml(data: bytes, *, limits: Limits | None = None) -> etree._Element:
    """Parse untrusted XML bytes with every protection on; return the root element.

    Raises `UnsafeInput` (DTD, entities, too large, too deep) or `ReadError` (not well-formed XML).
    """
    limits = limits or _default_limits
    data = _as_bytes(data)
    if len(data) > limits.max_xml_bytes:
        raise UnsafeInput(
            f"Le fichier XML est trop volumineux ({_size(len(data))}, maximum {_size(limits.max_xml_bytes)}).",
            f"The XML file is too large ({_size_en(len(data))}, at most {_size_en(limits.max_xml_bytes)}).",
        )
    if not data.strip():
        raise ReadError("Le fichier est vide.", "The file is empty.")
    if _DOCTYPE_ANYCASE.search(data) or any(marker in data for marker in _DOCTYPE_WIDE):
        raise UnsafeInput(
            "Le fichier XML contient une déclaration DOCTYPE ou ENTITY, refusée pour des raisons de "
            "sécurité : une facture électronique n'en a jamais besoin.",
            "The XML file contains a DOCTYPE or ENTITY declaration, refused for security reasons: "
            "an e-invoice never needs one.",
        )
    if data[:1].isspace():
        data = data.lstrip()  # whitespace before the XML declaration is a common export defect
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        message = str(exc)
        if "depth" in message.lower():
            raise _too_deep(limits) from exc
        raise ReadError(
            f"Le fichier n'est pas un XML bien formé : {message}",
            f"The file is not well-formed XML: {message}",
        ) from exc
    except (ValueError, TypeError, etree.LxmlError) as exc:
        raise ReadError(
            f"Le fichier n'a pas pu être lu comme du XML : {exc}",
            f"The file could not be read as XML: {exc}",
        ) from exc
    if root is None:
        raise ReadError("Le fichier XML ne contient aucun élément.", "The XML file has no element.")
    docinfo = root.getroottree().docinfo
    if getattr(docinfo, "doctype", "") or docinfo.internalDTD is not None:
        raise UnsafeInput(
            "Le fichier XML contient une DTD, refusée pour des raisons de sécurité.",
            "The XML file contains a DTD, refused for security reasons.",
        )
    # An element at depth max_depth + 1 exists: too deep (evaluated by libxml2, one tree walk).
    if root.xpath("boolean(" + "/*" * (limits.max_depth + 1) + ")"):
        raise _too_deep(limits)
    return root


def _too_deep(limits: Limits) -> UnsafeInput:
    return UnsafeInput(
        f"Le fichier XML est trop profondément imbriqué (plus de {limits.max_depth} niveaux).",
        f"The XML file is nested too deeply (more than {limits.max_depth} levels).",
    )


def reserialise(tree: etree._Element | etree._ElementTree) -> bytes:
    """UTF-8 bytes of a tree parsed by `parse_xml`: the only form given to other engines."""
    return bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))


# --- PDF ----------------------------------------------------------------------------------------


def looks_like_pdf(data: bytes) -> bool:
    """PDF files start with %PDF- within their first kilobyte (some have junk before it)."""
    return b"%PDF-" in data[:1024]


@contextmanager
def open_pdf(data: bytes, *, limits: Limits | None = None) -> Iterator[Any]:
    """Open an untrusted PDF with pikepdf (qpdf), within the limits; yields a `pikepdf.Pdf`."""
    import pikepdf

    limits = limits or _default_limits
    data = _as_bytes(data)
    if len(data) > limits.max_pdf_bytes:
        raise UnsafeInput(
            f"Le fichier PDF est trop volumineux ({_size(len(data))}, maximum {_size(limits.max_pdf_bytes)}).",
            f"The PDF file is too large ({_size_en(len(data))}, at most {_size_en(limits.max_pdf_bytes)}).",
        )
    if not looks_like_pdf(data):
        raise ReadError("Le fichier n'est pas un PDF.", "The file is not a PDF.")
    try:
        pdf = pikepdf.open(BytesIO(data))
    except pikepdf.PasswordError as exc:
        raise _encrypted() from exc
    except Exception as exc:  # qpdf reports damaged files with several exception types
        raise ReadError(
            f"Le fichier PDF est illisible ou endommagé : {exc}",
            f"The PDF file is unreadable or damaged: {exc}",
        ) from exc
    try:
        if pdf.is_encrypted:
            raise _encrypted()
        if len(pdf.objects) > limits.max_pdf_objects:
            raise UnsafeInput(
                f"Le fichier PDF contient trop d'objets ({len(pdf.objects)}, maximum {limits.max_pdf_objects}).",
                f"The PDF file has too many objects ({len(pdf.objects)}, at most {limits.max_pdf_objects}).",
            )
        yield pdf
    finally:
        pdf.close()


def _encrypted() -> UnsafeInput:
    return UnsafeInput(
        "Le fichier PDF est chiffré ou protégé par un mot de passe : déposez-le sans protection.",
        "The PDF file is encrypted or password-protected: send it without protection.",
    )


@dataclass(frozen=True)
class EmbeddedFile:
    name: str
    content: bytes
    relationship: str | None  # /AFRelationship without the slash (Data, Alternative, Source...)
    mime_type: str | None


def pdf_embedded_files(
    data: bytes, *, limits: Limits | None = None, names: tuple[str, ...] | None = None
) -> tuple[list[EmbeddedFile], bytes | None]:
    """The embedded files of a PDF (only those whose lowercased name is in `names`, if given), and
    its XMP metadata (raw bytes, to be parsed with `parse_xml`).

    Each file is decompressed with `max_xml_bytes` as a ceiling, so a compression bomb stops early.
    """
    import pikepdf

    limits = limits or _default_limits
    files: list[EmbeddedFile] = []
    with open_pdf(data, limits=limits) as pdf:
        try:
            specs = _filespecs(pdf)
            if len(specs) > limits.max_embedded_files:
                raise UnsafeInput(
                    "Le fichier PDF contient trop de pièces jointes.",
                    "The PDF file has too many embedded files.",
                )
            for name, spec in specs:
                if names is not None and name.lower() not in names:
                    continue
                ef = spec.get("/EF")
                stream = None if ef is None else (ef.get("/F") or ef.get("/UF"))
                if not isinstance(stream, pikepdf.Stream):
                    continue
                rel = spec.get("/AFRelationship")
                subtype = stream.get("/Subtype")
                files.append(
                    EmbeddedFile(
                        name=name,
                        content=_stream_bytes(stream, limits.max_xml_bytes),
                        relationship=str(rel)[1:] if rel is not None else None,
                        mime_type=_mime(subtype),
                    )
                )
            xmp = None
            metadata = pdf.Root.get("/Metadata")
            if isinstance(metadata, pikepdf.Stream):
                xmp = _stream_bytes(metadata, limits.max_xml_bytes)
        except (UnsafeInput, ReadError):
            raise
        except Exception as exc:
            raise ReadError(
                f"Le fichier PDF est endommagé : {exc}",
                f"The PDF file is damaged: {exc}",
            ) from exc
    return files, xmp


def _mime(subtype: Any) -> str | None:
    if subtype is None:
        return None
    # A PDF name encodes "/" as #2F: /text#2Fxml, /application#2Fxml
    return str(subtype)[1:].replace("#2F", "/").replace("#2f", "/")


def _filespecs(pdf: Any) -> list[tuple[str, Any]]:
    """(name, filespec dictionary) from the EmbeddedFiles name tree and the document's /AF."""
    import pikepdf

    found: dict[str, Any] = {}
    names = pdf.Root.get("/Names")
    if names is not None and names.get("/EmbeddedFiles") is not None:
        tree = pikepdf.NameTree(names.EmbeddedFiles)
        for key in tree.keys():  # noqa: SIM118 (NameTree is not a plain mapping)
            found[str(key)] = tree[key]
    af = pdf.Root.get("/AF")
    if isinstance(af, pikepdf.Array):
        for spec in af:
            if isinstance(spec, pikepdf.Dictionary):
                name = spec.get("/UF") or spec.get("/F")
                if name is not None and str(name) not in found:
                    found[str(name)] = spec
    result = []
    for key, spec in found.items():
        uf = spec.get("/UF") or spec.get("/F")
        result.append((str(uf) if uf is not None else key, spec))
    return result


def _stream_bytes(stream: Any, ceiling: int) -> bytes:
    """Decoded stream content, refusing more than `ceiling` bytes without decoding past it."""
    import pikepdf

    filters = stream.get("/Filter")
    if filters is None:
        raw = bytes(stream.read_raw_bytes())
        _check_ceiling(len(raw), ceiling)
        return raw
    if isinstance(filters, pikepdf.Array):
        filters = filters[0] if len(filters) == 1 else filters
    if filters == pikepdf.Name.FlateDecode and stream.get("/DecodeParms") is None:
        raw = bytes(stream.read_raw_bytes())
        inflater = zlib.decompressobj()
        try:
            out = inflater.decompress(raw, ceiling + 1)
        except zlib.error as exc:
            raise ReadError(
                f"Un fichier joint au PDF est endommagé : {exc}",
                f"A file embedded in the PDF is damaged: {exc}",
            ) from exc
        _check_ceiling(len(out), ceiling)
        return out
    # Other filter chains: qpdf decodes; the raw size bounds the work for every standard filter
    # but Flate, which is handled above.
    _check_ceiling(len(bytes(stream.read_raw_bytes())), ceiling)
    out = bytes(stream.read_bytes())
    _check_ceiling(len(out), ceiling)
    return out


def _check_ceiling(size: int, ceiling: int) -> None:
    if size > ceiling:
        raise UnsafeInput(
            f"Un fichier joint au PDF est trop volumineux (plus de {_size(ceiling)}).",
            f"A file embedded in the PDF is too large (more than {_size_en(ceiling)}).",
        )
