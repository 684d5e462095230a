"""The platform's own rules (ids CHOEUR-xx), small registered functions over the pivot."""

from __future__ import annotations

from choeur.einvoice.validation.report import Finding


def run_rules(xml: bytes) -> list[Finding]:
    return []
