"""API authentication cost: a /cpro call with its bearer token and `cpro-account` header, the
first one of a token (the technical account's Argon2 hash is checked) against the next ones (the
check remembered for the token's life). Runs in a subprocess on a scratch SQLite database with
the production password hasher (Argon2id), tasks in-process.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time

from _common import api_caller, django_setup, run_on_scratch_sqlite

CALLS = int(os.environ.get("BENCH_API_AUTH_CALLS", "30"))


def _row(measure: str, value: str) -> dict[str, str]:
    return {"benchmark": "authentification API", "measure": measure, "value": value}


def run() -> list[dict[str, str]]:
    figures = run_on_scratch_sqlite(__file__, prefix="bench-api-auth-")
    return [
        _row("premier appel d'un jeton (Argon2), ms", f"{figures['first']:.1f}"),
        _row(f"appels suivants, médiane sur {CALLS}, ms", f"{figures['next_p50']:.1f}"),
        _row("appels suivants, p95, ms", f"{figures['next_p95']:.1f}"),
        _row("temps CPU par appel suivant, ms", f"{figures['next_cpu']:.1f}"),
    ]


def measure() -> None:
    django_setup()
    from django.test import Client

    from choeur.structures.enums import Espace, IdentifierType
    from choeur.structures.models import Structure

    structure = Structure.objects.create(
        identifier_type=IdentifierType.SIRET,
        identifier="73282932000074",
        raison_sociale="Menuiserie Durand",
        code_postal="75007",
        ville="Paris",
        adresse="1 rue de l'Université",
    )
    secrets, token = api_caller(structure, espace=Espace.FACTURES_EMISES, scope="openid")
    client = Client()
    import base64

    header = base64.b64encode(f"{secrets.account.login}:{secrets.password}".encode()).decode()

    def call() -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.post(
            "/cpro/transverses/v1/recuperer/devises",
            data="{}",
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
            HTTP_CPRO_ACCOUNT=header,
        )
        assert response.status_code == 200, response.content
        return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000

    first, _ = call()
    nexts = [call() for _ in range(CALLS)]
    walls = sorted(w for w, _ in nexts)
    print(
        json.dumps(
            {
                "first": first,
                "next_p50": statistics.median(walls),
                "next_p95": walls[int(len(walls) * 0.95) - 1],
                "next_cpu": statistics.median(c for _, c in nexts),
            }
        )
    )


if __name__ == "__main__":
    if sys.argv[1:] == ["measure"]:
        measure()
