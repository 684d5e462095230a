"""Answers checked against the official examples of spec/official/go-choruspro-fixtures: every
field the strictest client (GO) reads is there, with its JSON type and date format."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from tests.shared import SHARED

FIXTURES = SHARED / "spec" / "official" / "go-choruspro-fixtures"
DATETIME_GO = re.compile(r"\A\d{4}-\d{2}-\d{2} \d{2}:\d{2}\Z")
DATE = re.compile(r"\A\d{4}-\d{2}-\d{2}\Z")


def fixture(endpoint: str) -> dict[str, Any]:
    """The fixture of `/cpro/<endpoint>` (e.g. "transverses/v1/recuperer/pays")."""
    name = endpoint.strip("/").removeprefix("cpro/").replace("/", "_") + ".json"
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _check(value: Any, shape: Any, where: str) -> None:
    if isinstance(shape, dict):
        assert isinstance(value, dict), f"{where}: an object expected, got {value!r}"
        for raw_key, sub in shape.items():
            key = raw_key.rstrip("?")
            if key not in value:
                assert raw_key.endswith("?"), f"{where}.{key} missing"
                continue
            _check(value[key], sub, f"{where}.{key}")
        return
    if isinstance(shape, list):
        assert isinstance(value, list), f"{where}: a list expected, got {value!r}"
        for index, item in enumerate(value):
            _check(item, shape[0], f"{where}[{index}]")
        return
    kind = str(shape)
    if kind.startswith("datetime") or kind.startswith("date "):
        if value is None:
            return  # no date to give: GO leaves the field empty
        assert isinstance(value, str), f"{where}: a date string expected, got {value!r}"
        if "YYYY-MM-DD HH:MM" in kind:
            assert DATETIME_GO.match(value), f"{where}: {value!r} is not YYYY-MM-DD HH:MM"
        elif "RFC3339" in kind:
            dt.datetime.fromisoformat(value)
        else:
            assert DATE.match(value), f"{where}: {value!r} is not YYYY-MM-DD"
    elif kind.startswith("integer"):
        assert isinstance(value, int) and not isinstance(value, bool), f"{where}: {value!r}"
    elif kind == "number":
        assert isinstance(value, int | float) and not isinstance(value, bool), f"{where}: {value!r}"
    elif kind == "boolean":
        assert isinstance(value, bool), f"{where}: {value!r}"
    else:  # string and enums of strings
        assert isinstance(value, str), f"{where}: a string expected, got {value!r}"


def _optional(shape: Any, left_out: frozenset[str]) -> Any:
    if isinstance(shape, dict):
        return {(k + "?" if k in left_out else k): _optional(v, left_out) for k, v in shape.items()}
    if isinstance(shape, list):
        return [_optional(shape[0], left_out)]
    return shape


def assert_official_shape(
    endpoint: str, answer: dict[str, Any], *, left_out: frozenset[str] = frozenset()
) -> None:
    """`answer` has every field of the official example's response, with the same JSON types;
    `left_out` names the fields Chœur leaves out on purpose (each with its reason at the call)."""
    official = fixture(endpoint)
    _check(answer, _optional(official["response_shape"], left_out), endpoint)
    example = official["examples"][0]["response_body_served_by_fixture"]
    for key in example:
        if key not in left_out:
            assert key in answer, f"{endpoint}: {key} of the official example is missing"
