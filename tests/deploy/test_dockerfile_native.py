"""deploy/Dockerfile compiles the native EN 16931 engine (mypyc) in a build stage and the image
takes only the compiled modules: no compiler, no mypy in what runs in production. Docker is not
needed: the Dockerfile is read instruction by instruction, stage by stage."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from choeur.einvoice.validation.native import _compiled

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
BUILD = _compiled.build_dir().parent.relative_to(ROOT).as_posix()  # …/native/_build
COMPILERS = re.compile(r"\b(gcc|g\+\+|clang|build-essential|libc6-dev|python3-dev|mypy)\b")


@dataclass
class Stage:
    image: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [arguments for word, arguments in self.instructions if word == keyword]

    def workdir(self) -> str:
        return self.all("WORKDIR")[-1].rstrip("/")


def _stages(text: str) -> list[Stage]:
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    stages: list[Stage] = []
    for line in joined.splitlines():
        if not line.strip():
            continue
        word, _, arguments = line.strip().partition(" ")
        arguments = " ".join(arguments.split())
        if word.upper() == "FROM":
            image, _, name = arguments.partition(" AS ")
            stages.append(Stage(image.strip(), name.strip() or None))
        else:
            stages[-1].instructions.append((word.upper(), arguments))
    return stages


def _native_and_final() -> tuple[Stage, Stage]:
    stages = _stages(DOCKERFILE.read_text(encoding="utf-8"))
    native = [stage for stage in stages if stage.name == "native"]
    assert len(native) == 1, "une étape de construction « native »"
    return native[0], stages[-1]


def test_the_native_stage_compiles_the_engine_with_the_dev_lock_and_a_c_compiler() -> None:
    native, final = _native_and_final()
    assert native.image == "python:3.11-slim-bookworm"
    # the same interpreter as the image: the build lands in the directory the image looks in
    assert final.image == native.image and final.name is None
    runs = " && ".join(native.all("RUN"))
    assert re.search(r"apt-get install [^&]*\bgcc\b", runs) and "libc6-dev" in runs
    assert re.search(
        r"pip install [^&]*--require-hashes --no-deps [^&]*requirements-dev\.lock", runs
    )
    assert any("requirements-dev.lock" in copy for copy in native.all("COPY"))
    assert ". ." in native.all("COPY")  # mypy reads pyproject.toml and config/ (django-stubs)
    compile_run = next(run for run in native.all("RUN") if "tools/compile_native.py" in run)
    assert ".venv/bin/python tools/compile_native.py" in compile_run
    assert "SECRET_KEY=" in compile_run  # the django-stubs plugin imports the settings
    # a failed compilation leaves the engine in Python, never a failed image build...
    assert re.search(r"compile_native\.py[^|]*\|\|", compile_run)
    # ... and `_build/` exists even when nothing was compiled, for the final stage's COPY
    assert f"mkdir -p {BUILD}" in compile_run


def test_the_image_copies_only_the_compiled_engine_from_the_native_stage() -> None:
    native, final = _native_and_final()
    copies_from = [copy for copy in final.all("COPY") if copy.startswith("--from=")]
    assert copies_from == [f"--from=native {native.workdir()}/{BUILD}/ {BUILD}/"], (
        "seul `_build/` vient de l'étape native"
    )
    assert final.workdir() == "/srv/choeur/app"
    # after the sources: nothing the build context holds replaces the stage's build
    copies = [arguments for word, arguments in final.instructions if word == "COPY"]
    assert copies.index(". .") < copies.index(copies_from[0])
    # the host's own build (another interpreter, maybe stale) never enters the image
    ignored = (ROOT / "deploy" / "Dockerfile.dockerignore").read_text(encoding="utf-8").split()
    assert BUILD in ignored


def test_the_final_image_installs_no_compiler_and_no_dev_tools() -> None:
    native, final = _native_and_final()
    assert COMPILERS.search(" ".join(native.all("RUN")))  # the check sees a compiler where one is
    for run in final.all("RUN"):
        assert not COMPILERS.search(run), run
        assert "requirements-dev.lock" not in run
    assert "requirements.lock" in " ".join(final.all("RUN"))
    assert final.all("USER") == ["choeur"]
