"""The document's JSON shapes, in and out: `Flow`, `FullFlowInfo`, `FlowInfo`, the search's
`SearchFlowParams` and the cursor, `WebhookParams`. Wire names live here only."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from choeur.api.afnor.enums import (
    ALL_FLOW_TYPES,
    AckStatus,
    FlowDirection,
    FlowProfile,
    FlowSyntax,
    ProcessingRule,
)
from choeur.api.afnor.errors import AfnorError, bad_request
from choeur.api.afnor.models import Flow, FlowWebhook

LIMIT_DEFAULT = 25
LIMIT_MAX = 100
NOT_ONLY_UUID_MAX = 64
NAME_MAX = 255
SHA256 = re.compile(r"\A[a-f0-9]{64}\Z")


def rfc3339(value: dt.datetime) -> str:
    """UTC, to the microsecond, with Z: what `format: date-time` expects and what the cursor
    and `updatedAfter` compare exactly."""
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def flow_json(flow: Flow) -> dict[str, Any]:
    """The `Flow` schema (search results, GET metadata, webhook body)."""
    body: dict[str, Any] = {
        "flowId": str(flow.flow_id),
        "name": flow.name,
        "flowSyntax": flow.syntax,
        "flowProfile": flow.profile,
        "processingRule": flow.processing_rule,
        "submittedAt": rfc3339(flow.submitted_at),
        "updatedAt": rfc3339(flow.updated_at),
        "flowType": flow.flow_type,
        "processingRuleSource": flow.processing_rule_source,
        "flowDirection": flow.direction,
        "acknowledgement": acknowledgement_json(flow),
    }
    if flow.tracking_id:
        body["trackingId"] = flow.tracking_id
    return body


def acknowledgement_json(flow: Flow) -> dict[str, Any]:
    ack: dict[str, Any] = {"status": flow.ack_status}
    if flow.ack_details:
        ack["details"] = list(flow.ack_details)
    return ack


def full_flow_info_json(flow: Flow) -> dict[str, Any]:
    """The `FullFlowInfo` schema: the answer of POST /v1/flows."""
    body: dict[str, Any] = {
        "flowId": str(flow.flow_id),
        "submittedAt": rfc3339(flow.submitted_at),
        "name": flow.name,
        "flowSyntax": flow.syntax,
        "flowProfile": flow.profile,
        "processingRule": flow.processing_rule,
    }
    if flow.tracking_id:
        body["trackingId"] = flow.tracking_id
    if flow.sha256:
        body["sha256"] = flow.sha256
    return body


def webhook_json(webhook: FlowWebhook) -> dict[str, Any]:
    """The `Webhook` schema, without the signing key (shown once, at creation)."""
    body: dict[str, Any] = {
        "webhookId": str(webhook.webhook_id),
        "createdAt": rfc3339(webhook.created_at),
        "callbackUrl": webhook.endpoint.url,
    }
    if webhook.flow_types:
        body["flowTypes"] = list(webhook.flow_types)
    if webhook.flow_direction:
        body["flowDirection"] = webhook.flow_direction
    if webhook.ack_status:
        body["ackStatus"] = webhook.ack_status
    return body


# --- input ------------------------------------------------------------------------------------


def json_object(raw: bytes | str, what: str) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise bad_request(f"{what} n'est pas un JSON valide.") from None
    if not isinstance(data, dict):
        raise bad_request(f"{what} doit être un objet JSON.")
    return data


def _unknown(data: dict[str, Any], known: set[str], what: str) -> None:
    extra = sorted(set(data) - known)
    if extra:
        raise bad_request(
            f"Propriété inconnue dans {what} : {', '.join(extra)[:200]}. Propriétés admises : "
            + ", ".join(sorted(known))
            + "."
        )


def _string(data: dict[str, Any], key: str, *, max_length: int, what: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise bad_request(f"{what}.{key} doit être une chaîne de caractères.")
    if len(value) > max_length:
        raise bad_request(f"{what}.{key} dépasse {max_length} caractères.")
    return value


def _choice(data: dict[str, Any], key: str, choices: list[str] | tuple[str, ...], what: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str) or value not in choices:
        raise bad_request(
            f"{what}.{key} : « {str(value)[:40]} » n'est pas une valeur admise ("
            + ", ".join(choices)
            + ")."
        )
    return value


def _choices(
    data: dict[str, Any], key: str, choices: list[str] | tuple[str, ...], what: str
) -> list[str]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise bad_request(f"{what}.{key} doit être une liste.")
    for item in value:
        if not isinstance(item, str) or item not in choices:
            raise bad_request(
                f"{what}.{key} : « {str(item)[:40]} » n'est pas une valeur admise ("
                + ", ".join(choices)
                + ")."
            )
    return list(dict.fromkeys(value))


@dataclass(frozen=True)
class FlowInfo:
    """`FlowInfo` of POST /v1/flows."""

    name: str
    syntax: str
    profile: str = ""
    processing_rule: str = ""
    tracking_id: str = ""
    sha256: str = ""


def parse_flow_info(data: dict[str, Any]) -> FlowInfo:
    what = "flowInfo"
    _unknown(
        data,
        {"trackingId", "name", "processingRule", "flowSyntax", "flowProfile", "sha256"},
        what,
    )
    name = _string(data, "name", max_length=NAME_MAX, what=what)
    syntax = _choice(data, "flowSyntax", FlowSyntax.values, what)
    missing = [key for key, value in (("name", name), ("flowSyntax", syntax)) if not value]
    if missing:
        raise AfnorError(
            400,
            "MISSING_REQUIRED_FIELD",
            f"Champ obligatoire absent de flowInfo : {', '.join(missing)}.",
        )
    sha = _string(data, "sha256", max_length=64, what=what)
    if sha and not SHA256.match(sha):
        raise bad_request("flowInfo.sha256 : 64 chiffres hexadécimaux en minuscules attendus.")
    return FlowInfo(
        name=name,
        syntax=syntax,
        profile=_choice(data, "flowProfile", FlowProfile.values, what),
        processing_rule=_choice(data, "processingRule", ProcessingRule.values, what),
        tracking_id=_string(data, "trackingId", max_length=NOT_ONLY_UUID_MAX, what=what),
        sha256=sha,
    )


@dataclass(frozen=True)
class SearchParams:
    """`SearchFlowParams`: the filters (`where`), the page size and where to start."""

    where: dict[str, Any]
    limit: int = LIMIT_DEFAULT
    after: tuple[dt.datetime, int] | None = None
    updated_after: dt.datetime | None = None
    updated_before: dt.datetime | None = None
    processing_rules: list[str] = field(default_factory=list)
    flow_types: list[str] = field(default_factory=list)
    directions: list[str] = field(default_factory=list)
    tracking_id: str = ""
    ack_status: str = ""


def _datetime(data: dict[str, Any], key: str) -> dt.datetime | None:
    value = data.get(key)
    if value is None:
        return None
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None or timezone.is_naive(parsed):
        raise bad_request(
            f"where.{key} : une date-heure RFC 3339 avec fuseau est attendue "
            "(par exemple 2026-09-01T08:00:00Z)."
        )
    return parsed


def cursor_encode(flow: Flow) -> str:
    raw = json.dumps({"u": rfc3339(flow.updated_at), "i": flow.pk}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode()


def cursor_decode(value: Any) -> tuple[dt.datetime, int]:
    wrong = bad_request(
        "cursor invalide : reprenez la valeur nextCursor de la page précédente telle quelle."
    )
    if not isinstance(value, str) or len(value) > 200:
        raise wrong
    try:
        data = json.loads(base64.urlsafe_b64decode(value.encode()))
        updated = parse_datetime(data["u"])
        pk = data["i"]
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise wrong from None
    if updated is None or timezone.is_naive(updated) or not isinstance(pk, int):
        raise wrong
    return updated, pk


def parse_search(data: dict[str, Any]) -> SearchParams:
    _unknown(data, {"limit", "cursor", "where"}, "la recherche")
    where = data.get("where")
    if where is None:
        raise AfnorError(
            400, "MISSING_REQUIRED_FIELD", "Champ obligatoire absent : where (les critères)."
        )
    if not isinstance(where, dict):
        raise bad_request("where doit être un objet (les critères de recherche).")
    _unknown(
        where,
        {
            "updatedAfter",
            "updatedBefore",
            "processingRule",
            "flowType",
            "flowDirection",
            "trackingId",
            "ackStatus",
        },
        "where",
    )
    if not where:
        raise AfnorError(
            400,
            "MISSING_REQUIRED_FIELD",
            "Indiquez au moins un critère dans where (par exemple updatedAfter).",
        )
    limit = data.get("limit", LIMIT_DEFAULT)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= LIMIT_MAX:
        raise bad_request(f"limit : un entier de 1 à {LIMIT_MAX} est attendu.")
    cursor = data.get("cursor")
    return SearchParams(
        where=where,
        limit=limit,
        after=cursor_decode(cursor) if cursor is not None else None,
        updated_after=_datetime(where, "updatedAfter"),
        updated_before=_datetime(where, "updatedBefore"),
        processing_rules=_choices(where, "processingRule", ProcessingRule.values, "where"),
        flow_types=_choices(where, "flowType", ALL_FLOW_TYPES, "where"),
        directions=_choices(where, "flowDirection", FlowDirection.values, "where"),
        tracking_id=_string(where, "trackingId", max_length=NOT_ONLY_UUID_MAX, what="where"),
        ack_status=_choice(where, "ackStatus", AckStatus.values, "where"),
    )


@dataclass(frozen=True)
class WebhookParams:
    callback_url: str
    flow_types: list[str]
    flow_direction: str
    ack_status: str


def parse_webhook(data: dict[str, Any]) -> WebhookParams:
    what = "le webhook"
    _unknown(data, {"callbackUrl", "flowTypes", "flowDirection", "ackStatus"}, what)
    url = data.get("callbackUrl")
    if not isinstance(url, str) or not url.strip():
        raise AfnorError(
            400,
            "MISSING_REQUIRED_FIELD",
            "Champ obligatoire absent : callbackUrl (l'adresse https:// à appeler).",
        )
    return WebhookParams(
        callback_url=url.strip(),
        flow_types=_choices(data, "flowTypes", ALL_FLOW_TYPES, what),
        flow_direction=_choice(data, "flowDirection", FlowDirection.values, what),
        ack_status=_choice(data, "ackStatus", AckStatus.values, what),
    )


def parse_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
