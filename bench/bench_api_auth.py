"""API authentication cost: a /cpro call with its bearer token and `cpro-account` header, the
first one of a token (the technical account's Argon2 hash is checked) against the next ones (the
check remembered for the token's life). Runs in a subprocess on a scratch SQLite database with
the production password hasher (Argon2id), tasks in-process.
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
CALLS = int(os.environ.get("BENCH_API_AUTH_CALLS", "30"))


def _row(measure: str, value: str) -> dict[str, str]:
    return {"benchmark": "authentification API", "measure": measure, "value": value}


def run() -> list[dict[str, str]]:
    with tempfile.TemporaryDirectory(prefix="bench-api-auth-") as folder:
        env = {k: v for k, v in os.environ.items() if k != "CELERY_BROKER_URL"} | {
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "MEDIA_ROOT": f"{folder}/media",
            "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "testserver",
        }
        for args in (["manage.py", "migrate", "--noinput", "-v0"], [__file__, "measure"]):
            result = subprocess.run(  # noqa: S603 - our own interpreter and scripts
                [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True
            )
            if result.returncode:
                raise RuntimeError(f"{args} a échoué :\n{result.stderr[-2000:]}")
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    return [
        _row("premier appel d'un jeton (Argon2), ms", f"{figures['first']:.1f}"),
        _row(f"appels suivants, médiane sur {CALLS}, ms", f"{figures['next_p50']:.1f}"),
        _row("appels suivants, p95, ms", f"{figures['next_p95']:.1f}"),
        _row("temps CPU par appel suivant, ms", f"{figures['next_cpu']:.1f}"),
    ]


def measure() -> None:
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.test import Client

    from choeur.accounts.models import User
    from choeur.structures.enums import Espace, IdentifierType, RattachementStatus, Role
    from choeur.structures.models import Rattachement, Structure, StructureEspace
    from choeur.structures.services.technical import technical_account_create

    structure = Structure.objects.create(
        identifier_type=IdentifierType.SIRET,
        identifier="73282932000074",
        raison_sociale="Menuiserie Durand",
        code_postal="75007",
        ville="Paris",
        adresse="1 rue de l'Université",
    )
    StructureEspace.objects.get_or_create(structure=structure, espace=Espace.FACTURES_EMISES)
    manager = User.objects.create_user(email="gestion@example.org", password="Gestion-2026!")  # noqa: S106 - a scratch database
    Rattachement.objects.create(
        user=manager,
        structure=structure,
        role=Role.GESTIONNAIRE_PRINCIPAL,
        status=RattachementStatus.VALIDEE,
    )
    secrets = technical_account_create(actor=manager, structure=structure)
    client = Client()
    token = client.post(
        "/api/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": secrets.account.application.client_id,
            "client_secret": secrets.client_secret,
            "scope": "openid",
        },
    ).json()["access_token"]
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
