"""The engine compiled by mypyc, used when it was built from these very sources.

`make compile` (tools/compile_native.py) compiles the modules of `COMPILED` to C extensions
in `_build/<extension suffix>/`, with `sources.json`: the sha256 of each source it compiled.
`activate` puts that directory first on the package's path only if every recorded hash is
the hash of today's source, so an edited module is never shadowed by a stale build: the
engine then runs as plain Python, which gives the same findings (the differential tests run
both). CHOEUR_NATIVE_COMPILED=0 forces plain Python.

This module is never compiled itself: it runs before any compiled module is imported.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import sysconfig
from pathlib import Path

__all__ = ["COMPILED", "activate", "build_dir", "source_hashes"]

# The modules compiled, in the order mypyc is given them (the data tables stay Python:
# `catalogue`, `codelists`).
COMPILED = (
    "tree",
    "values",
    "patterns",
    "view",
    "view_ubl",
    "view_cii",
    "registry",
    "rules_business",
    "rules_vat",
    "binding_ubl",
    "binding_cii",
    "engine",
)
HERE = Path(__file__).resolve().parent


def build_dir() -> Path:
    """Where the build for this interpreter lives (one per extension suffix)."""
    suffix = str(sysconfig.get_config_var("EXT_SUFFIX") or ".so")
    suffix = suffix.removeprefix(".").removesuffix(".so").removesuffix(".pyd") or "default"
    return HERE / "_build" / suffix


def source_hashes() -> dict[str, str]:
    return {
        name: hashlib.sha256((HERE / f"{name}.py").read_bytes()).hexdigest() for name in COMPILED
    }


def activate(package_path: list[str], build: Path | None = None) -> bool:
    """Put the compiled modules first on the package's path, if they match the sources."""
    if os.environ.get("CHOEUR_NATIVE_COMPILED", "1") == "0":
        return False
    build = build or build_dir()
    try:
        recorded = json.loads((build / "sources.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if recorded != source_hashes():
        return False  # a source changed since `make compile`: plain Python, never stale code
    # the compiled modules' shared library is a top-level module of that directory
    if str(build) not in sys.path:
        sys.path.append(str(build))
    package_path.insert(0, str(build))
    return True
