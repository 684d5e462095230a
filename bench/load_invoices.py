"""Bulk loader of test data for the load test: N invoices on PostgreSQL with COPY.

    DATABASE_URL=postgres://.../scratch python bench/load_invoices.py fill 1000000
    DATABASE_URL=... python bench/load_invoices.py explain '<json of pages>'

`fill` makes 10 suppliers, 20 public recipients (the first with three services), a supplier
user (gestionnaire principal of the first supplier, which issues 70 % of the invoices), a buyer
(of the first recipient, which receives about 70 %), a technical account of the first supplier,
one flux per 1,000 invoices, then the invoices themselves in one COPY per 100,000 rows (about
a minute per million on this machine: foreign-key triggers off, plain indexes dropped then built
once; the row is built once from a model instance, so the loader follows the model's columns),
deposit dates spread over two years, then VACUUM ANALYZE.
It prints one JSON line: what the load driver needs (ids, credentials, session cookies).

`explain` runs each given page once in-process with Django's test client, keeps its slowest SQL
statement and prints its EXPLAIN (ANALYZE, BUFFERS) as JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from _common import portal_world

ROOT = Path(__file__).resolve().parent.parent
PER_FLUX = 1000
COPY_BATCH = 100_000


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _sessions(user: Any, count: int) -> list[str]:
    from django.test import Client

    keys = []
    for _ in range(count):
        client = Client()
        client.force_login(user)
        keys.append(client.cookies["sessionid"].value)
    return keys


def fill(invoices: int, *, sessions: int = 25) -> dict[str, Any]:
    from django.db import connection
    from django.db.models import F
    from django.utils import timezone

    from choeur.invoices.enums import InvoiceStatus, ModeDepot, SyntaxeFlux
    from choeur.invoices.models import Flux, Invoice
    from choeur.structures.services.technical import technical_account_create

    started = time.perf_counter()
    world = portal_world(lines=[("Pose", "3", "HUR", "55.00", "20")])
    suppliers, recipients, services = world["suppliers"], world["recipients"], world["services"]
    supplier_user, buyer, xml = world["supplier_user"], world["buyer"], world["xml"]
    technical = technical_account_create(actor=supplier_user, structure=suppliers[0])
    fluxes = Flux.objects.bulk_create(
        Flux(
            numero=f"CPPLOAD{i:018d}",
            supplier=suppliers[0],
            mode_depot=ModeDepot.UPLOAD_API,
            filename=f"lot-{i}.zip",
            original=xml,
            status="IN_INTEGRE",
        )
        for i in range(invoices // PER_FLUX + 1)
    )
    setup_seconds = time.perf_counter() - started

    # One row built by the model, then only the columns that vary are replaced per invoice.
    now = timezone.now()
    template = Invoice(
        flux=fluxes[0],
        mode_depot=ModeDepot.UPLOAD_API,
        syntax=SyntaxeFlux.IN_DP_E1_CII_16B,
        supplier=suppliers[0],
        recipient=recipients[0],
        number="F",
        issue_date=dt.date(2025, 1, 1),
        issue_year=2025,
        total_ht=Decimal("1.00"),
        total_tva=Decimal("0.20"),
        total_ttc=Decimal("1.20"),
        amount_due=Decimal("1.20"),
        xml=xml,
        fingerprint=xml.sha256,
        status_changed_at=now,
        created_at=now,
    )
    fields = [f for f in Invoice._meta.concrete_fields if not f.primary_key]
    base = {}
    for f in fields:
        value = f.pre_save(template, add=True)
        base[f.column] = f.get_db_prep_save(value, connection)
    columns = list(base)
    varying = [
        "flux_id", "flux_position", "supplier_id", "recipient_id", "service_id", "number",
        "issue_date", "issue_year", "due_date", "total_ht", "total_tva", "total_ttc",
        "amount_due", "status", "created_at", "status_changed_at", "seller_name", "buyer_name",
    ]  # fmt: skip
    positions = [columns.index(c) for c in varying]
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
    statuses = [str(s) for s in statuses]
    start_day = dt.date(2025, 1, 1)
    day = dt.timedelta(days=1)
    cent = Decimal("0.01")
    table = Invoice._meta.db_table
    started = time.perf_counter()
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"  # noqa: S608 - our table and columns
    with connection.cursor() as cursor:
        # Rows consistent by construction: no per-row foreign-key triggers (superuser), and the
        # table's plain indexes built once at the end rather than maintained row by row.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN"
            " (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            [table, table],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    for first in range(0, invoices, COPY_BATCH):
        with connection.cursor() as wrapper, wrapper.cursor.copy(sql) as copy:
            for i in range(first, min(first + COPY_BATCH, invoices)):
                mix = (i * 2654435761) % 1000  # structures spread without a pattern on i
                supplier = suppliers[0] if mix < 700 else suppliers[1 + mix % 9]
                recipient = recipients[0] if (mix * 7 + i) % 10 < 7 else recipients[1 + i % 19]
                issue = start_day + (i % 700) * day
                ht = Decimal(10 + (i * 7919) % 500000) / 100
                tva = (ht * Decimal("0.2")).quantize(cent)
                created = now - dt.timedelta(days=i % 730, seconds=i % 86400)
                row = [base[c] for c in columns]
                values = (
                    fluxes[i // PER_FLUX].pk, i % PER_FLUX, supplier.pk, recipient.pk,
                    services[i % 4].pk if recipient is recipients[0] and i % 4 < 3 else None,
                    f"F-{issue.year}-{i:07d}", issue, issue.year, issue + 30 * day, ht, tva,
                    ht + tva, ht + tva, statuses[i % len(statuses)], created, created,
                    supplier.raison_sociale, recipient.raison_sociale,
                )  # fmt: skip
                for position, value in zip(positions, values, strict=True):
                    row[position] = value
                copy.write_row(row)
        print(f"# {min(first + COPY_BATCH, invoices)} factures", file=sys.stderr)
    copy_seconds = time.perf_counter() - started
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("SET session_replication_role = DEFAULT")
    index_seconds = time.perf_counter() - started
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {table}")  # noqa: S608 - our table name
        cursor.execute("SELECT pg_total_relation_size(%s)", [table])
        table_bytes = cursor.fetchone()[0]
        cursor.execute("SELECT pg_database_size(current_database())")
        database_bytes = cursor.fetchone()[0]
    vacuum_seconds = time.perf_counter() - started
    step = max(invoices // 300, 1)
    sample = Invoice.objects.annotate(mod=F("id") % step).filter(mod=0)
    return {
        "invoices": invoices,
        "setup_seconds": setup_seconds,
        "copy_seconds": copy_seconds,
        "index_seconds": index_seconds,
        "vacuum_seconds": vacuum_seconds,
        "table_bytes": table_bytes,
        "database_bytes": database_bytes,
        "sent_ids": list(sample.filter(supplier=suppliers[0]).values_list("pk", flat=True)[:200]),
        "sent_numbers": list(
            sample.filter(supplier=suppliers[0]).values_list("number", flat=True)[:200]
        ),
        "received_ids": list(
            sample.filter(recipient=recipients[0], service__isnull=False).values_list(
                "pk", flat=True
            )[:200]
        ),
        "supplier_sessions": _sessions(supplier_user, sessions),
        "buyer_sessions": _sessions(buyer, sessions),
        "api": {
            "client_id": technical.account.application.client_id,
            "client_secret": technical.client_secret,
            "login": technical.account.login,
            "password": technical.password,
        },
    }


def explain(pages: list[dict[str, str]], session: dict[str, str]) -> list[dict[str, Any]]:
    """The slowest SQL statement of each page (one request each, in-process), EXPLAINed."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients = {}
    for side, key in session.items():
        client = Client()
        client.cookies["sessionid"] = key
        clients[side] = client
    out = []
    for page in pages:
        if page["side"] not in clients:
            continue
        client = clients[page["side"]]
        client.get(page["url"])  # warm
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page["url"])
        reads = [q for q in captured.captured_queries if q["sql"].lstrip().startswith("SELECT")]
        if response.status_code != 200 or not reads:
            continue
        slowest = max(reads, key=lambda q: float(q["time"]))
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
        out.append(
            {
                "label": page["label"],
                "queries": len(captured.captured_queries),
                "slowest_ms": float(slowest["time"]) * 1000,
                "sql": slowest["sql"],
                "plan": plan,
            }
        )
    return out


if __name__ == "__main__":
    _setup()
    if sys.argv[1] == "fill":
        print(json.dumps(fill(int(sys.argv[2]))))
    elif sys.argv[1] == "explain":
        request = json.loads(sys.argv[2])
        print(json.dumps(explain(request["pages"], request["sessions"])))
