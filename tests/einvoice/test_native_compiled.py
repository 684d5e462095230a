"""The mypyc build of the native engine (`make compile`) is used only while it was built from
today's sources: an edited module is never shadowed by a stale build."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from choeur.einvoice.validation import native
from choeur.einvoice.validation.native import _compiled


def _build(tmp_path: Path, hashes: dict[str, str]) -> Path:
    build = tmp_path / "build"
    build.mkdir()
    (build / "sources.json").write_text(json.dumps(hashes), encoding="utf-8")
    return build


def test_a_build_of_todays_sources_is_put_first_on_the_package_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CHOEUR_NATIVE_COMPILED", raising=False)
    monkeypatch.setattr(sys, "path", list(sys.path))
    build = _build(tmp_path, _compiled.source_hashes())
    path = ["/the/package"]
    assert _compiled.activate(path, build) is True
    assert path == [str(build), "/the/package"]
    assert str(build) in sys.path


def test_a_build_of_other_sources_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CHOEUR_NATIVE_COMPILED", raising=False)
    hashes = _compiled.source_hashes()
    hashes["patterns"] = "0" * 64  # patterns.py edited since the build
    build = _build(tmp_path, hashes)
    path = ["/the/package"]
    assert _compiled.activate(path, build) is False
    assert path == ["/the/package"]


def test_no_build_and_the_switch_off_mean_plain_python(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = ["/the/package"]
    assert _compiled.activate(path, tmp_path / "absent") is False
    monkeypatch.setenv("CHOEUR_NATIVE_COMPILED", "0")
    assert _compiled.activate(path, _build(tmp_path, _compiled.source_hashes())) is False
    assert path == ["/the/package"]


def test_the_engine_runs_the_modules_it_says() -> None:
    from choeur.einvoice.validation.native import patterns

    compiled = not str(patterns.__file__).endswith(".py")
    assert native.COMPILED is compiled
