"""Deposit benchmark: invoices per second from deposit to MISE_A_DISPOSITION (EN 16931
validation included), queries per invoice and where the time goes.

Three measures (docs/performance.md, « Throughput »):

- **in-process** on SQLite and on PostgreSQL: tasks run in the depositing process (no broker),
  BENCH_INVOICES_SINGLE single-invoice flux (default 100) then one ZIP of BENCH_INVOICES_ARCHIVE
  invoices (default 1,000); the queries of one integration are counted with Django's
  CaptureQueriesContext and one archive's integration is profiled (cProfile);
- **real workers** on PostgreSQL and RabbitMQ (BENCH_INVOICES_BROKER, default
  amqp://guest:guest@127.0.0.1:5672//): for each count of BENCH_INVOICES_WORKERS (default
  "1,2,4") one `celery worker --concurrency N` process on queues of its own; the flux are
  deposited first (they wait in the broker), then the worker starts, and the rate is counted
  from the moment the first flux is taken to the moment the last one is final (the Flux rows'
  own timestamps): BENCH_INVOICES_ARCHIVES archives of BENCH_INVOICES_ARCHIVE invoices (default
  max(2, N)) and BENCH_INVOICES_WORKER_SINGLE single-invoice flux (default 500).

Each database runs in a subprocess with its own DATABASE_URL and MEDIA_ROOT, like a real
deployment. PostgreSQL uses a scratch database on BENCH_POSTGRES_URL (default
postgres://postgres@127.0.0.1:5432/), created then dropped; a row says why a part is skipped.
"""

from __future__ import annotations

import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path
from typing import Any

import scratch_postgres

ROOT = Path(__file__).resolve().parent.parent
SINGLE = int(os.environ.get("BENCH_INVOICES_SINGLE", "100"))
ARCHIVE = int(os.environ.get("BENCH_INVOICES_ARCHIVE", "1000"))
WORKERS = [int(n) for n in os.environ.get("BENCH_INVOICES_WORKERS", "1,2,4").split(",") if n]
WORKER_SINGLE = int(os.environ.get("BENCH_INVOICES_WORKER_SINGLE", "500"))
ARCHIVES = int(os.environ.get("BENCH_INVOICES_ARCHIVES", "0"))  # 0: max(2, workers)
BROKER = os.environ.get("BENCH_INVOICES_BROKER", "amqp://guest:guest@127.0.0.1:5672//")
SCRATCH_DB = "choeur_bench_invoices"
# Where the time goes: (label, module path suffix, function name), cumulative time in the profile.
PROFILED = [
    ("décompression de l'archive", "services/archive.py", "unpack"),
    ("validation EN 16931", "einvoice/__init__.py", "validate"),
    ("lecture du modèle pivot", "einvoice/__init__.py", "read"),
    ("contrôles d'acheminement", "services/checks.py", "check_routing"),
    ("écriture en base (factures, lignes, historique, audit)", "", "_write_chunk"),
    ("écriture en base (une facture)", "", "_create_invoice"),
    ("fichiers stockés", "core/files.py", "stored_file_create"),
    ("notifications et webhooks", "services/integration.py", "_notify"),
]
PROFILED_SINGLE = [
    ("dépôt (fichier, ligne du flux, audit)", "services/deposit.py", "flux_deposit"),
    ("validation EN 16931", "einvoice/__init__.py", "validate"),
    ("lecture du modèle pivot", "einvoice/__init__.py", "read"),
    ("contrôles d'acheminement", "services/checks.py", "check_routing"),
    ("écriture en base (factures, lignes, historique, audit)", "", "_write_chunk"),
    ("fin du flux (statut, compte rendu)", "services/integration.py", "_finish"),
    ("notification et courriels mis en file", "services/integration.py", "_notify"),
    ("envoi des courriels", "notifications/services.py", "outbox_send_one"),
    ("webhooks", "notifications/webhooks.py", "webhooks_flux_finished"),
    ("flux de la réforme (api/afnor)", "afnor/services.py", "afnor_flux_finished"),
]


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
        "PYTHONPATH": str(ROOT),
    }


