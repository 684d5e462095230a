"""Directory Service (XP Z12-013) figures on the demo directory (10,000 companies and 520 public
structures with their services): the searches an ERP makes (by name, by postal code, a
routing code by its name, the lines of a SIREN) and one consultation, through the HTTP API with
a bearer token. Runs in a subprocess on a scratch SQLite database.
"""

from __future__ import annotations

import json
import os
import sys
import time

from _common import api_caller, django_setup, run_on_scratch_sqlite, stats

CALLS = int(os.environ.get("BENCH_AFNOR_DIRECTORY_CALLS", "30"))
BASE = "/afnor/directory-service/v1"


def _row(measure: str, value: str) -> dict[str, str]:
    return {"benchmark": "Directory Service (AFNOR)", "measure": measure, "value": value}


def run() -> list[dict[str, str]]:
    f = run_on_scratch_sqlite(
        __file__, prefix="bench-afnor-directory-", migrate_options=("--skip-checks",)
    )
    labels = {
        "name_contains": "SIREN, nom contient (contains), 50 résultats",
        "name_start": "SIREN, nom commence par (startWith)",
        "postal": "SIRET, code postal commence par, avec l'unité légale (include)",
        "routing": "codes de routage, libellé contient, avec l'établissement",
        "lines": "lignes d'annuaire d'un SIREN, avec le code de routage",
        "siret": "GET /v1/siret/code-insee:{siret}",
    }
    return [
        _row(f"{label}, médiane / p95 ms ({CALLS} appels)", f"{f[key][0]:.1f} / {f[key][1]:.1f}")
        for key, label in labels.items()
    ]


def measure() -> None:
    django_setup()
    import io

    from django.test import Client

    from choeur.directory import demo
    from choeur.structures import annuaire_demo
    from choeur.structures.enums import Espace
    from choeur.structures.models import Structure

    demo.load(stdout=io.StringIO())
    annuaire_demo.load(stdout=io.StringIO())
    caller = Structure.objects.get(identifier=demo.DEMO_PUBLIC_SIRET)
    _made, token = api_caller(caller, espace=Espace.FACTURES_RECUES)
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def timed(method: str, path: str, body: object = None) -> float:
        started = time.perf_counter()
        if method == "GET":
            response = client.get(BASE + path, **auth)
        else:
            response = client.post(
                BASE + path, data=json.dumps(body), content_type="application/json", **auth
            )
        assert response.status_code == 200, response.content
        return (time.perf_counter() - started) * 1000

    def many(method: str, path: str, body: object = None) -> tuple[float, float]:
        timed(method, path, body)  # warm
        return stats([timed(method, path, body) for _ in range(CALLS)])

    siren = demo.DEMO_PUBLIC_SIRET[:9]
    figures = {
        "name_contains": many(
            "POST",
            "/siren/search",
            {"filters": {"businessName": {"op": "contains", "value": "et"}}},
        ),
        "name_start": many(
            "POST",
            "/siren/search",
            {"filters": {"businessName": {"op": "startWith", "value": "bo"}}},
        ),
        "postal": many(
            "POST",
            "/siret/search",
            {"filters": {"postalCode": {"op": "startWith", "value": "69"}}, "include": ["siren"]},
        ),
        "routing": many(
            "POST",
            "/routing-code/search",
            {
                "filters": {"routingCodeName": {"op": "contains", "value": "service"}},
                "include": ["siret"],
            },
        ),  # fmt: skip
        "lines": many(
            "POST",
            "/directory-line/search",
            {"filters": {"siren": {"op": "strict", "value": siren}}, "include": ["routingCode"]},
        ),
        "siret": many("GET", f"/siret/code-insee:{demo.DEMO_PUBLIC_SIRET}"),
    }
    print(json.dumps(figures))


if __name__ == "__main__" and sys.argv[1:] == ["measure"]:
    measure()
