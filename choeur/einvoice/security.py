"""Hardened parsing of untrusted bytes: XML with lxml, PDF with pikepdf.

XML: no network, no external or internal entities, no DTD at all (a document with a DOCTYPE is
refused before parsing, so no entity bomb and no XXE can reach libxml2's expander), a size limit
and a depth limit. Only trees parsed here and re-serialised by `reserialise` may reach any other
engine (saxonche resolves external entities when it is given raw input).

PDF: a size limit, an object-count limit, encrypted documents refused; every stream taken out
(embedded files, XMP) decoded here filter by filter with a ceiling on each stage, whatever the
chain (`decode_stream`), never by qpdf in one go; what qpdf decodes by itself (object and
cross-reference streams) capped through its own limits, LZW there refused; and active content
(JavaScript, Launch, URI, SubmitForm... actions, XFA, executable attachments) refused with
`ActiveContent`, whose rule id is CHOEUR-PDF-01.

Every refusal is `errors.UnsafeInput` and every unreadable input `errors.ReadError`, each with a
message in French and in English; no other exception type leaves this module for bad input.
"""

from __future__ import annotations

import base64
import binascii
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


def has_declaration(data: bytes) -> bool:
    """True when `data` holds a DOCTYPE or ENTITY declaration in one of the forms above.

    Every such form holds a "!" right after "<" (ASCII), "<\\0" (UTF-16) or "<\\0\\0\\0"
    (UTF-32), and an invoice has few "!" if any: the bytes are scanned once for "!" (memchr,
    about 20 µs per MB) and each one is looked at in place, instead of a case-blind search and
    twelve wide ones over the whole document (2 to 3 ms per MB). Same answer on every input.
    """
    find, match = data.find, _DOCTYPE_ANYCASE.match
    wide_searched = False
    position = find(b"!")
    while position >= 0:
        before = data[max(0, position - 4) : position]
        if before.endswith(b"<"):
            if match(data, position - 1):
                return True
        elif not wide_searched and (before.endswith(b"<\x00") or before == b"<\x00\x00\x00"):
            if any(marker in data for marker in _DOCTYPE_WIDE):
                return True
            wide_searched = True
        position = find(b"!", position + 1)
    return False


def _too_deep_test(max_depth: int) -> etree.XPath:
    """An element at depth max_depth + 1 exists (evaluated by libxml2, one tree walk); the
    expression compiled once per limit and thread, like the parser."""
    tests: dict[int, etree.XPath] | None = getattr(_local, "depth_tests", None)
    if tests is None:
        tests = _local.depth_tests = {}
    test = tests.get(max_depth)
    if test is None:
        test = tests[max_depth] = etree.XPath("boolean(" + "/*" * (max_depth + 1) + ")")
    return test


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
    if not data or data.isspace():  # (no copy of the document, unlike strip())
        raise ReadError("Le fichier est vide.", "The file is empty.")
    if has_declaration(data):
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
    if _too_deep_test(limits.max_depth)(root):
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

ACTIVE_CONTENT_RULE = "CHOEUR-PDF-01"  # rule id of the ActiveContent refusal (see inputs.py)
MAX_STREAM_FILTERS = 5  # filters chained on one stream (no real PDF has more; qpdf allows 25)

