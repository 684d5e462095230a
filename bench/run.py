"""Run the benchmarks in bench/ and print one table (see docs/performance.md).

Each `bench/bench_*.py` exposes `run() -> list[Row]`; `python bench/run.py [name ...]` runs
those whose module name contains one of the given names (all of them by default).
"""

from __future__ import annotations

import importlib
import os
import sys
import time
from pathlib import Path
from typing import TypedDict

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class Row(TypedDict):
    benchmark: str
    measure: str
    value: str


def main(argv: list[str]) -> int:
    import django

    django.setup()
    wanted = argv[1:]
    rows: list[Row] = []
    for path in sorted((ROOT / "bench").glob("bench_*.py")):
        if wanted and not any(name in path.stem for name in wanted):
            continue
        module = importlib.import_module(path.stem)
        started = time.perf_counter()
        rows.extend(module.run())
        print(f"# {path.stem}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    widths = [
        max(
            len(str(r[k]))
            for r in [*rows, Row(benchmark="benchmark", measure="measure", value="value")]
        )
        for k in ("benchmark", "measure", "value")
    ]
    header = ("benchmark", "measure", "value")
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("-|-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(str(row[k]).ljust(w) for k, w in zip(header, widths, strict=True)))  # type: ignore[literal-required]
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
