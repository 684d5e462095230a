"""Every answer under /cpro/ and /api/ is the Chorus Pro JSON envelope, whatever happens.

The views answer their own errors (`envelope_exception_handler`). What happens outside them
would otherwise be one of Django's HTML pages, which no API client reads: an unknown path (404),
a method a plain Django view refuses (405), an exception no handler expected (500), the
database out of reach (503, with Retry-After so that clients come back later).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse

logger = logging.getLogger("choeur.api")

PREFIXES = ("/cpro/", "/api/")
RETRY_AFTER_SECONDS = 30

LIBELLES = {
    400: "Requête mal formulée.",
    401: "Authentification requise : jeton OAuth2 et en-tête cpro-account.",
    403: "Accès refusé à ce service pour ce compte.",
    404: "API non trouvée",
    413: "Requête trop volumineuse.",
    415: "Type de contenu non pris en charge : envoyez du JSON (application/json).",
    500: "Erreur interne du serveur : l'incident est enregistré, réessayez plus tard.",
    503: "Service momentanément indisponible : réessayez dans quelques instants.",
}
UNAVAILABLE = (
    "Service momentanément indisponible (base de données injoignable) : réessayez dans "
    f"{RETRY_AFTER_SECONDS} secondes."
)


def is_api_path(path: str) -> bool:
    return path.startswith(PREFIXES)


def envelope_response(status: int, libelle: str | None = None) -> JsonResponse:
    text = libelle or LIBELLES.get(status) or f"Requête refusée (HTTP {status})."
    return JsonResponse({"codeRetour": status, "libelle": text}, status=status)


def _is_json(response: HttpResponseBase) -> bool:
    return str(response.get("Content-Type", "")).startswith("application/json")


# SQLite's own OperationalErrors that mean « cannot serve now », not a faulty query (a LIKE
# pattern too long, too many variables... stay a 500: the request must not be retried as is).
SQLITE_OUTAGES = (
    "database is locked",
    "database table is locked",
    "unable to open database",
    "disk i/o error",
    "database or disk is full",
)


def database_unavailable(exception: BaseException) -> bool:
    """The database cannot be reached or cannot serve now (connection refused or lost, server
    shutting down, lock timeout): worth a 503 and a later retry."""
    if isinstance(exception, InterfaceError):
        return True
    if not isinstance(exception, OperationalError):
        return False
    cause = exception.__cause__
    if isinstance(cause, sqlite3.Error):
        return str(cause).lower().startswith(SQLITE_OUTAGES)
    # PostgreSQL (psycopg): OperationalError is the class of connection failures, shutdowns,
    # cancelled statements and lock timeouts, all transient.
    return True


class ApiEnvelopeMiddleware:
    """Rewrite any non-JSON error answer of the API into `{codeRetour, libelle}`; turn an
    exception escaping a view into a JSON 500, or 503 when the database cannot be reached."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not is_api_path(request.path_info) or response.status_code < 400 or _is_json(response):
            return response
        status = response.status_code
        libelle = None
        if status == 405:
            libelle = f"Méthode {str(request.method)[:20]} non autorisée sur ce service."
        replaced = envelope_response(status, libelle)
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if response.has_header(header):
                replaced[header] = response[header]
        if status == 503 and not replaced.has_header("Retry-After"):
            replaced["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return replaced

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_api_path(request.path_info):
            return None
        if database_unavailable(exception):
            logger.error(
                "API %s %s: database unavailable",
                request.method,
                request.path_info,
                exc_info=exception,
            )
            response = envelope_response(503, UNAVAILABLE)
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        logger.error(
            "API %s %s: unexpected error", request.method, request.path_info, exc_info=exception
        )
        return envelope_response(500)
