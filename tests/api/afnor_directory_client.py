"""A Directory Service client written strictly from the XP Z12-013 document (read from
tests.shared SPEC), as an ERP would write it: operations are called by their operationId, the
paths, path parameters and request bodies come from the document and are checked against it,
and every answer is checked against the document (status documented for the operation, JSON
body valid against its schema). It knows nothing of Chœur but its base URL and token URL."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jsonschema
from django.test import Client

from tests.shared import SPEC

DOCUMENT = SPEC / "official/france-rfe/xp-z12-013/directory-service-1.3.0.json"


@cache
def document() -> dict[str, Any]:
    return json.loads(DOCUMENT.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def resolve(node: Any, seen: tuple[str, ...] = ()) -> Any:
    """The node with every local `$ref` replaced by what it points to."""
    if isinstance(node, list):
        return [resolve(item, seen) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        assert ref not in seen, f"cyclic $ref {ref}"
        target: Any = document()
        for part in ref[2:].split("/"):
            target = target[part]
        return resolve(target, (*seen, ref))
    return {key: resolve(value, seen) for key, value in node.items()}


def operation(operation_id: str) -> tuple[str, str, dict[str, Any]]:
    for template, item in document()["paths"].items():
        for method, op in item.items():
            if isinstance(op, dict) and op.get("operationId") == operation_id:
                return template, method.upper(), resolve(op)
    raise KeyError(operation_id)


def _max_length(validator: Any, length: Any, instance: Any, schema: dict[str, Any]) -> Any:
    # The document's one self-contradiction: directoryLineStatus lists « Disabled » (8
    # characters) in its enum with maxLength 7. A value of the enum is what the document means.
    if instance in schema.get("enum", ()):
        return
    yield from jsonschema._keywords.maxLength(validator, length, instance, schema)


Validator = jsonschema.validators.extend(jsonschema.Draft4Validator, {"maxLength": _max_length})


def validate(instance: Any, schema: dict[str, Any]) -> None:
    Validator(schema).validate(instance)


class Answer:
    def __init__(self, status: int, body: Any) -> None:
        self.status = status
        self.body = body


class DirectoryClient:
    def __init__(self, client: Client, *, base_url: str, token: str) -> None:
        self.client = client
        self.base_url = base_url.rstrip("/")
        self.token = token

    def call(
        self,
        operation_id: str,
        *,
        path: dict[str, str] | None = None,
        query: dict[str, list[str]] | None = None,
        body: dict[str, Any] | None = None,
        token: str | None = None,
        check_request: bool = True,
    ) -> Answer:
        template, method, op = operation(operation_id)
        url = template
        parameters = {p["name"]: p for p in op.get("parameters", [])}
        for name, value in (path or {}).items():
            assert parameters[name]["in"] == "path", name
            if check_request:
                validate(value, parameters[name]["schema"])
            url = url.replace("{" + name + "}", value)
        assert "{" not in url, f"path parameters missing for {template}"
        params = {}
        for name, values in (query or {}).items():
            assert parameters[name]["in"] == "query", name
            if check_request:
                validate(values, parameters[name]["schema"])
            # explode: false, as the document says: one comma-separated value.
            params[name] = ",".join(values)
        if body is not None and check_request:
            validate(body, op["requestBody"]["content"]["application/json"]["schema"])
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.token if token is None else token}"}
        if method == "GET":
            response = self.client.get(self.base_url + url, params, **headers)
        else:
            response = self.client.generic(
                method,
                self.base_url + url,
                json.dumps(body if body is not None else {}),
                content_type="application/json",
                **headers,
            )
        return self._check(op, response)

    def _check(self, op: dict[str, Any], response: Any) -> Answer:
        status = str(response.status_code)
        described = op["responses"].get(status) or op["responses"].get("default")
        assert described is not None, f"undocumented status {status}"
        content_type = response.get("Content-Type", "")
        assert content_type.startswith("application/json"), (status, content_type)
        body = json.loads(response.content)
        content = described.get("content")
        if content:
            media = content.get("application/json") or content.get("application/problem+json")
            validate(body, media["schema"])
        elif status.startswith("2"):
            pass  # the document describes no body (healthcheck)
        return Answer(response.status_code, body)

    def search_all(self, operation_id: str, filters: dict[str, Any], page: int) -> list[Any]:
        """Every result of a search, page after page (limit/ignore), as the document pages."""
        found: list[Any] = []
        while True:
            answer = self.call(
                operation_id, body={"filters": filters, "limit": page, "ignore": len(found)}
            )
            assert answer.status == 200, answer.body
            found += answer.body["results"]
            if len(answer.body["results"]) < page:
                return found
