"""The native EN 16931 engine against the reference (the official CEN XSLT under saxonche).

Both engines judge the same hardened tree (what `validate()` gives them): the native engine
from the tree, the reference from its re-serialised text (Saxon parses it, runs the XSLT,
lxml parses the SVRL). Rows, per engine: median and p95 milliseconds per invoice (wall and
CPU) and invoices per second over the complete documents of the shared corpus, UBL and CII
apart (the XML of Factur-X PDFs with CII); then generated invoices of 10, 100, 1,000 and
10,000 lines (UBL and CII, the platform's writers): the native engine's time per invoice and
per line, both engines (BENCH_NATIVE_REFERENCE_UP_TO lowers the reference's sizes), and for
10,000 lines the whole `validate()` (hardened parse, XSD, native rules) from the bytes plus
`read()`; then the resident memory every 10,000 over 100,000 native validations
(BENCH_NATIVE_VALIDATIONS).

`make bench BENCH_ARGS=native` (the engine compiled by `make compile`; with
CHOEUR_NATIVE_COMPILED=0, as plain Python: the first row says which). Stylesheets are compiled before timing; one process, one
thread; both engines measured in the same process, one after the other.
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
NAME = "einvoice native"
LINES = (10, 100, 1000, 10000)
REFERENCE_UP_TO = int(os.environ.get("BENCH_NATIVE_REFERENCE_UP_TO", "10000"))


def _time(function: Callable[[], object], repeat: int) -> tuple[list[float], list[float]]:
    wall, cpu = [], []
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        function()
        cpu.append((time.process_time() - cpu_started) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return wall, cpu


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _row(measure: str, value: str) -> dict[str, str]:
    return {"benchmark": NAME, "measure": measure, "value": value}


def _documents() -> dict[str, list[object]]:
    from choeur.einvoice.validation.inputs import Refusal, load

    found: dict[str, list[object]] = {"ubl": [], "cii": []}
    for manifest in sorted(CORPUS.glob("*/manifest.json")):
        for entry in json.loads(manifest.read_text(encoding="utf-8"))["files"]:
            if entry["kind"] != "document" or entry["syntax"] == "zugferd1":
                continue
            document = load((manifest.parent / entry["path"]).read_bytes())
            if not isinstance(document, Refusal):
                found["cii" if document.xml_syntax == "cii" else "ubl"].append(document)
    return found


def _engines() -> dict[str, Callable[[object], object]]:
    from choeur.einvoice.validation import engines
    from choeur.einvoice.validation.native import validate_native

    def native(document: object) -> object:
        syntax = "cii" if document.xml_syntax == "cii" else "ubl"  # type: ignore[attr-defined]
        return validate_native(document.tree, syntax)  # type: ignore[attr-defined]

    def reference(document: object) -> object:
        xslt = (
            engines.CII_EN16931_XSLT
            if document.xml_syntax == "cii"  # type: ignore[attr-defined]
            else engines.UBL_EN16931_XSLT
        )
        return engines.run_schematron(document.serialised, xslt)  # type: ignore[attr-defined]

    return {"native": native, "reference": reference}


def _corpus_rows() -> list[dict[str, str]]:
    rows = []
    run = _engines()
    for syntax, documents in _documents().items():
        if not documents:
            continue
        medians: dict[str, float] = {}
        for engine, judge in run.items():
            for document in documents:  # warm: compiled stylesheets, interned tag paths
                judge(document)
            wall: list[float] = []
            cpu: list[float] = []
            for document in documents:
                w, c = _time(lambda d=document, j=judge: j(d), 3)  # type: ignore[misc]
                wall.append(min(w))
                cpu.append(min(c))
            medians[engine] = statistics.median(cpu)
            rows.append(
                _row(
                    f"corpus {syntax.upper()} ({len(documents)}), {engine}: median / p95 per "
                    "invoice, wall (CPU)",
                    f"{statistics.median(wall):.2f} / {_p95(wall):.2f} ms "
                    f"({statistics.median(cpu):.2f} / {_p95(cpu):.2f} ms)",
                )
            )
            rows.append(
                _row(
                    f"corpus {syntax.upper()}, {engine}: invoices per second",
                    f"{1000 * len(wall) / sum(wall):.0f}",
                )
            )
        rows.append(
            _row(
                f"corpus {syntax.upper()}: reference / native (median CPU)",
                f"{medians['reference'] / medians['native']:.1f}x",
            )
        )
    return rows


def _generated_rows() -> list[dict[str, str]]:
    """The curve: time per invoice and per line from 10 to 10,000 lines, both engines."""
    from choeur.einvoice import read, write_cii, write_ubl
    from choeur.einvoice.samples import sample_invoice
    from choeur.einvoice.validation import validate
    from choeur.einvoice.validation.inputs import load

    rows = []
    run = _engines()
    for lines in LINES:
        invoice = sample_invoice(lines)
        for syntax, write in (("UBL", write_ubl), ("CII", write_cii)):
            data = write(invoice)
            document = load(data)
            repeat = 20 if lines <= 100 else 3
            run["native"](document)  # warm
            _wall, cpu = _time(lambda d=document: run["native"](d), repeat)  # type: ignore[misc]
            native_ms = min(cpu)
            value = f"native {native_ms:.2f} ms ({1000 * native_ms / lines:.1f} µs per line)"
            if lines <= REFERENCE_UP_TO:
                run["reference"](document)
                _wall, ref_cpu = _time(
                    lambda d=document: run["reference"](d),  # type: ignore[misc]
                    max(1, repeat // 4),
                )
                reference_ms = min(ref_cpu)
                value += (
                    f"; reference {reference_ms:.1f} ms ({1000 * reference_ms / lines:.1f} µs "
                    f"per line, {reference_ms / native_ms:.1f}x)"
                )
            rows.append(_row(f"{syntax} {lines} lines: CPU per invoice", value))
            if lines == LINES[-1]:
                _wall, whole = _time(lambda d=data: validate(d), 2)  # type: ignore[misc]
                _wall, reading = _time(lambda d=data: read(d), 2)  # type: ignore[misc]
                rows.append(
                    _row(
                        f"{syntax} {lines} lines ({len(data) / 1e6:.1f} MB): validate() from the "
                        "bytes (hardened parse, XSD, native rules) + read()",
                        f"{min(whole):.0f} ms + {min(reading):.0f} ms = "
                        f"{min(whole) + min(reading):.0f} ms CPU",
                    )
                )
    return rows


def _rss_mib() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _memory_rows() -> list[dict[str, str]]:
    """RSS every 10,000 native validations (BENCH_NATIVE_VALIDATIONS, 100,000 by default) over
    the corpus documents in turn; one validation in ten is of a document with an element of a
    name never seen before (what would grow the engine's learnt tag paths without a bound)."""
    from lxml import etree

    from choeur.einvoice.validation.native import validate_native

    total = int(os.environ.get("BENCH_NATIVE_VALIDATIONS", "100000"))
    documents = [(d, s) for s, found in _documents().items() for d in found]
    trees = [(d.tree.getroot(), s) for d, s in documents]  # type: ignore[attr-defined]
    rows = []
    readings = []
    started, cpu_started = time.perf_counter(), time.process_time()
    for index in range(total):
        root, syntax = trees[index % len(trees)]
        if index % 10 == 9:
            root = etree.fromstring(etree.tostring(root))
            leaf = next(el for el in root.iter(etree.Element) if len(el) == 0)
            leaf.tag = f"{{urn:bench:unknown}}E{index}"
        validate_native(root, syntax)  # type: ignore[arg-type]
        if (index + 1) % 10_000 == 0:
            readings.append(f"{(index + 1) // 1000}k {_rss_mib():.0f}")
    rows.append(
        _row(
            f"{total:,} native validations: RSS (MiB) every 10,000",
            ", ".join(readings) + f" ({time.perf_counter() - started:.0f} s wall, "
            f"{time.process_time() - cpu_started:.0f} s CPU)",
        )
    )
    return rows


def run() -> list[dict[str, str]]:
    from choeur.einvoice.validation import engines, native

    engines.warm_up(engines.UBL_EN16931_XSLT, engines.CII_EN16931_XSLT)
    built = (
        "compiled by mypyc (make compile)"
        if native.COMPILED
        else "plain Python (CHOEUR_NATIVE_COMPILED=0 or no build)"
    )
    return [_row("native engine", built)] + _corpus_rows() + _generated_rows() + _memory_rows()


if __name__ == "__main__":
    for row in run():
        print(f"{row['measure']}: {row['value']}")
