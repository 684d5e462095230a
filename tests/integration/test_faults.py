"""Faults against the real services: nothing accepted is lost, nothing is integrated twice.

The platform's own processes run (gunicorn with deploy/gunicorn.conf.py, Celery workers with
`--pool solo`, beat running the flux sweeper every 3 s with INVOICES_SWEEP_AFTER_SECONDS=8) on
the test database and the machine's RabbitMQ, every task on a queue of the test's own. Deposits
come through the API as an ERP sends them: a token, an Idempotency-Key per deposit, the same
request again after a 503. Outages of PostgreSQL and RabbitMQ are a TCP proxy cut then restored
(the shared services are never stopped). After each fault, `assert_nothing_lost`: every accepted
deposit is one flux, integrated (IN_INTEGRE), each of its invoices once and « Mise à
disposition », the stored original and each invoice's XML byte-identical (sha256) to what was
sent, no flux in a non-final state, no invoice number twice, no stored file without its row.

Runs in `.ci/run`'s PostgreSQL pass (CELERY_BROKER_URL_FOR_TESTS set, PostgreSQL); skipped
elsewhere with the reason. Sizes: FAULT_INVOICES (default 300) for the killed worker; for each
outage, two clients depositing for 12 to 14 s (a few dozen deposits, retried through the
outage); each test takes one to two minutes on this loaded 2-core machine.
"""

from __future__ import annotations

import base64
import os
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

from choeur.invoices.enums import FluxStatus
from choeur.invoices.models import Flux, Invoice
from choeur.structures.services.technical import technical_account_create
from tests.integration.faults import (
    ApiClient,
    Deposit,
    Platform,
    TcpProxy,
    assert_envelope,
    assert_nothing_lost,
    broker_address,
    broker_through,
    database_address,
    database_url,
    platform,
    run_clients,
    wait_all_final,
)
from tests.invoices.factories import PUBLIC_SIRET
from tests.invoices.samples import Sample, zip_of

BROKER = os.environ.get("CELERY_BROKER_URL_FOR_TESTS", "")
INVOICES = int(os.environ.get("FAULT_INVOICES", "300"))

pytestmark = [
    pytest.mark.broker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not BROKER, reason="CELERY_BROKER_URL_FOR_TESTS n'est pas défini"),
]


class Erp:
    """The supplier's technical account and the deposits it makes (unique invoice numbers)."""

    def __init__(self, world: Any) -> None:
        self.world = world
        made = technical_account_create(actor=world.user, structure=world.supplier)
        self.user = made.account.user
        login = base64.b64encode(f"{made.account.login}:{made.password}".encode()).decode()
        self.credentials = {
            "client_id": made.account.application.client_id,
            "client_secret": made.client_secret or "",
            "account": login,
        }
        self.prefix = uuid.uuid4().hex[:6].upper()
        self._count = 0
        self._lock = threading.Lock()

    def client(self, running: Platform) -> ApiClient:
        return ApiClient(running.url, **self.credentials)

    def _number(self) -> str:
        with self._lock:
            self._count += 1
            return f"{self.prefix}-{self._count:05d}"

    def _invoice(self, number: str) -> bytes:
        return Sample(
            self.world.supplier.identifier,
            PUBLIC_SIRET,
            service_code="SERVICE_DEST_SERV_OBL",
            number=number,
        ).cii()

    def single(self) -> Deposit:
        number = self._number()
        data = self._invoice(number)
        return Deposit(uuid.uuid4().hex, data, f"{number}.xml", {number: data})

    def archive(self, size: int) -> Deposit:
        invoices = {n: self._invoice(n) for n in (self._number() for _ in range(size))}
        data = zip_of({f"{n}.xml": xml for n, xml in invoices.items()})
        return Deposit(uuid.uuid4().hex, data, "lot.zip", invoices)


@pytest.fixture
def erp(world: Any) -> Erp:
    if connection.vendor != "postgresql":
        pytest.skip(
            "les processus de la plateforme partagent la base de test : PostgreSQL seulement"
        )
    return Erp(world)


