"""What validation answers: a `Report` listing `Finding`s, each with a rule id, a severity,
where it applies (XPath and, where it maps, the EN 16931 BT/BG id) and a message in French
and in English.

A report is only ever built from engines that ran to the end: an engine that cannot run
raises `EngineError` instead (validation fails closed, DESIGN.md "Invariants").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

EngineName = Literal["xsd", "en16931", "facturx", "br-fr", "choeur"]


class Severity(StrEnum):
    """FATAL rejects the invoice; WARNING and INFO are reported and never reject."""

    FATAL = "fatal"
    WARNING = "warning"
    INFO = "info"


class EngineError(RuntimeError):
    """A validation engine could not run to the end (missing artefact, dynamic XPath error...).

    Never turned into "valid": the caller must keep the invoice waiting or reject it with
    this reason.
    """

    def __init__(self, engine: str, detail: str) -> None:
        super().__init__(f"{engine}: {detail}")
        self.engine = engine
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str  # official id (BR-16, BR-CO-10, UBL-CR-001, BR-FR-01...) or ours (CHOEUR-...)
    severity: Severity
    location: str  # XPath of the node the finding is about ("" when it is about the file)
    bt: str | None  # EN 16931 BT/BG id where it maps (BT-1, BG-23...)
    message_fr: str
    message_en: str
    engine: EngineName

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "severity": self.severity.value,
            "location": self.location,
            "bt": self.bt,
            "message_fr": self.message_fr,
            "message_en": self.message_en,
            "engine": self.engine,
        }


@dataclass(frozen=True, slots=True)
class Report:
    syntax: str | None  # "ubl", "cii", "facturx" (PDF with CII or UBL inside); None if unreadable
    profile: str  # the validation profile applied: "EN16931" or "BR-FR"
    findings: tuple[Finding, ...] = ()
    engines_run: tuple[str, ...] = ()
    document_profile: str | None = None  # declared Factur-X level: MINIMUM, BASIC WL, ...
    embedded_syntax: str | None = field(default=None)  # for a PDF: "cii" or "ubl"
    rules_engine: str = "reference"  # what judged the CEN rules: "native" or "reference" (XSLT)
    # The hardened tree that was judged (None when the bytes were refused): the deposit reads
    # the pivot from it (`readers.read_tree`) instead of parsing the bytes again.
    tree: Any = field(default=None, compare=False, repr=False)
    # The pivot the platform's own rules read from that tree (None when they did not run): the
    # deposit takes it rather than reading the tree a second time.
    pivot: Any = field(default=None, compare=False, repr=False)

    @property
    def is_valid(self) -> bool:
        return not any(f.severity is Severity.FATAL for f in self.findings)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.FATAL)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    def rule_ids(self, severity: Severity | None = None) -> list[str]:
        """Rule ids in report order, once per finding (a rule may fire several times)."""
        return [f.rule_id for f in self.findings if severity is None or f.severity is severity]

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.is_valid,
            "syntax": self.syntax,
            "embedded_syntax": self.embedded_syntax,
            "profile": self.profile,
            "document_profile": self.document_profile,
            "engines_run": list(self.engines_run),
            "rules_engine": self.rules_engine,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "findings": [f.to_dict() for f in self.findings],
        }
