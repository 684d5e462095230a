"""The XP Z12-013 Flow Service 1.3.0 document as the tests' judge: every answer of the Flow
Service in the tests is checked against the operation's documented statuses and response
schema, and every webhook call against the document's callback. The document is read in place
from the shared material (tests only: the platform never needs it at run time).

The tests at the end check the checker itself: it must be able to fail."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest

from tests.shared import SPEC

DOCUMENT = SPEC / "official" / "france-rfe" / "xp-z12-013" / "flow-service-1.3.0.json"
PREFIX = "/afnor/flow-service"


@cache
def document() -> dict[str, Any]:
    return json.loads(DOCUMENT.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    """Follow a local `$ref` (#/components/...) of the document."""
    while "$ref" in node:
        target: Any = document()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


FORMATS = jsonschema.FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    if not isinstance(value, str) or not re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", value):
        raise ValueError("not an RFC 3339 date-time")
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError("an RFC 3339 date-time has an offset")
    return True


@FORMATS.checks("uuid", raises=ValueError)
def _uuid(value: object) -> bool:
    import uuid

    if isinstance(value, str):
        uuid.UUID(value)
    return True


@FORMATS.checks("byte", raises=binascii.Error)
def _byte(value: object) -> bool:
    # `sha256` is « format: byte » with a hexadecimal pattern: the pattern is what it is.
    if isinstance(value, str) and not re.fullmatch(r"[a-f0-9]{64}", value):
        base64.b64decode(value, validate=True)
    return True


@FORMATS.checks("uri", raises=ValueError)
def _uri(value: object) -> bool:
    if isinstance(value, str) and not urlsplit(value).scheme:
        raise ValueError("not an absolute URI")
    return True


def schema_errors(schema: dict[str, Any], instance: Any) -> list[str]:
    validator = jsonschema.Draft7Validator(
        {**schema, "components": document()["components"]}, format_checker=FORMATS
    )
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '<body>'}: {error.message}"
        for error in sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    ]


def assert_schema(schema: dict[str, Any], instance: Any, what: str) -> None:
    errors = schema_errors(schema, instance)
    assert not errors, f"{what}: " + "; ".join(errors[:5])


TEMPLATES = [
    (re.compile(r"^/v1/flows$"), "/v1/flows"),
    (re.compile(r"^/v1/flows/search$"), "/v1/flows/search"),
    (re.compile(r"^/v1/flows/[^/]+$"), "/v1/flows/{flowId}"),
    (re.compile(r"^/v1/webhooks$"), "/v1/webhooks"),
    (re.compile(r"^/v1/webhooks/[^/]+$"), "/v1/webhooks/{webhookUid}"),
    (re.compile(r"^/v1/healthcheck$"), "/v1/healthcheck"),
]


def template_of(path: str) -> str | None:
    path = urlsplit(path).path.removeprefix(PREFIX)
    for pattern, template in TEMPLATES:
        # /v1/flows/search is POST only: a GET of it is getFlow with flowId « search ».
        if pattern.match(path):
            return template
    return None


def check_answer(*, path: str, method: str, status: int, content_type: str, content: bytes) -> Any:
    """The answer as the document describes it: a documented status of the operation, JSON
    matching its schema (or a file for getFlow's downloads). Returns the parsed JSON (or None)."""
    template = template_of(path)
    method = method.lower()
    operation = document()["paths"].get(template or "", {}).get(method)
    if method == "get" and template == "/v1/webhooks/{webhookUid}":
        # Not in the document (an extension): its body is the document's Webhook, or an Error.
        schema = {"$ref": "#/components/schemas/" + ("Webhook" if status == 200 else "Error")}
        body = json.loads(content)
        assert_schema(schema, body, f"GET {path} HTTP {status}")
        return body
    if operation is None:
        # An unknown path or method: still the document's Error, never HTML.
        assert content_type.startswith("application/json"), f"{method} {path}: {content_type}"
        body = json.loads(content)
        assert_schema({"$ref": "#/components/schemas/Error"}, body, f"{method} {path}")
        return body
    responses = operation["responses"]
    assert str(status) in responses, f"{method.upper()} {path}: HTTP {status} is not documented"
    response = resolve(responses[str(status)])
    described = response.get("content")
    if not described:
        assert content == b"", f"{method.upper()} {path}: HTTP {status} has no body"
        return None
    media = content_type.split(";")[0].strip()
    assert media in described, f"{method.upper()} {path}: {media} not in {list(described)}"
    schema = described[media].get("schema")
    if schema is None:  # application/octet-stream: a file
        return None
    body = json.loads(content)
    assert_schema(schema, body, f"{method.upper()} {path} HTTP {status}")
    return body


