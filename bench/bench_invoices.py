"""Deposit benchmark: flux integration throughput, invoices per second from deposit to
MISE_A_DISPOSITION (validation EN 16931 included), on SQLite and on PostgreSQL.

Two cases: single invoices (one CII file per flux, BENCH_INVOICES_SINGLE, default 100) and one
archive of BENCH_INVOICES_ARCHIVE invoices (default 1,000) in a ZIP. Each database runs in a
subprocess with its own DATABASE_URL and MEDIA_ROOT, like a real deployment, with tasks in-process
(no broker): `flux_deposit` returns once the flux is integrated. PostgreSQL uses a scratch database
on BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/), created then dropped; skipped
with a row saying why when unreachable.
"""

from __future__ import annotations

import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import scratch_postgres

ROOT = Path(__file__).resolve().parent.parent
SINGLE = int(os.environ.get("BENCH_INVOICES_SINGLE", "100"))
ARCHIVE = int(os.environ.get("BENCH_INVOICES_ARCHIVE", "1000"))
SCRATCH_DB = "choeur_bench_invoices"


def _row(measure: str, value: str) -> dict[str, str]:
    return {"benchmark": "dépôt de factures", "measure": measure, "value": value}


def _env(database_url: str, media: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "CELERY_BROKER_URL"}
    return env | {
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": media,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only"),
        "DEBUG": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }


def _run(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(  # noqa: S603 - our own interpreter and scripts
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise RuntimeError(f"{' '.join(args)} a échoué :\n{result.stderr[-2000:]}")
    return result.stdout


def measure_database(label: str, database_url: str) -> list[dict[str, str]]:
    with tempfile.TemporaryDirectory(prefix="bench-invoices-media-") as media:
        env = _env(database_url, media)
        _run(["manage.py", "migrate", "--noinput", "-v0"], env)
        out = _run([str(Path(__file__)), "measure"], env)
    figures = json.loads(out.strip().splitlines()[-1])
    return [
        _row(
            f"{label}, factures unitaires ({SINGLE} flux)",
            f"{figures['single_rate']:.1f} factures/s (médiane {figures['single_median_ms']:.0f} ms "
            f"du dépôt à MISE_A_DISPOSITION, p95 {figures['single_p95_ms']:.0f} ms)",
        ),
        _row(
            f"{label}, archive ZIP de {ARCHIVE} factures",
            f"{figures['archive_rate']:.1f} factures/s ({figures['archive_seconds']:.1f} s, "
            f"flux {figures['archive_status']})",
        ),
    ]


def run() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-invoices-") as tmp:
        try:
            rows += measure_database("SQLite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        except RuntimeError as exc:
            rows.append(_row("SQLite", f"échec : {str(exc)[-300:]}"))
    url, why = scratch_postgres.create(SCRATCH_DB)
    if url is None:
        rows.append(_row("PostgreSQL", f"ignoré : {why}"))
    else:
        try:
            rows += measure_database("PostgreSQL", url)
        except RuntimeError as exc:
            rows.append(_row("PostgreSQL", f"échec : {str(exc)[-300:]}"))
        finally:
            scratch_postgres.drop(SCRATCH_DB)
    return rows


def _measure_main() -> None:
    """In the subprocess: set up a supplier and a recipient, deposit, time, print JSON."""
    import datetime as dt
    from decimal import Decimal

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import choeur.einvoice as einvoice
    from choeur.accounts.models import User
    from choeur.invoices.enums import FluxStatus
    from choeur.invoices.models import Flux, Invoice
    from choeur.invoices.services.deposit import Upload, flux_deposit
    from choeur.invoices.services.drafts import Saisie, SaisieLine, build_pivot
    from choeur.structures.enums import AccessMode, Espace, RattachementStatus, Role
    from choeur.structures.models import (
        EspaceSubscription,
        Rattachement,
        Service,
        Structure,
        StructureEspace,
    )

    supplier = Structure.objects.create(
        identifier_type="SIRET",
        identifier="84211943000010",
        raison_sociale="MENUISERIE BENCH",
        adresse="1 rue",
        code_postal="69003",
        ville="Lyon",
    )
    recipient = Structure.objects.create(
        identifier_type="SIRET",
        identifier="12345678200028",
        raison_sociale="COMMUNE BENCH",
        is_public=True,
        code_service_required=True,
    )
    Service.objects.create(structure=recipient, code="ACHATS", name="Achats")
    user = User.objects.create_user(email="bench@choeur.localhost", password=None)
    Rattachement.objects.create(
        user=user,
        structure=supplier,
        role=Role.GESTIONNAIRE_PRINCIPAL,
        status=RattachementStatus.VALIDEE,
    )
    StructureEspace.objects.create(structure=supplier, espace=Espace.FACTURES_EMISES)
    EspaceSubscription.objects.create(
        user=user, structure=supplier, espace=Espace.FACTURES_EMISES, mode=AccessMode.MODIFICATION
    )

    def xml(number: str) -> bytes:
        saisie = Saisie(
            recipient=recipient,
            number=number,
            issue_date=dt.date(2026, 11, 2),
            due_date=dt.date(2026, 12, 2),
            service_code="ACHATS",
            lines=[
                SaisieLine("Pose", Decimal("3"), "HUR", Decimal("55.00"), Decimal("20")),
                SaisieLine("Fournitures", Decimal("2"), "C62", Decimal("12.35"), Decimal("5.5")),
                SaisieLine("Déplacement", Decimal("1"), "C62", Decimal("30.00"), Decimal("20")),
            ],
        )
        return einvoice.write_cii(build_pivot(supplier=supplier, saisie=saisie))

    einvoice.validate(xml("WARMUP"))  # compile the rule engines once, as a running worker has
    singles = [xml(f"U-{i:05d}") for i in range(SINGLE)]
    durations = []
    started = time.perf_counter()
    for i, data in enumerate(singles):
        t0 = time.perf_counter()
        flux = flux_deposit(user=user, supplier=supplier, upload=Upload(f"u{i}.xml", data))
        durations.append((time.perf_counter() - t0) * 1000)
        flux.refresh_from_db()
        assert flux.status == FluxStatus.IN_INTEGRE, flux.report
    single_seconds = time.perf_counter() - started
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for i in range(ARCHIVE):
            archive.writestr(f"A-{i:05d}.xml", xml(f"A-{i:05d}"))
    started = time.perf_counter()
    flux = flux_deposit(user=user, supplier=supplier, upload=Upload("lot.zip", buffer.getvalue()))
    archive_seconds = time.perf_counter() - started
    flux = Flux.objects.get(pk=flux.pk)
    assert Invoice.objects.filter(flux=flux, status="MISE_A_DISPOSITION").count() == ARCHIVE
    durations.sort()
    print(
        json.dumps(
            {
                "single_rate": SINGLE / single_seconds,
                "single_median_ms": statistics.median(durations),
                "single_p95_ms": durations[int(len(durations) * 0.95) - 1],
                "archive_rate": ARCHIVE / archive_seconds,
                "archive_seconds": archive_seconds,
                "archive_status": flux.status,
            }
        )
    )


if __name__ == "__main__" and sys.argv[1:] == ["measure"]:
    _measure_main()
