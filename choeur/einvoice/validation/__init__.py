"""Validation of e-invoices: XSD, the official EN 16931 rules (CEN, Factur-X), the French
public-sector rules (BR-FR) and the platform's own rules, reported for people.

    validate(data, profile=None | "EN16931" | "BR-FR") -> Report
"""

from __future__ import annotations

from choeur.einvoice.validation.pipeline import PROFILES, validate
from choeur.einvoice.validation.report import EngineError, Finding, Report, Severity

__all__ = ["PROFILES", "EngineError", "Finding", "Report", "Severity", "validate"]
