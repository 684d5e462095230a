"""What the fault tests share: a TCP proxy to cut a service off, the platform's real processes
(gunicorn, Celery workers, beat), an API client that retries like an ERP, and the invariants
checked after every fault.

The machine's PostgreSQL and RabbitMQ are shared: they are never stopped. An outage is a
`TcpProxy` between the platform's processes and the service, cut (every open connection reset,
new ones refused) then restored.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from django.conf import settings
from django.db.models import Count

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "tests-only-secret-key-not-for-production-0123456789"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class TcpProxy:
    """127.0.0.1:<port> forwarded to `target`; `cut()` is the service going down (open
    connections reset, new ones accepted then reset at once), `restore()` its return."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.up = True
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._server = socket.socket()
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(128)
        self.port = int(self._server.getsockname()[1])
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            if not self.up:
                _reset(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _reset(client)
                continue
            with self._lock:
                self._open.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        # Each socket is the source of one pump: that pump closes it; the other end is told.
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_RDWR)
        with self._lock:
            self._open.discard(source)
        source.close()

    def cut(self) -> None:
        self.up = False
        with self._lock:
            sockets, self._open = list(self._open), set()
        for sock in sockets:
            _reset(sock)

    def restore(self) -> None:
        self.up = True

    def close(self) -> None:
        self._closed = True
        self.cut()
        self._server.close()


def _reset(sock: socket.socket) -> None:
    """Close with a TCP reset, as a server that went away does."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RD)  # wakes the pump blocked in recv() on it
    sock.close()


def database_url(port: int | None = None) -> str:
    """The test database's URL, through 127.0.0.1:`port` when given (a proxy)."""
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = "127.0.0.1" if port else db.get("HOST") or "127.0.0.1"
    return f"postgres://{user}{password}@{host}:{port or db.get('PORT') or 5432}/{db['NAME']}"


def database_address() -> tuple[str, int]:
    db = settings.DATABASES["default"]
    return db.get("HOST") or "127.0.0.1", int(db.get("PORT") or 5432)


def broker_through(broker: str, port: int) -> str:
    parts = urlsplit(broker)
    credentials = parts.netloc.rpartition("@")[0]
    netloc = f"{credentials}@127.0.0.1:{port}" if credentials else f"127.0.0.1:{port}"
    return urlunsplit(parts._replace(netloc=netloc))


def broker_address(broker: str) -> tuple[str, int]:
    parts = urlsplit(broker)
    return parts.hostname or "127.0.0.1", parts.port or 5672


@dataclass
class Platform:
    """The production processes on the test database: gunicorn (deploy/gunicorn.conf.py),
    Celery workers on the test's own queue, beat running the flux sweeper every few seconds."""

    database_url: str
    broker_url: str
    media: Path
    queue: str = field(default_factory=lambda: f"choeur-fault-{uuid.uuid4().hex[:8]}")
    web: subprocess.Popen[bytes] | None = None
    workers: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    beat: subprocess.Popen[bytes] | None = None
    port: int = 0
    sweep_after: int = 8

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
        return env | {
            "DJANGO_SETTINGS_MODULE": "tests.integration.fault_settings",
            "CHOEUR_TEST_QUEUE": self.queue,
            "DATABASE_URL": self.database_url,
            "CELERY_BROKER_URL": self.broker_url,
            "MEDIA_ROOT": str(self.media),
            "SECRET_KEY": SECRET_KEY,
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
            "INVOICES_SWEEP_AFTER_SECONDS": str(self.sweep_after),
            "PYTHONPATH": str(ROOT),
        }

    def _spawn(self, name: str, command: list[str]) -> subprocess.Popen[bytes]:
        log = self.media.parent / f"{self.queue}-{name}.log"
        with log.open("ab") as output:
            process = subprocess.Popen(  # noqa: S603 - our own interpreter
                command, cwd=ROOT, env=self.env(), stdout=output, stderr=subprocess.STDOUT
            )
        process.log = log  # type: ignore[attr-defined]
        return process

    def start_web(self) -> None:
        self.port = free_port()
        self.web = self._spawn(
            "web",
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
             "--bind", f"127.0.0.1:{self.port}", "--workers", "2", "--threads", "4",
             "config.wsgi:application"],
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.web.poll() is not None:
                raise AssertionError("gunicorn s'est arrêté :\n" + self.log("web"))
            with contextlib.suppress(requests.RequestException):
                requests.get(f"{self.url}/cpro/inconnu", timeout=2)
                return
            time.sleep(0.3)
        raise AssertionError("gunicorn ne répond pas :\n" + self.log("web"))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start_worker(self, name: str) -> subprocess.Popen[bytes]:
        worker = self._spawn(
            name,
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", self.queue,
             "-n", f"{self.queue}-{name}@%h", "--pool", "solo", "--loglevel", "WARNING",
             "--without-heartbeat", "--without-gossip", "--without-mingle"],
        )  # fmt: skip
        self.workers[name] = worker
        return worker

    def start_beat(self) -> None:
        schedule = self.media.parent / f"{self.queue}-beat-schedule"
        self.beat = self._spawn(
            "beat",
            [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel", "WARNING",
             "--schedule", str(schedule)],
        )  # fmt: skip

    def kill(self, name: str) -> None:
        worker = self.workers.pop(name)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)

    def log(self, name: str) -> str:
        path = self.media.parent / f"{self.queue}-{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def check_alive(self) -> None:
        for name, process in [("web", self.web), ("beat", self.beat), *self.workers.items()]:
            if process is not None and process.poll() is not None:
                raise AssertionError(f"{name} s'est arrêté :\n{self.log(name)}")

    def stop(self) -> None:
        processes = [self.web, self.beat, *self.workers.values()]
        for process in processes:
            if process is not None and process.poll() is None:
                process.terminate()
        for process in processes:
            if process is None:
                continue
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