@pytest.fixture
def database_proxy() -> Iterator[TcpProxy]:
    proxy = TcpProxy(*database_address())
    yield proxy
    proxy.close()


@pytest.fixture
def broker_proxy() -> Iterator[TcpProxy]:
    proxy = TcpProxy(*broker_address(BROKER))
    yield proxy
    proxy.close()


def _integrated(user: Any) -> int:
    return Invoice.objects.filter(flux__depositor=user).count()


def stream(
    erp: Erp, client: ApiClient, *, seconds: float, retry_for: float, threads: int = 2
) -> tuple[list[Deposit], threading.Thread]:
    """`threads` clients depositing single invoices for `seconds` (a pause of 0.25 s between
    deposits), each retrying a deposit answered 503 for up to `retry_for` seconds."""
    deposits: list[Deposit] = []
    stop_at = time.monotonic() + seconds

    def client_loop() -> None:
        while time.monotonic() < stop_at:
            deposit = erp.single()
            deposits.append(deposit)
            client.deposit(deposit, retry_until=time.monotonic() + retry_for)
            time.sleep(0.25)

    def both() -> None:
        clients = [threading.Thread(target=client_loop) for _ in range(threads)]
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join()

    runner = threading.Thread(target=both)
    runner.start()
    return deposits, runner