def _run(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(  # noqa: S603 - our own interpreter and scripts
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise RuntimeError(f"{' '.join(args)} a échoué :\n{result.stderr[-2000:]}")
    sys.stderr.write(result.stderr[-3000:])
    return result.stdout


def _last_json(out: str) -> dict[str, Any]:
    figures: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return figures


def measure_in_process(label: str, database_url: str) -> list[dict[str, str]]:
    with tempfile.TemporaryDirectory(prefix="bench-invoices-media-") as media:
        env = _env(database_url, media)
        _run(["manage.py", "migrate", "--noinput", "-v0"], env)
        f = _last_json(_run([str(Path(__file__)), "in-process"], env))
    return [
        _row(
            f"{label} en processus, factures unitaires ({SINGLE} flux)",
            f"{f['single_rate']:.1f} factures/s (médiane {f['single_median_ms']:.0f} ms "
            f"du dépôt à MISE_A_DISPOSITION, p95 {f['single_p95_ms']:.0f} ms ; "
            f"{f.get('single_cpu_rate', 0):.0f} par seconde de CPU du processus)",
        ),
        _row(
            f"{label} en processus, archive ZIP de {ARCHIVE} factures",
            f"{f['archive_rate']:.1f} factures/s ({f['archive_seconds']:.1f} s, "
            f"flux {f['archive_status']} ; {f.get('archive_cpu_rate', 0):.0f} par seconde de CPU "
            "du processus)",
        ),
        _row(
            f"{label}, requêtes SQL par facture",
            f"{f['queries_single']:.1f} (flux unitaire, dépôt compris), "
            f"{f['queries_archive']:.2f} (archive de {f['profiled']}, intégration)",
        ),
        _row(
            f"{label}, où va le temps (archive de {f['profiled']})",
            ", ".join(f"{name} {share:.0f} %" for name, share in f["where"]),
        ),
        _row(
            f"{label}, où va le temps (20 flux unitaires, en processus)",
            ", ".join(f"{name} {share:.0f} %" for name, share in f.get("where_single", [])),
        ),
    ]


def measure_workers(database_url: str) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-invoices-media-") as media:
        env = _env(database_url, media)
        _run(["manage.py", "migrate", "--noinput", "-v0"], env)
        for count in WORKERS:
            f = _last_json(_run([str(Path(__file__)), "workers", str(count)], env | {}))
            rows += [
                _row(
                    f"PostgreSQL + RabbitMQ, {count} processus worker, "
                    f"{f['archives']} archives de {ARCHIVE} factures",
                    f"{f['archive_rate']:.0f} factures/s ({f['archive_seconds']:.1f} s ; "
                    f"{f.get('archive_cpu_rate', 0):.0f} par seconde de CPU des workers)",
                ),
                _row(
                    f"PostgreSQL + RabbitMQ, {count} processus worker, "
                    f"{WORKER_SINGLE} flux unitaires",
                    f"{f['single_rate']:.0f} factures/s ({f['single_seconds']:.1f} s ; "
                    f"{f.get('single_cpu_rate', 0):.0f} par seconde de CPU des workers ; dépôt "
                    f"seul {f['deposit_rate']:.0f} flux/s dans un processus)",
                ),
            ]
    return rows


def run() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-invoices-") as tmp:
        try:
            rows += measure_in_process("SQLite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        except RuntimeError as exc:
            rows.append(_row("SQLite", f"échec : {str(exc)[-300:]}"))
    for part, measure in (("en processus", measure_in_process), ("workers", None)):
        url, why = scratch_postgres.create(SCRATCH_DB)
        if url is None:
            rows.append(_row(f"PostgreSQL {part}", f"ignoré : {why}"))
            continue
        try:
            if measure is not None:
                rows += measure("PostgreSQL", url)
            elif WORKERS:
                rows += measure_workers(url)
        except RuntimeError as exc:
            rows.append(_row(f"PostgreSQL {part}", f"échec : {str(exc)[-300:]}"))
        finally:
            scratch_postgres.drop(SCRATCH_DB)
    return rows


# --- in the subprocess ---------------------------------------------------------------------------


def _setup() -> tuple[Any, Any, Any]:
    """Django, a supplier with its user, a public recipient with a service."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from choeur.accounts.models import User
    from choeur.structures.enums import AccessMode, Espace, RattachementStatus, Role
    from choeur.structures.models import (
        EspaceSubscription,
        Rattachement,
        Service,
        Structure,
        StructureEspace,
    )

    supplier = Structure.objects.filter(identifier="84211943000010").first()
    if supplier is not None:
        recipient = Structure.objects.get(identifier="12345678200028")
        return supplier, recipient, User.objects.get(email="bench@choeur.localhost")
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
        email="factures@commune-bench.localhost",
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
    return supplier, recipient, user


def _xml_maker(supplier: Any, recipient: Any) -> Any:
    import datetime as dt
    from decimal import Decimal

    import choeur.einvoice as einvoice
    from choeur.invoices.services.drafts import Saisie, SaisieLine, build_pivot

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

    return xml


def _zip(xml: Any, prefix: str, count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for i in range(count):
            archive.writestr(f"{prefix}-{i:05d}.xml", xml(f"{prefix}-{i:05d}"))
    return buffer.getvalue()


def _where(
    profile: Any, total: float, profiled: list[tuple[str, str, str]] = PROFILED
) -> list[tuple[str, float]]:
    import pstats

    stats = pstats.Stats(profile)
    found: list[tuple[str, float]] = []
    for label, path, name in profiled:
        cumulative = sum(
            value[3]
            for (filename, _line, function), value in stats.stats.items()  # type: ignore[attr-defined]
            if function == name and filename.endswith(path)
        )
        if cumulative:
            found.append((label, 100 * cumulative / total))
    return found


def _in_process_main() -> None:
    import cProfile

    supplier, recipient, user = _setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    import choeur.einvoice as einvoice
    from choeur.invoices.enums import FluxStatus
    from choeur.invoices.models import Flux, Invoice
    from choeur.invoices.services.deposit import Upload, flux_deposit

    xml = _xml_maker(supplier, recipient)
    einvoice.validate(xml("WARMUP"))  # compile the rule engines once, as a running worker has
    singles = [xml(f"U-{i:05d}") for i in range(SINGLE)]
    durations = []
    started = time.perf_counter()
    cpu = time.process_time()
    for i, data in enumerate(singles):
        t0 = time.perf_counter()
        flux = flux_deposit(user=user, supplier=supplier, upload=Upload(f"u{i}.xml", data))
        durations.append((time.perf_counter() - t0) * 1000)
        flux.refresh_from_db()
        assert flux.status == FluxStatus.IN_INTEGRE, flux.report
    single_seconds = time.perf_counter() - started
    single_cpu = time.process_time() - cpu
    with CaptureQueriesContext(connection) as single_queries:
        flux_deposit(user=user, supplier=supplier, upload=Upload("q.xml", xml("Q-00001")))
    single_profile = cProfile.Profile()
    t0 = time.perf_counter()
    single_profile.enable()
    for i in range(20):
        flux_deposit(user=user, supplier=supplier, upload=Upload("p.xml", xml(f"PU-{i:03d}")))
    single_profile.disable()
    single_where = _where(single_profile, time.perf_counter() - t0, PROFILED_SINGLE)
    archive = _zip(xml, "A", ARCHIVE)
    started = time.perf_counter()
    cpu = time.process_time()
    flux = flux_deposit(user=user, supplier=supplier, upload=Upload("lot.zip", archive))
    archive_seconds = time.perf_counter() - started
    archive_cpu = time.process_time() - cpu
    flux = Flux.objects.get(pk=flux.pk)
    assert Invoice.objects.filter(flux=flux, status="MISE_A_DISPOSITION").count() == ARCHIVE
    # Queries and profile of one archive's integration (the task's body, deposit excluded).
    from choeur.invoices.services.integration import flux_integrate

    profiled = min(ARCHIVE, 200)
    settings_eager(False)
    for prefix in ("P", "R"):
        flux_deposit(
            user=user,
            supplier=supplier,
            upload=Upload(f"{prefix}.zip", _zip(xml, prefix, profiled)),
        )
    settings_eager(True)
    waiting = list(Flux.objects.filter(status=FluxStatus.IN_RECU).order_by("pk"))
    with CaptureQueriesContext(connection) as archive_queries:
        flux_integrate(flux_id=waiting[0].pk)
    profile = cProfile.Profile()
    t0 = time.perf_counter()
    profile.enable()
    flux_integrate(flux_id=waiting[1].pk)
    profile.disable()
    total = time.perf_counter() - t0
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
                "single_cpu_rate": SINGLE / single_cpu,
                "archive_cpu_rate": ARCHIVE / archive_cpu,
                "queries_single": len(single_queries),
                "queries_archive": len(archive_queries) / profiled,
                "profiled": profiled,
                "where": _where(profile, total),
                "where_single": single_where,
            }
        )
    )


def settings_eager(eager: bool) -> None:
    """Queue without running (False): the bench then runs the task's body itself, measured."""
    from config.celery import app

    app.conf.task_always_eager = eager
    if not eager:
        app.conf.broker_url = "memory://localhost/"


def _workers_main(count: int) -> None:
    supplier, recipient, user = _setup()
    from django.db.models import Max, Min

    from choeur.invoices.enums import FLUX_FINAL_STATUSES
    from choeur.invoices.models import Flux, Invoice
    from choeur.invoices.services.deposit import Upload, flux_deposit
    from config.celery import app

    queue = f"bench-{uuid.uuid4().hex[:8]}"
    app.conf.update(broker_url=BROKER, task_always_eager=False, task_default_queue=queue)
    app._pool = None
    app.amqp._producer_pool = None
    xml = _xml_maker(supplier, recipient)
    figures: dict[str, Any] = {"workers": count}
    archives = ARCHIVES or max(2, count)
    for case in ("archive", "single"):
        tag = f"W{count}{case[0].upper()}{queue[-4:]}"
        if case == "archive":
            data = [_zip(xml, f"{tag}{a}", ARCHIVE) for a in range(archives)]
            names = [f"{tag}-{a}.zip" for a in range(archives)]
        else:
            data = [xml(f"{tag}-{i:05d}") for i in range(WORKER_SINGLE)]
            names = [f"{tag}-{i}.xml" for i in range(WORKER_SINGLE)]
        t0 = time.perf_counter()
        fluxes = [
            flux_deposit(user=user, supplier=supplier, upload=Upload(name, body)).pk
            for name, body in zip(names, data, strict=True)
        ]
        deposit_seconds = time.perf_counter() - t0
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        worker = _start_worker(count, queue)
        try:
            deadline = time.monotonic() + 900
            while (
                Flux.objects.filter(pk__in=fluxes).exclude(status__in=FLUX_FINAL_STATUSES).exists()
            ):
                if worker.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"worker arrêté ou trop lent ({worker.returncode})")
                time.sleep(0.2)
        finally:
            worker.terminate()
            worker.wait(timeout=60)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # The CPU the worker processes used (start-up included), PostgreSQL's not counted.
        worker_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        integrated = Invoice.objects.filter(flux__in=fluxes, status="MISE_A_DISPOSITION").count()
        expected = archives * ARCHIVE if case == "archive" else WORKER_SINGLE
        assert integrated == expected, (integrated, expected)
        # From the first flux taken to the last one final, by the rows' own clocks: the
        # worker's start-up is not counted. A flux's first audit row says when it was taken.
        from choeur.core.models import AuditLog

        first = AuditLog.objects.filter(
            action="flux.status", object_type="invoices.flux",
            object_id__in=[str(pk) for pk in fluxes],
        ).aggregate(Min("created_at"))["created_at__min"]  # fmt: skip
        last = Flux.objects.filter(pk__in=fluxes).aggregate(Max("status_changed_at"))[
            "status_changed_at__max"
        ]
        seconds = (last - first).total_seconds()
        figures[f"{case}_rate"] = expected / seconds
        figures[f"{case}_seconds"] = seconds
        figures[f"{case}_cpu_rate"] = expected / worker_cpu
        if case == "archive":
            figures["archives"] = archives
        else:
            figures["deposit_rate"] = WORKER_SINGLE / deposit_seconds
    print(json.dumps(figures))


def _start_worker(count: int, queue: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CELERY_BROKER_URL": BROKER, "CELERY_QUEUE": queue}
    queues = ",".join([queue, f"{queue}.messages", f"{queue}.fond"])
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queues,
               "-n", f"{queue}@%h", "--concurrency", str(count), "--pool", "prefork",
               "--loglevel", "WARNING", "--without-heartbeat", "--without-gossip",
               "--without-mingle"]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 - our own interpreter


if __name__ == "__main__" and sys.argv[1:2] == ["in-process"]:
    _in_process_main()
elif __name__ == "__main__" and sys.argv[1:2] == ["workers"]:
    _workers_main(int(sys.argv[2]))