# Actions that run code, start a program, open an address outside the document or send data.
# PDF/A-3 (ISO 19005-3, 6.6.1) forbids JavaScript, Launch, ImportData and the multimedia ones;
# the platform refuses URI and SubmitForm too: the buyer must never receive active content.
ACTIVE_ACTIONS: dict[str, tuple[str, str]] = {
    "/JavaScript": ("un script JavaScript", "a JavaScript script"),
    "/Launch": (
        "une action Launch (lancement d'un programme ou d'un fichier)",
        "a Launch action (starts a program or a file)",
    ),
    "/URI": (
        "un lien vers une adresse extérieure (action URI)",
        "a link to an outside address (URI action)",
    ),
    "/SubmitForm": (
        "un formulaire qui envoie des données (action SubmitForm)",
        "a form that sends data (SubmitForm action)",
    ),
    "/ImportData": ("une importation de données (action ImportData)", "a data import (ImportData)"),
    "/Rendition": ("un contenu multimédia (action Rendition)", "multimedia (Rendition action)"),
    "/Sound": ("un son (action Sound)", "a sound (Sound action)"),
    "/Movie": ("une vidéo (action Movie)", "a movie (Movie action)"),
    "/RichMediaExecute": (
        "un contenu multimédia actif (action RichMediaExecute)",
        "active rich media (RichMediaExecute action)",
    ),
}
_JAVASCRIPT = ACTIVE_ACTIONS["/JavaScript"]
_XFA = ("un formulaire XFA (il peut porter des scripts)", "an XFA form (it may carry scripts)")
EXECUTABLE_EXTENSIONS = frozenset(
    {
        *("apk", "app", "bat", "cmd", "com", "cpl", "dll", "dmg", "exe", "hta", "jar", "js"),
        *("jse", "lnk", "msi", "msp", "pif", "ps1", "psm1", "py", "reg", "scr", "sh", "vb"),
        *("vbe", "vbs", "ws", "wsf", "wsh"),
    }
)
EXECUTABLE_TYPES = frozenset(
    {
        "application/x-msdownload",
        "application/x-msdos-program",
        "application/x-dosexec",
        "application/x-executable",
        "application/x-sharedlib",
        "application/x-sh",
        "application/x-bat",
        "application/x-msi",
        "application/java-archive",
        "application/javascript",
        "text/javascript",
        "application/vnd.microsoft.portable-executable",
    }
)


def _raw_name(word: str) -> bytes:
    """A pattern for a PDF name as written in a file, where any character may be #-escaped
    (#4C or #4c for L); it ends where a PDF name ends."""
    chars = []
    for c in word:
        escape = "".join(f"[{h}{h.upper()}]" if h.isalpha() else h for h in f"{ord(c):02x}")
        chars.append(f"(?:{re.escape(c)}|#{escape})".encode())
    return b"/" + b"".join(chars) + rb"(?=[\x00\t\n\x0c\r /\[\]<>(){}%]|\Z)"


# Raw bytes, before qpdf parses them: the LZW filter (PDF/A excludes it) and the stream types
# qpdf decodes by itself, cross-reference streams while opening the file and object streams.
_RAW_LZW = re.compile(_raw_name("LZW") + b"|" + _raw_name("LZWDecode"))
_RAW_OBJSTM = re.compile(_raw_name("ObjStm"))
_RAW_XREF_OR_OBJSTM = re.compile(
    b"|".join((_raw_name("XRef"), _raw_name("XRefStm"), _raw_name("ObjStm")))
)
# In qpdf's canonical text of an object (names unescaped, references left as "12 0 R"): an
# object stream's filters, and what makes an object worth a close look for active content (the
# keys of active content, an action whose /S is given by reference).
_LZW_NAME = re.compile(rb"/LZW(?:Decode)?\b")
_INDIRECT_FILTER = re.compile(rb"/(?:Filter|DecodeParms) \d+ \d+ R")
_ACTIVE_HINT = re.compile(
    rb"/(?:JavaScript|JS|Launch|URI|SubmitForm|ImportData|Rendition|Sound|Movie|"
    rb"RichMediaExecute|XFA|EF)\b|/S \d+ \d+ R"
)


class ActiveContent(UnsafeInput):
    """The PDF carries active content (script, action that launches, opens or sends): refused."""

    rule_id = ACTIVE_CONTENT_RULE


