"""Load test: simulated users browsing the portal and calling the API, against gunicorn (the
production configuration, deploy/gunicorn.conf.py) and PostgreSQL holding BENCH_LOAD_INVOICES
invoices (default 100,000) put there by the bulk loader (bench/load_invoices.py, COPY).

Headless, on loopback, written here with threads and `requests` (no load-testing tool is in the
locked dependencies): BENCH_LOAD_USERS users (default 20, at most 50) for BENCH_LOAD_SECONDS
(default 120, at most 300) after one unmeasured pass over every page. Each user is a supplier
(« Factures émises »: first page, status and number filters, sorts by recipient and amount,
page 500, an invoice's details, the Synthèse), a buyer (« Factures reçues »: the same, sorted by
supplier, overdue filter) or an ERP on the API (`rechercher/fournisseur`, first page and a
number filter; `consulter/fournisseur`), two in five, two in five and one in five; each waits
0.5 to 1.5 s between two requests, as a person reading a page does. gunicorn runs
BENCH_LOAD_WEB_WORKERS processes (default 2) of 4 threads.

Result: p50 / p95 / max per page, errors (any status other than 200, a non-zero codeRetour, a
timeout), requests per second; then the slowest SQL statement of every page whose p95 is above
200 ms, with its EXPLAIN (ANALYZE, BUFFERS), written to var/bench_load.md for the docs.

The database is a scratch one on BENCH_POSTGRES_URL, dropped afterwards unless BENCH_LOAD_KEEP=1
(then BENCH_LOAD_REUSE=1 runs again on it without reloading).
"""

from __future__ import annotations

import base64
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import scratch_postgres

ROOT = Path(__file__).resolve().parent.parent
INVOICES = int(os.environ.get("BENCH_LOAD_INVOICES", "100000"))
USERS = min(int(os.environ.get("BENCH_LOAD_USERS", "20")), 50)
SECONDS = min(float(os.environ.get("BENCH_LOAD_SECONDS", "120")), 300.0)
WEB_WORKERS = int(os.environ.get("BENCH_LOAD_WEB_WORKERS", "2"))
KEEP = os.environ.get("BENCH_LOAD_KEEP") == "1"
REUSE = os.environ.get("BENCH_LOAD_REUSE") == "1"
TARGET_MS = 200.0
SCRATCH_DB = os.environ.get("BENCH_LOAD_DB", f"choeur_bench_load_{INVOICES}")
STATE = ROOT / "var" / f"bench_load_{INVOICES}.json"
REPORT = ROOT / "var" / "bench_load.md"


def _row(measure: str, value: str) -> dict[str, str]:
    return {
        "benchmark": "charge, " + f"{INVOICES:,} factures".replace(",", " "),
        "measure": measure,
        "value": value,
    }


def _env(database_url: str, media: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "CELERY_BROKER_URL"}
    return env | {
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": media,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only"),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_ACCESS_LOG": "off",
        "PYTHONPATH": str(ROOT),
    }


