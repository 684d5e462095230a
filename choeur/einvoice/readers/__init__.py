"""Detect and read UBL 2.1, CII D16B and Factur-X / ZUGFeRD 2.x into the EN 16931 pivot.

    detect(data) -> Detected     # what the bytes are: syntax, invoice or credit note, profile
    load(data) -> Loaded         # the same, plus the hardened XML tree (for the validators)
    read(data) -> Invoice        # the typed pivot

Untrusted bytes go only through `security`: XML through the hardened lxml parser, PDFs through
pikepdf with limits. Bad input raises `ReadError` (or its subclass `UnsafeInput`), never
another exception type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from lxml import etree

from choeur.einvoice.enums import CREDIT_NOTE_CODES
from choeur.einvoice.errors import ReadError
from choeur.einvoice.model import Invoice, profile_of
from choeur.einvoice.readers._binding import paused_gc
from choeur.einvoice.readers._common import CII_NS, RSM, UBL_CREDITNOTE, UBL_INVOICE, UBL_NS
from choeur.einvoice.security import Limits, looks_like_pdf, parse_xml, pdf_embedded_files

__all__ = ["Detected", "Loaded", "detect", "load", "read", "read_tree"]

Syntax = Literal["ubl", "cii", "facturx", "unknown"]
Document = Literal["invoice", "creditnote"]

# Names of the invoice XML in a Factur-X / ZUGFeRD 2.x / XRechnung PDF, in order of preference.
EMBEDDED_NAMES = ("factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml")
XMP_FX_NAMESPACES = (
    "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#",
    "urn:zugferd:pdfa:CrossIndustryDocument:invoice:2p0#",
    "urn:ferd:pdfa:CrossIndustryDocument:invoice:1p0#",
)


@dataclass(frozen=True)
class Detected:
    syntax: Syntax  # 'facturx' for a PDF with an embedded invoice, whatever its XML syntax
    document: Document
    profile: str | None  # MINIMUM, BASIC WL, BASIC, EN 16931, EXTENDED; None if none is named
    guideline_id: str | None  # BT-24 as written
    embedded_syntax: Literal["ubl", "cii"] | None = None  # for 'facturx': the embedded XML's
    embedded_filename: str | None = None  # for 'facturx': the attachment's name
    is_pdf: bool = False  # a PDF, with or without an invoice inside (a plain PDF is 'unknown')


@dataclass(frozen=True)
class Loaded:
    detected: Detected
    root: etree._Element | None  # the hardened tree of the invoice XML; None when 'unknown'


def _xml_syntax(root: etree._Element) -> Literal["ubl", "cii"] | None:
    namespace = etree.QName(root).namespace
    if namespace in (UBL_INVOICE, UBL_CREDITNOTE):
        return "ubl"
    if namespace == RSM and etree.QName(root).localname == "CrossIndustryInvoice":
        return "cii"
    return None


def _describe(root: etree._Element, syntax: Literal["ubl", "cii"]) -> tuple[Document, str | None]:
    if syntax == "ubl":
        guideline = root.findtext("cbc:CustomizationID", namespaces=UBL_NS)
        credit = etree.QName(root).namespace == UBL_CREDITNOTE
        return ("creditnote" if credit else "invoice"), (guideline.strip() if guideline else None)
    guideline = root.findtext(
        "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID",
        namespaces=CII_NS,
    )
    type_code = (
        root.findtext("rsm:ExchangedDocument/ram:TypeCode", namespaces=CII_NS) or ""
    ).strip()
    document: Document = "creditnote" if type_code in CREDIT_NOTE_CODES else "invoice"
    return document, (guideline.strip() if guideline else None)


def _xmp_profile(xmp: bytes | None, limits: Limits | None) -> str | None:
    """fx:ConformanceLevel of the PDF's XMP metadata (element or attribute form)."""
    if not xmp:
        return None
    try:
        root = parse_xml(xmp, limits=limits)
    except ReadError:
        return None
    for namespace in XMP_FX_NAMESPACES:
        found = root.find(f".//{{{namespace}}}ConformanceLevel")
        if found is not None and found.text:
            return _normalise_level(found.text)
        for el in root.iter("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}Description"):
            value = el.get(f"{{{namespace}}}ConformanceLevel")
            if value:
                return _normalise_level(value)
    return None


def _normalise_level(value: str) -> str:
    level = value.strip().upper().replace("_", " ")
    return {"BASICWL": "BASIC WL", "EN16931": "EN 16931", "COMFORT": "EN 16931"}.get(level, level)