def _active_content(found: list[tuple[str, str]]) -> ActiveContent:
    kinds = list(dict.fromkeys(found))
    fr = ", ".join(kind[0] for kind in kinds)
    en = ", ".join(kind[1] for kind in kinds)
    return ActiveContent(
        f"Le PDF contient du contenu actif : {fr}. Pour la sécurité de l'acheteur, une facture "
        "ne doit contenir ni script, ni action qui lance un programme, ouvre une adresse "
        "extérieure ou envoie des données (le PDF/A-3 d'une facture Factur-X exclut le contenu "
        "actif). Produisez de nouveau le PDF sans ces éléments (export PDF/A), puis déposez-le.",
        f"The PDF carries active content: {en}. For the buyer's safety an invoice must hold no "
        "script and no action that starts a program, opens an outside address or sends data "
        "(the PDF/A-3 of a Factur-X invoice excludes active content). Produce the PDF again "
        "without them (PDF/A export) and send it again.",
    )


def looks_like_pdf(data: bytes) -> bool:
    """PDF files start with %PDF- within their first kilobyte (some have junk before it)."""
    return b"%PDF-" in data[:1024]


def _harden_qpdf(limits: Limits) -> None:
    """Cap what qpdf decodes by itself (object streams, cross-reference streams, any stream
    pikepdf is asked to decode): each Flate, RunLength or predictor stage stops at the PDF size
    limit, and no stream with more than MAX_STREAM_FILTERS filters is decoded. These settings
    are process-wide; they are set again only when they differ."""
    import pikepdf.settings

    cap = max(limits.max_pdf_bytes, limits.max_xml_bytes)
    wanted: dict[str, int] = {
        "flate_max_memory": cap,
        "run_length_max_memory": cap,
        "png_max_memory": cap,
        "tiff_max_memory": cap,
        "max_stream_filters": MAX_STREAM_FILTERS,
    }
    current = pikepdf.settings.get_qpdf_limits()
    if any(current.get(name) != value for name, value in wanted.items()):
        pikepdf.settings.set_qpdf_limits(
            flate_max_memory=cap,
            run_length_max_memory=cap,
            png_max_memory=cap,
            tiff_max_memory=cap,
            max_stream_filters=MAX_STREAM_FILTERS,
        )


@contextmanager
def open_pdf(data: bytes, *, limits: Limits | None = None) -> Iterator[Any]:
    """Open an untrusted PDF with pikepdf (qpdf), within the limits; yields a `pikepdf.Pdf`.

    Refused (`UnsafeInput`): too large, encrypted, too many objects, an object stream qpdf could
    not decode within bounds; and (`ActiveContent`) scripts, actions that launch a program, open
    an outside address or send data, XFA forms, executable attachments. Unreadable: `ReadError`.
    """
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
    _harden_qpdf(limits)
    if _RAW_LZW.search(data) and _RAW_XREF_OR_OBJSTM.search(data):
        raise _lzw_structure()
    try:
        pdf = pikepdf.open(BytesIO(data))
    except pikepdf.PasswordError as exc:
        raise _encrypted() from exc
    except Exception as exc:  # qpdf reports damaged files with several exception types
        raise _damaged(exc, "illisible ou endommagé", "unreadable or damaged") from exc
    try:
        try:
            objects = _checked_objects(pdf, limits, object_streams=bool(_RAW_OBJSTM.search(data)))
            _refuse_active_content(objects)
        except (UnsafeInput, ReadError):
            raise
        except Exception as exc:
            raise _damaged(exc, "endommagé", "damaged") from exc
        yield pdf
    finally:
        pdf.close()


def _damaged(exc: Exception, fr: str, en: str) -> ReadError:
    if "memory limit" in str(exc).lower():  # a qpdf cap of _harden_qpdf was reached
        return _bomb()
    return ReadError(f"Le fichier PDF est {fr} : {exc}", f"The PDF file is {en}: {exc}")


def _bomb() -> UnsafeInput:
    return UnsafeInput(
        "Le fichier PDF contient des données compressées qui se décompressent bien au-delà des "
        "limites (bombe de décompression) : il est refusé.",
        "The PDF file holds compressed data that expands far beyond the limits (a decompression "
        "bomb): it is refused.",
    )


def _too_many_objects(count: int, limits: Limits) -> UnsafeInput:
    return UnsafeInput(
        f"Le fichier PDF contient trop d'objets ({count}, maximum {limits.max_pdf_objects}).",
        f"The PDF file has too many objects ({count}, at most {limits.max_pdf_objects}).",
    )


