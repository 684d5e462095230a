"""Directory benchmarks: Sirene stock import speed and search latency on 1 million établissements.

A StockEtablissement file of BENCH_DIRECTORY_ROWS rows (default 1,000,000) is generated, then
imported with `manage.py import_sirene` into a scratch SQLite database and a scratch PostgreSQL
database (BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/, created then dropped;
skipped with a row saying why when unreachable). Each import runs twice: the first creates every
row, the second updates them all. Then the search selectors are timed on the loaded base.
Each step runs in a subprocess, so that it uses its own DATABASE_URL like a real deployment.
"""

from __future__ import annotations

import csv
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import scratch_postgres

ROOT = Path(__file__).resolve().parent.parent
ROWS = int(os.environ.get("BENCH_DIRECTORY_ROWS", "1000000"))
SCRATCH_DB = "choeur_bench_directory"
SEARCHES = 200

HEADER = [
    "siren", "nic", "siret", "statutDiffusionEtablissement", "dateCreationEtablissement",
    "trancheEffectifsEtablissement", "anneeEffectifsEtablissement", "etablissementSiege",
    "enseigne1Etablissement", "denominationUsuelleEtablissement",
    "complementAdresseEtablissement", "numeroVoieEtablissement",
    "indiceRepetitionEtablissement", "typeVoieEtablissement", "libelleVoieEtablissement",
    "codePostalEtablissement", "libelleCommuneEtablissement", "codeCommuneEtablissement",
    "etatAdministratifEtablissement", "activitePrincipaleEtablissement",
    "nomenclatureActivitePrincipaleEtablissement", "caractereEmployeurEtablissement",
]  # fmt: skip


def _row(name: str, value: str) -> dict[str, str]:
    return {"benchmark": "annuaire", "measure": name, "value": value}


def generate(path: Path, rows: int) -> None:
    """A StockEtablissement-shaped file with Luhn-valid SIRETs and varied names."""
    sys.path.insert(0, str(ROOT))
    from choeur.directory.generate import COMMUNES, STREET_NAMES, SURNAMES, TRADES
    from choeur.directory.identifiers import luhn_complete

    rng = random.Random(1)  # noqa: S311 - benchmark data
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        siren_base = 100_000_000
        for i in range(rows):
            siren = luhn_complete(f"{(siren_base // 10 + i * 7) % 100_000_000:08d}")
            siret = luhn_complete(f"{siren}0001")
            trade, naf = TRADES[i % len(TRADES)]
            commune, cp, code_commune, _dept = COMMUNES[i % len(COMMUNES)]
            writer.writerow(
                [
                    siren, siret[9:], siret, "O" if i % 50 else "P", "2015-03-01", "NN", "",
                    "true", "", f"{trade} {rng.choice(SURNAMES)} {i}", "", str(i % 200 + 1), "",
                    "RUE", STREET_NAMES[i % len(STREET_NAMES)], cp, commune, code_commune,
                    "A" if i % 25 else "F", naf, "NAFRev2", "N",
                ]
            )  # fmt: skip


def _run(args: list[str], database_url: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {
        "DATABASE_URL": database_url,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only"),
        "DEBUG": "false",
        "INSEE_API_KEY": "",
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise RuntimeError(f"{' '.join(args)} a échoué :\n{result.stderr[-2000:]}")
    return result


def _import(path: Path, database_url: str) -> tuple[float, float, float]:
    """(elapsed seconds, CPU seconds of the importing process, its peak RSS in MB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = _run(["manage.py", "import_sirene", str(path), "--no-progress"], database_url)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    match = re.search(r"en ([0-9.]+) s", result.stdout)
    seconds = float(match.group(1)) if match else float("nan")
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return seconds, cpu, after.ru_maxrss / 1024


def measure_database(label: str, database_url: str, path: Path) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    _run(["manage.py", "migrate", "--noinput", "-v0"], database_url)
    load = os.getloadavg()[0]
    for step in ("création", "réimport du même fichier"):
        seconds, cpu, peak = _import(path, database_url)
        rows.append(
            _row(
                f"import_sirene {label}, {ROWS:,} lignes ({step})",
                f"{ROWS / seconds:,.0f} lignes/s ({seconds:.0f} s ; CPU du client {cpu:.0f} s)",
            )
        )
    rows.append(_row(f"import_sirene {label}, mémoire max du processus", f"{peak:.0f} Mo"))
    rows.append(_row(f"charge de la machine au début ({label})", f"{load:.1f}"))
    result = _run([str(Path(__file__)), "search"], database_url)
    for name, value in json.loads(result.stdout.strip().splitlines()[-1]).items():
        rows.append(_row(f"recherche {label} sur {ROWS:,} établissements : {name}", value))
    return rows


def run() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-directory-") as tmp:
        path = Path(tmp) / "StockEtablissement_bench.csv"
        started = time.perf_counter()
        generate(path, ROWS)
        rows.append(
            _row(
                "fichier généré",
                f"{ROWS:,} lignes, {path.stat().st_size / 1e6:.0f} Mo en {time.perf_counter() - started:.0f} s",
            )
        )
        try:
            rows += measure_database("SQLite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", path)
        except RuntimeError as exc:
            rows.append(_row("SQLite", f"échec : {str(exc)[-300:]}"))
        url, why = scratch_postgres.create(SCRATCH_DB)
        if url is None:
            rows.append(_row("import_sirene PostgreSQL", f"ignoré : {why}"))
        else:
            try:
                rows += measure_database("PostgreSQL", url, path)
            except RuntimeError as exc:
                rows.append(_row("PostgreSQL", f"échec : {str(exc)[-300:]}"))
            finally:
                scratch_postgres.drop(SCRATCH_DB)
    return rows


def _search_main() -> None:
    """In a subprocess with DATABASE_URL set: time the search selectors, print JSON."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from choeur.directory.models import Etablissement
    from choeur.directory.selectors import etablissement_get, etablissement_search

    rng = random.Random(2)  # noqa: S311 - benchmark data
    sirets = list(Etablissement.objects.order_by("?").values_list("siret", flat=True)[:SEARCHES])
    names = list(
        Etablissement.objects.exclude(search_name="")
        .order_by("?")
        .values_list("search_name", flat=True)[:SEARCHES]
    )

    def timed(calls: list[Any]) -> str:
        durations = []
        for call in calls:
            start = time.perf_counter()
            found = call()
            durations.append((time.perf_counter() - start) * 1000)
            assert found, "the benchmark must search for things that exist"
        durations.sort()
        median = statistics.median(durations)
        p95 = durations[int(len(durations) * 0.95) - 1]
        return f"médiane {median:.1f} ms, p95 {p95:.1f} ms"

    etablissement_search("000")  # warm the connection
    results = {
        "SIRET exact (etablissement_get)": timed(
            [lambda s=s: etablissement_get(s) for s in sirets]
        ),
        "préfixe SIRET (6 chiffres)": timed(
            [lambda s=s: etablissement_search(s[:6]) for s in sirets]
        ),
        "préfixe de nom": timed(
            [
                lambda n=n: etablissement_search(
                    n.split()[0] + " " + n.split()[1][: rng.randint(2, 4)]
                )
                for n in names
            ]
        ),
    }
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    if sys.argv[1:] == ["search"]:
        _search_main()
    else:
        sys.path.insert(0, str(ROOT / "bench"))
        for row in run():
            print(f"{row['measure']} | {row['value']}")
