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
Precondition = Callable[[Doc], bool]

BUSINESS: dict[str, Check] = {}
# A rule may say when it can fail at all (`when`): the rules of allowances when there are
# allowances or charges, those of a VAT category when the category is used... The engine
# tests each precondition once per document and skips the rules whose test is false.
WHEN: dict[str, str] = {}  # rule id -> precondition name
PRECONDITIONS: dict[str, Precondition] = {}


def rule(rule_id: str, *, when: str | None = None) -> Callable[[Check], Check]:
    """Register a business rule under its official id (once)."""

    def register(check: Check) -> Check:
        if rule_id in BUSINESS:
            raise ValueError(f"rule {rule_id} registered twice")
        BUSINESS[rule_id] = check
        if when is not None:
            WHEN[rule_id] = when
        return check

    return register


def precondition(name: str) -> Callable[[Precondition], Precondition]:
    def register(test: Precondition) -> Precondition:
        PRECONDITIONS[name] = test
        return test

    return register


def plan() -> list[tuple[str | None, list[tuple[str, Check]]]]:
    """The rules grouped by precondition (None: always run), in registration order."""
    groups: dict[str | None, list[tuple[str, Check]]] = {}
    for rule_id, check in BUSINESS.items():
        groups.setdefault(WHEN.get(rule_id), []).append((rule_id, check))
    unknown = {name for name in groups if name is not None} - set(PRECONDITIONS)
    if unknown:
        raise ValueError(f"unknown preconditions: {sorted(unknown)}")
    return list(groups.items())
