"""The value semantics of the official rules, in Python.

The CEN stylesheets are XPath 2.0 over untyped documents. The rules only agree with them if
each value is taken the way the stylesheet takes it, so this module is deliberately literal:

* a text is the element's string value; "absent" (None) and "present but empty" ("") differ
  (`exists(x)` is true for an empty element, `normalize-space(x) != ''` is not);
* `xs:decimal(x)` accepts the decimal lexical form only (no exponent, no INF), XML blanks
  trimmed; it is exact (Python `Decimal`);
* an untyped value added to a number is an `xs:double` (Python `float`, the same IEEE
  binary64); compared with a number (`BasisAmount = 12.5`, `ChargeAmount >= 0`), Saxon takes
  it as a double too but orders the values totally, as Java's `Double.compare` does: -0.0
  is then *less* than 0 (a tax amount written "-0.00" is not "= 0"), NaN above everything,
  and an integer-looking text ("-0") is read as an integer first (`ucmp`);
* `round()` rounds half towards positive infinity, for decimals and doubles alike;
* a double cast to decimal is exact (Saxon keeps every binary digit);
* a value that cannot be cast raises `Uncastable`: the stylesheet stops with a dynamic error
  there (FORG0001), so the rule has no answer (the schema check reports the bad value).
"""

from __future__ import annotations

import math
import re
import struct
from collections.abc import Callable
from decimal import ROUND_FLOOR, Decimal
from typing import TypeVar

T = TypeVar("T")

__all__ = [
    "Several",
    "Uncastable",
    "dbl",
    "dec",
    "decimals",
    "filled",
    "norm",
    "round_dbl",
    "round_dec",
    "to_bool",
    "ucmp",
]


class Uncastable(ValueError):
    """A value the stylesheet would fail to cast (its rule then raises a dynamic error)."""


try:
    from mypy_extensions import mypyc_attr
except ImportError:  # pure Python: the decorator only tells mypyc (`make compile`) something

    def mypyc_attr(*attrs: str, **kwattrs: object) -> Callable[[type[T]], type[T]]:  # type: ignore[misc]
        return lambda cls: cls


# mypyc cannot compile a subclass of str: it stays a Python class there.
@mypyc_attr(native_class=False)
class Several(str):
    """The first of several values where the stylesheet expects one (normalize-space,
    substring-after, xs:decimal... of two nodes are type errors there, XPTY0004): taken as a
    single value, it is Uncastable; tested for presence or compared as a string, it is the
    first value."""


def _single(text: str) -> None:
    if type(text) is Several:
        raise Uncastable("several values")


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
    _single(text)
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
    if text:
        _single(text)
    return bool(text) and bool(text.strip(_XML_BLANKS))  # type: ignore[union-attr]


def dec(text: str | None) -> Decimal:
    """xs:decimal(x) of a present node (the callers test presence first)."""
    if text is None:
        raise Uncastable("empty sequence")
    _single(text)
    value = text.strip(_XML_BLANKS)
    if not _DECIMAL.match(value):
        raise Uncastable(value)
    return Decimal(value)


def dbl(text: str | None) -> float:
    """An untyped value in a numeric comparison or arithmetic: xs:double."""
    if text is None:
        raise Uncastable("empty sequence")
    _single(text)
    value = text.strip(_XML_BLANKS)
    if not _DOUBLE.match(value):
        raise Uncastable(value)
    if value.endswith("INF"):
        return -math.inf if value.startswith("-") else math.inf
    if value == "NaN":
        return math.nan
    return float(value)


_INTEGER = re.compile(r"\A[+-]?[0-9]+\Z")


def _order(value: float) -> int:
    """The total order of Java's Double.compare (doubleToLongBits as a signed long)."""
    if math.isnan(value):
        return 0x7FF8000000000000
    bits: int = struct.unpack(">q", struct.pack(">d", value))[0]
    return bits


def ucmp(text: str | None, number: float) -> int:
    """An untyped value compared with a number, as Saxon compares them: -1, 0 or 1."""
    if text is None:
        raise Uncastable("empty sequence")
    value = text.strip(_XML_BLANKS)
    left = float(int(value)) if _INTEGER.match(value) else dbl(value)
    if left < number:
        return -1
    if left > number:
        return 1
    if left == number and (left != 0.0 or math.copysign(1.0, left) == math.copysign(1.0, number)):
        return 0
    a, b = _order(left), _order(float(number))
    return (a > b) - (a < b)


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
    _single(text)
    dot = text.find(".")
    return 0 if dot < 0 else len(text) - dot - 1