def _checked_objects(pdf: Any, limits: Limits, *, object_streams: bool) -> list[Any]:
    """Every object of the PDF, after the checks that must come before qpdf resolves them all
    (`object_streams`: the file names /ObjStm, so it may have object streams to look at)."""
    if pdf.is_encrypted:
        raise _encrypted()
    declared = pdf.trailer.get("/Size")
    if isinstance(declared, int) and declared > limits.max_pdf_objects + 1:  # + object 0
        raise _too_many_objects(declared, limits)
    if object_streams:
        _check_object_streams(pdf)
    objects = list(pdf.objects)  # resolves every object, object streams decoded by qpdf
    if len(objects) > limits.max_pdf_objects:
        raise _too_many_objects(len(objects), limits)
    if any("memory limit" in warning.lower() for warning in pdf.get_warnings()):
        raise _bomb()  # qpdf stopped at a cap of _harden_qpdf and went on with null objects
    return objects


def _check_object_streams(pdf: Any) -> None:
    """qpdf decodes object streams itself, capped by `_harden_qpdf` for every filter but LZW,
    which it decodes without a ceiling. Object streams (PDF 1.5) never need LZW, which PDF/A
    excludes, nor a filter given by reference: such an object stream is refused before qpdf
    decodes it. Its dictionary is read as qpdf's text, which leaves references unresolved."""
    import pikepdf

    table = pdf.get_xref_table()
    numbers = {entry.obj_stream_number for entry in table.values() if entry.type == 2}
    generations = {number: gen for (number, gen), entry in table.items() if entry.type == 1}
    for number in sorted(numbers):
        stream = pdf.get_object(number, generations.get(number, 0))
        if not isinstance(stream, pikepdf.Stream):
            continue  # qpdf reports it as damaged when it resolves the objects
        text = stream.stream_dict.unparse()
        if _LZW_NAME.search(text) or _INDIRECT_FILTER.search(text):
            raise _lzw_structure()


def _lzw_structure() -> UnsafeInput:
    return UnsafeInput(
        "Le fichier PDF range sa structure (références croisées, objets) dans des flux compressés "
        "d'une façon non prise en charge (filtre LZW, exclu du PDF/A, ou filtre donné par "
        "référence) : il est refusé. Enregistrez-le de nouveau en PDF/A.",
        "The PDF file stores its structure (cross-references, objects) in streams compressed in "
        "an unsupported way (the LZW filter, excluded from PDF/A, or a filter given by "
        "reference): it is refused. Save it again as PDF/A.",
    )


def _refuse_active_content(objects: list[Any]) -> None:
    """Raise `ActiveContent` if any object is or holds active content. Each object's canonical
    text (qpdf writes names unescaped) is searched for the keys of active content; only the
    objects that have one are walked, through their direct dictionaries and arrays."""
    import pikepdf

    found: list[tuple[str, str]] = []
    top: Any
    for obj in objects:
        if isinstance(obj, pikepdf.Stream):
            top = obj.stream_dict
        elif isinstance(obj, pikepdf.Dictionary | pikepdf.Array):
            top = obj
        else:
            continue
        if _ACTIVE_HINT.search(top.unparse(resolved=True)):
            found += _active_in(top)
    if found:
        raise _active_content(found)


def _active_in(top: Any) -> list[tuple[str, str]]:
    import pikepdf

    found: list[tuple[str, str]] = []
    stack = [top]
    while stack:
        item = stack.pop()
        if isinstance(item, pikepdf.Dictionary):
            found += _active_dictionary(item)
            children = [value for _key, value in item.items()]
        elif isinstance(item, pikepdf.Array):
            children = list(item)
        else:
            continue
        for child in children:
            if isinstance(child, pikepdf.Dictionary | pikepdf.Array) and not child.is_indirect:
                stack.append(child)
    return found


