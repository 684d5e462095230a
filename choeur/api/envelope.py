"""The Chorus Pro envelope: `codeRetour` + `libelle` on every answer (reference E.2).

Success is HTTP 200 with codeRetour 0 (no client accepts 202). Business errors are HTTP 400
with `{codeRetour, libelle}`, the only error body the strictest client (GO) parses; a wrong
`cpro-account` or token is HTTP 401.
"""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

LIBELLE_OK = "TRA_MSG_00.000"
LIBELLE_OK_REFERENTIEL = "GCU_MSG_01_000"

# Business error codes (the real platform's catalogue numbers them 20001-20305).
NO_RESULT = (20000, "TRA_MSG_00.015")
BAD_REQUEST = 20001
NOT_FOUND = 20002
FILE_TOO_LARGE = 20003


def ok(libelle: str = LIBELLE_OK, **fields: Any) -> Response:
    return Response({"codeRetour": 0, "libelle": libelle, **fields}, status=status.HTTP_200_OK)


class ApiError(exceptions.APIException):
    """A business error answered as HTTP 400 `{codeRetour, libelle}`."""

    status_code: int = status.HTTP_400_BAD_REQUEST

    def __init__(self, code: int, libelle: str, http_status: int = 400) -> None:
        super().__init__(libelle)
        self.code_retour = code
        self.libelle = libelle
        self.status_code = http_status


def envelope_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every error of the API in the Chorus Pro envelope, never Django's HTML pages."""
    if isinstance(exc, ApiError):
        return Response(
            {"codeRetour": exc.code_retour, "libelle": exc.libelle}, status=exc.status_code
        )
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        libelle = str(exc.detail)
        code = 401
    elif isinstance(exc, exceptions.ParseError):
        libelle = "Requête mal formulée : le corps doit être un objet JSON valide."
        code = BAD_REQUEST
    elif isinstance(exc, exceptions.NotFound):
        libelle = "API non trouvée"
        code = 404
    elif isinstance(exc, exceptions.MethodNotAllowed):
        libelle = f"Méthode {context['request'].method} non autorisée sur ce service."
        code = 405
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        libelle = "Type de contenu non pris en charge : envoyez du JSON (application/json)."
        code = 415
    elif isinstance(exc, exceptions.PermissionDenied):
        libelle = "Accès refusé à ce service pour ce compte."
        code = 403
    else:
        libelle = str(getattr(exc, "detail", exc))
        code = response.status_code
    response.data = {"codeRetour": code, "libelle": libelle}
    return response