def load(data: bytes, *, limits: Limits | None = None) -> Loaded:
    """Detect the syntax and parse the invoice XML (from the PDF for Factur-X), hardened.

    Raises `ReadError` when the bytes cannot be opened at all (not XML nor PDF, malformed XML,
    damaged PDF) and `UnsafeInput` when they are refused (DTD, limits, encryption). Bytes that
    open but hold no known invoice give syntax 'unknown'.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ReadError(
            "Le document doit être fourni sous forme d'octets.",
            f"The document must be given as bytes, not {type(data).__name__}.",
        )
    data = bytes(data)
    if looks_like_pdf(data):
        return _load_pdf(data, limits)
    # XML starts with "<" (after blanks or a UTF-8 BOM), or with a UTF-16 BOM.
    head = data.lstrip()[:3]
    if not head.startswith((b"<", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        raise ReadError(
            "Le fichier n'est ni un XML (UBL, CII) ni un PDF (Factur-X).",
            "The file is neither XML (UBL, CII) nor PDF (Factur-X).",
        )
    root = parse_xml(data, limits=limits)
    syntax = _xml_syntax(root)
    if syntax is None:
        return Loaded(Detected("unknown", "invoice", None, None), None)
    document, guideline = _describe(root, syntax)
    return Loaded(Detected(syntax, document, profile_of(guideline), guideline), root)


def _load_pdf(data: bytes, limits: Limits | None) -> Loaded:
    files, xmp = pdf_embedded_files(data, limits=limits)
    xml_files = [f for f in files if f.name.lower().endswith(".xml")]
    preferred = sorted(
        xml_files,
        key=lambda f: (
            EMBEDDED_NAMES.index(f.name.lower()) if f.name.lower() in EMBEDDED_NAMES else 99
        ),
    )
    for candidate in preferred:
        try:
            root = parse_xml(candidate.content, limits=limits)
        except ReadError:
            if candidate.name.lower() in EMBEDDED_NAMES:
                raise
            continue
        syntax = _xml_syntax(root)
        if syntax is None:
            continue
        document, guideline = _describe(root, syntax)
        profile = profile_of(guideline) or _xmp_profile(xmp, limits)
        detected = Detected(
            "facturx",
            document,
            profile,
            guideline,
            embedded_syntax=syntax,
            embedded_filename=candidate.name,
            is_pdf=True,
        )
        return Loaded(detected, root)
    return Loaded(Detected("unknown", "invoice", None, None, is_pdf=True), None)


def detect(data: bytes) -> Detected:
    """What the bytes are (see `load` for the errors)."""
    return load(data).detected


def read_tree(
    root: etree._Element,
    *,
    syntax: Literal["ubl", "cii"] | None = None,
    pdf: bytes | None = None,
) -> Invoice:
    """The pivot from a tree that `security.parse_xml` made (the one validation judged: a
    deposit is parsed once). `pdf`: the Factur-X the tree was taken from, for its syntax and,
    when BT-24 names no profile, the profile its XMP metadata declares (as `read` does)."""
    invoice = _read_tree(root, syntax)
    if pdf is not None:
        invoice.syntax = "facturx"
        if invoice.profile is None:
            invoice.profile = _xmp_profile(pdf_embedded_files(pdf)[1], None)
    return invoice


def _read_tree(root: etree._Element, syntax: Literal["ubl", "cii"] | None) -> Invoice:
    from choeur.einvoice.readers.cii import read_cii
    from choeur.einvoice.readers.ubl import read_ubl

    syntax = syntax or _xml_syntax(root)
    try:
        with paused_gc():
            if syntax == "ubl":
                return read_ubl(root)
            if syntax == "cii":
                return read_cii(root)
    except ReadError:
        raise
    except (ValueError, TypeError, AttributeError, IndexError, KeyError, ArithmeticError) as exc:
        # A bug or a shape no test foresaw must still reach the supplier as a clear refusal.
        raise ReadError(
            f"La facture n'a pas pu être lue : {exc}",
            f"The invoice could not be read: {exc}",
        ) from exc
    raise ReadError(
        "Le document n'est pas une facture UBL 2.1, CII D16B ou Factur-X.",
        "The document is not a UBL 2.1, CII D16B or Factur-X invoice.",
    )


def read(data: bytes) -> Invoice:
    """Read UBL, CII or Factur-X bytes into the EN 16931 pivot; `ReadError` if unreadable."""
    loaded = load(data)
    if loaded.root is None:
        if loaded.detected.is_pdf:
            raise ReadError(
                "Le PDF ne contient pas de facture électronique (aucun fichier factur-x.xml).",
                "The PDF holds no electronic invoice (no factur-x.xml file).",
            )
        raise ReadError(
            "Le document n'est pas une facture UBL 2.1, CII D16B ou Factur-X.",
            "The document is not a UBL 2.1, CII D16B or Factur-X invoice.",
        )
    invoice = _read_tree(loaded.root, None)
    if loaded.detected.syntax == "facturx":
        invoice.syntax = "facturx"
        invoice.profile = loaded.detected.profile
    return invoice
