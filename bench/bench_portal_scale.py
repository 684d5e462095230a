"""Portal at scale: the pages of « Factures émises » and « Factures reçues », both Synthèses, the
API's rechercher/fournisseur and an invoice's PDF, on a PostgreSQL base of BENCH_PORTAL_INVOICES
invoices (default 100,000).

The base is a scratch database on BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/),
created, migrated, filled by bulk_create (no deposit pipeline: a few seconds per 100,000 rows),
then dropped. Skipped with a row saying why when PostgreSQL is unreachable. The pages are timed
with Django's test client in one process (no HTTP server, no concurrency): BENCH_PORTAL_REQUESTS
requests each (default 10), fewer when a page exceeds BENCH_PORTAL_BUDGET seconds (default 60) in
all, after one request of each list that is not counted (the process's first requests). Each row
gives p50 / p95, the SQL queries of one request and the process's peak RSS during that page
(VmHWM, reset before each page). The table is vacuumed and analysed once filled, as autovacuum
would soon do.

Data: 10 suppliers and 20 public recipients; the measured supplier issues 70 % of the invoices,
the measured buyer (gestionnaire principal of a recipient with three services) receives 80 %, from
every supplier; deposit dates spread over two years, so most waiting invoices are past the legal
delay.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import scratch_postgres
from _common import portal_world

ROOT = Path(__file__).resolve().parent.parent
INVOICES = int(os.environ.get("BENCH_PORTAL_INVOICES", "100000"))
REQUESTS = int(os.environ.get("BENCH_PORTAL_REQUESTS", "10"))
BUDGET = float(os.environ.get("BENCH_PORTAL_BUDGET", "60"))
SCRATCH_DB = "choeur_bench_portal"


def _row(measure: str, value: str) -> dict[str, str]:
    return {
        "benchmark": "portail, " + f"{INVOICES:,} factures".replace(",", " "),
        "measure": measure,
        "value": value,
    }


def _env(database_url: str, media: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "CELERY_BROKER_URL"}
    return env | {
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": media,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only"),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "testserver",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }


def _run(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(  # noqa: S603 - our own interpreter and scripts
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise RuntimeError(f"{' '.join(args)} a échoué :\n{result.stderr[-2000:]}")
    # The subprocess's own progress lines (WeasyPrint's logging left out).
    for line in result.stderr.splitlines():
        if line.startswith("# "):
            print(line, file=sys.stderr)
    return result.stdout


def run() -> list[dict[str, str]]:
    url, why = scratch_postgres.create(SCRATCH_DB)
    if url is None:
        return [_row("PostgreSQL", f"ignoré : {why}")]
    try:
        with tempfile.TemporaryDirectory(prefix="bench-portal-media-") as media:
            env = _env(url, media)
            _run(["manage.py", "migrate", "--noinput", "-v0"], env)
            out = _run([str(Path(__file__)), "measure"], env)
    except RuntimeError as exc:
        return [_row("PostgreSQL", f"échec : {str(exc)[-600:]}")]
    finally:
        scratch_postgres.drop(SCRATCH_DB)
    figures = json.loads(out.strip().splitlines()[-1])
    rows = [_row("création des factures (bulk_create)", f"{figures['fill_seconds']:.0f} s")]
    for page in figures["pages"]:
        rows.append(
            _row(
                page["label"],
                f"p50 {page['p50']:.0f} ms, p95 {page['p95']:.0f} ms (n={page['n']}), "
                f"{page['queries']} requêtes SQL, {page['kib']:.0f} Kio, "
                f"pic RSS {page['rss_mib']:.0f} Mio",
            )
        )
    rows.append(_row("pic RSS du processus", f"{figures['peak_rss_mib']:.0f} Mio"))
    return rows


def _rss_mib(field: str = "VmHWM") -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def _reset_peak_rss() -> None:
    # Linux: writing 5 resets VmHWM to the current RSS (proc(5), /proc/pid/clear_refs).
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass


def _fill() -> dict[str, Any]:
    """Structures, users and INVOICES invoices; the objects the pages are measured with."""
    import datetime as dt
    from decimal import Decimal

    from django.db import connection
    from django.utils import timezone

    from choeur.invoices.enums import InvoiceStatus, ModeDepot, SyntaxeFlux
    from choeur.invoices.models import Flux, Invoice

    world = portal_world(
        lines=[
            ("Pose", "3", "HUR", "55.00", "20"),
            ("Fournitures", "2", "C62", "12.35", "5.5"),
        ]
    )
    suppliers, recipients, services = world["suppliers"], world["recipients"], world["services"]
    supplier_user, buyer, xml = world["supplier_user"], world["buyer"], world["xml"]
    started = time.perf_counter()
    per_flux = 1000
    fluxes = Flux.objects.bulk_create(
        Flux(
            numero=f"CPPBENCH{i:017d}",
            supplier=suppliers[0],
            mode_depot=ModeDepot.UPLOAD_API,
            filename=f"lot-{i}.zip",
            original=xml,
            status="IN_INTEGRE",
        )
        for i in range(INVOICES // per_flux + 1)
    )
    statuses = [
        *[InvoiceStatus.MISE_A_DISPOSITION] * 4,
        InvoiceStatus.SERVICE_FAIT,
        InvoiceStatus.MANDATEE,
        InvoiceStatus.COMPTABILISEE,
        *[InvoiceStatus.MISE_EN_PAIEMENT] * 4,
        InvoiceStatus.SUSPENDUE,
        InvoiceStatus.REJETEE,
        InvoiceStatus.COMPLETEE,
    ]
    start_day = dt.date(2025, 1, 1)
    batch: list[Invoice] = []
    for i in range(INVOICES):
        mix = (i * 2654435761) % 1000  # spread the structures without a pattern on i
        supplier = suppliers[0] if mix < 700 else suppliers[1 + mix % 9]
        recipient = recipients[0] if (mix * 7 + i) % 10 < 7 else recipients[1 + i % 19]
        issue_date = start_day + dt.timedelta(days=i % 700)
        ht = Decimal(10 + (i * 7919) % 500000) / 100
        tva = (ht * Decimal("0.2")).quantize(Decimal("0.01"))
        batch.append(
            Invoice(
                flux=fluxes[i // per_flux],
                flux_position=i % per_flux,
                mode_depot=ModeDepot.UPLOAD_API,
                syntax=SyntaxeFlux.IN_DP_E1_CII_16B,
                supplier=supplier,
                recipient=recipient,
                service=services[i % 4] if recipient is recipients[0] and i % 4 < 3 else None,
                number=f"F-{issue_date.year}-{i:07d}",
                issue_date=issue_date,
                issue_year=issue_date.year,
                due_date=issue_date + dt.timedelta(days=30),
                total_ht=ht,
                total_tva=tva,
                total_ttc=ht + tva,
                amount_due=ht + tva,
                status=statuses[i % len(statuses)],
                xml=xml,
                fingerprint=xml.sha256,
            )
        )
        if len(batch) == 5000:
            Invoice.objects.bulk_create(batch)
            batch = []
    Invoice.objects.bulk_create(batch)
    # Deposit dates over two years (auto_now_add stamped them all now): one SQL update.
    table = Invoice._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET created_at = %s - (id %% 730) * interval '1 day' "  # noqa: S608 - our table name
            "- (id %% 86400) * interval '1 second', status_changed_at = %s",
            [timezone.now(), timezone.now()],
        )
    with connection.cursor() as cursor:
        # What autovacuum would do soon after such an import, done now so it does not run
        # during the measures (and index-only scans find a visibility map).
        cursor.execute(f"VACUUM ANALYZE {table}")  # noqa: S608 - our table name
    fill_seconds = time.perf_counter() - started
    pdf_invoice = (
        Invoice.objects.filter(supplier=suppliers[0], main_document__isnull=True).order_by("pk")
    ).first()
    assert pdf_invoice is not None
    return {
        "supplier_user": supplier_user,
        "buyer": buyer,
        "pdf_invoice": pdf_invoice,
        "fill_seconds": fill_seconds,
    }


def _time(label: str, call: Any, *, count: int = REQUESTS) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _reset_peak_rss()
    durations: list[float] = []
    size = 0
    spent = 0.0
    while len(durations) < count and (not durations or spent < BUDGET):
        t0 = time.perf_counter()
        response = call()
        elapsed = time.perf_counter() - t0
        assert response.status_code == 200, (label, response.status_code)
        size = len(response.content)
        durations.append(elapsed * 1000)
        spent += elapsed
        print(f"# {label}: {elapsed * 1000:.0f} ms", file=sys.stderr)
    rss = _rss_mib()
    queries = -1
    if spent < BUDGET:
        with CaptureQueriesContext(connection) as captured:
            call()
        queries = len(captured.captured_queries)
    durations.sort()
    return {
        "label": label,
        "n": len(durations),
        "p50": statistics.median(durations),
        "p95": durations[max(int(len(durations) * 0.95 + 0.5) - 1, 0)],
        "queries": queries if queries >= 0 else "?",
        "kib": size / 1024,
        "rss_mib": rss,
    }


def _measure_main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.test import Client
    from rest_framework.test import APIRequestFactory, force_authenticate

    from choeur.api.views.factures import RechercherFournisseur

    world = _fill()
    supplier = Client()
    supplier.force_login(world["supplier_user"])
    buyer = Client()
    buyer.force_login(world["buyer"])
    factory = APIRequestFactory()
    api_view = RechercherFournisseur.as_view()

    def api_search() -> Any:
        request = factory.post(
            "/cpro/factures/v1/rechercher/fournisseur",
            {
                "rechercheFactureParFournisseur": {
                    "nbResultatsParPage": 25,
                    "pageResultatDemandee": 1,
                }
            },
            format="json",
        )
        force_authenticate(request, user=world["supplier_user"])
        response = api_view(request)
        response.render()
        return response

    pdf_url = f"/factures/{world['pdf_invoice'].pk}/facture.pdf"
    # The process's first requests (URL conf, templates, connections) are not a page's cost.
    for client, url in ((supplier, "/factures/?page=2"), (buyer, "/factures-recues/?page=2")):
        assert client.get(url).status_code == 200
    pages = [
        _time("Factures émises, 1re page", lambda: supplier.get("/factures/")),
        _time(
            "Factures émises, tri par destinataire",
            lambda: supplier.get("/factures/?tri=destinataire"),
        ),
        _time(
            "Factures émises, tri par montant décroissant",
            lambda: supplier.get("/factures/?tri=-montant"),
        ),
        _time(
            "Factures émises, filtre sur le numéro (« 4242 »)",
            lambda: supplier.get("/factures/?number=4242"),
        ),
        _time("Factures émises, page 500", lambda: supplier.get("/factures/?page=500")),
        _time("Factures reçues, 1re page", lambda: buyer.get("/factures-recues/")),
        _time(
            "Factures reçues, tri par fournisseur",
            lambda: buyer.get("/factures-recues/?tri=fournisseur"),
        ),
        _time(
            "Factures reçues, tri par montant décroissant",
            lambda: buyer.get("/factures-recues/?tri=-montant"),
        ),
        _time("Factures reçues, page 500", lambda: buyer.get("/factures-recues/?page=500")),
        _time("API rechercher/fournisseur, 1re page", api_search),
        _time("Synthèse du fournisseur", lambda: supplier.get("/factures/synthese/")),
        _time(
            "PDF rendu depuis le XML, 1er téléchargement", lambda: supplier.get(pdf_url), count=1
        ),
        _time("PDF rendu depuis le XML, téléchargements suivants", lambda: supplier.get(pdf_url)),
        # Last: before the fix it takes minutes and gigabytes.
        _time("Synthèse du destinataire", lambda: buyer.get("/factures-recues/synthese/")),
    ]
    print(
        json.dumps(
            {
                "fill_seconds": world["fill_seconds"],
                "pages": pages,
                "peak_rss_mib": max(p["rss_mib"] for p in pages),
            }
        )
    )


if __name__ == "__main__" and sys.argv[1:] == ["measure"]:
    _measure_main()
