"""/api/v1/webhooks (not Chorus Pro: docs/api.md « Webhooks »), as its views answer
(choeur.api.views.webhooks), in the /cpro envelope. Keyed by method and path."""

from __future__ import annotations

from choeur.api.openapi import Operation, Shape

ENDPOINT: Shape = {
    "idWebhook": "integer",
    "url": "string",
    "evenements": ["string"],
    "actif": "boolean",
    "dateCreation": "datetime",
    "enEchecDepuis": "datetime|null",
    "motifDesactivation": "string",
}

OPERATIONS: dict[str, Operation] = {
    "GET /api/v1/webhooks": Operation(request=None, response={"listeWebhooks": [ENDPOINT]}),
    "POST /api/v1/webhooks": Operation(
        request={"url": "string", "evenements": ["string"]},
        response={**ENDPOINT, "secret": "string"},
    ),
    "GET /api/v1/webhooks/{webhook_id}": Operation(request=None, response=ENDPOINT),
    "DELETE /api/v1/webhooks/{webhook_id}": Operation(request=None, response={}),
}
