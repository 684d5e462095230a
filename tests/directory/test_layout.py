"""choeur/directory is the Sirene reference alone: it imports no accounts and no structures (the
directory of public structures lives in choeur/structures/annuaire*.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import choeur.directory

PACKAGE = Path(choeur.directory.__file__).resolve().parent
ROOT = PACKAGE.parent.parent
FORBIDDEN = ("choeur.accounts", "choeur.structures")


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.lineno, node.module))
            # `from choeur import structures`
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def test_the_sirene_reference_imports_no_accounts_and_no_structures() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line} {name}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line, name in _imports(path)
        if name in FORBIDDEN or name.startswith(tuple(f"{f}." for f in FORBIDDEN))
    ]
    assert not offenders, offenders


def test_the_rule_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("from choeur import structures\nimport choeur.accounts.models\n")
    assert [name for _line, name in _imports(module)] == [
        "choeur",
        "choeur.structures",
        "choeur.accounts.models",
    ]
