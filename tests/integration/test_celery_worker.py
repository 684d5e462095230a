"""The production set-up: PostgreSQL, a RabbitMQ broker and a real Celery worker process.

Runs when `CELERY_BROKER_URL_FOR_TESTS` names a broker and the database is PostgreSQL (as
`.ci/run` does); elsewhere it is skipped with that reason.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from choeur.invoices.enums import FluxStatus, InvoiceStatus
from choeur.invoices.models import Flux, Invoice
from choeur.invoices.services.deposit import Upload, flux_deposit
from config.celery import app
from tests.invoices.factories import PUBLIC_SIRET
from tests.invoices.samples import Sample

BROKER = os.environ.get("CELERY_BROKER_URL_FOR_TESTS", "")
ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.broker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not BROKER, reason="CELERY_BROKER_URL_FOR_TESTS n'est pas défini"),
]


@pytest.fixture
def queue(settings: Any) -> Iterator[str]:
    """Send this test's tasks to a broker queue of its own instead of running them here."""
    if connection.vendor != "postgresql":
        pytest.skip("le worker partage la base de test : PostgreSQL seulement")
    name = f"choeur-test-{uuid.uuid4().hex[:8]}"
    keys = ("broker_url", "task_always_eager", "task_default_queue", "task_routes")
    previous = {k: app.conf[k] for k in keys}
    # Every task on the test's queue (emails and webhooks have a queue of their own otherwise).
    app.conf.update(
        broker_url=BROKER,
        task_always_eager=False,
        task_default_queue=name,
        task_routes={"*": {"queue": name}},
    )
    _reset_connections()
    yield name
    app.conf.update(previous)
    _reset_connections()


def _reset_connections() -> None:
    # Connections made for the previous broker (the in-memory one) must not be reused.
    app._pool = None
    app.amqp._producer_pool = None


def start_worker(queue: str) -> subprocess.Popen[bytes]:
    storage = settings.STORAGES["default"]["OPTIONS"]["location"]
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": BROKER,
        "MEDIA_ROOT": str(storage),
        "SECRET_KEY": "tests-only-secret-key-not-for-production-0123456789",
        "DEBUG": "false",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    # A node name of its own: two test processes' workers must not share a control queue.
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue, "-n", f"{queue}@%h",
               "--pool", "solo", "--loglevel", "WARNING", "--without-heartbeat", "--without-gossip",
               "--without-mingle"]  # fmt: skip
    log = Path(storage).parent / f"{queue}.log"
    with log.open("wb") as output:  # the worker keeps its own handle on the file
        worker = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    worker.log = log  # type: ignore[attr-defined]
    return worker


def _database_url() -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def wait_final(flux: Flux, worker: subprocess.Popen[bytes], timeout: float = 90) -> Flux:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        flux.refresh_from_db()
        if flux.is_final:
            return flux
        if worker.poll() is not None:
            output = worker.log.read_text(errors="replace")  # type: ignore[attr-defined]
            raise AssertionError(f"le worker s'est arrêté :\n{output}")
        time.sleep(0.3)
    raise AssertionError(f"flux {flux.numero} toujours {flux.status} après {timeout} s")


def stop(worker: subprocess.Popen[bytes]) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()


def test_a_deposit_is_integrated_by_a_real_worker_through_the_broker(
    world: Any, queue: str
) -> None:
    data = Sample(
        world.supplier.identifier, PUBLIC_SIRET, service_code="SERVICE_DEST_SERV_OBL"
    ).cii()
    worker = start_worker(queue)
    try:
        flux = flux_deposit(user=world.user, supplier=world.supplier, upload=Upload("f.xml", data))
        # The answer comes before integration: the web process only queued it.
        assert flux.status == FluxStatus.IN_RECU
        flux = wait_final(flux, worker)
    finally:
        stop(worker)
    assert flux.status == FluxStatus.IN_INTEGRE
    assert Invoice.objects.get(flux=flux).status == InvoiceStatus.MISE_A_DISPOSITION


def test_a_deposit_made_while_no_worker_runs_waits_in_the_broker_and_is_not_lost(
    world: Any, queue: str
) -> None:
    data = Sample(
        world.supplier.identifier, PUBLIC_SIRET, service_code="SERVICE_DEST_SERV_OBL", number="FA-2"
    ).cii()
    flux = flux_deposit(user=world.user, supplier=world.supplier, upload=Upload("f.xml", data))
    time.sleep(1)
    flux.refresh_from_db()
    assert flux.status == FluxStatus.IN_RECU
    worker = start_worker(queue)
    try:
        flux = wait_final(flux, worker)
    finally:
        stop(worker)
    assert flux.status == FluxStatus.IN_INTEGRE


def test_a_worker_keeps_its_database_connection_from_one_task_to_the_next(
    world: Any, queue: str
) -> None:
    """One PostgreSQL session serves many tasks (Celery's Django fixup used to close it after
    every task: a new session, with its authentication, per invoice)."""
    import datetime as dt

    from django.utils import timezone

    worker = start_worker(queue)
    try:
        numbers = [f"CONN-{i}" for i in range(4)]
        fluxes = []
        for index, number in enumerate(numbers):
            data = Sample(
                world.supplier.identifier, PUBLIC_SIRET, service_code="SERVICE_DEST_SERV_OBL",
                number=number,
            ).cii()  # fmt: skip
            fluxes.append(
                flux_deposit(user=world.user, supplier=world.supplier, upload=Upload("f.xml", data))
            )
            wait_final(fluxes[-1], worker)
            if index == 0:
                after_first = timezone.now() - dt.timedelta(milliseconds=1)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT backend_start FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
            )
            starts = [row[0] for row in cursor.fetchall()]
    finally:
        stop(worker)
    assert all(f.status == FluxStatus.IN_INTEGRE for f in fluxes)
    # The worker's session began before the first task finished and served the three others.
    assert starts and min(starts) < after_first, starts
