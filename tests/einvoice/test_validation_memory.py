"""Memory stays flat over many validations in one process (the issue asks for 100,000; the
benchmark bench/bench_einvoice_validate.py measures RSS over as many as fit in 40 s).

The Saxon runtime (GraalVM native image) manages its own heap, whose RSS moves up and down
by tens of MiB as it collects; what a test can hold firmly is that nothing on the Python
side accumulates: no cache, report or tree kept per validation.
"""

from __future__ import annotations

import gc
import tracemalloc

from choeur.einvoice.validation import validate
from tests.shared import CORPUS


def test_python_memory_stays_flat_over_many_validations() -> None:
    documents = [
        (CORPUS / "en16931-cen/ubl/examples/BIS3_Invoice_negativ.XML").read_bytes(),
        (CORPUS / "en16931-cen/cii/examples/CII_example1.xml").read_bytes(),
        (CORPUS / "en16931-cen/ubl/unit-invoice/BR-01__t01.xml").read_bytes(),
        b"not xml",
    ]
    for data in documents * 5:
        validate(data)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        for data in documents * 40:
            validate(data)
        gc.collect()
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    growth = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    assert growth < 256 * 1024, f"{growth} bytes kept after 160 validations"