def _active_dictionary(item: Any) -> list[tuple[str, str]]:
    import pikepdf

    found: list[tuple[str, str]] = []
    action = item.get("/S")
    kind = item.get("/Type")
    is_action = kind is None or kind == pikepdf.Name.Action
    if is_action and isinstance(action, pikepdf.Name) and str(action) in ACTIVE_ACTIONS:
        found.append(ACTIVE_ACTIONS[str(action)])
    if "/JS" in item or "/JavaScript" in item:  # a script, or the document's JavaScript names
        found.append(_JAVASCRIPT)
    if "/XFA" in item:
        found.append(_XFA)
    if "/EF" in item:
        found += _executable_attachment(item)
    return found


def _executable_attachment(spec: Any) -> list[tuple[str, str]]:
    """A file specification whose name or embedded file type is that of a program or script."""
    import pikepdf

    names = [str(spec[key]) for key in ("/UF", "/F") if isinstance(spec.get(key), pikepdf.String)]
    types = []
    ef = spec.get("/EF")
    if isinstance(ef, pikepdf.Dictionary):
        for key in ("/F", "/UF"):
            stream = ef.get(key)
            if isinstance(stream, pikepdf.Stream):
                types.append(_mime(stream.get("/Subtype")) or "")
    for name in names:
        extension = name.rsplit(".", 1)[-1].strip().lower() if "." in name else ""
        if extension in EXECUTABLE_EXTENSIONS:
            shown = name[-60:]
            return [
                (
                    f"un fichier joint exécutable (« {shown} »)",
                    f"an executable attachment ('{shown}')",
                )
            ]
    if any(t.lower() in EXECUTABLE_TYPES for t in types):
        return [("un fichier joint exécutable", "an executable attachment")]
    return []


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

    Each is decoded by `decode_stream` with `max_xml_bytes` as a ceiling, whatever its filters,
    so a compression bomb stops early.
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
                        content=decode_stream(stream, limits.max_xml_bytes, _EMBEDDED),
                        relationship=str(rel)[1:] if rel is not None else None,
                        mime_type=_mime(subtype),
                    )
                )
            xmp = None
            metadata = pdf.Root.get("/Metadata")
            if isinstance(metadata, pikepdf.Stream):
                xmp = decode_stream(metadata, limits.max_xml_bytes, _METADATA)
        except (UnsafeInput, ReadError):
            raise
        except Exception as exc:
            raise _damaged(exc, "endommagé", "damaged") from exc
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


# --- bounded stream decoding --------------------------------------------------------------------
#
# A stream taken out of an untrusted PDF is decoded here, never by qpdf's read_bytes(): filter
# by filter, each stage stopping as soon as its output passes a cap (the ceiling for the last
# stage, a few times it for the ones before, whose output an ASCII filter may still halve), so
# a small file that would expand to gigabytes costs a few megabytes and milliseconds.

_FILTERS = {
    "/FlateDecode": "flate",
    "/Fl": "flate",
    "/LZWDecode": "lzw",
    "/LZW": "lzw",
    "/ASCIIHexDecode": "hex",
    "/AHx": "hex",
    "/ASCII85Decode": "a85",
    "/A85": "a85",
    "/RunLengthDecode": "rl",
    "/RL": "rl",
}
_EMBEDDED = ("Un fichier joint au PDF", "A file embedded in the PDF")
_METADATA = ("Le bloc de métadonnées XMP du PDF", "The XMP metadata of the PDF")
_INTERMEDIATE = 4  # cap of a stage before the last, in ceilings


class _OverCap(Exception):
    """A decoding stage produced more than its cap."""


