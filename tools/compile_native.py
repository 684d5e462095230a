"""Compile the native EN 16931 engine with mypyc: `make compile`.

The modules of `_compiled.COMPILED` become C extensions in
`choeur/einvoice/validation/native/_build/<extension suffix>/`, with `sources.json` (the
sha256 of each source compiled); the package uses them only while the sources are those
(see _compiled.py). 1.3 to 1.5 times the speed of plain Python (docs/performance.md).

Needs mypy (the dev lock), a C compiler and the Python headers; without them it says so and
exits 0: the engine then runs as plain Python, with the same findings. Does nothing when the
build is current; `--force` rebuilds.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
import sysconfig
import tempfile
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)


def _load_compiled() -> ModuleType:
    """`_compiled.py` alone: importing its package would import the engine (and lxml)."""
    path = ROOT / "choeur/einvoice/validation/native/_compiled.py"
    spec = importlib.util.spec_from_file_location("choeur_native_compiled", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_compiled = _load_compiled()


def main(argv: list[str]) -> int:
    build = _compiled.build_dir()
    hashes = _compiled.source_hashes()
    stamp = build / "sources.json"
    if "--force" not in argv and stamp.exists():
        try:
            if json.loads(stamp.read_text(encoding="utf-8")) == hashes:
                print("moteur natif : compilation à jour")
                return 0
        except ValueError:
            pass
    try:
        from mypyc.build import mypycify
        from setuptools import Distribution
    except ImportError:
        print("moteur natif : mypyc absent (make install-dev), le moteur reste en Python")
        return 0
    if (
        shutil.which(
            sysconfig.get_config_var("CC").split()[0] if sysconfig.get_config_var("CC") else "cc"
        )
        is None
    ):
        print("moteur natif : pas de compilateur C, le moteur reste en Python")
        return 0
    package = Path("choeur/einvoice/validation/native")
    sources = [str(package / f"{name}.py") for name in _compiled.COMPILED]
    os.environ.setdefault("SECRET_KEY", "compile-only")
    with tempfile.TemporaryDirectory() as work:
        distribution = Distribution(
            {"name": "choeur-native", "ext_modules": mypycify(sources, opt_level="3")}
        )
        command = distribution.get_command_obj("build_ext")
        command.build_lib = str(Path(work) / "lib")  # type: ignore[attr-defined]
        command.build_temp = str(Path(work) / "temp")
        try:
            distribution.run_command("build_ext")
        except Exception as exc:  # a compiler error: keep plain Python, say why
            print(f"moteur natif : la compilation a échoué ({exc}), le moteur reste en Python")
            return 1
        shutil.rmtree(build, ignore_errors=True)
        build.mkdir(parents=True)
        for built in Path(work, "lib").rglob(
            "*" + (sysconfig.get_config_var("EXT_SUFFIX") or ".so")
        ):
            shutil.copy2(built, build / built.name)
    shutil.rmtree(ROOT / "build", ignore_errors=True)  # mypyc's generated C sources
    stamp.write_text(json.dumps(hashes, indent=1, sort_keys=True), encoding="utf-8")
    print(f"moteur natif : {len(sources)} modules compilés dans {build.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