def _python(args: list[str], env: dict[str, str], timeout: float = 3600) -> str:
    result = subprocess.run(  # noqa: S603 - our own interpreter and scripts
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=timeout, check=False,
    )  # fmt: skip
    if result.returncode:
        raise RuntimeError(f"{' '.join(args[:2])} a échoué :\n{result.stderr[-2000:]}")
    for line in result.stderr.splitlines():
        if line.startswith("# "):
            print(line, file=sys.stderr)
    return (result.stdout.strip().splitlines() or [""])[-1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def pages(world: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """(label, path) per kind of user; API paths are POSTed (body built by `_api_body`)."""
    sent = [f"/factures/{i}/" for i in world["sent_ids"]]
    received = [f"/factures-recues/{i}/" for i in world["received_ids"]]
    return {
        "supplier": [
            ("Factures émises, 1re page", "/factures/"),
            ("Factures émises, filtre statut", "/factures/?status=MISE_EN_PAIEMENT"),
            ("Factures émises, filtre numéro (« 4242 »)", "/factures/?number=4242"),
            ("Factures émises, tri par destinataire", "/factures/?tri=destinataire"),
            ("Factures émises, tri par montant décroissant", "/factures/?tri=-montant"),
            ("Factures émises, page 500", "/factures/?page=500"),
            ("Facture émise, détail", "SENT"),
            ("Synthèse du fournisseur", "/factures/synthese/"),
        ],
        "buyer": [
            ("Factures reçues, 1re page", "/factures-recues/"),
            ("Factures reçues, filtre statut", "/factures-recues/?statut=MISE_A_DISPOSITION"),
            ("Factures reçues, hors délai", "/factures-recues/?hors_delai=on"),
            ("Factures reçues, tri par fournisseur", "/factures-recues/?tri=fournisseur"),
            ("Factures reçues, tri par montant décroissant", "/factures-recues/?tri=-montant"),
            ("Factures reçues, page 500", "/factures-recues/?page=500"),
            ("Facture reçue, détail", "RECEIVED"),
            ("Synthèse du destinataire", "/factures-recues/synthese/"),
        ],
        "api": [
            ("API rechercher/fournisseur, 1re page", "/cpro/factures/v1/rechercher/fournisseur"),
            ("API rechercher/fournisseur, numéro", "/cpro/factures/v1/rechercher/fournisseur#n"),
            ("API consulter/fournisseur", "/cpro/factures/v1/consulter/fournisseur"),
        ],
        "_details": [("SENT", p) for p in sent] + [("RECEIVED", p) for p in received],
    }


class User(threading.Thread):
    def __init__(self, kind: str, base: str, world: dict[str, Any], index: int,
                 results: list[tuple[str, float, bool, str]], stop_at: float,
                 token: str) -> None:  # fmt: skip
        super().__init__(daemon=True)
        import requests

        self.kind = kind
        self.base = base
        self.world = world
        self.session = requests.Session()
        self.results = results
        self.stop_at = stop_at
        self.random = random.Random(index)  # noqa: S311 - a load pattern, not a secret
        self.token = token
        catalogue = pages(world)
        self.pages = catalogue[kind]
        self.details = {
            "SENT": [p for k, p in catalogue["_details"] if k == "SENT"],
            "RECEIVED": [p for k, p in catalogue["_details"] if k == "RECEIVED"],
        }
        if kind != "api":
            sessions = world["supplier_sessions" if kind == "supplier" else "buyer_sessions"]
            self.session.cookies.set("sessionid", sessions[index % len(sessions)])
        else:
            api = world["api"]
            account = base64.b64encode(f"{api['login']}:{api['password']}".encode()).decode()
            self.session.headers.update(
                {"Authorization": f"Bearer {token}", "cpro-account": account}
            )

    def request(self, label: str, path: str) -> None:
        import requests

        started = time.perf_counter()
        ok, why = False, ""
        try:
            if path in self.details:
                path = self.random.choice(self.details[path])
            if self.kind == "api":
                response = self.session.post(
                    self.base + path.split("#")[0], json=self._api_body(path), timeout=60
                )
                ok = response.status_code == 200 and response.json().get("codeRetour") == 0
            else:
                response = self.session.get(self.base + path, timeout=60, allow_redirects=False)
                ok = response.status_code == 200
            if not ok:
                why = f"HTTP {response.status_code} {path}"
        except requests.RequestException as exc:
            why = f"{type(exc).__name__} {path}"
        self.results.append((label, (time.perf_counter() - started) * 1000, ok, why))

    def _api_body(self, path: str) -> dict[str, Any]:
        if path.endswith("consulter/fournisseur"):
            return {"identifiantFactureCPP": self.random.choice(self.world["sent_ids"])}
        search: dict[str, Any] = {
            "rechercheFactureParFournisseur": {"nbResultatsParPage": 25, "pageResultatDemandee": 1}
        }
        if path.endswith("#n"):
            search["numeroFacture"] = self.random.choice(self.world["sent_numbers"])
        return search

    def run(self) -> None:
        while time.monotonic() < self.stop_at:
            label, path = self.random.choice(self.pages)
            self.request(label, path)
            time.sleep(self.random.uniform(0.5, 1.5))


def _token(base: str, api: dict[str, str]) -> str:
    import requests

    response = requests.post(
        base + "/api/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": api["client_id"],
            "client_secret": api["client_secret"],
            "scope": "openid",
        },
        timeout=60,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def _cpu_seconds(master: int) -> float:
    """User + system CPU of gunicorn's worker processes so far (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return 0.0
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(int(len(ordered) * q + 0.5) - 1, 0)]


def _load(base: str, world: dict[str, Any], master: int) -> dict[str, Any]:
    token = _token(base, world["api"])
    kinds = ["supplier", "buyer", "supplier", "buyer", "api"]
    # One unmeasured pass over every page (first requests of each process: URL conf, templates).
    warm: list[tuple[str, float, bool, str]] = []
    for kind in ("supplier", "buyer", "api"):
        user = User(kind, base, world, 0, warm, 0, token)
        for label, path in user.pages:
            user.request(label, path)
    results: list[tuple[str, float, bool, str]] = []
    stop_at = time.monotonic() + SECONDS
    users = [
        User(kinds[i % len(kinds)], base, world, i, results, stop_at, token) for i in range(USERS)
    ]
    started = time.monotonic()
    load_before = os.getloadavg()[0]
    cpu_before = _cpu_seconds(master)
    for user in users:
        user.start()
    for user in users:
        user.join()
    elapsed = time.monotonic() - started
    load_after = os.getloadavg()[0]
    cpu = _cpu_seconds(master) - cpu_before
    by_label: dict[str, list[tuple[float, bool, str]]] = {}
    for label, ms, ok, why in results:
        by_label.setdefault(label, []).append((ms, ok, why))
    order = [label for kind in ("supplier", "buyer", "api") for label, _ in pages(world)[kind]]
    table = []
    for label in order:
        rows = by_label.get(label, [])
        if not rows:
            continue
        durations = [ms for ms, _, _ in rows]
        errors = [why for _, ok, why in rows if not ok]
        table.append(
            {
                "label": label,
                "n": len(rows),
                "p50": statistics.median(durations),
                "p95": _percentile(durations, 0.95),
                "max": max(durations),
                "errors": len(errors),
                "first_error": errors[0] if errors else "",
            }
        )
    return {
        "loadavg": (load_before, load_after),
        "web_cpu_ms_per_request": cpu * 1000 / max(len(results), 1),
        "elapsed": elapsed,
        "requests": len(results),
        "errors": sum(1 for r in results if not r[2]),
        "all_p50": statistics.median([r[1] for r in results]) if results else 0,
        "all_p95": _percentile([r[1] for r in results], 0.95) if results else 0,
        "pages": table,
    }


def _explain(env: dict[str, str], world: dict[str, Any], slow: list[str]) -> list[dict[str, Any]]:
    wanted = []
    for kind in ("supplier", "buyer"):
        for label, path in pages(world)[kind]:
            if label in slow:
                if path == "SENT":
                    path = f"/factures/{world['sent_ids'][0]}/"
                elif path == "RECEIVED":
                    path = f"/factures-recues/{world['received_ids'][0]}/"
                wanted.append({"label": label, "url": path, "side": kind})
    if not wanted:
        return []
    request = {
        "pages": wanted,
        "sessions": {
            "supplier": world["supplier_sessions"][0],
            "buyer": world["buyer_sessions"][0],
        },
    }
    out: list[dict[str, Any]] = json.loads(
        _python([str(ROOT / "bench" / "load_invoices.py"), "explain", json.dumps(request)], env)
    )
    return out


def _report(world: dict[str, Any], load: dict[str, Any], plans: list[dict[str, Any]]) -> str:
    lines = [
        f"{INVOICES:,} invoices, {USERS} users, {SECONDS:.0f} s, gunicorn {WEB_WORKERS} x 4 threads: "
        f"{load['requests']} requests ({load['requests'] / load['elapsed']:.1f}/s), "
        f"{load['errors']} errors; all pages p50 {load['all_p50']:.0f} ms, p95 {load['all_p95']:.0f} ms; "
        f"load average {load['loadavg'][0]:.1f} before, {load['loadavg'][1]:.1f} after; "
        f"web CPU {load['web_cpu_ms_per_request']:.0f} ms per request.",
        "",
        "| page | n | p50 ms | p95 ms | max ms | errors |",
        "|---|---|---|---|---|---|",
    ]
    for page in load["pages"]:
        lines.append(
            f"| {page['label']} | {page['n']} | {page['p50']:.0f} | {page['p95']:.0f} | "
            f"{page['max']:.0f} | {page['errors']} |"
        )
    for plan in plans:
        lines += [
            "",
            f"**{plan['label']}** ({plan['queries']} queries; slowest {plan['slowest_ms']:.0f} ms):",
            "",
            "```sql",
            plan["sql"],
            "```",
            "",
            "```",
            plan["plan"],
            "```",
        ]
    return "\n".join(lines) + "\n"


def run() -> list[dict[str, str]]:
    reuse = REUSE and STATE.exists()
    if reuse:
        url = scratch_postgres.POSTGRES_URL.rstrip("/") + "/" + SCRATCH_DB
    else:
        url, why = scratch_postgres.create(SCRATCH_DB)
        if url is None:
            return [_row("PostgreSQL", f"ignoré : {why}")]
    rows = []
    web = None
    try:
        with tempfile.TemporaryDirectory(prefix="bench-load-media-") as media:
            env = _env(url, media)
            started = time.perf_counter()
            _python(["manage.py", "migrate", "--noinput", "-v0"], env)  # a kept base too
            print(f"# migrate: {time.perf_counter() - started:.0f} s", file=sys.stderr)
            if reuse:
                world = json.loads(STATE.read_text())
            else:
                world = json.loads(
                    _python([str(ROOT / "bench" / "load_invoices.py"), "fill", str(INVOICES)], env)
                )
                STATE.parent.mkdir(exist_ok=True)
                STATE.write_text(json.dumps(world))
            port = _free_port()
            web = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
                 "--bind", f"127.0.0.1:{port}", "--workers", str(WEB_WORKERS), "--threads", "4",
                 "config.wsgi:application"],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            base = f"http://127.0.0.1:{port}"
            _wait_up(base)
            load = _load(base, world, web.pid)
            slow = [p["label"] for p in load["pages"] if p["p95"] > TARGET_MS]
            try:
                plans = _explain(env, world, slow)
            except RuntimeError as exc:  # the measures stand without their plans
                plans = []
                print(f"# EXPLAIN : {str(exc)[-300:]}", file=sys.stderr)
    except RuntimeError as exc:
        return [_row("PostgreSQL", f"échec : {str(exc)[-600:]}")]
    finally:
        if web is not None:
            web.terminate()
            web.wait(timeout=30)
        if not KEEP:
            scratch_postgres.drop(SCRATCH_DB)
            STATE.unlink(missing_ok=True)
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(_report(world, load, plans))
    if not reuse:
        rows.append(
            _row(
                "chargement (COPY, index, VACUUM ANALYZE)",
                f"{world['copy_seconds']:.0f} s + {world['index_seconds']:.0f} s + "
                f"{world['vacuum_seconds']:.0f} s ; table {world['table_bytes'] / 2**20:.0f} Mio, "
                f"base {world['database_bytes'] / 2**20:.0f} Mio",
            )
        )
    rows.append(
        _row(
            f"{USERS} utilisateurs, {SECONDS:.0f} s",
            f"{load['requests']} requêtes ({load['requests'] / load['elapsed']:.1f}/s), "
            f"{load['errors']} erreurs, p50 {load['all_p50']:.0f} ms, p95 {load['all_p95']:.0f} ms, "
            f"CPU web {load['web_cpu_ms_per_request']:.0f} ms par requête, charge "
            f"{load['loadavg'][0]:.1f} -> {load['loadavg'][1]:.1f}",
        )
    )
    for page in load["pages"]:
        error = f", 1re : {page['first_error']}" if page["errors"] else ""
        rows.append(
            _row(
                page["label"],
                f"p50 {page['p50']:.0f} ms, p95 {page['p95']:.0f} ms, max {page['max']:.0f} ms "
                f"(n={page['n']}), {page['errors']} erreurs{error}",
            )
        )
    rows.append(_row("rapport et plans EXPLAIN", str(REPORT.relative_to(ROOT))))
    return rows


def _wait_up(base: str) -> None:
    import requests

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            requests.get(base + "/healthz", timeout=5)
            return
        except requests.RequestException:
            time.sleep(0.5)
    raise RuntimeError("gunicorn ne répond pas")
