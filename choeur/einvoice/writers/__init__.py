"""Write the EN 16931 pivot as UBL 2.1 or CII D16B."""

from __future__ import annotations

from choeur.einvoice.writers.cii import write_cii
from choeur.einvoice.writers.ubl import write_ubl

__all__ = ["write_cii", "write_ubl"]
