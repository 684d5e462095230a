"""Every CSV the platform writes goes through here: cells a spreadsheet would run as a formula
(CSV/formula injection, OWASP) are neutralised with a leading apostrophe.

A cell starting with = + - @ (or a tab or carriage return, which some spreadsheets skip before
reading the formula) is text from a supplier, a buyer or the directory: « =HYPERLINK(...) » as a
raison sociale must stay text. Plain numbers (« -12,50 » on a credit note) are left as they are.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"\A[+-]?\d+(?:[.,]\d+)?\Z")


def csv_safe(value: Any) -> Any:
    """The cell as written: a formula-looking string gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


class SafeWriter:
    """csv.writer whose rows are neutralised cell by cell; `writerow` returns what the file's
    write returned (the line, for the streaming `_Echo` buffers)."""

    def __init__(self, out: Any, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_safe(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: Any, **options: Any) -> SafeWriter:
    return SafeWriter(out, **options)
