"""Flow Service (XP Z12-013) figures: a search page among many flows (first page, a page deep
in the cursor, a filtered one), one flow's metadata, and a deposit answered by POST /v1/flows
with its integration run in-process (flux, invoice, lifecycle flows). Runs in a subprocess on
a scratch SQLite database, tasks in-process.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time

from _common import api_caller, django_setup, run_on_scratch_sqlite, stats

FLOWS = int(os.environ.get("BENCH_AFNOR_FLOWS", "100000"))
CALLS = int(os.environ.get("BENCH_AFNOR_CALLS", "30"))
DEPOSITS = int(os.environ.get("BENCH_AFNOR_DEPOSITS", "10"))


def _row(measure: str, value: str) -> dict[str, str]:
    return {"benchmark": "Flow Service (AFNOR)", "measure": measure, "value": value}


def run() -> list[dict[str, str]]:
    f = run_on_scratch_sqlite(__file__, prefix="bench-afnor-")
    return [
        _row(f"recherche, 1re page de 100 parmi {FLOWS} flux, médiane / p95 ms",
             f"{f['first'][0]:.1f} / {f['first'][1]:.1f}"),
        _row("recherche, page 500 par curseur, médiane / p95 ms",
             f"{f['deep'][0]:.1f} / {f['deep'][1]:.1f}"),
        _row("recherche filtrée (type, sens, acquittement), médiane / p95 ms",
             f"{f['filtered'][0]:.1f} / {f['filtered'][1]:.1f}"),
        _row("GET /v1/flows/{flowId} (métadonnées), médiane / p95 ms",
             f"{f['meta'][0]:.1f} / {f['meta'][1]:.1f}"),
        _row(f"POST /v1/flows + intégration en processus, médiane sur {DEPOSITS} ms",
             f"{f['deposit']:.0f}"),
        _row("requêtes SQL des flux AFNOR d'une intégration (1 facture)", str(f["afnor_queries"])),
    ]  # fmt: skip


def measure() -> None:  # noqa: PLR0915 - one scenario, read top to bottom
    django_setup()
    import datetime as dt
    import uuid

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from choeur.api.afnor.models import Flow
    from choeur.structures.enums import Espace, IdentifierType
    from choeur.structures.models import Structure
    from tests.invoices.samples import Sample

    def structure(siret: str, name: str, public: bool = False) -> Structure:
        return Structure.objects.create(
            identifier_type=IdentifierType.SIRET, identifier=siret, raison_sociale=name,
            is_public=public, code_postal="75007", ville="Paris", adresse="1 rue de l'Université",
        )  # fmt: skip

    supplier = structure("73282932000074", "Menuiserie Durand")
    other = structure("40483304800022", "Autre Fournisseur")
    structure("12345678200051", "Commune de Test", public=True)
    made, token = api_caller(supplier, espace=Espace.FACTURES_EMISES)
    start = timezone.now() - dt.timedelta(days=30)
    rows = []
    for index in range(FLOWS * 2):
        at = start + dt.timedelta(seconds=index)
        rows.append(
            Flow(
                flow_id=uuid.uuid4(),
                structure=supplier if index % 2 else other,
                direction="In",
                flow_type="CustomerInvoiceLC" if index % 3 else "CustomerInvoice",
                syntax="CDAR",
                name=f"CDV-{index}.xml",
                ack_status="Ok" if index % 5 else "Error",
                submitted_at=at,
                updated_at=at,
            )  # fmt: skip
        )
    Flow.objects.bulk_create(rows, batch_size=5000)
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def search(body: dict[str, object]) -> tuple[float, dict[str, object]]:
        started = time.perf_counter()
        response = client.post(
            "/afnor/flow-service/v1/flows/search", data=json.dumps(body),
            content_type="application/json", **auth,
        )  # fmt: skip
        assert response.status_code == 200, response.content
        return (time.perf_counter() - started) * 1000, response.json()

    where = {"updatedAfter": "2020-01-01T00:00:00Z"}
    first = [search({"limit": 100, "where": where})[0] for _ in range(CALLS)]
    body: dict[str, object] = {"limit": 100, "where": where}
    for _ in range(499):
        body["cursor"] = search(body)[1]["nextCursor"]
    deep = [search(body)[0] for _ in range(CALLS)]
    filtered_where = {
        "flowType": ["CustomerInvoiceLC"],
        "flowDirection": ["In"],
        "ackStatus": "Error",
    }
    filtered = [search({"limit": 100, "where": filtered_where})[0] for _ in range(CALLS)]
    flow_id = Flow.objects.filter(structure=supplier).order_by("pk")[FLOWS // 2].flow_id
    meta = []
    for _ in range(CALLS):
        started = time.perf_counter()
        response = client.get(f"/afnor/flow-service/v1/flows/{flow_id}", **auth)
        assert response.status_code == 200
        meta.append((time.perf_counter() - started) * 1000)
    deposits = []
    afnor_queries = 0
    for index in range(DEPOSITS):
        content = Sample(
            seller_siret=supplier.identifier, buyer_siret="12345678200051", number=f"B-{index}"
        ).cii()
        from django.core.files.uploadedfile import SimpleUploadedFile

        data = {
            "flowInfo": json.dumps({"name": f"B-{index}.xml", "flowSyntax": "CII"}),
            "file": SimpleUploadedFile(f"B-{index}.xml", content, content_type="application/xml"),
        }
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.post("/afnor/flow-service/v1/flows", data=data, **auth)
        deposits.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 202, response.content
        afnor_queries = sum(1 for q in queries if "afnor_" in q["sql"])
    print(
        json.dumps(
            {
                "first": stats(first),
                "deep": stats(deep),
                "filtered": stats(filtered),
                "meta": stats(meta),
                "deposit": statistics.median(deposits),
                "afnor_queries": afnor_queries,
            }
        )
    )


if __name__ == "__main__":
    if sys.argv[1:] == ["measure"]:
        measure()
