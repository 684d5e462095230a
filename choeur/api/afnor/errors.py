"""Errors of the Flow Service in the document's `Error` schema: `{errorCode, errorMessage}`,
JSON whatever happens (never an HTML page, never a bare 500)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from choeur.api.middleware import RETRY_AFTER_SECONDS, database_unavailable

logger = logging.getLogger("choeur.api.afnor")


class AfnorError(Exception):
    """An answer other than success: HTTP status, the document's errorCode, a French message."""

    def __init__(self, status: int, code: str, message: str, *, details: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details


def error_response(status: int, code: str, message: str, *, details: str = "") -> JsonResponse:
    body: dict[str, Any] = {"errorCode": code, "errorMessage": message}
    if details:
        body["details"] = details
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="flow-service"'
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def bad_request(message: str, *, code: str = "INVALID_REQUEST") -> AfnorError:
    return AfnorError(400, code, message)


NOT_FOUND = AfnorError(
    404, "MISSING_RESOURCE", "Ressource introuvable : vérifiez le chemin et l'identifiant."
)


def afnor_view(
    methods: tuple[str, ...],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A Flow Service endpoint: CSRF-free (a bearer token, no cookie), the methods it answers,
    every failure in the Error schema."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = _answer(request, *args, **kwargs)
            # Flows carry invoices: no shared cache keeps them (as the /cpro answers).
            if not response.has_header("Cache-Control"):
                response["Cache-Control"] = "private, no-store"
            return response

        def _answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                response = error_response(
                    405,
                    "METHOD_NOT_ALLOWED",
                    f"Méthode {str(request.method)[:20]} non autorisée ici : "
                    f"{', '.join(methods)} seulement.",
                )
                response["Allow"] = ", ".join(methods)
                return response
            try:
                return view(request, *args, **kwargs)
            except AfnorError as error:
                return error_response(
                    error.status, error.code, error.message, details=error.details
                )
            except Exception as exc:
                if database_unavailable(exc):
                    logger.error(
                        "Flow Service %s: database unavailable", request.path, exc_info=exc
                    )
                    return error_response(
                        503,
                        "RESOURCE_ERROR",
                        "Service momentanément indisponible (base de données injoignable) : "
                        f"réessayez dans {RETRY_AFTER_SECONDS} secondes.",
                    )
                logger.error("Flow Service %s: unexpected error", request.path, exc_info=exc)
                return error_response(
                    500,
                    "INTERNAL_ERROR",
                    "Erreur interne du serveur : l'incident est enregistré, réessayez plus tard.",
                )

        return wrapped

    return decorate
