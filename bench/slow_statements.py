"""The four statements that missed the load test's target at a million invoices
(docs/performance.md « Load test »), timed and EXPLAINed on a base filled by load_invoices.py:

    DATABASE_URL=postgres://.../scratch python bench/load_invoices.py fill 100000 > world.json
    DATABASE_URL=postgres://.../scratch python bench/slow_statements.py world.json

For each page (one request to warm, then BENCH_SLOW_REPEAT requests, in-process with Django's
test client), p50 / p95 of the page and of its statement, and the statement's EXPLAIN (ANALYZE,
BUFFERS): the count of the supplier's rejections not yet processed (« Factures émises »), the
counts per status of both Synthèses, « Factures reçues » sorted by supplier.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REPEAT = int(os.environ.get("BENCH_SLOW_REPEAT", "10"))

# (label, side, url, what the statement's SQL contains)
PAGES = [
    ("rejets non traités (Factures émises)", "supplier", "/factures/",
     r'^SELECT COUNT\(\*\) AS "__count" .*"rejection_processed_at" IS NULL'),
    ("Synthèse du fournisseur, par statut", "supplier", "/factures/synthese/",
     r'^SELECT "invoices_invoice"."status" AS "status", COUNT'),
    ("Synthèse du fournisseur, dû par mois", "supplier", "/factures/synthese/", r"DATE_TRUNC"),
    ("Synthèse du destinataire, par statut", "buyer", "/factures-recues/synthese/",
     r'^SELECT "invoices_invoice"."status" AS "status", COUNT'),
    ("Synthèse du destinataire, hors délai", "buyer", "/factures-recues/synthese/",
     r'^SELECT COUNT\("invoices_invoice"."id"\) AS "n", SUM'),
    ("Factures reçues triées par fournisseur", "buyer", "/factures-recues/?tri=fournisseur",
     r'^SELECT "invoices_invoice"."id" AS "pk" FROM .*ORDER BY [^,]*(seller_name|raison_sociale)'),
]  # fmt: skip


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(world: dict[str, Any]) -> list[dict[str, Any]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients = {}
    for side, key in (
        ("supplier", world["supplier_sessions"][0]),
        ("buyer", world["buyer_sessions"][0]),
    ):
        client = Client()
        client.cookies["sessionid"] = key
        clients[side] = client
    out = []
    for label, side, url, pattern in PAGES:
        client = clients[side]
        assert client.get(url).status_code == 200, url
        pages, statements, sql = [], [], ""
        for _ in range(REPEAT):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                client.get(url)
                pages.append((time.perf_counter() - started) * 1000)
            found = [q for q in captured.captured_queries if re.search(pattern, q["sql"], re.S)]
            assert found, (label, [q["sql"][:120] for q in captured.captured_queries])
            slowest = max(found, key=lambda q: float(q["time"]))
            statements.append(float(slowest["time"]) * 1000)
            sql = slowest["sql"]
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        out.append(
            {
                "label": label,
                "page_p50_ms": statistics.median(pages),
                "page_p95_ms": _percentile(pages, 0.95),
                "statement_p50_ms": statistics.median(statements),
                "statement_p95_ms": _percentile(statements, 0.95),
                "sql": sql,
                "plan": plan,
            }
        )
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    load = os.getloadavg()
    results = measure(json.loads(Path(sys.argv[1]).read_text()))
    for r in results:
        print(
            f"## {r['label']}: page p50 {r['page_p50_ms']:.0f} / p95 {r['page_p95_ms']:.0f} ms, "
            f"statement p50 {r['statement_p50_ms']:.1f} / p95 {r['statement_p95_ms']:.1f} ms"
        )
        print(r["plan"])
        print()
    print(f"# load average at start {load[0]:.1f}, at end {os.getloadavg()[0]:.1f}")
