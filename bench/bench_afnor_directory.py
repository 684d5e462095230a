"""Directory Service (XP Z12-013) figures on the demo directory (10,000 companies and 520 public
structures with their services): the searches an ERP makes (by name, by postal code, a
routing code by its name, the lines of a SIREN) and one consultation, through the HTTP API with
a bearer token. Runs in a subprocess on a scratch SQLite database.
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

ROOT = Path(__file__).resolve().parent.parent
CALLS = int(os.environ.get("BENCH_AFNOR_DIRECTORY_CALLS", "30"))
BASE = "/afnor/directory-service/v1"


def _row(measure: str, value: str) -> dict[str, str]:
    return {"benchmark": "Directory Service (AFNOR)", "measure": measure, "value": value}


def run() -> list[dict[str, str]]:
    with tempfile.TemporaryDirectory(prefix="bench-afnor-directory-") as folder:
        env = {k: v for k, v in os.environ.items() if k != "CELERY_BROKER_URL"} | {
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "MEDIA_ROOT": f"{folder}/media",
            "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "testserver",
        }
        for args in (
            ["manage.py", "migrate", "--noinput", "-v0", "--skip-checks"],
            [__file__, "measure"],
        ):
            result = subprocess.run(  # noqa: S603 - our own interpreter and scripts
                [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True
            )
            if result.returncode:
                raise RuntimeError(f"{args} a échoué :\n{result.stderr[-2000:]}")
    f = json.loads(result.stdout.strip().splitlines()[-1])
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


def _stats(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[max(int(len(ordered) * 0.95) - 1, 0)]


def measure() -> None:
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    import io

    from django.test import Client

    from choeur.accounts.models import User
    from choeur.directory import demo
    from choeur.structures import annuaire_demo
    from choeur.structures.enums import Espace, RattachementStatus, Role
    from choeur.structures.models import Rattachement, Structure, StructureEspace
    from choeur.structures.services.technical import technical_account_create

    demo.load(stdout=io.StringIO())
    annuaire_demo.load(stdout=io.StringIO())
    caller = Structure.objects.get(identifier=demo.DEMO_PUBLIC_SIRET)
    StructureEspace.objects.get_or_create(structure=caller, espace=Espace.FACTURES_RECUES)
    manager = User.objects.create_user(email="gestion@example.org", password="Gestion-2026!")  # noqa: S106 - a scratch database
    Rattachement.objects.create(
        user=manager, structure=caller, role=Role.GESTIONNAIRE_PRINCIPAL,
        status=RattachementStatus.VALIDEE,
    )  # fmt: skip
    made = technical_account_create(actor=manager, structure=caller)
    client = Client()
    token = client.post(
        "/api/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": made.account.application.client_id,
            "client_secret": made.client_secret,
        },
    ).json()["access_token"]
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
        return _stats([timed(method, path, body) for _ in range(CALLS)])

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
