"""Read and write speed of the EN 16931 core (choeur/einvoice): UBL, CII and Factur-X.

For the complete invoices of the shared corpus and for generated invoices of 10 to 10,000 lines:
median and p95 milliseconds per invoice, and invoices per second (one process), for `read`
(bytes -> pivot, hardened parsing included) and `write_ubl` / `write_cii` (pivot -> bytes).
For the generated invoices also the median CPU milliseconds (the machine is shared: wall time
grows with its load, CPU time much less) and the CPU microseconds per line, which must stay flat
from 10 to 10,000 lines (linear cost). The Factur-X PDF (WeasyPrint rendering + embedding) is
measured on small invoices only.

Before and after in one run: the same measures are taken on the code of commit
`BENCH_RW_BEFORE` (27fbdcd by default, the code issue 13 set its target against; empty to
skip), in a child process whose `choeur` package is that commit's, taken out of git into a
temporary directory (`git archive`, nothing written in the checkout); each side uses its own
`sample_invoice` (unchanged since then) and its own writers. Rows "before <commit>: ..." are
that child's, then "speed-up" rows give before / after for the median CPU and wall times of each
generated size. The load average is printed at the start and the end (the machine is shared).
"""

from __future__ import annotations

import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from choeur.einvoice import read, write_cii, write_facturx, write_ubl
from choeur.einvoice.samples import sample_invoice

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("CHOEUR_CORPUS", ROOT.parent / "shared/corpus"))
T = TypeVar("T")
Row = dict[str, str]
SOURCES = ("en16931-cen", "peppol-bis-billing3", "zugferd-corpus", "akretion-factur-x")
# Repetitions per generated size: enough for a p95 while the whole run stays well under a minute.
SIZES = {10: 40, 100: 20, 1000: 15, 10000: 3}
BEFORE = os.environ.get("BENCH_RW_BEFORE", "27fbdcd")


def _corpus() -> list[bytes]:
    found = []
    for source in SOURCES:
        manifest = CORPUS / source / "manifest.json"
        if not manifest.exists():
            continue
        for entry in json.loads(manifest.read_text(encoding="utf-8"))["files"]:
            if entry["kind"] == "document" and entry["syntax"] in ("ubl", "cii", "facturx"):
                found.append((CORPUS / source / entry["path"]).read_bytes())
    return found


def _times(
    call: Callable[[T], object], args: list[T], cpu: list[float] | None = None
) -> list[float]:
    """Milliseconds of one `call(arg)` for each arg (wall clock; CPU ones added to `cpu`)."""
    samples = []
    for arg in args:
        started, started_cpu = time.perf_counter(), time.process_time()
        call(arg)
        samples.append((time.perf_counter() - started) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - started_cpu) * 1000)
    return samples


def _sized_rows(name: str, call: Callable[[T], object], args: list[T], lines: int) -> list[Row]:
    """`_rows` plus median CPU ms and CPU µs per line."""
    cpu: list[float] = []
    rows = _rows(name, _times(call, args, cpu))
    median_cpu = statistics.median(cpu)
    rows.append({"benchmark": name, "measure": "median CPU ms", "value": f"{median_cpu:.2f}"})
    per_line = 1000 * median_cpu / lines
    rows.append({"benchmark": name, "measure": "CPU µs / line", "value": f"{per_line:.1f}"})
    return rows


def _rows(name: str, samples_ms: list[float]) -> list[Row]:
    ordered = sorted(samples_ms)
    median = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    per_second = 1000 * len(ordered) / sum(ordered)
    return [
        {"benchmark": name, "measure": "median ms / invoice", "value": f"{median:.2f}"},
        {"benchmark": name, "measure": "p95 ms / invoice", "value": f"{p95:.2f}"},
        {"benchmark": name, "measure": "invoices / s", "value": f"{per_second:.1f}"},
    ]


def _load() -> Row:
    one, five, fifteen = os.getloadavg()
    return {
        "benchmark": "load average",
        "measure": "1 / 5 / 15 min",
        "value": f"{one:.1f} / {five:.1f} / {fifteen:.1f}",
    }