def decode_stream(stream: Any, ceiling: int, subject: tuple[str, str] = _EMBEDDED) -> bytes:
    """The decoded content of a pikepdf stream, refusing (`UnsafeInput`) more than `ceiling`
    bytes without ever decoding far past it, whatever its filter chain: FlateDecode, LZWDecode
    (with their PNG / TIFF predictors), ASCIIHexDecode, ASCII85Decode, RunLengthDecode. Other
    filters (images, Crypt) and damaged data are a `ReadError`."""
    chain = _filter_chain(stream)
    if len(chain) > MAX_STREAM_FILTERS:
        raise UnsafeInput(
            f"{subject[0]} enchaîne trop de filtres de compression ({len(chain)}, maximum "
            f"{MAX_STREAM_FILTERS}).",
            f"{subject[1]} chains too many compression filters ({len(chain)}, at most "
            f"{MAX_STREAM_FILTERS}).",
        )
    data = bytes(stream.read_raw_bytes())
    try:
        for position, (name, parms) in enumerate(chain):
            last = position == len(chain) - 1
            cap = ceiling if last else _INTERMEDIATE * ceiling + 2
            data = _decode_stage(name, parms, data, cap)
    except _OverCap:
        raise _too_large(subject, ceiling) from None
    except (ValueError, TypeError, zlib.error) as exc:
        raise ReadError(
            f"{subject[0]} est endommagé ou compressé de façon invalide : {exc}",
            f"{subject[1]} is damaged or wrongly compressed: {exc}",
        ) from exc
    if len(data) > ceiling:
        raise _too_large(subject, ceiling)
    return data


def _too_large(subject: tuple[str, str], ceiling: int) -> UnsafeInput:
    return UnsafeInput(
        f"{subject[0]} est trop volumineux une fois décompressé (plus de {_size(ceiling)}).",
        f"{subject[1]} is too large once decompressed (more than {_size_en(ceiling)}).",
    )


def _filter_chain(stream: Any) -> list[tuple[str, dict[str, int]]]:
    """(filter name, decode parameters) of each stage, in order."""
    import pikepdf

    filters = stream.get("/Filter")
    parms = stream.get("/DecodeParms")
    if filters is None:
        return []
    if isinstance(filters, pikepdf.Name):
        names = [str(filters)]
        parms_list = [parms]
    elif isinstance(filters, pikepdf.Array):
        names = [str(f) if isinstance(f, pikepdf.Name) else "" for f in filters]
        if isinstance(parms, pikepdf.Array):
            parms_list = list(parms)
        else:
            parms_list = [parms] + [None] * (len(names) - 1)
    else:
        raise ReadError(
            "Un flux du PDF a un filtre invalide.", "A stream of the PDF has an invalid filter."
        )
    chain = []
    for index, name in enumerate(names):
        given = parms_list[index] if index < len(parms_list) else None
        chain.append((name, _parms(given)))
    return chain


def _parms(given: Any) -> dict[str, int]:
    import pikepdf

    if not isinstance(given, pikepdf.Dictionary):
        return {}
    found: dict[str, int] = {}
    for key in ("/Predictor", "/Colors", "/BitsPerComponent", "/Columns", "/EarlyChange"):
        value = given.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            found[key] = value
    return found


def _decode_stage(name: str, parms: dict[str, int], data: bytes, cap: int) -> bytes:
    kind = _FILTERS.get(name)
    if kind == "flate":
        return _unpredict(_inflate(data, cap), parms, cap)
    if kind == "lzw":
        return _unpredict(_lzw_decode(data, cap, parms.get("/EarlyChange", 1)), parms, cap)
    if kind == "hex":
        return _hex_decode(data, cap)
    if kind == "a85":
        return _a85_decode(data, cap)
    if kind == "rl":
        return _run_length_decode(data, cap)
    raise ValueError(f"filtre {name or '?'} non pris en charge pour ce contenu")


def _inflate(data: bytes, cap: int) -> bytes:
    inflater = zlib.decompressobj()
    out = inflater.decompress(data, cap + 1)
    if len(out) > cap:
        raise _OverCap
    return out  # a stream cut short gives what was decoded, as qpdf reads it