def check_callback(headers: dict[str, str], content: bytes) -> dict[str, Any]:
    """A webhook call as the document's WebhookCallback describes it."""
    callback = document()["components"]["callbacks"]["WebhookCallback"]
    [operation] = [entry["post"] for entry in callback.values()]
    lowered = {key.lower(): value for key, value in headers.items()}
    for parameter in operation["parameters"]:
        name = parameter["name"].lower()
        if parameter.get("required"):
            assert name in lowered, f"callback: header {parameter['name']} missing"
        if name in lowered:
            value: Any = lowered[name]
            if parameter["schema"].get("type") == "integer":
                value = int(value)
            assert_schema(parameter["schema"], value, f"callback header {parameter['name']}")
    body = json.loads(content)
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert_schema(schema, body, "callback body")
    return body  # type: ignore[no-any-return]


# --- the checker can fail ------------------------------------------------------------------------


def _flow() -> dict[str, Any]:
    return {
        "flowId": "3f0e2c8a-6a55-4a2b-9a51-0f5a3c0e9b11",
        "name": "facture.xml",
        "flowSyntax": "CII",
        "flowProfile": "CIUS",
        "processingRule": "B2G",
        "submittedAt": "2026-09-01T08:00:00Z",
        "updatedAt": "2026-09-01T08:00:01Z",
        "flowType": "CustomerInvoice",
        "processingRuleSource": "Computed",
        "flowDirection": "Out",
        "acknowledgement": {"status": "Ok"},
    }


def test_the_checker_accepts_a_flow_and_refuses_one_without_its_acknowledgement() -> None:
    flow = _flow()
    body = json.dumps(flow).encode()
    check_answer(
        path=f"{PREFIX}/v1/flows/x",
        method="GET",
        status=200,
        content_type="application/json",
        content=body,
    )
    del flow["acknowledgement"]
    with pytest.raises(AssertionError, match="acknowledgement"):
        check_answer(
            path=f"{PREFIX}/v1/flows/x",
            method="GET",
            status=200,
            content_type="application/json",
            content=json.dumps(flow).encode(),
        )


def test_the_checker_refuses_an_undocumented_status_and_a_wrong_date() -> None:
    with pytest.raises(AssertionError, match="not documented"):
        check_answer(
            path=f"{PREFIX}/v1/healthcheck",
            method="GET",
            status=401,
            content_type="application/json",
            content=b"{}",
        )
    flow = {**_flow(), "updatedAt": "01/09/2026"}
    with pytest.raises(AssertionError, match="updatedAt"):
        check_answer(
            path=f"{PREFIX}/v1/flows/x",
            method="GET",
            status=200,
            content_type="application/json",
            content=json.dumps(flow).encode(),
        )


def test_a_reason_code_of_the_documents_enum_cannot_pass_its_own_one_of() -> None:
    """ReasonCode is oneOf(ReasonCodeEnum, string): an enum value matches both branches, so no
    strict validator accepts it. Chœur sends the reform's codes and rule ids instead
    (docs/api.md), which match the string branch only."""
    detail = {"level": "Error", "item": "f.xml", "reasonMessage": "..."}
    schema = {"$ref": "#/components/schemas/AcknowledgementDetail"}
    assert schema_errors(schema, {**detail, "reasonCode": "InvalidSchema"})
    assert not schema_errors(schema, {**detail, "reasonCode": "BR-CO-10"})
