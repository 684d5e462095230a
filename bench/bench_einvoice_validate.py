"""validate() speed and memory: the official rules under saxonche, as the platform runs them.

Rows: median and p95 milliseconds per invoice and invoices per second, over the complete
documents of the shared corpus (by syntax) and over generated invoices of 10, 100 and 1,000
lines (UBL and CII, written by the platform's writers); then RSS growth over as many
validations as fit in CHOEUR_BENCH_MEMORY_SECONDS (40 s by default) in one process.
Stylesheets are compiled before timing (once per process, as in production); one process,
one thread.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("CHOEUR_CORPUS", ROOT.parent / "shared" / "corpus"))
MEMORY_SECONDS = float(os.environ.get("CHOEUR_BENCH_MEMORY_SECONDS", "40"))
NAME = "einvoice validate"


def _rss_mib() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


Timing = tuple[list[float], list[float]]  # wall ms, CPU ms (all threads of the process)


def _time(function: Callable[[], object], repeat: int) -> Timing:
    wall, cpu = [], []
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        function()
        cpu.append((time.process_time() - cpu_started) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return wall, cpu


def _stats(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[
        min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))
    ]


def _rows(label: str, timing: Timing) -> list[dict[str, str]]:
    wall, cpu = timing
    median, p95 = _stats(wall)
    cpu_median, cpu_p95 = _stats(cpu)
    per_second = 1000 * len(wall) / sum(wall)
    return [
        {
            "benchmark": NAME,
            "measure": f"{label}: median / p95 per invoice, wall (CPU) (n={len(wall)})",
            "value": f"{median:.1f} / {p95:.1f} ms ({cpu_median:.1f} / {cpu_p95:.1f} ms)",
        },
        {
            "benchmark": NAME,
            "measure": f"{label}: invoices per second",
            "value": f"{per_second:.1f}" if per_second < 10 else f"{per_second:.0f}",
        },
    ]


def _corpus_documents() -> dict[str, list[bytes]]:
    by_syntax: dict[str, list[bytes]] = {}
    for manifest in sorted(CORPUS.glob("*/manifest.json")):
        for entry in json.loads(manifest.read_text(encoding="utf-8"))["files"]:
            if entry["kind"] == "document":
                data = (manifest.parent / entry["path"]).read_bytes()
                by_syntax.setdefault(entry["syntax"], []).append(data)
    return by_syntax


def run() -> list[dict[str, str]]:
    from choeur.einvoice.validation import EngineError, engines, validate

    engines.warm_up(engines.UBL_EN16931_XSLT, *engines.CII_XSLT.values())
    rows: list[dict[str, str]] = []

    documents = _corpus_documents() if CORPUS.is_dir() else {}
    for items in documents.values():
        for data in items:
            validate(data)  # first run of each profile loads its code lists; not timed
    all_wall: list[float] = []
    all_cpu: list[float] = []
    cpu_started, wall_started = time.process_time(), time.perf_counter()
    for syntax, items in sorted(documents.items()):
        wall: list[float] = []
        cpu: list[float] = []
        for data in items:
            one_wall, one_cpu = _time(lambda data=data: validate(data), 1)  # type: ignore[misc]
            wall += one_wall
            cpu += one_cpu
        all_wall += wall
        all_cpu += cpu
        rows += _rows(f"corpus {syntax} documents ({len(items)} files)", (wall, cpu))
    if all_wall:
        rows += _rows("corpus, all documents", (all_wall, all_cpu))
        cpu = time.process_time() - cpu_started
        wall = time.perf_counter() - wall_started
        rows.append(
            {
                "benchmark": NAME,
                "measure": "corpus: CPU / wall time of the process (wall > CPU: the machine is busy)",
                "value": f"{cpu:.1f} / {wall:.1f} s",
            }
        )

    try:
        from choeur.einvoice import write_cii, write_ubl
        from choeur.einvoice.samples import sample_invoice
    except ImportError:
        rows.append({"benchmark": NAME, "measure": "generated invoices", "value": "writers absent"})
    else:
        for lines, repeat in ((10, 20), (100, 5), (1000, 2)):
            invoice = sample_invoice(lines)
            for syntax, write in (("UBL", write_ubl), ("CII", write_cii)):
                data = write(invoice)
                try:
                    report = validate(data)
                except EngineError as exc:
                    rows.append(
                        {
                            "benchmark": NAME,
                            "measure": f"{lines} lines {syntax}",
                            "value": f"engine error: {exc}",
                        }
                    )
                    continue
                verdict = "valid" if report.is_valid else f"INVALID {report.rule_ids()[:3]}"
                rows += _rows(
                    f"generated {syntax}, {lines} lines, {len(data) // 1024} KiB, {verdict}",
                    _time(lambda data=data: validate(data), repeat),  # type: ignore[misc]
                )

    if documents:
        sample = [documents["ubl"][0], documents["cii"][0]]
        for data in sample * 25:
            validate(data)
        start_rss = peak = _rss_mib()
        started = time.perf_counter()
        count = 0
        while time.perf_counter() - started < MEMORY_SECONDS:
            validate(sample[count % 2])
            count += 1
            if count % 200 == 0:
                peak = max(peak, _rss_mib())
        end_rss = _rss_mib()
        rows.append(
            {
                "benchmark": NAME,
                "measure": f"memory over {count} validations in one process ({MEMORY_SECONDS:.0f} s)",
                "value": f"RSS {start_rss:.0f} -> {end_rss:.0f} MiB (peak {peak:.0f}, growth {end_rss - start_rss:+.0f})",
            }
        )
    return rows


if __name__ == "__main__":
    for row in run():
        print(f"{row['measure']}: {row['value']}")
