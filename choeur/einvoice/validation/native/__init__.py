"""The native EN 16931 rule engine (see engine.py).

`COMPILED` tells whether the mypyc build of `make compile` runs (see _compiled.py); the
findings are the same either way."""

from __future__ import annotations

from choeur.einvoice.validation.native import _compiled

COMPILED = _compiled.activate(__path__)

from choeur.einvoice.validation.native.engine import implemented, validate_native  # noqa: E402

__all__ = ["COMPILED", "implemented", "validate_native"]
