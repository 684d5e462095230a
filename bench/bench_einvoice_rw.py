"""Read and write speed of the EN 16931 core (choeur/einvoice): UBL, CII and Factur-X.

For the complete invoices of the shared corpus and for generated invoices of 10 to 10,000 lines:
median and p95 milliseconds per invoice, and invoices per second (one process), for `read`
(bytes -> pivot, hardened parsing included) and `write_ubl` / `write_cii` (pivot -> bytes).
For the generated invoices also the median CPU milliseconds (the machine is shared: wall time
grows with its load, CPU time much less) and the CPU microseconds per line, which must stay flat
from 10 to 10,000 lines (linear cost). The Factur-X PDF (WeasyPrint rendering + embedding) is
measured on small invoices only.
"""

from __future__ import annotations

import json
import os
import statistics
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
SIZES = {10: 40, 100: 20, 1000: 7, 10000: 3}


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


def run() -> list[Row]:
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
    for lines, repeat in ((10, 4), (100, 2)):
        invoice = sample_invoice(lines)
        write_facturx(invoice)  # warm-up: fonts
        rows += _rows(
            f"einvoice write_facturx (PDF/A-3b), {lines} lines",
            _times(write_facturx, [invoice] * repeat),
        )
    return rows


if __name__ == "__main__":
    started = time.perf_counter()
    for row in run():
        print(f"{row['benchmark']:<52} {row['measure']:<22} {row['value']}")
    print(f"# {time.perf_counter() - started:.1f} s")