def _before() -> list[Row]:
    """The measures of this module on the code of commit BEFORE (see the module's text)."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", BEFORE, "choeur"], capture_output=True, check=True
    ).stdout
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        env = {**os.environ, "PYTHONPATH": tmp, "CHOEUR_CORPUS": str(CORPUS)}
        child = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--json", "--no-pdf"],
            cwd=tmp,
            env=env,
            capture_output=True,
            check=True,
            text=True,
        )
    rows: list[Row] = json.loads(child.stdout)
    return [{**row, "benchmark": f"before {BEFORE}: {row['benchmark']}"} for row in rows]


def _speed_ups(before: list[Row], after: list[Row]) -> list[Row]:
    """before / after of the median CPU and wall times, per generated size."""

    def medians(rows: list[Row], prefix: str = "") -> dict[tuple[str, str], float]:
        found = {}
        for row in rows:
            name = row["benchmark"].removeprefix(prefix)
            if " lines" in name and row["measure"] in ("median CPU ms", "median ms / invoice"):
                found[(name.split(" (")[0], row["measure"])] = float(row["value"])
        return found

    old, new = medians(before, f"before {BEFORE}: "), medians(after)
    rows: list[Row] = []
    for (name, measure), value in new.items():
        if (name, measure) in old and value:
            kind = "CPU" if "CPU" in measure else "wall"
            ratio = old[(name, measure)] / value
            rows.append(
                {
                    "benchmark": f"speed-up, {name}",
                    "measure": f"before / after, {kind}",
                    "value": f"{ratio:.1f}",
                }
            )
    return rows


def run() -> list[Row]:
    rows = [_load(), *_measure(pdf=True)]
    if BEFORE:
        before = _before()
        rows += before + _speed_ups(before, rows)
    rows.append(_load())
    return rows


def _measure(*, pdf: bool) -> list[Row]:
    rows: list[Row] = []
    documents = _corpus()
    if documents:
        for data in documents[:5]:  # warm-up: imports, lxml path caches
            read(data)
        invoices = [read(data) for data in documents]
        rows += _rows(
            f"einvoice read, corpus ({len(documents)} documents)",
            _times(read, documents),
        )
        rows += _rows("einvoice write_ubl, corpus", _times(write_ubl, invoices))
        rows += _rows("einvoice write_cii, corpus", _times(write_cii, invoices))
    for lines, repeat in SIZES.items():
        invoice = sample_invoice(lines)
        ubl, cii = write_ubl(invoice), write_cii(invoice)
        label = f"{lines} lines"
        rows += _sized_rows(
            f"einvoice read UBL, {label} ({len(ubl) // 1024} KiB)", read, [ubl] * repeat, lines
        )
        rows += _sized_rows(
            f"einvoice read CII, {label} ({len(cii) // 1024} KiB)", read, [cii] * repeat, lines
        )
        rows += _sized_rows(f"einvoice write_ubl, {label}", write_ubl, [invoice] * repeat, lines)
        rows += _sized_rows(f"einvoice write_cii, {label}", write_cii, [invoice] * repeat, lines)
    for lines, repeat in ((10, 4), (100, 2)) if pdf else ():
        invoice = sample_invoice(lines)
        write_facturx(invoice)  # warm-up: fonts
        rows += _rows(
            f"einvoice write_facturx (PDF/A-3b), {lines} lines",
            _times(write_facturx, [invoice] * repeat),
        )
    return rows


if __name__ == "__main__":
    if "--json" in sys.argv:  # the child of `_before`: this module's rows on another commit
        print(json.dumps(_measure(pdf="--no-pdf" not in sys.argv)))
        raise SystemExit(0)
    started = time.perf_counter()
    for row in run():
        print(f"{row['benchmark']:<52} {row['measure']:<22} {row['value']}")
    print(f"# {time.perf_counter() - started:.1f} s")
