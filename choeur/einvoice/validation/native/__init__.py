"""The native EN 16931 rule engine (see engine.py)."""

from __future__ import annotations

from choeur.einvoice.validation.native.engine import implemented, validate_native

__all__ = ["implemented", "validate_native"]
