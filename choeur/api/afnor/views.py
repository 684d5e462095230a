"""The endpoints of the XP Z12-013 Flow Service 1.3.0 (docs/api.md, « API de la réforme »).
They parse, authenticate, call one service or selector, and answer the document's shapes."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import BadRequest, RequestDataTooBig, TooManyFieldsSent
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError

from choeur.api.afnor import selectors, services
from choeur.api.afnor.auth import authenticate
from choeur.api.afnor.errors import NOT_FOUND, AfnorError, afnor_view, bad_request
from choeur.api.afnor.wire import (
    cursor_encode,
    flow_json,
    full_flow_info_json,
    json_object,
    parse_flow_info,
    parse_search,
    parse_webhook,
    webhook_json,
)
from choeur.invoices.services.deposit import Upload

# The multipart body: the file, its flowInfo and the boundaries around them.
BODY_MARGIN_BYTES = 1024 * 1024
JSON_BODY_MAX_BYTES = 1024 * 1024
DOC_TYPES = ("Metadata", "Original", "Converted", "ReadableView")
IDEMPOTENCY_KEY_MAX = 255


def _json(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def _length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _json_body(request: HttpRequest) -> dict[str, Any]:
    if not request.content_type == "application/json":
        raise AfnorError(
            400,
            "INVALID_CONTENT_TYPE",
            "Envoyez le corps en JSON (Content-Type: application/json).",
        )
    if _length(request) > JSON_BODY_MAX_BYTES:
        raise AfnorError(413, "PAYLOAD_TOO_LARGE", "Corps JSON trop volumineux (1 Mo au plus).")
    return json_object(request.body, "Le corps de la requête")


@afnor_view(("POST",))
def flows(request: HttpRequest) -> HttpResponse:
    """createFlow: multipart/form-data with `flowInfo` (JSON) and `file`."""
    caller = authenticate(request)
    if _length(request) > services.FLOW_MAX_BYTES + BODY_MARGIN_BYTES:
        raise AfnorError(
            413,
            "FILE_SIZE_EXCEEDED",
            f"Fichier trop volumineux : {services.FLOW_MAX_BYTES // services.MB} Mo au plus.",
        )
    if request.content_type != "multipart/form-data":
        raise AfnorError(
            400,
            "INVALID_CONTENT_TYPE",
            "Envoyez le flux en multipart/form-data, avec les parties flowInfo (JSON) et file.",
        )
    try:
        fields, files = request.POST, request.FILES
    except (MultiPartParserError, RequestDataTooBig, TooManyFieldsSent, BadRequest):
        raise bad_request("Corps multipart/form-data illisible.") from None
    info_file = files.get("flowInfo")
    raw_info: bytes | str = (
        info_file.read(JSON_BODY_MAX_BYTES + 1)
        if info_file is not None
        else fields.get("flowInfo", "")
    )
    upload = files.get("file")
    missing = [name for name, value in (("flowInfo", raw_info), ("file", upload)) if not value]
    if missing:
        raise AfnorError(
            400,
            "MISSING_REQUIRED_FIELD",
            f"Partie obligatoire absente du multipart : {', '.join(missing)}.",
        )
    info = parse_flow_info(json_object(raw_info, "flowInfo"))
    assert upload is not None
    flow = services.flow_submit(
        caller=caller,
        info=info,
        upload=Upload(
            name=info.name,
            data=upload.read(),
            content_type=upload.content_type or "application/octet-stream",
        ),
        idempotency_key=request.headers.get("Idempotency-Key", "")[:IDEMPOTENCY_KEY_MAX],
    )
    return _json(full_flow_info_json(flow), status=202)


@afnor_view(("POST",))
def flows_search(request: HttpRequest) -> HttpResponse:
    """searchFlows: the filters of `where`, pages of `limit` in (updatedAt, id) order."""
    caller = authenticate(request)
    params = parse_search(_json_body(request))
    page, more = selectors.flow_search(caller=caller, params=params)
    body: dict[str, Any] = {
        "limit": params.limit,
        "filters": params.where,
        "results": [flow_json(flow) for flow in page],
    }
    if more:
        body["nextCursor"] = cursor_encode(page[-1])
    return _json(body)


@afnor_view(("GET",))
def flow_detail(request: HttpRequest, flow_id: str) -> HttpResponse:
    """getFlow: the metadata (JSON) or one of the flow's files (docType)."""
    caller = authenticate(request)
    doc_type = request.GET.get("docType", "Metadata")
    if doc_type not in DOC_TYPES:
        raise bad_request(f"docType « {doc_type[:40]} » inconnu : " + ", ".join(DOC_TYPES) + ".")
    flow = selectors.flow_get(caller=caller, flow_id=flow_id)
    if doc_type == "Metadata":
        return _json(flow_json(flow))
    document = selectors.flow_document(flow=flow, doc_type=doc_type)
    # FlowGetResponse: a file is application/octet-stream; what it is goes in the name.
    response = HttpResponse(document.data, content_type="application/octet-stream")
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in document.name)[:120]
    response["Content-Disposition"] = f'attachment;filename="{safe or "flux"}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@afnor_view(("GET", "POST"))
def webhooks(request: HttpRequest) -> HttpResponse:
    """listWebhooks / createWebhook."""
    caller = authenticate(request)
    if request.method == "GET":
        found = selectors.webhooks_of(caller)
        return _json(
            {
                "count": len(found),
                "webhooks": [webhook_json(subscription) for subscription in found],
                # The document's answer requires `webhookIds` (and describes `webhooks`): both.
                "webhookIds": [str(subscription.webhook_id) for subscription in found],
            }
        )
    subscription = services.flow_webhook_create(
        caller=caller, params=parse_webhook(_json_body(request))
    )
    from choeur.api.afnor.signing import signing_key

    created = webhook_json(subscription)
    return _json(
        {
            "webhookId": created["webhookId"],
            "signingKey": signing_key(subscription.endpoint.secret),
            "createdAt": created["createdAt"],
        },
        status=201,
    )


@afnor_view(("GET", "DELETE"))
def webhook_detail(request: HttpRequest, webhook_id: str) -> HttpResponse:
    """deleteWebhook; GET (not in the document) shows one subscription."""
    caller = authenticate(request)
    subscription = selectors.webhook_get(caller=caller, webhook_id=webhook_id)
    if request.method == "GET":
        return _json(webhook_json(subscription))
    services.flow_webhook_delete(caller=caller, subscription=subscription)
    return HttpResponse(status=204)


@afnor_view(("GET",))
def healthcheck(request: HttpRequest) -> HttpResponse:
    """getHealth: 200 with no body when the database answers (503 otherwise, by afnor_view)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse(status=200)


@afnor_view(("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"))
def unknown(request: HttpRequest, rest: str = "") -> HttpResponse:
    raise NOT_FOUND
