"""Every /cpro answer of the API tests checked against the OpenAPI document (as zulip checks
each API test response against its spec): the status is one the operation documents, the body
is JSON and matches the operation's schema field by field (choeur/api/openapi/)."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import jsonschema
from drf_spectacular.generators import SchemaGenerator


@cache
def document() -> dict[str, Any]:
    schema: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)
    # A round trip through JSON: plain dicts and lists, as a client would read the document.
    return json.loads(json.dumps(schema))  # type: ignore[no-any-return]


def json_schema(node: Any) -> Any:
    """OpenAPI 3.0 `nullable: true` as JSON Schema's `type: [..., "null"]`."""
    if isinstance(node, list):
        return [json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: json_schema(sub) for key, sub in node.items() if key != "nullable"}
    if node.get("nullable") and "type" in node:
        converted["type"] = [node["type"], "null"]
    return converted


@cache
def _components() -> dict[str, Any]:
    return json_schema(document()["components"])  # type: ignore[no-any-return]


@cache
def _templates() -> list[tuple[re.Pattern[str], str]]:
    """The documented paths with parameters (`/api/v1/webhooks/{webhook_id}`) as patterns."""
    found = []
    for template in document()["paths"]:
        if "{" in template:
            pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
            found.append((re.compile(f"^{pattern}$"), template))
    return found


def operation(path: str, method: str) -> dict[str, Any] | None:
    paths = document()["paths"]
    if path not in paths:
        path = next((t for pattern, t in _templates() if pattern.match(path)), path)
    return paths.get(path, {}).get(method.lower())  # type: ignore[no-any-return]


def check_response(path: str, method: str, status: int, content_type: str, content: bytes) -> None:
    """Fails when a described operation answers outside its description."""
    described = operation(path, method)
    if described is None:
        return
    responses = described["responses"]
    assert str(status) in responses, f"{method} {path}: HTTP {status} is not documented"
    if "content" not in responses[str(status)]:
        assert content == b"", f"{method} {path}: a body where none is documented"
        return
    assert content_type.startswith("application/json"), f"{method} {path}: {content_type}"
    body = json.loads(content)
    schema = json_schema(responses[str(status)]["content"]["application/json"]["schema"])
    validator = jsonschema.Draft202012Validator(
        {**schema, "components": _components()},
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    assert not errors, f"{method} {path} HTTP {status}: " + "; ".join(
        f"{'/'.join(map(str, e.absolute_path)) or '<body>'}: {e.message}" for e in errors[:5]
    )
