"""What several benches share: a measure run in a child process on a scratch SQLite database,
Django set up in that child, median / p95, the structures and users of the portal's test data
(bench_portal_scale.py, load_invoices.py), and an API caller: a manager, its structure's
technical account and a bearer token (bench_afnor_flow.py, bench_afnor_directory.py,
bench_api_auth.py). Not a benchmark itself (its name starts with an underscore)."""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCRATCH_SECRET_KEY = "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105
MANAGER_EMAIL = "gestion@example.org"
MANAGER_PASSWORD = "Gestion-2026!"  # noqa: S105 - a scratch database


def run_on_scratch_sqlite(
    script: str, *, prefix: str, migrate_options: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Migrate a fresh SQLite database in a temporary folder, run `script measure` on it (tasks
    in-process: no broker), and return the JSON object its last line prints."""
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        env = {k: v for k, v in os.environ.items() if k != "CELERY_BROKER_URL"} | {
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "MEDIA_ROOT": f"{folder}/media",
            "SECRET_KEY": SCRATCH_SECRET_KEY,
            "DEBUG": "false",
            "ALLOWED_HOSTS": "testserver",
        }
        for args in (
            ["manage.py", "migrate", "--noinput", "-v0", *migrate_options],
            [script, "measure"],
        ):
            result = subprocess.run(  # noqa: S603 - our own interpreter and scripts
                [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True
            )
            if result.returncode:
                raise RuntimeError(f"{args} a échoué :\n{result.stderr[-2000:]}")
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def django_setup() -> None:
    """In the child process: the project importable and Django ready."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()


def stats(values: list[float]) -> tuple[float, float]:
    """(median, p95) of `values`."""
    ordered = sorted(values)
    return statistics.median(ordered), ordered[max(int(len(ordered) * 0.95) - 1, 0)]


def api_caller(structure: Any, *, espace: str, scope: str | None = None) -> tuple[Any, str]:
    """A manager (gestionnaire principal) of `structure` with `espace` open, the structure's
    technical account made by him, and a bearer token of its application: (made, token)."""
    from django.test import Client

    from choeur.accounts.models import User
    from choeur.structures.enums import RattachementStatus, Role
    from choeur.structures.models import Rattachement, StructureEspace
    from choeur.structures.services.technical import technical_account_create

    StructureEspace.objects.get_or_create(structure=structure, espace=espace)
    manager = User.objects.create_user(email=MANAGER_EMAIL, password=MANAGER_PASSWORD)
    Rattachement.objects.create(
        user=manager,
        structure=structure,
        role=Role.GESTIONNAIRE_PRINCIPAL,
        status=RattachementStatus.VALIDEE,
    )
    made = technical_account_create(actor=manager, structure=structure)
    grant = {
        "grant_type": "client_credentials",
        "client_id": made.account.application.client_id,
        "client_secret": made.client_secret,
    } | ({"scope": scope} if scope else {})
    token: str = Client().post("/api/oauth/token", grant).json()["access_token"]
    return made, token


def portal_world(*, lines: list[tuple[str, str, str, str, str]]) -> dict[str, Any]:
    """The portal's test data around the invoices: 10 suppliers, 20 public recipients (the
    first with three services), a supplier user and a buyer (gestionnaires principaux of the
    first of each, espace open in Modification), and one stored CII invoice of `lines`
    ((name, quantity, unit, price, VAT rate) each) that every invoice row points to."""
    import choeur.einvoice as einvoice
    from choeur.accounts.models import User
    from choeur.core.files import stored_file_create
    from choeur.invoices.services.drafts import Saisie, SaisieLine, build_pivot
    from choeur.structures.enums import AccessMode, Espace, RattachementStatus, Role
    from choeur.structures.models import (
        EspaceSubscription,
        Rattachement,
        Service,
        Structure,
        StructureEspace,
    )

    suppliers = [
        Structure.objects.create(
            identifier_type="SIRET",
            identifier=f"842119430{i:05d}",
            raison_sociale=f"FOURNISSEUR {chr(65 + (i * 7) % 26)}{i:02d}",
            adresse="1 rue",
            code_postal="69003",
            ville="Lyon",
        )
        for i in range(10)
    ]
    recipients = [
        Structure.objects.create(
            identifier_type="SIRET",
            identifier=f"123456782{i:05d}",
            raison_sociale=f"COMMUNE {chr(65 + (i * 11) % 26)}{i:02d}",
            is_public=True,
        )
        for i in range(20)
    ]
    services = [
        Service.objects.create(structure=recipients[0], code=code, name=code.title())
        for code in ("ACHATS", "TRAVAUX", "VOIRIE")
    ]
    supplier_user = User.objects.create_user(email="fournisseur@bench.test", password=None)
    buyer = User.objects.create_user(email="acheteur@bench.test", password=None)
    for who, where, espace in (
        (supplier_user, suppliers[0], Espace.FACTURES_EMISES),
        (buyer, recipients[0], Espace.FACTURES_RECUES),
    ):
        Rattachement.objects.create(
            user=who,
            structure=where,
            role=Role.GESTIONNAIRE_PRINCIPAL,
            status=RattachementStatus.VALIDEE,
        )
        StructureEspace.objects.create(structure=where, espace=espace)
        EspaceSubscription.objects.create(
            user=who, structure=where, espace=espace, mode=AccessMode.MODIFICATION
        )
    saisie = Saisie(
        recipient=recipients[0],
        number="F-BENCH-PDF",
        issue_date=dt.date(2026, 11, 2),
        due_date=dt.date(2026, 12, 2),
        service_code="",
        lines=[
            SaisieLine(name, Decimal(quantity), unit, Decimal(price), Decimal(rate))
            for name, quantity, unit, price, rate in lines
        ],
    )
    xml = stored_file_create(
        data=einvoice.write_cii(build_pivot(supplier=suppliers[0], saisie=saisie)),
        name="facture.xml",
        content_type="application/xml",
    )
    return {
        "suppliers": suppliers,
        "recipients": recipients,
        "services": services,
        "supplier_user": supplier_user,
        "buyer": buyer,
        "xml": xml,
    }
