"""Demo data for `make run` and the browser tests.

Each domain that has demo data provides `choeur.<app>.demo` with `load(*, stdout) -> None`
(idempotent: running it twice changes nothing) and may provide `LOGINS`, a list of
(role, email, password) printed by `manage.py demo_logins`. They run in this order, so a
domain can rely on the data of those before it.
"""

from __future__ import annotations

import importlib
from types import ModuleType

DEMO_MODULES = [
    "choeur.directory.demo",
    "choeur.structures.annuaire_demo",
    "choeur.accounts.demo",
    "choeur.structures.demo",
    "choeur.invoices.demo",
    "choeur.lifecycle.demo",
    "choeur.invoices.validation_demo",
    "choeur.works.demo",
    "choeur.claims.demo",
    "choeur.sollicitations.demo",
]


def demo_modules() -> list[ModuleType]:
    modules = []
    for name in DEMO_MODULES:
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return modules
