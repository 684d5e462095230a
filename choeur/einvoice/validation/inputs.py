"""From untrusted bytes to a document the engines may see: the PDF opened with limits and its
embedded XML taken out, the XML parsed by the hardened parser, its syntax and declared
profile told; the tree is re-serialised when an XSLT must run (only that text ever reaches Saxon).

Anything that goes wrong here is the sender's problem, not an engine's: it becomes a
`Refusal` that validation turns into a report with one FATAL finding.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, cast

from lxml import etree

from choeur.einvoice import security
from choeur.einvoice.errors import ReadError, UnsafeInput

UBL_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDITNOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CII = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
ZUGFERD1 = "urn:ferd:CrossIndustryDocument:invoice:1p0"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"

# Names of the embedded invoice in Factur-X, ZUGFeRD 2.x and XRechnung PDFs.
EMBEDDED_NAMES = ("factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml", "order-x.xml")


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why the bytes cannot be validated (rule id of ours, messages for people)."""

    rule_id: str
    message_fr: str
    message_en: str
    syntax: str | None = None


@dataclass(frozen=True)
class Document:
    syntax: str  # "ubl", "cii" or "facturx"
    xml_syntax: str  # "ubl-invoice", "ubl-creditnote" or "cii": what the XML itself is
    tree: etree._ElementTree
    specification_id: str | None  # BT-24
    level: str | None  # declared Factur-X / ZUGFeRD profile, None when not one
    xml: bytes  # the XML bytes (for a PDF: the embedded file), for the pivot reader

    @functools.cached_property
    def serialised(self) -> str:
        """The re-serialised tree: what Saxon is given (made only when an XSLT runs: the
        native engine reads the tree; about 50 ms for 10,000 lines)."""
        return etree.tostring(self.tree, encoding="unicode")


def _refuse(rule_id: str, fr: str, en: str, syntax: str | None = None) -> Refusal:
    return Refusal(rule_id, fr, en, syntax)


def _parse(data: bytes) -> etree._ElementTree | Refusal:
    """The hardened parse of the read half (no network, no DTD, no entities, size and depth
    limits from `security.default_limits()`)."""
    try:
        root = security.parse_xml(data)
    except UnsafeInput as exc:
        return _refuse("CHOEUR-READ-02", exc.message_fr, exc.message_en)
    except ReadError as exc:
        return _refuse("CHOEUR-READ-01", exc.message_fr, exc.message_en)
    return root.getroottree()


def _extract_from_pdf(data: bytes) -> bytes | Refusal:
    """The embedded invoice of a Factur-X / ZUGFeRD / XRechnung PDF, opened with the read
    half's limits (size, objects, embedded files, decompression ceiling); a PDF with active
    content (scripts, Launch, URI...) is refused with a rule of its own."""
    try:
        files, _xmp = security.pdf_embedded_files(data, names=EMBEDDED_NAMES)
    except security.ActiveContent as exc:
        return _refuse(exc.rule_id, exc.message_fr, exc.message_en, "facturx")
    except UnsafeInput as exc:
        return _refuse("CHOEUR-READ-02", exc.message_fr, exc.message_en, "facturx")
    except ReadError as exc:
        return _refuse("CHOEUR-READ-03", exc.message_fr, exc.message_en, "facturx")
    by_name = {f.name.lower(): f.content for f in files}
    for name in EMBEDDED_NAMES:
        if name in by_name:
            return by_name[name]
    return _refuse(
        "CHOEUR-READ-04",
        "Le PDF ne contient pas de facture électronique (aucun fichier factur-x.xml joint) : "
        "ce n'est pas une facture Factur-X.",
        "The PDF carries no electronic invoice (no factur-x.xml attachment): it is not a "
        "Factur-X invoice.",
        "facturx",
    )


