"""validate() measured against the shared corpus: one test case per file, none excused.

* en16931-cen (CEN/TC 434 test material, release 1.3.16): the official expectation, judged
  exactly. Complete documents must be valid with no EN 16931 finding at all (fatal or
  warning); unit fragments are judged only on the rules in their scope, each expected rule
  firing exactly the expected number of times with the expected severity.
* Every other source: agreement with `observed_cen_1_3_16` (what the CEN XSLT 1.3.16 reported),
  on validity and on the EN 16931 rule ids (BR-*, CII-*, UBL-*), errors and warnings apart.
  UBL and CII (bare, or the XML of a Factur-X PDF) run the very CEN XSLT 1.3.16 of their
  syntax, so they must agree exactly; the Factur-X layer of a declared profile may add its
  own findings, never change these.
* Every file: the schema verdict agrees with the measured one (UBL 2.1 maindoc XSD; for CII
  the D16B XSD, which our D22B schema must match: docs/adr/0002-cii-schema-d22b.md).
  See docs/einvoice-validation.md.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from choeur.einvoice.validation import EngineError, Report, Severity, engines, validate
from tests.shared import CORPUS

CEN_FAMILY = re.compile(r"^(BR-(?!FX)|CII-|UBL-)")

# The corpus README names it: the CEN CII XSLT hits a dynamic XPath error (FORG0001, an empty
# amount cast to a number). The engine must say it could not run.
ENGINE_ERROR_EXPECTED = {
    "peppol-bis-billing3/cii/unit-cii-peppol/PEPPOL-EN16931-R053__t01.xml",
}


@dataclass(frozen=True)
class Case:
    source: str
    entry: dict[str, Any]

    @property
    def path(self) -> Path:
        return CORPUS / self.source / self.entry["path"]

    @property
    def key(self) -> str:
        return f"{self.source}/{self.entry['path']}"


def _cases() -> list[Case]:
    if not CORPUS.is_dir():
        return []
    cases = []
    for manifest in sorted(CORPUS.glob("*/manifest.json")):
        for entry in json.loads(manifest.read_text(encoding="utf-8"))["files"]:
            cases.append(Case(manifest.parent.name, entry))
    return cases


CASES = _cases()


@pytest.fixture(scope="module", autouse=True)
def _engines() -> None:
    """Compile the stylesheets once for the whole module (later calls reuse them)."""
    assert CASES, f"corpus vide : {CORPUS}"
    engines.warm_up()


def test_corpus_is_complete() -> None:
    counts = Counter(case.source for case in CASES)
    assert counts["en16931-cen"] == 1203
    assert sum(counts.values()) == 1203 + 372 + 8 + 88


def _judge_cen(case: Case, report: Report) -> list[str]:
    entry = case.entry
    problems = []
    if entry["expected"] == "valid":
        noisy = [f for f in report.findings if f.engine in ("xsd", "en16931")]
        if not report.is_valid or noisy:
            problems.append(
                "a valid document got "
                + ", ".join(sorted({f"{f.rule_id} ({f.severity})" for f in report.findings}))
            )
        return problems
    counts = Counter(report.rule_ids())
    for rule in entry["expected_rules_fire"]:
        wanted = entry["expected_fire_counts"].get(rule, 1)
        if counts[rule] != wanted:
            problems.append(f"{rule} fired {counts[rule]} times, expected {wanted}")
        severity = entry["expected_fire_severity"].get(rule)
        fired = {f.severity for f in report.findings if f.rule_id == rule}
        expected = Severity.WARNING if severity == "warning" else Severity.FATAL
        if severity and fired and fired != {expected}:
            problems.append(f"{rule} fired as {sorted(fired)}, expected {expected}")
    for rule in entry["expected_rules_not_fire"]:
        if counts[rule]:
            problems.append(f"{rule} must not fire, fired {counts[rule]} times")
    return problems


def _lifted_by_the_profile(report: Report) -> set[str] | None:
    """For a document judged by the EXTENDED-CTC-FR rules instead of CEN's: the rule ids the
    profile's official stylesheet has (a CEN rule it does not have, e.g. the UBL-CR
    restrictions it lifts, cannot fire); None for any other document."""
    if "extended-ctc-fr" not in report.engines_run:
        return None
    relative = (
        engines.UBL_EXTENDED_CTC_FR_XSLT
        if report.syntax == "ubl"
        else engines.CII_EXTENDED_CTC_FR_XSLT
    )
    text = engines.artefact_bytes(relative).decode()
    return set(re.findall(r"\[((?:BR|UBL|CII)-[A-Za-z0-9-]+)\]", text))


def _compare_observed(case: Case, report: Report) -> list[str]:
    """Every difference with the CEN 1.3.16 measurement: validity, EN 16931 rule ids (for an
    EXTENDED-CTC-FR document, of the rules its profile keeps)."""
    observed = case.entry["observed_cen_1_3_16"]
    ours_fatal = {f.rule_id for f in report.errors if CEN_FAMILY.match(f.rule_id)}
    ours_warning = {f.rule_id for f in report.warnings if CEN_FAMILY.match(f.rule_id)}
    differing = (set(observed["errors"]) ^ ours_fatal) | (set(observed["warnings"]) ^ ours_warning)
    kept = _lifted_by_the_profile(report)
    if kept is not None:
        lifted = {rule for rule in differing if rule not in kept and rule not in ours_fatal}
        assert lifted <= set(observed["warnings"]) | set(observed["errors"])
        differing -= lifted
    differences = [
        f"{rule}: CEN 1.3.16 {_status(rule, observed)}, ours {_ours(rule, report)}"
        for rule in sorted(differing)
    ]
    observed_valid = not observed["errors"]
    if observed_valid != report.is_valid:
        differences.append(
            f"validity: CEN 1.3.16 {'valid' if observed_valid else 'invalid'}, ours "
            f"{'valid' if report.is_valid else 'invalid'} ("
            + ", ".join(sorted({f.rule_id for f in report.errors}))
            + ")"
        )
    return differences


def _compare_schema(case: Case, report: Report) -> list[str]:
    """The schema verdict against the measured one (D16B for CII, UBL 2.1 maindoc)."""
    observed = case.entry["observed_cen_1_3_16"]
    cii = report.syntax == "cii" or report.embedded_syntax == "cii"
    keys = ["xsd_ok_cii_D16B"] if cii else [k for k in observed if k.startswith("xsd_ok_ubl")]
    assert len(keys) == 1 and keys[0] in observed, f"{case.key}: no schema measurement"
    ours = not [f for f in report.findings if f.engine == "xsd"]
    if observed[keys[0]] == ours:
        return []
    return [f"schema: {keys[0]} {observed[keys[0]]}, ours {'valid' if ours else 'invalid'}"]


def _status(rule: str, observed: dict[str, Any]) -> str:
    if rule in observed["errors"]:
        return "error"
    if rule in observed["warnings"]:
        return "warning"
    return "silent"


def _ours(rule: str, report: Report) -> str:
    severities = sorted({f.severity.value for f in report.findings if f.rule_id == rule})
    return "/".join(severities) or "silent"


@pytest.mark.parametrize("case", CASES, ids=[case.key for case in CASES])
def test_corpus_file(case: Case) -> None:
    data = case.path.read_bytes()
    if case.key in ENGINE_ERROR_EXPECTED:
        with pytest.raises(EngineError, match="FORG0001|Cannot convert"):
            validate(data, engine="reference")
        assert not validate(data, engine="native").is_valid  # the schema and the rules reject it
        return
    report = validate(data)
    assert report.syntax == case.entry["syntax"]
    if case.source == "en16931-cen":
        problems = _judge_cen(case, report)
    else:
        problems = _compare_observed(case, report)
    problems += _compare_schema(case, report)
    assert not problems, f"{case.key}: " + "; ".join(problems)