@contextlib.contextmanager
def platform(
    *, database_url: str, broker_url: str, workers: int = 1, sweep_after: int = 8
) -> Iterator[Platform]:
    media = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    media.mkdir(parents=True, exist_ok=True)
    running = Platform(database_url, broker_url, media, sweep_after=sweep_after)
    try:
        running.start_web()
        for index in range(workers):
            running.start_worker(f"w{index + 1}")
        running.start_beat()
        yield running
    finally:
        running.stop()
        # The test's queue goes with it (the broker is shared).
        with contextlib.suppress(Exception):
            from kombu import Connection

            with Connection(os.environ.get("CELERY_BROKER_URL_FOR_TESTS", broker_url)) as conn:
                conn.default_channel.queue_delete(running.queue)


@dataclass
class Answer:
    key: str
    status: int
    started: float
    ended: float
    content_type: str
    body: bytes
    retry_after: str = ""

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Deposit:
    key: str
    data: bytes
    name: str
    invoices: dict[str, bytes]  # number -> the bytes of its XML
    answers: list[Answer] = field(default_factory=list)

    @property
    def numero(self) -> str | None:
        numbers = {a.json()["numeroFluxDepot"] for a in self.answers if a.status == 200}
        assert len(numbers) <= 1, (self.key, numbers)
        return next(iter(numbers), None)


class ApiClient:
    """An ERP on the API: one token, deposits with an Idempotency-Key, retried on 503."""

    def __init__(self, base_url: str, *, client_id: str, client_secret: str, account: str):
        self.base_url = base_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.account = account
        self.session = requests.Session()
        self.token = ""

    def _token(self) -> str:
        response = self.session.post(
            f"{self.base_url}/api/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "scope": "openid",
            },
            timeout=60,
        )
        assert response.status_code == 200, (response.status_code, response.text[:500])
        return str(response.json()["access_token"])

    def post(self, path: str, payload: Any, *, key: str = "") -> Answer:
        if not self.token:
            self.token = self._token()
        headers = {
            "Authorization": f"Bearer {self.token}",
            "cpro-account": self.account,
            "Content-Type": "application/json;charset=utf-8",
        }
        if key:
            headers["Idempotency-Key"] = key
        started = time.monotonic()
        response = requests.post(
            f"{self.base_url}{path}", data=json.dumps(payload), headers=headers, timeout=120
        )
        return Answer(
            key,
            response.status_code,
            started,
            time.monotonic(),
            response.headers.get("Content-Type", ""),
            response.content,
            response.headers.get("Retry-After", ""),
        )

    def deposit(self, deposit: Deposit, *, retry_until: float = 0.0) -> None:
        """POST deposer/flux; on a 503, the same request again (same key) until `retry_until`."""
        payload = {
            "fichierFlux": base64.b64encode(deposit.data).decode(),
            "nomFichier": deposit.name,
        }
        while True:
            answer = self.post("/cpro/factures/v1/deposer/flux", payload, key=deposit.key)
            deposit.answers.append(answer)
            if answer.status != 503 or time.monotonic() > retry_until:
                return
            time.sleep(0.3)


