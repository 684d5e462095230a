"""/api/v1/webhooks (issue 14): a structure's software registers its own webhook endpoints,
with the /cpro API's authentication (token + cpro-account) and envelope. The secret is in the
creation answer only."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from choeur.api.envelope import BAD_REQUEST, NOT_FOUND, ApiError, ok
from choeur.api.payload import body
from choeur.api.views.base import CproView
from choeur.notifications import webhooks
from choeur.notifications.webhook_models import WebhookEndpoint

NOT_FOUND_LIBELLE = "Adresse de notification (webhook) introuvable pour cette structure."


def _structure(request: Request) -> Any:
    # CproAccountAuthentication: the user is a technical account's.
    return request.user.technical_account.structure  # type: ignore[union-attr]


def _endpoint(endpoint: WebhookEndpoint, *, with_secret: bool = False) -> dict[str, Any]:
    row: dict[str, Any] = {
        "idWebhook": endpoint.pk,
        "url": endpoint.url,
        "evenements": list(endpoint.events),
        "actif": endpoint.active,
        "dateCreation": endpoint.created_at.isoformat(),
        "enEchecDepuis": endpoint.failing_since.isoformat() if endpoint.failing_since else None,
        "motifDesactivation": endpoint.disabled_reason,
    }
    if with_secret:
        row["secret"] = endpoint.secret
    return row


class Webhooks(CproView):
    @extend_schema(operation_id="webhooks_list")
    def get(self, request: Request) -> Response:
        endpoints = webhooks.webhook_endpoints_of(_structure(request))
        return ok(listeWebhooks=[_endpoint(e) for e in endpoints])

    @extend_schema(operation_id="webhook_create")
    def post(self, request: Request) -> Response:
        data = body(request)
        url, events = data.get("url"), data.get("evenements")
        if not isinstance(url, str) or not url:
            raise ApiError(BAD_REQUEST, "Le champ url est obligatoire (une adresse https://).")
        if not isinstance(events, list) or not all(isinstance(e, str) for e in events):
            raise ApiError(BAD_REQUEST, "Le champ evenements est une liste d'événements.")
        try:
            endpoint = webhooks.webhook_endpoint_create(
                actor=request.user, structure=_structure(request), url=url, events=events
            )
        except webhooks.WebhookRefused as refused:
            raise ApiError(BAD_REQUEST, refused.message) from None
        return ok(**_endpoint(endpoint, with_secret=True))


class WebhookDetail(CproView):
    def _get(self, request: Request, webhook_id: int) -> WebhookEndpoint:
        endpoint = WebhookEndpoint.objects.filter(
            structure=_structure(request), pk=webhook_id
        ).first()
        if endpoint is None:
            raise ApiError(NOT_FOUND, NOT_FOUND_LIBELLE, 404)
        return endpoint

    @extend_schema(operation_id="webhook_retrieve")
    def get(self, request: Request, webhook_id: int) -> Response:
        return ok(**_endpoint(self._get(request, webhook_id)))

    @extend_schema(operation_id="webhook_delete")
    def delete(self, request: Request, webhook_id: int) -> Response:
        webhooks.webhook_endpoint_delete(
            actor=request.user, endpoint=self._get(request, webhook_id)
        )
        return ok()
