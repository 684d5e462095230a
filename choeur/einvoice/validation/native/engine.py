"""The native engine: every CEN EN 16931 rule of a syntax over one parsed document, in one
pass, with the official ids, severities and messages.

    validate_native(tree, "ubl" | "cii") -> list[Finding]

1. the rule view is built from the tree (`view_ubl` / `view_cii`: one walk);
2. every business rule runs over the view (`rules_business`, `rules_vat`);
3. the syntax rules run over the tree (`binding_ubl` / `binding_cii`: the code lists of the
   BR-CL rules and the UBL-CR/SR/DT or CII-SR/DT rules, as tables).

The severity and the message of each rule come from `catalogue` (the official flags and
texts of release 1.3.16, per syntax); the French wording from `messages`, as for the
reference engine, so that both engines report a rule the same way.
"""

from __future__ import annotations

import decimal
import functools
import gc
import re
from collections.abc import Iterable
from typing import Literal

from lxml import etree

from choeur.einvoice.validation import messages
from choeur.einvoice.validation.native import (
    binding_cii,
    binding_ubl,
    catalogue,
    rules_business,  # noqa: F401  (registers the rules)
    rules_vat,  # noqa: F401
    view_cii,
    view_ubl,
)
from choeur.einvoice.validation.native.registry import BUSINESS, PRECONDITIONS, Check, plan
from choeur.einvoice.validation.native.values import Uncastable
from choeur.einvoice.validation.report import EngineError, Finding, Severity

__all__ = ["implemented", "validate_native"]

NativeSyntax = Literal["ubl", "cii"]
_El = etree._Element

# Exact decimal arithmetic for the rules (Saxon's xs:decimal does not round sums).
_CONTEXT = decimal.Context(prec=200, rounding=decimal.ROUND_HALF_EVEN)

_SEVERITY = {"fatal": Severity.FATAL, "warning": Severity.WARNING, "information": Severity.INFO}


_PLAN: list[tuple[str | None, list[tuple[str, object]]]] = []


def _plan() -> list[tuple[str | None, list[tuple[str, Check]]]]:
    if not _PLAN:
        _PLAN.extend(plan())  # type: ignore[arg-type]
    return _PLAN  # type: ignore[return-value]


def implemented(syntax: NativeSyntax) -> set[str]:
    """The official rule ids the native engine checks for a syntax."""
    binding = binding_ubl if syntax == "ubl" else binding_cii
    official = catalogue.UBL if syntax == "ubl" else catalogue.CII
    found: set[str] = {rule_id for rule_id in BUSINESS if rule_id in official}
    return found | set(binding.rule_ids())


def validate_native(tree: etree._ElementTree | _El, syntax: NativeSyntax) -> list[Finding]:
    """The findings of every CEN rule of `syntax` on a parsed (hardened) document."""
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    official = catalogue.UBL if syntax == "ubl" else catalogue.CII
    fired: list[tuple[str, _El]] = []
    # The run allocates many small objects that form no cycle: the cyclic collector would
    # only rescan them (about a tenth of the time of a large invoice); it runs afterwards.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with decimal.localcontext(_CONTEXT):
            doc = view_ubl.build(root) if syntax == "ubl" else view_cii.build(root)
            append = fired.append
            for when, checks in _plan():
                if when is not None and not PRECONDITIONS[when](doc):
                    continue
                for rule_id, check in checks:
                    try:
                        for el in check(doc):
                            append((rule_id, el))
                    except Uncastable:
                        # the official stylesheet stops here (dynamic error): the rule
                        # cannot hold
                        fired.append((rule_id, root))
            binding = binding_ubl if syntax == "ubl" else binding_cii
            fired.extend(binding.check(root))
    except (ArithmeticError, AttributeError, IndexError, KeyError, TypeError, ValueError) as exc:
        # a shape no rule foresaw: the rules did not all run, so nothing may be concluded
        raise EngineError("native", f"{type(exc).__name__}: {exc}") from exc
    finally:
        if collecting:
            gc.enable()
    return _findings(fired, official, syntax)


def _findings(
    fired: Iterable[tuple[str, _El]], official: dict[str, tuple[str, str]], syntax: str
) -> list[Finding]:
    found: list[Finding] = []
    described = _DESCRIBED[syntax]
    steps: dict[_El, str] = {}  # the location of each element met, for its descendants
    for rule_id, el in fired:
        wording = described.get(rule_id)
        if wording is None:
            flag, text = official[rule_id]
            wording = described[rule_id] = (
                _SEVERITY.get(flag, Severity.FATAL),
                *messages.describe(rule_id, text),
            )
        severity, message_fr, message_en, bt = wording
        where = location(el, syntax, steps)
        if bt is None:
            bt = _bt_of_location(where)
        found.append(
            Finding(
                rule_id=rule_id,
                severity=severity,
                location=where,
                bt=bt,
                message_fr=message_fr,
                message_en=message_en,
                engine="en16931",
            )
        )
    return found


# Per syntax and rule: (severity, message_fr, message_en, bt), worked out at first use.
_DESCRIBED: dict[str, dict[str, tuple[Severity, str, str, str | None]]] = {"ubl": {}, "cii": {}}
_INDEX = re.compile(r"\[\d+\]")


@functools.lru_cache(maxsize=4096)
def _bt_of_tags(tags: str) -> str | None:
    return messages.bt_of_location(tags)


def _bt_of_location(where: str) -> str | None:
    return _bt_of_tags(_INDEX.sub("", where))


def location(el: _El, syntax: str, known: dict[_El, str] | None = None) -> str:
    """The XPath of an element as the reports show it: /ubl:Invoice[1]/cac:Party[1]/...

    `known` remembers the locations worked out (one report's findings share ancestors)."""
    if known is None:
        known = {}
    steps: list[str] = []
    node: _El | None = el
    chain: list[_El] = []
    prefix_path = ""
    while node is not None:
        seen = known.get(node)
        if seen is not None:
            prefix_path = seen
            break
        qname = etree.QName(node)
        prefix = messages.PREFIXES.get(qname.namespace or "")
        name = f"{prefix}:{qname.localname}" if prefix else qname.localname
        parent = node.getparent()
        if parent is None:
            steps.append(f"{name}[1]")
        else:
            position = 1
            for sibling in node.itersiblings(node.tag, preceding=True):
                del sibling
                position += 1
            steps.append(f"{name}[{position}]")
        chain.append(node)
        node = parent
    where = prefix_path
    for node, step in zip(reversed(chain), reversed(steps), strict=True):
        where = f"{where}/{step}"
        known[node] = where
    return where