def level_of(specification_id: str | None) -> str | None:
    """The Factur-X / ZUGFeRD 2.x profile a BT-24 value declares, None for plain EN 16931.

    Unlike `model.profile_of`, the norm's own id (urn:cen.eu:en16931:2017) gives None here:
    validation needs to know whether a bare CII file claims to be Factur-X at all.
    """
    if not specification_id:
        return None
    spec = specification_id.strip().lower()
    if "factur-x" not in spec and "zugferd" not in spec:
        return None
    for suffix, level in (
        ("minimum", "MINIMUM"),
        ("basicwl", "BASIC WL"),
        ("basic", "BASIC"),
        ("extended", "EXTENDED"),
    ):
        if spec.endswith(suffix):
            return level
    return "EN 16931"


def _declared_level(specification_id: str | None, xml_syntax: str, *, pdf: bool) -> str | None:
    if xml_syntax != "cii":
        return None
    level = level_of(specification_id)
    # A Factur-X PDF of the EN 16931 profile carries the norm's own id (urn:cen.eu:en16931:2017).
    return level or ("EN 16931" if pdf else None)


def load(data: bytes) -> Document | Refusal:
    if not isinstance(data, bytes | bytearray | memoryview):
        return _refuse(
            "CHOEUR-READ-01",
            "Aucun contenu de fichier reçu.",
            "No file content received.",
        )
    data = bytes(data)
    if not data.strip():
        return _refuse("CHOEUR-READ-01", "Le fichier est vide.", "The file is empty.")
    syntax: str | None = None
    if security.looks_like_pdf(data):
        extracted = _extract_from_pdf(data)
        if isinstance(extracted, Refusal):
            return extracted
        data = extracted
        syntax = "facturx"
    parsed = _parse(data)
    if isinstance(parsed, Refusal):
        if syntax:
            return Refusal(parsed.rule_id, parsed.message_fr, parsed.message_en, syntax)
        return parsed
    root = parsed.getroot()
    qname = etree.QName(root)
    if (qname.namespace, qname.localname) == (UBL_INVOICE, "Invoice"):
        xml_syntax = "ubl-invoice"
    elif (qname.namespace, qname.localname) == (UBL_CREDITNOTE, "CreditNote"):
        xml_syntax = "ubl-creditnote"
    elif (qname.namespace, qname.localname) == (CII, "CrossIndustryInvoice"):
        xml_syntax = "cii"
    elif qname.namespace == ZUGFERD1:
        return _refuse(
            "CHOEUR-READ-05",
            "Format ZUGFeRD 1.0 : il précède la norme EN 16931 et n'est pas accepté. "
            "Envoyez une facture Factur-X, CII ou UBL.",
            "ZUGFeRD 1.0 predates EN 16931 and is not accepted. Send a Factur-X, CII or "
            "UBL invoice.",
            syntax or "zugferd1",
        )
    else:
        return _refuse(
            "CHOEUR-READ-05",
            f"Le document XML n'est pas une facture UBL 2.1 ni CII D16B (élément racine "
            f"« {qname.localname} », espace de noms « {qname.namespace or ''} »).",
            f"The XML document is neither a UBL 2.1 nor a CII D16B invoice (root element "
            f"'{qname.localname}', namespace '{qname.namespace or ''}').",
            syntax,
        )
    if xml_syntax == "cii":
        spec_ids = root.xpath(
            "/*/*[local-name()='ExchangedDocumentContext']"
            "/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID/text()",
            namespaces={"ram": RAM},
        )
    else:
        spec_ids = root.xpath("/*/cbc:CustomizationID/text()", namespaces={"cbc": CBC})
    found = cast(list[Any], spec_ids) if isinstance(spec_ids, list) else []
    specification_id = str(found[0]).strip() if found else None
    return Document(
        syntax=syntax or ("cii" if xml_syntax == "cii" else "ubl"),
        xml_syntax=xml_syntax,
        tree=parsed,
        specification_id=specification_id,
        level=_declared_level(specification_id, xml_syntax, pdf=syntax == "facturx"),
        xml=data,
    )
