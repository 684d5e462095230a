"""choeur/einvoice is pure Python: it imports no Django, so a script or a worker can use it alone."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import choeur.einvoice

PACKAGE = Path(choeur.einvoice.__file__).resolve().parent
ROOT = PACKAGE.parent.parent


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_no_module_imports_django() -> None:
    offenders = []
    for path in modules():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.relative_to(ROOT)}:{node.lineno} {name}"
                for name in names
                if name == "django" or name.startswith(("django.", "rest_framework", "config"))
            ]
    assert not offenders, offenders


def test_the_whole_core_imports_and_runs_without_django() -> None:
    # A fresh interpreter where importing django fails: read, write and render still work.
    script = """
import importlib, pkgutil, sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name == "django" or name.startswith("django."):
            raise ImportError("django is not allowed in choeur.einvoice")
sys.meta_path.insert(0, Block())
import choeur.einvoice as core
for info in pkgutil.walk_packages(core.__path__, "choeur.einvoice."):
    importlib.import_module(info.name)
from choeur.einvoice.samples import sample_invoice
invoice = sample_invoice(2)
assert core.read(core.write_ubl(invoice)) == invoice
assert core.read(core.write_cii(invoice)) == invoice
assert not any(m == "django" or m.startswith("django.") for m in sys.modules)
print("pure")
"""
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith("pure")
