"""The value semantics of the official rules, in Python.

The CEN stylesheets are XPath 2.0 over untyped documents. The rules only agree with them if
each value is taken the way the stylesheet takes it, so this module is deliberately literal:

* a text is the element's string value; "absent" (None) and "present but empty" ("") differ
  (`exists(x)` is true for an empty element, `normalize-space(x) != ''` is not);
* `xs:decimal(x)` accepts the decimal lexical form only (no exponent, no INF), XML blanks
  trimmed; it is exact (Python `Decimal`);
* an untyped value compared with, or added to, a number is an `xs:double` (Python `float`,
  the same IEEE binary64), so `BasisAmount = 12.5` is a double comparison;
* `round()` rounds half towards positive infinity, for decimals and doubles alike;
* a double cast to decimal is exact (Saxon keeps every binary digit);
* a value that cannot be cast raises `Uncastable`: the stylesheet stops with a dynamic error
  there (FORG0001), so the rule has no answer (the schema check reports the bad value).
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_FLOOR, Decimal

__all__ = [
    "Uncastable",
    "dbl",
    "dec",
    "decimals",
    "filled",
    "norm",
    "round_dbl",
    "round_dec",
    "to_bool",
]


class Uncastable(ValueError):
    """A value the stylesheet would fail to cast (its rule then raises a dynamic error)."""


_XML_BLANKS = " \t\r\n"
_DECIMAL = re.compile(r"\A[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\Z")
_DOUBLE = re.compile(
    r"\A(?:[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?INF|NaN)\Z"
)
_BLANK_RUN = re.compile(r"[ \t\r\n]+")
_HALF = Decimal("0.5")
_ONE = Decimal(1)


def norm(text: str | None) -> str:
    """normalize-space(): XML blanks trimmed and collapsed; '' for an absent node."""
    if not text:
        return ""
    if (
        text[0] != " "
        and text[-1] != " "
        and "  " not in text
        and "\t" not in text
        and "\n" not in text
        and "\r" not in text
    ):
        return text
    return _BLANK_RUN.sub(" ", text).strip(" ")


def filled(text: str | None) -> bool:
    """normalize-space(x) != '': present and not only blanks."""
    return bool(text) and bool(text.strip(_XML_BLANKS))  # type: ignore[union-attr]


def dec(text: str | None) -> Decimal:
    """xs:decimal(x) of a present node (the callers test presence first)."""
    if text is None:
        raise Uncastable("empty sequence")
    value = text.strip(_XML_BLANKS)
    if not _DECIMAL.match(value):
        raise Uncastable(value)
    return Decimal(value)


def dbl(text: str | None) -> float:
    """An untyped value in a numeric comparison or arithmetic: xs:double."""
    if text is None:
        raise Uncastable("empty sequence")
    value = text.strip(_XML_BLANKS)
    if not _DOUBLE.match(value):
        raise Uncastable(value)
    if value.endswith("INF"):
        return -math.inf if value.startswith("-") else math.inf
    if value == "NaN":
        return math.nan
    return float(value)


def to_bool(text: str | None) -> bool:
    """An untyped value compared with true() / false(): xs:boolean."""
    if text is None:
        raise Uncastable("empty sequence")
    value = text.strip(_XML_BLANKS)
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise Uncastable(value)


def round_dec(value: Decimal) -> Decimal:
    """fn:round on xs:decimal: half towards positive infinity."""
    return (value + _HALF).quantize(_ONE, rounding=ROUND_FLOOR)


def round_dbl(value: float) -> float:
    """fn:round on xs:double (Java's Math.round semantics, kept as a double)."""
    if math.isnan(value) or math.isinf(value) or value == 0.0:
        return value
    floor = math.floor(value)
    result = float(floor + 1) if value - floor >= 0.5 else float(floor)
    if result == 0.0 and value < 0:
        return -0.0
    return result


def decimals(text: str | None) -> int:
    """string-length(substring-after(x, '.')): what the BR-DEC rules count (absent: 0)."""
    if not text:
        return 0
    dot = text.find(".")
    return 0 if dot < 0 else len(text) - dot - 1
