"""The registry of native rules: `@rule("BR-CO-10")` over the rule view.

A rule is a function `(doc) -> iterable of elements`: the elements where the rule does not
hold (the finding's location), nothing when it holds. A rule raising `values.Uncastable`
is reported as failing at the document: the official stylesheet stops on that value with a
dynamic error, and a rule that cannot be decided never passes (fail closed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from lxml import etree

from choeur.einvoice.validation.native.view import Doc

Check = Callable[[Doc], Iterable[etree._Element]]

BUSINESS: dict[str, Check] = {}


def rule(rule_id: str) -> Callable[[Check], Check]:
    """Register a business rule under its official id (once)."""

    def register(check: Check) -> Check:
        if rule_id in BUSINESS:
            raise ValueError(f"rule {rule_id} registered twice")
        BUSINESS[rule_id] = check
        return check

    return register
