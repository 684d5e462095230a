"""validate(): reports, bad input, engines that cannot run, messages, profiles, rules."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path

import pytest

from choeur.einvoice import validate as facade_validate
from choeur.einvoice.validation import (
    EngineError,
    Finding,
    Report,
    Severity,
    engines,
    messages,
    pipeline,
    rules,
    validate,
)
from tests.shared import CORPUS

UBL_VALID = "en16931-cen/ubl/examples/BIS3_Invoice_negativ.XML"
CII_VALID = "en16931-cen/cii/examples/CII_example1.xml"
CII_XRECHNUNG = "en16931-cen/cii/examples/CII_business_example_Z.xml"
CII_EXTENDED = "akretion-factur-x/cii/fixtures/factur-x-extended.xml"
FACTURX_VALID = "akretion-factur-x/facturx/fixtures/invoice_EN16931.pdf"
FACTURX_MINIMUM = "zugferd-corpus/facturx/fnfe-examples/Facture_FR_MINIMUM.pdf"
CII_DYNAMIC_ERROR = "peppol-bis-billing3/cii/unit-cii-peppol/PEPPOL-EN16931-R053__t01.xml"


def corpus(path: str) -> bytes:
    return (CORPUS / path).read_bytes()


def finding(rule_id: str = "BR-01", severity: Severity = Severity.FATAL) -> Finding:
    return Finding(rule_id, severity, "/ubl:Invoice[1]", "BT-24", "fr", "en", "en16931")


# --- Report -------------------------------------------------------------------------------------


def test_report_with_only_warnings_is_valid() -> None:
    report = Report("ubl", "EN16931", (finding("UBL-CR-001", Severity.WARNING),), ("en16931",))
    assert report.is_valid
    assert report.errors == ()
    assert [f.rule_id for f in report.warnings] == ["UBL-CR-001"]


def test_report_with_one_fatal_finding_is_invalid() -> None:
    report = Report("ubl", "EN16931", (finding("UBL-CR-001", Severity.WARNING), finding()))
    assert not report.is_valid
    assert [f.rule_id for f in report.errors] == ["BR-01"]


def test_report_to_dict_is_json() -> None:
    report = Report("cii", "BR-FR", (finding(),), ("xsd", "en16931"), "EN 16931")
    data = json.loads(json.dumps(report.to_dict()))
    assert data["valid"] is False
    assert data["errors"] == 1
    assert data["findings"][0] == {
        "rule_id": "BR-01",
        "severity": "fatal",
        "location": "/ubl:Invoice[1]",
        "bt": "BT-24",
        "message_fr": "fr",
        "message_en": "en",
        "engine": "en16931",
    }
    assert data["engines_run"] == ["xsd", "en16931"]


def test_findings_are_frozen() -> None:
    with pytest.raises(AttributeError):
        finding().rule_id = "BR-02"  # type: ignore[misc]


# --- bad input: a report with one FATAL finding, never an exception ---------------------------


@pytest.mark.parametrize(
    ("data", "rule_id", "words"),
    [
        (b"", "CHOEUR-READ-01", "vide"),
        (b"   \n", "CHOEUR-READ-01", "vide"),
        (b"not xml at all", "CHOEUR-READ-01", "XML bien formé"),
        (b"<Invoice><unclosed></Invoice>", "CHOEUR-READ-01", "XML bien formé"),
        (b"<html><body>hello</body></html>", "CHOEUR-READ-05", "ni CII"),
        (b"%PDF-1.7\n garbage that is no PDF", "CHOEUR-READ-03", "PDF"),
    ],
)
def test_bad_input_gives_one_fatal_finding(data: bytes, rule_id: str, words: str) -> None:
    report = validate(data)
    assert not report.is_valid
    assert [f.rule_id for f in report.findings] == [rule_id]
    assert words in report.findings[0].message_fr
    assert report.findings[0].message_en
    assert report.engines_run == ()


def test_xml_with_external_entity_is_refused_and_never_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    data = (
        f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret}">]>'
        '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&e;</Invoice>'
    ).encode()
    report = validate(data)
    assert not report.is_valid
    assert [f.rule_id for f in report.findings] == ["CHOEUR-READ-02"]
    assert "TOP-SECRET" not in json.dumps(report.to_dict())


def test_billion_laughs_is_refused() -> None:
    entities = '<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)
    )
    data = f'<?xml version="1.0"?><!DOCTYPE x [{entities}]><x>&l9;</x>'.encode()
    report = validate(data)
    assert [f.rule_id for f in report.findings] == ["CHOEUR-READ-02"]


def test_oversized_or_too_deep_xml_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from choeur.einvoice import security

    monkeypatch.setattr(security, "_default_limits", security.Limits(max_xml_bytes=100))
    report = validate(b"<x>" + b"a" * 200 + b"</x>")
    assert [f.rule_id for f in report.findings] == ["CHOEUR-READ-02"]
    monkeypatch.setattr(security, "_default_limits", security.Limits(max_depth=5))
    report = validate(b"<a>" * 10 + b"</a>" * 10)
    assert [f.rule_id for f in report.findings] == ["CHOEUR-READ-02"]


def test_encrypted_or_huge_pdf_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from pypdf import PdfWriter

    from choeur.einvoice import security

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    report = validate(buffer.getvalue())
    assert (report.syntax, report.rule_ids()) == ("facturx", ["CHOEUR-READ-02"])
    monkeypatch.setattr(security, "_default_limits", security.Limits(max_pdf_bytes=10))
    report = validate(b"%PDF-1.7\n" + b"0" * 100)
    assert report.rule_ids() == ["CHOEUR-READ-02"]


def test_pdf_without_embedded_invoice_is_reported() -> None:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    report = validate(buffer.getvalue())
    assert report.syntax == "facturx"
    assert [f.rule_id for f in report.findings] == ["CHOEUR-READ-04"]
    assert "factur-x.xml" in report.findings[0].message_fr


def test_unknown_profile_and_option_are_programming_errors() -> None:
    with pytest.raises(ValueError, match="Profil de validation inconnu"):
        validate(b"<x/>", profile="XRECHNUNG")
    with pytest.raises(TypeError, match="inconnues"):
        validate(b"<x/>", colour="blue")


# --- the engines --------------------------------------------------------------------------------


def test_valid_ubl_runs_xsd_and_cen_rules() -> None:
    report = validate(corpus(UBL_VALID))
    assert report.is_valid
    assert report.findings == ()
    assert report.syntax == "ubl"
    assert report.engines_run == ("xsd", "en16931")


def test_facade_calls_the_same_validation() -> None:
    assert facade_validate(corpus(UBL_VALID)) == validate(corpus(UBL_VALID))


def test_cen_rule_finding_has_french_message_bt_and_readable_location() -> None:
    broken = corpus(UBL_VALID).replace(
        b"<cbc:DocumentCurrencyCode>", b"<cbc:DocumentCurrencyCode>X", 1
    )
    report = validate(broken)
    assert not report.is_valid
    br_cl_04 = [f for f in report.findings if f.rule_id == "BR-CL-04"]
    assert br_cl_04, report.rule_ids()
    assert br_cl_04[0].message_fr.startswith("La devise de la facture (BT-5)")
    assert "ISO code list 4217" in br_cl_04[0].message_en
    assert br_cl_04[0].bt == "BT-5"
    assert br_cl_04[0].engine == "en16931"
    assert "namespace-uri()" not in br_cl_04[0].location
    assert br_cl_04[0].location.startswith("/ubl:Invoice[1]/cbc:DocumentCurrencyCode")


def test_xsd_errors_are_fatal_and_explained_in_french() -> None:
    data = corpus(UBL_VALID).replace(
        b"<cbc:IssueDate>", b"<cbc:Bogus>x</cbc:Bogus><cbc:IssueDate>", 1
    )
    report = validate(data)
    xsd = [f for f in report.findings if f.engine == "xsd"]
    assert xsd and all(f.severity is Severity.FATAL for f in xsd)
    assert "cbc:Bogus" in xsd[0].message_fr
    assert "n'est pas attendu" in xsd[0].message_fr
    assert "This element is not expected" in xsd[0].message_en


def test_xsd_can_be_skipped_but_rules_still_run() -> None:
    report = validate(corpus("en16931-cen/ubl/unit-invoice/BR-01__t01.xml"), xsd=False)
    assert "xsd" not in report.engines_run
    assert "BR-02" in report.rule_ids()


def test_warnings_never_reject() -> None:
    # CEN flags CII-DT-052, CII-SR-039... as warnings on this Factur-X EXTENDED fixture
    report = validate(corpus(CII_EXTENDED))
    assert report.warnings
    assert {f.engine for f in report.warnings} == {"en16931"}
    assert report.is_valid


def test_bare_cii_is_judged_on_the_cen_cii_rules_only() -> None:
    report = validate(corpus(CII_XRECHNUNG))
    assert report.is_valid
    assert report.findings == ()
    assert report.engines_run == ("xsd", "en16931")
    assert report.document_profile is None


def test_an_unknown_identifier_scheme_rejects_a_bare_cii_under_its_cen_rule() -> None:
    report = validate(
        corpus("zugferd-corpus/cii/xml-rechnung-cii/EN16931_ElektronischeAdresse.cii.xml")
    )
    assert not report.is_valid
    scheme = [f for f in report.errors if f.rule_id == "BR-CL-25"]
    assert scheme and scheme[0].engine == "en16931"
    assert "FX-SCH-A-000571" not in report.rule_ids()


def test_the_same_cii_inside_a_factur_x_pdf_adds_the_factur_x_profile_rules() -> None:
    report = validate(
        corpus("zugferd-corpus/facturx/xml-rechnung-fx/EN16931_ElektronischeAdresse.pdf")
    )
    assert report.syntax == "facturx"
    assert report.embedded_syntax == "cii"
    assert report.document_profile == "EN 16931"
    assert report.engines_run == ("xsd", "en16931", "facturx")
    errors = {(f.rule_id, f.engine) for f in report.errors}
    assert {("BR-CL-25", "en16931"), ("FX-SCH-A-000571", "facturx")} <= errors
    scheme = next(f for f in report.errors if f.rule_id == "FX-SCH-A-000571")
    assert "schéma d'identification" in scheme.message_fr


def test_factur_x_pdf_is_validated_from_its_embedded_xml() -> None:
    report = validate(corpus(FACTURX_VALID))
    assert report.is_valid, report.rule_ids()
    assert (report.syntax, report.embedded_syntax) == ("facturx", "cii")
    assert report.engines_run == ("xsd", "en16931", "facturx")


def test_minimum_profile_adds_its_own_stylesheet_to_the_cen_rules(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    used: list[str] = []
    real = engines.run_schematron

    def spy(serialised: str, relative: str) -> list[engines.SvrlFinding]:
        used.append(relative)
        return real(serialised, relative)

    monkeypatch.setattr(engines, "run_schematron", spy)
    report = validate(corpus(FACTURX_MINIMUM), engine="reference")
    assert report.document_profile == "MINIMUM"
    assert used == [engines.CII_EN16931_XSLT, engines.FACTURX_XSLT["MINIMUM"]]
    # no lines in MINIMUM: not an EN 16931 invoice, and the CEN rules are decisive
    assert ("BR-16", Severity.FATAL, "en16931") in [
        (f.rule_id, f.severity, f.engine) for f in report.findings
    ]
    assert not report.is_valid


def test_only_the_reserialised_tree_reaches_saxon(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real = engines.run_schematron

    def spy(serialised: str, relative: str) -> list[engines.SvrlFinding]:
        seen.append(serialised)
        return real(serialised, relative)

    monkeypatch.setattr(engines, "run_schematron", spy)
    raw = corpus(UBL_VALID)
    noisy = raw.replace(b"?>", b"?>\n<?hello world?>\n<!-- comment -->", 1)
    validate(noisy, engine="reference")
    assert len(seen) == 1
    assert not seen[0].startswith("<?xml")  # lxml's serialisation, not the sender's bytes
    assert "<!DOCTYPE" not in seen[0]


def test_dynamic_xpath_error_raises_engine_error_never_valid() -> None:
    with pytest.raises(EngineError) as raised:
        validate(corpus(CII_DYNAMIC_ERROR), engine="reference")
    assert raised.value.engine == "saxonche"
    assert "EN16931-CII-validation.xslt" in raised.value.detail


def test_missing_artefact_raises_engine_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(engines, "artefacts_dir", lambda: tmp_path)
    monkeypatch.setattr(engines, "_schemas", {})
    data = b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>'
    with pytest.raises(EngineError, match="artefact introuvable"):
        validate(data)


def test_unreadable_svrl_raises_engine_error() -> None:
    with pytest.raises(EngineError):
        engines.parse_svrl(b"<not-svrl/>")
    with pytest.raises(EngineError):
        engines.parse_svrl(b"<<<")


def test_stylesheets_compile_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    validate(corpus(UBL_VALID))
    runtime = engines._runtime()
    compiled = dict(runtime.executables)
    calls = 0
    real = runtime.compiler.compile_stylesheet

    class Counting:
        def compile_stylesheet(self, **kwargs: object) -> object:
            nonlocal calls
            calls += 1
            return real(**kwargs)

    monkeypatch.setattr(runtime, "compiler", Counting())
    for _ in range(3):
        validate(corpus(UBL_VALID))
    assert calls == 0
    assert runtime.executables[engines.UBL_EN16931_XSLT] is compiled[engines.UBL_EN16931_XSLT]


# --- profiles -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [None, "EN16931", "en 16931", "EN-16931"])
def test_en16931_profile_names(name: str | None) -> None:
    assert pipeline.normalise_profile(name) == "EN16931"


def test_br_fr_profile_adds_french_rules_and_platform_rules() -> None:
    report = validate(corpus(UBL_VALID), profile="BR-FR")
    assert report.profile == "BR-FR"
    assert report.engines_run == ("xsd", "en16931", "br-fr", "choeur")
    br_fr = [f for f in report.findings if f.engine == "br-fr"]
    assert {"BR-FR-05_BT-22-1", "BR-FR-10_BT-30"} <= {f.rule_id for f in br_fr}
    pmt = next(f for f in br_fr if f.rule_id == "BR-FR-05_BT-22-1")
    assert pmt.message_fr.startswith("La mention relative aux frais de recouvrement")
    assert "recovery costs" in pmt.message_en
    assert pmt.bt == "BT-22"


def test_french_factur_x_invoice_passes_br_fr() -> None:
    report = validate(corpus(FACTURX_VALID), profile="BR-FR")
    assert report.is_valid, [(f.rule_id, f.message_fr) for f in report.findings]
    assert report.engines_run == ("xsd", "en16931", "facturx", "br-fr", "choeur")


# --- messages -----------------------------------------------------------------------------------


def test_every_cen_rule_in_the_table_has_french_and_a_bt_or_none() -> None:
    for rule_id, (bt, text) in messages.RULES_FR.items():
        assert text.endswith("."), rule_id
        assert bt is None or bt.startswith(("BT-", "BG-")), rule_id


def test_at_least_a_hundred_en16931_rules_have_our_french_wording() -> None:
    ids = [f"BR-{n:02d}" for n in range(1, 66)]
    ids += [f"BR-CO-{n:02d}" for n in range(3, 27)]
    ids += [
        f"BR-{c}-{n:02d}"
        for c in ("S", "Z", "E", "AE", "IC", "G", "O", "AF", "AG")
        for n in range(1, 11)
    ]
    covered = [i for i in ids if messages.french_for(i)]
    assert len(covered) >= 150


@pytest.mark.parametrize(
    ("rule_id", "english", "french_start", "bt"),
    [
        (
            "BR-16",
            "[BR-16]-An Invoice shall have at least one Invoice line (BG-25)",
            "La facture doit comporter au moins une ligne",
            "BG-25",
        ),
        (
            "BR-S-08",
            "[BR-S-08]-For each different value...",
            "Pour la catégorie de TVA « taux normal » (S), la base",
            "BT-116",
        ),
        (
            "BR-IC-05",
            "[BR-IC-05]-...",
            "Sur une ligne de catégorie de TVA « livraison intracommunautaire » (K), le taux de TVA (BT-152) doit être égal à 0",
            "BT-152",
        ),
        (
            "BR-O-05",
            "[BR-O-05]-...",
            "Sur une ligne de catégorie de TVA « hors champ de la TVA » (O), le taux de TVA (BT-152) ne doit pas être indiqué",
            "BT-152",
        ),
        (
            "BR-DEC-23",
            "[BR-DEC-23]-The allowed maximum number of decimals for the Invoice line net amount (BT-131) is 2.",
            "Le montant « montant net de la ligne » (BT-131) ne doit pas avoir plus de deux décimales",
            "BT-131",
        ),
        (
            "UBL-CR-001",
            "[UBL-CR-001]-A UBL invoice should not include extensions",
            "Règle UBL-CR-001 non respectée : A UBL invoice should not include extensions",
            None,
        ),
    ],
)
def test_describe(rule_id: str, english: str, french_start: str, bt: str | None) -> None:
    message_fr, message_en, found_bt = messages.describe(rule_id, english)
    assert message_fr.startswith(french_start)
    assert not message_en.startswith("[")
    assert found_bt == bt


def test_pretty_xpath_and_bt_of_location() -> None:
    location = (
        "/*:Invoice[namespace-uri()='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'][1]"
        "/*:LegalMonetaryTotal[namespace-uri()='urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2'][1]"
    )
    pretty = messages.pretty_xpath(location)
    assert pretty == "/ubl:Invoice[1]/cac:LegalMonetaryTotal[1]"
    assert messages.bt_of_location(pretty) == "BG-22"
    buyer = "/ubl:Invoice[1]/cac:AccountingCustomerParty[1]/cac:Party[1]/cbc:EndpointID[1]"
    seller = "/rsm:CrossIndustryInvoice[1]/rsm:SupplyChainTradeTransaction[1]/ram:ApplicableHeaderTradeAgreement[1]/ram:SellerTradeParty[1]/ram:URIUniversalCommunication[1]/ram:URIID[1]"
    assert messages.bt_of_location(buyer) == "BT-49"
    assert messages.bt_of_location(seller) == "BT-34"


@pytest.mark.parametrize(
    ("svrl_id", "text", "expected"),
    [
        ("BR-16", "[BR-16]-An Invoice shall...", "BR-16"),
        ("FX-SCH-A-000047", "[BR-45]-Each VAT breakdown...", "FX-SCH-A-000047"),
        (None, "[BR-FXEXT-CO-10]-Absolute Value...", "BR-FXEXT-CO-10"),
        ("FX-SCH-A-000556", "Value of 'ram:ID' is not allowed.", "FX-SCH-A-000556"),
        (
            None,
            "Element 'ram:Name' is marked as not used in the given context.",
            "FX-PROFILE-UNUSED",
        ),
        ("BR-FR-01_BT-1", "BR-FR-01/BT-1 : L'identifiant...", "BR-FR-01_BT-1"),
    ],
)
def test_rule_ids_of_the_factur_x_stylesheets(
    svrl_id: str | None, text: str, expected: str
) -> None:
    assert pipeline.rule_id_of(svrl_id, text) == expected


@pytest.mark.parametrize(
    ("svrl_id", "text", "expected"),
    [
        ("BR-16", "[BR-16]-An Invoice shall...", "BR-16"),
        ("CII-SR-465", "[CII-SR-465] - Only one BT-41...", "CII-SR-465"),
        ("FX-SCH-A-000047", "[BR-45]-Each VAT breakdown...", "BR-45"),
        ("FX-SCH-A-000556", "Value of 'ram:ID' is not allowed.", None),
        ("BR-FXEXT-CO-10", "[BR-FXEXT-CO-10]-Absolute Value...", None),
        ("PEPPOL-EN16931-R008", "[PEPPOL-EN16931-R008]-Document MUST...", None),
        (None, "Element 'ram:Name' is marked as not used in the given context.", None),
    ],
)
def test_cen_rules_repeated_by_the_factur_x_stylesheets(
    svrl_id: str | None, text: str, expected: str | None
) -> None:
    assert pipeline.cen_rule_of(svrl_id, text) == expected


# --- the platform's own rules -------------------------------------------------------------------


def test_rule_registry_refuses_a_duplicate_id() -> None:
    with pytest.raises(ValueError, match="déjà enregistrée"):
        rules.rule("CHOEUR-01")(lambda invoice: [])


def test_rules_are_registered_under_their_ids() -> None:
    assert {"CHOEUR-01", "CHOEUR-02", "CHOEUR-03", "CHOEUR-04"} <= set(rules.RULES)


def test_platform_rules_over_the_pivot() -> None:
    from dataclasses import replace

    from choeur.einvoice import read
    from choeur.einvoice.model import Identifier

    invoice = read(corpus(FACTURX_VALID))
    assert rules.check(invoice) == []
    anonymous_buyer = replace(
        invoice.buyer, legal_registration_id=None, electronic_address=None, identifiers=[]
    )
    no_siret = replace(
        invoice.seller,
        legal_registration_id=Identifier("123456782", "0002"),
        identifiers=[Identifier("123", None)],
    )
    bad_siret = replace(invoice.seller, identifiers=[Identifier("12345678200078", "0009")])
    totals = replace(invoice.totals, payable_amount=invoice.totals.payable_amount + Decimal("5"))
    cases = {
        "CHOEUR-01": replace(invoice, buyer=anonymous_buyer),
        "CHOEUR-02": replace(invoice, seller=no_siret),
        "CHOEUR-03": replace(invoice, seller=bad_siret),
        "CHOEUR-04": replace(invoice, totals=totals),
    }
    for rule_id, broken in cases.items():
        found = rules.check(broken, xml_syntax="cii")
        assert [f.rule_id for f in found] == [rule_id], rule_id
        assert found[0].severity is Severity.FATAL
        assert found[0].engine == "choeur"
        assert found[0].location.startswith("/rsm:CrossIndustryInvoice")
        assert found[0].message_fr and found[0].message_en


def test_foreign_seller_needs_no_siret() -> None:
    from choeur.einvoice import read

    invoice = read(corpus(UBL_VALID))  # a Danish seller
    assert "CHOEUR-02" not in [f.rule_id for f in rules.check(invoice)]


def test_platform_rules_run_with_br_fr_only_unless_asked() -> None:
    assert "choeur" not in validate(corpus(UBL_VALID)).engines_run
    assert "choeur" in validate(corpus(UBL_VALID), rules=True).engines_run
    assert "choeur" not in validate(corpus(UBL_VALID), profile="BR-FR", rules=False).engines_run


@pytest.mark.parametrize("level", ["EN 16931", "MINIMUM", "EXTENDED"])
def test_codedb_bound_once_gives_the_same_findings_as_the_stylesheet_as_shipped(level: str) -> None:
    from choeur.einvoice.validation import inputs

    runtime = engines._runtime()
    shipped = runtime.compiler.compile_stylesheet(
        stylesheet_file=str(engines.artefact(engines.CII_XSLT[level]))
    )
    for path in (CII_VALID, "zugferd-corpus/cii/xml-rechnung-cii/EN16931_Rabatte.cii.xml"):
        document = inputs.load(corpus(path))
        assert isinstance(document, inputs.Document)
        node = runtime.processor.parse_xml(xml_text=document.serialised)
        expected = engines.parse_svrl(shipped.transform_to_string(xdm_node=node).encode())
        assert engines.run_schematron(document.serialised, engines.CII_XSLT[level]) == expected


def test_codedb_rebinding_leaves_other_stylesheets_alone() -> None:
    assert engines._with_codedb_parameter("<xsl:stylesheet version='2.0'></xsl:stylesheet>") is None
    rebound = engines._with_codedb_parameter(
        "<xsl:stylesheet version='2.0'><xsl:if test=\"document('X_codedb.xml')/a\"/></xsl:stylesheet>"
    )
    assert rebound is not None
    text, name = rebound
    assert name == "X_codedb.xml"
    assert "document(" not in text
    assert '<xsl:param name="choeur-codedb"' in text


def test_a_forked_worker_compiles_its_own_engines() -> None:
    # Celery prefork and gunicorn fork after the parent may have validated already.
    data = corpus(UBL_VALID)
    assert validate(data).is_valid
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        try:
            report = validate(data)
            os.write(write_end, b"valid" if report.is_valid else b"invalid")
        finally:
            os._exit(0)
    os.close(write_end)
    _, status = os.waitpid(pid, 0)
    answer = os.read(read_end, 16)
    os.close(read_end)
    assert (answer, os.waitstatus_to_exitcode(status)) == (b"valid", 0)
    assert validate(data).is_valid


def test_threads_share_the_engines_safely() -> None:
    from concurrent.futures import ThreadPoolExecutor

    inputs = [corpus(UBL_VALID), corpus(CII_VALID), corpus(FACTURX_VALID), b"<x"] * 4
    expected = [validate(data) for data in inputs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(validate, inputs))
    assert got == expected