def _lzw_decode(data: bytes, cap: int, early_change: int) -> bytes:
    """LZWDecode (PDF 32000-1, 7.4.4): 9 to 12-bit codes, 256 clears the table, 257 ends."""
    early = 1 if early_change else 0
    table: list[bytes] = [bytes([i]) for i in range(256)] + [b"", b""]
    out = bytearray()
    previous: bytes | None = None
    width = 9
    buffer = 0
    bits = 0
    for byte in data:
        buffer = (buffer << 8) | byte
        bits += 8
        while bits >= width:
            bits -= width
            code = (buffer >> bits) & ((1 << width) - 1)
            buffer &= (1 << bits) - 1
            if code == 256:
                del table[258:]
                previous = None
                width = 9
                continue
            if code == 257:
                return bytes(out)
            if code < len(table):
                entry = table[code]
                if previous is not None and len(table) < 4096:
                    table.append(previous + entry[:1])
            elif code == len(table) and previous is not None:
                entry = previous + previous[:1]
                table.append(entry)
            else:
                raise ValueError(f"code LZW invalide ({code})")
            out += entry
            if len(out) > cap:
                raise _OverCap
            previous = entry
            if len(table) + early >= (1 << width) and width < 12:
                width += 1
    return bytes(out)


def _unpredict(data: bytes, parms: dict[str, int], cap: int) -> bytes:
    """Undo a TIFF (2) or PNG (10-15) predictor; the output is never larger than the input."""
    predictor = parms.get("/Predictor", 1)
    if predictor <= 1:
        return data
    colors = parms.get("/Colors", 1)
    bpc = parms.get("/BitsPerComponent", 8)
    columns = parms.get("/Columns", 1)
    row = (colors * bpc * columns + 7) // 8
    if not (1 <= colors <= 32 and bpc in (1, 2, 4, 8, 16) and columns >= 1 and row <= cap):
        raise ValueError("paramètres de prédicteur invalides")
    bpp = max(1, colors * bpc // 8)
    if predictor == 2:
        if bpc != 8:
            raise ValueError("prédicteur TIFF non pris en charge pour ces paramètres")
        out = bytearray(data)
        for start in range(0, len(out), row):
            for i in range(start + bpp, min(start + row, len(out))):
                out[i] = (out[i] + out[i - bpp]) & 0xFF
        return bytes(out)
    if predictor < 10:
        raise ValueError(f"prédicteur {predictor} inconnu")
    out = bytearray()
    previous = bytearray(row)
    for start in range(0, len(data), row + 1):
        kind = data[start]
        line = bytearray(data[start + 1 : start + 1 + row].ljust(row, b"\0"))
        if kind == 1:
            for i in range(bpp, row):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif kind == 2:
            for i in range(row):
                line[i] = (line[i] + previous[i]) & 0xFF
        elif kind == 3:
            for i in range(row):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(row):
                a = line[i - bpp] if i >= bpp else 0
                b = previous[i]
                c = previous[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                near = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + near) & 0xFF
        elif kind != 0:
            raise ValueError(f"ligne PNG de type {kind} inconnu")
        out += line
        previous = line
        if len(out) > cap:
            raise _OverCap
    return bytes(out)


_WHITESPACE = b" \t\r\n\f\0"


def _hex_decode(data: bytes, cap: int) -> bytes:
    text = data.split(b">", 1)[0].translate(None, _WHITESPACE)
    if len(text) % 2:
        text += b"0"
    if len(text) // 2 > cap:
        raise _OverCap
    return binascii.unhexlify(text)


def _a85_decode(data: bytes, cap: int) -> bytes:
    text = data.translate(None, _WHITESPACE)
    if text.startswith(b"<~"):
        text = text[2:]
    text = text.split(b"~>", 1)[0]
    zeros = text.count(b"z")
    if 4 * zeros + (len(text) - zeros) * 4 // 5 > cap:
        raise _OverCap
    return base64.a85decode(text)


def _run_length_decode(data: bytes, cap: int) -> bytes:
    out = bytearray()
    i = 0
    while i < len(data):
        length = data[i]
        if length == 128:
            break
        if length < 128:
            out += data[i + 1 : i + 2 + length]
            i += 2 + length
        else:
            out += data[i + 1 : i + 2] * (257 - length)
            i += 2
        if len(out) > cap:
            raise _OverCap
    return bytes(out)
