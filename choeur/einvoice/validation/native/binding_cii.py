"""The CII syntax rules (CII-SR/DT and the BR-CL code lists): not yet native (the
reference engine judges them)."""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree


def rule_ids() -> set[str]:
    """The official ids these tables check."""
    return set()


def check(root: etree._Element) -> Iterator[tuple[str, etree._Element]]:
    """(rule id, element) for every syntax rule that does not hold."""
    return iter(())
