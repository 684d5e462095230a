"""Where the founding brief's shared material lives (read in place, never copied).

`CHOEUR_SHARED` names the folder; by default `../shared` beside the repository, then
`/work/shared`. The harness refuses to run without it (tests/conftest.py) rather than skip.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _find_shared() -> Path:
    candidates = [Path(os.environ["CHOEUR_SHARED"])] if os.environ.get("CHOEUR_SHARED") else []
    candidates += [ROOT.parent / "shared", Path("/work/shared")]
    for candidate in candidates:
        if (candidate / "corpus").is_dir():
            return candidate
    return candidates[0]


SHARED = _find_shared()
CORPUS = Path(os.environ.get("CHOEUR_CORPUS", SHARED / "corpus"))
SPEC = SHARED / "spec"