def test_a_worker_killed_with_sigkill_in_the_middle_loses_and_duplicates_nothing(
    erp: Erp,
) -> None:
    """FAULT_INVOICES invoices (archives of 40 and single flux), two worker processes; one
    killed with SIGKILL when a quarter is integrated, started again two seconds later."""
    archives = [erp.archive(40) for _ in range(INVOICES // 2 // 40)]
    singles = [erp.single() for _ in range(INVOICES - 40 * len(archives))]
    deposits = [d for pair in zip(archives, singles[: len(archives)], strict=True) for d in pair]
    deposits += singles[len(archives) :]
    total = sum(len(d.invoices) for d in deposits)
    with platform(database_url=database_url(), broker_url=BROKER, workers=2) as running:
        client = erp.client(running)
        sender = threading.Thread(
            target=run_clients,
            args=(client, deposits),
            kwargs={"threads": 3, "retry_until": lambda: 0.0},
        )
        sender.start()
        deadline = time.monotonic() + 120
        while _integrated(erp.user) < total // 4:
            running.check_alive()
            assert time.monotonic() < deadline, f"{_integrated(erp.user)} / {total} en 120 s"
            time.sleep(0.2)
        in_progress = Flux.objects.filter(
            depositor=erp.user, status=FluxStatus.IN_EN_COURS_TRAITEMENT_CPP
        ).count()
        running.kill("w1")
        killed_at = _integrated(erp.user)
        time.sleep(2)
        running.start_worker("w1-restarted")
        sender.join()
        wait_all_final(erp.user, running, timeout=150, progress=lambda _n: None)
    print(f"{total} factures, worker tué à {killed_at} intégrées ({in_progress} flux en cours)")
    assert killed_at < total
    for deposit in deposits:
        assert [a.status for a in deposit.answers] == [200], deposit.answers
    assert_nothing_lost(erp.user, deposits)
    # One run per flux, a second only for the one the killed worker held: the messages the
    # sweeper used to add for flux waiting in the backlog, and duplicates delivered during a
    # run, start no run of their own.
    runs = list(Flux.objects.filter(depositor=erp.user, attempts__gt=1).values_list("attempts"))
    assert len(runs) <= 1 and all(n == 2 for (n,) in runs), runs


def test_postgresql_down_the_api_answers_503_in_json_and_work_resumes(
    erp: Erp, database_proxy: TcpProxy
) -> None:
    """Web and workers reach PostgreSQL through a proxy, cut for 6 s while two clients deposit."""
    url = database_url(database_proxy.port)
    with platform(database_url=url, broker_url=BROKER, workers=1) as running:
        client = erp.client(running)
        client.token = client._token()  # before the outage
        deposits, runner = stream(erp, client, seconds=14, retry_for=40)
        time.sleep(4)
        cut_at = time.monotonic()
        database_proxy.cut()
        time.sleep(6)
        restored_at = time.monotonic()
        database_proxy.restore()
        runner.join()
        wait_all_final(erp.user, running, timeout=120, progress=lambda _n: None)
    answers = [a for d in deposits for a in d.answers]
    for answer in answers:
        assert_envelope(answer)  # JSON, never HTML; 200 or 503, never a 500
    refused = [a for a in answers if a.status == 503]
    during = [a for a in answers if a.started > cut_at + 0.2 and a.ended < restored_at]
    print(f"{len(deposits)} dépôts, {len(answers)} réponses, {len(refused)} en 503")
    assert during and all(a.status == 503 for a in during), [a.status for a in during]
    assert all(a.retry_after for a in refused)
    assert any(a.started > restored_at and a.status == 200 for a in answers)
    # Every 200 has its durable row and its original (checked with everything else).
    assert_nothing_lost(erp.user, deposits)


def test_broker_down_deposits_are_accepted_durable_and_integrated_when_it_returns(
    erp: Erp, broker_proxy: TcpProxy
) -> None:
    """Web, workers and beat reach RabbitMQ through a proxy, cut for 9 s while three clients
    deposit."""
    url = broker_through(BROKER, broker_proxy.port)
    with platform(database_url=database_url(), broker_url=url, workers=1) as running:
        client = erp.client(running)
        client.token = client._token()
        deposits, runner = stream(erp, client, seconds=15, retry_for=0, threads=3)
        time.sleep(3)
        broker_proxy.cut()
        cut_at = time.monotonic()
        time.sleep(9)
        # While the broker is down: answered, and the row is there, waiting.
        answered = [
            a.json()["numeroFluxDepot"]
            for d in list(deposits)
            for a in d.answers
            if a.started > cut_at + 0.2 and a.status == 200
        ]
        waiting = set(
            Flux.objects.filter(numero__in=answered, status=FluxStatus.IN_RECU).values_list(
                "numero", flat=True
            )
        )
        broker_proxy.restore()
        runner.join()
        wait_all_final(erp.user, running, timeout=120, progress=lambda _n: None)
    answers = [a for d in deposits for a in d.answers]
    slowest = max(a.ended - a.started for a in answers)
    print(
        f"{len(deposits)} dépôts, {len(answered)} acceptés pendant la coupure, {slowest:.1f} s au plus"
    )
    assert all(a.status == 200 for a in answers), [(a.status, a.body[:200]) for a in answers]
    assert answered and waiting == set(answered)
    assert_nothing_lost(erp.user, deposits)


def test_the_same_deposit_sent_concurrently_with_one_key_makes_one_flux_and_no_orphan_file(
    erp: Erp,
) -> None:
    """Five rounds of eight identical requests (one Idempotency-Key) sent at the same instant."""
    deposits = []
    with platform(database_url=database_url(), broker_url=BROKER, workers=1) as running:
        client = erp.client(running)
        client.token = client._token()
        for _round in range(5):
            deposit = erp.single()
            deposits.append(deposit)
            start = threading.Barrier(8)

            def send(deposit: Deposit = deposit, start: threading.Barrier = start) -> None:
                start.wait()
                deposit.answers.append(
                    client.post(
                        "/cpro/factures/v1/deposer/flux",
                        {
                            "fichierFlux": base64.b64encode(deposit.data).decode(),
                            "nomFichier": deposit.name,
                        },
                        key=deposit.key,
                    )
                )

            threads = [threading.Thread(target=send) for _ in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        wait_all_final(erp.user, running, timeout=60, progress=lambda _n: None)
    for deposit in deposits:
        assert [a.status for a in deposit.answers] == [200] * 8, [
            (a.status, a.body[:200]) for a in deposit.answers
        ]
        assert deposit.numero  # the same numeroFluxDepot in the eight answers
    assert_nothing_lost(erp.user, deposits)
