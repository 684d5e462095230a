"""Backups restore: deploy/backup.sh then deploy/restore.sh into a fresh PostgreSQL database give
back every invoice and every original, byte for byte (docs/operator-guide.md « Sauvegardes »).

PostgreSQL only (the scripts use pg_dump / pg_restore); runs in `.ci/run`'s PostgreSQL pass.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from choeur.invoices.enums import FluxStatus
from choeur.invoices.models import Flux, Invoice
from choeur.invoices.services.deposit import Upload, flux_deposit
from tests.integration.faults import ROOT, SECRET_KEY, database_url
from tests.invoices.factories import PUBLIC_SIRET
from tests.invoices.samples import Sample, zip_of

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# What the restored platform reads, through Django, in a process of its own: every invoice with
# its flux, status, amounts, and the sha256 of its original and XML as read back from storage.
READ_BACK = """
import hashlib, json, django
django.setup()
from choeur.invoices.models import Invoice
rows = []
for i in Invoice.objects.select_related("flux__original", "xml").order_by("number"):
    rows.append({
        "number": i.number, "flux": i.flux.numero, "status": i.status,
        "total_ttc": str(i.total_ttc), "supplier": i.supplier.identifier,
        "original": hashlib.sha256(i.flux.original.read()).hexdigest(),
        "xml": hashlib.sha256(i.xml.read()).hexdigest(),
    })
print(json.dumps(rows))
"""


def _run(command: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(  # noqa: S603 - our own scripts
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, f"{command[0]} : {result.stdout}\n{result.stderr}"
    return result.stdout


def _server_url(name: str) -> str:
    return database_url().rsplit("/", 1)[0] + "/" + name


def test_a_backup_restored_into_a_fresh_database_gives_back_every_invoice_and_original(
    world: Any, tmp_path: Path
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump / pg_restore : PostgreSQL seulement")
    sent: dict[str, bytes] = {}
    single = Sample(world.supplier.identifier, PUBLIC_SIRET, service_code="SERVICE_DEST_SERV_OBL",
                    number="SAUV-001").cii()  # fmt: skip
    sent["SAUV-001"] = single
    members = {
        f"SAUV-{n:03d}": Sample(
            world.supplier.identifier, PUBLIC_SIRET, service_code="SERVICE_DEST_SERV_OBL",
            number=f"SAUV-{n:03d}", price=f"{n}.50",
        ).cii()
        for n in range(2, 7)
    }  # fmt: skip
    sent.update(members)
    archive = zip_of({f"{n}.xml": data for n, data in members.items()})
    originals = {}
    for name, data in (("f.xml", single), ("lot.zip", archive)):
        flux = flux_deposit(user=world.user, supplier=world.supplier, upload=Upload(name, data))
        flux.refresh_from_db()
        assert flux.status == FluxStatus.IN_INTEGRE, flux.report
        originals[flux.numero] = hashlib.sha256(data).hexdigest()
    assert Invoice.objects.count() == 6
    media = Path(settings.STORAGES["default"]["OPTIONS"]["location"])

    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | {
        "SECRET_KEY": SECRET_KEY,
        "DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHON": sys.executable,
    }
    env.pop("CELERY_BROKER_URL", None)
    folder = Path(
        _run(
            [str(ROOT / "deploy" / "backup.sh"), str(tmp_path / "sauvegardes")],
            env | {"DATABASE_URL": database_url(), "MEDIA_ROOT": str(media)},
        ).strip()
    )
    assert sorted(p.name for p in folder.iterdir()) == [
        "SHA256SUMS",
        "database.dump",
        "media.tar.gz",
    ]

    name = f"choeur_restore_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    restored = env | {"DATABASE_URL": _server_url(name), "MEDIA_ROOT": str(tmp_path / "restaure")}
    try:
        # After the backup, the live platform goes on: what comes later is not in the backup.
        later = Sample(world.supplier.identifier, PUBLIC_SIRET,
                       service_code="SERVICE_DEST_SERV_OBL", number="SAUV-099").cii()  # fmt: skip
        flux_deposit(user=world.user, supplier=world.supplier, upload=Upload("g.xml", later))
        _run([str(ROOT / "deploy" / "restore.sh"), str(folder)], restored)
        rows = json.loads(
            _run([sys.executable, "-c", READ_BACK], restored).strip().splitlines()[-1]
        )
        # A second restore into the same, no longer empty, base is refused.
        again = subprocess.run(  # noqa: S603
            [str(ROOT / "deploy" / "restore.sh"), str(folder)],
            cwd=ROOT, env=restored, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert again.returncode != 0 and "n'est pas vide" in again.stderr
    assert [r["number"] for r in rows] == sorted(sent)
    for row in rows:
        assert row["supplier"] == world.supplier.identifier
        assert row["status"] == "MISE_A_DISPOSITION"
        assert row["original"] == originals[row["flux"]]
        assert row["xml"] == hashlib.sha256(sent[row["number"]]).hexdigest()
    assert {r["flux"] for r in rows} == set(originals)
    assert Flux.objects.count() == 3  # the live base has the later deposit, the backup not


def test_a_damaged_backup_is_refused_before_anything_is_restored(tmp_path: Path) -> None:
    folder = tmp_path / "choeur-20261203T020000Z"
    folder.mkdir()
    (folder / "database.dump").write_bytes(b"PGDMP tronque")
    (folder / "media.tar.gz").write_bytes(b"")
    (folder / "SHA256SUMS").write_text(
        f"{'0' * 64}  database.dump\n{hashlib.sha256(b'').hexdigest()}  media.tar.gz\n"
    )
    env = dict(os.environ) | {
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/jamais",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    result = subprocess.run(  # noqa: S603
        [str(ROOT / "deploy" / "restore.sh"), str(folder)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "sauvegarde altérée ou incomplète" in result.stderr
    assert not (tmp_path / "media").exists()