def assert_envelope(answer: Answer) -> None:
    """An API answer a client can read: JSON, 200 with codeRetour 0, or 503 with Retry-After."""
    assert answer.content_type.startswith("application/json"), (
        answer.status,
        answer.content_type,
        answer.body[:300],
    )
    body = answer.json()
    if answer.status == 200:
        assert body["codeRetour"] == 0 and body["numeroFluxDepot"], body
    else:
        assert answer.status == 503, (answer.status, body)
        assert body["codeRetour"] == 503 and "indisponible" in body["libelle"], body


def run_clients(
    client: ApiClient, deposits: list[Deposit], *, threads: int, retry_until: Callable[[], float]
) -> None:
    """Send `deposits` from `threads` threads; each retries on 503 until `retry_until()`."""
    pending = list(deposits)
    lock = threading.Lock()
    errors: list[BaseException] = []

    def loop() -> None:
        while True:
            with lock:
                if not pending:
                    return
                deposit = pending.pop(0)
            try:
                client.deposit(deposit, retry_until=retry_until())
            except BaseException as exc:  # noqa: BLE001 - reported by the main thread
                errors.append(exc)
                return

    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if errors:
        raise errors[0]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def wait_all_final(
    user: Any, platform_: Platform, *, timeout: float, progress: Callable[[int], None] = print
) -> None:
    """Until no flux of `user` is in a non-final state (beat's sweeper re-queues stuck ones)."""
    from choeur.invoices.enums import FLUX_FINAL_STATUSES
    from choeur.invoices.models import Flux

    deadline = time.monotonic() + timeout
    while True:
        waiting = Flux.objects.filter(depositor=user).exclude(status__in=FLUX_FINAL_STATUSES)
        left = waiting.count()
        if not left:
            return
        platform_.check_alive()
        if time.monotonic() > deadline:
            states = list(waiting.values_list("numero", "status", "report")[:3])
            raise AssertionError(
                f"{left} flux toujours en cours après {timeout} s : {states}\n"
                + "\n".join(platform_.log(n) for n in platform_.workers)
            )
        progress(left)
        time.sleep(1)


def assert_nothing_lost(user: Any, deposits: list[Deposit]) -> None:
    """Every accepted deposit is one flux, integrated once, with each of its invoices once,
    originals byte-identical to what was sent; no flux stuck; no stored file without its row."""
    import datetime as dt

    from choeur.core.files import stored_files_collect_orphans
    from choeur.invoices.enums import FLUX_FINAL_STATUSES, FluxStatus, InvoiceStatus
    from choeur.invoices.models import Flux, Invoice

    accepted = [d for d in deposits if d.numero is not None]
    assert not Flux.objects.exclude(status__in=FLUX_FINAL_STATUSES).exists()
    fluxes = {f.idempotency_key: f for f in Flux.objects.filter(depositor=user)}
    assert len(fluxes) == Flux.objects.filter(depositor=user).count()  # one flux per key
    # A deposit never answered 200 (all its tries refused) left no flux, or one the client
    # does not know about: none here, every client retried until it was accepted.
    assert sorted(fluxes) == sorted(d.key for d in accepted)
    storage = Flux._meta.get_field("original").related_model._meta.get_field("file").storage  # type: ignore[union-attr]
    for deposit in accepted:
        flux = fluxes[deposit.key]
        assert flux.numero == deposit.numero
        assert flux.status == FluxStatus.IN_INTEGRE, (flux.numero, flux.status, flux.report)
        assert flux.original.sha256 == sha(deposit.data)
        with storage.open(flux.original.file.name) as stored:
            assert sha(stored.read()) == sha(deposit.data)
        invoices = list(Invoice.objects.filter(flux=flux).select_related("xml"))
        assert sorted(i.number for i in invoices) == sorted(deposit.invoices), flux.numero
        for invoice in invoices:
            assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION
            with storage.open(invoice.xml.file.name) as stored:
                assert sha(stored.read()) == sha(deposit.invoices[invoice.number])
    duplicates = (
        Invoice.objects.filter(flux__depositor=user)
        .values("number")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not duplicates.exists(), list(duplicates[:10])
    total = sum(len(d.invoices) for d in accepted)
    assert Invoice.objects.filter(flux__depositor=user).count() == total
    assert stored_files_collect_orphans(older_than=-dt.timedelta(hours=1), dry_run=True) == []
