"""The Chorus Pro envelope: `codeRetour` + `libelle` on every answer (reference E.2).

Success is HTTP 200 with codeRetour 0 (no client accepts 202); a search without result is
HTTP 200 with codeRetour 20000 and an empty list. Business errors are HTTP 400 with
`{codeRetour, libelle}`, the only error body the strictest client (GO) parses; a wrong
`cpro-account` or token is HTTP 401. Errors outside the views (unknown path, server error,
database down) get the same envelope from `choeur.api.middleware`.
"""

from __future__ import annotations

import re
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


def no_result(**fields: Any) -> Response:
    """A search that finds nothing: HTTP 200 with codeRetour 20000 (TRA_MSG_00.015) and the empty
    list, as the real platform answers (Pastell reads 20000 in a 200 answer to stop paging). It
    is not a wrong request: a 4xx would make every client raise before reading codeRetour."""
    code, libelle = NO_RESULT
    return Response({"codeRetour": code, "libelle": libelle, **fields}, status=status.HTTP_200_OK)


# `<_io.BytesIO object at 0x7f...>`: a Python repr some libraries put in their messages (qpdf's
# « stream <...>: unable to find trailer »); it means nothing to the client and is left out.
PYTHON_REPR = re.compile(r"\s*(?:stream\s+)?<[^<>]{0,200} at 0x[0-9a-fA-F]+>:?")


def clean_libelle(libelle: str) -> str:
    return PYTHON_REPR.sub("", libelle).strip()


class ApiError(exceptions.APIException):
    """A business error answered as HTTP 400 `{codeRetour, libelle}`."""

    status_code: int = status.HTTP_400_BAD_REQUEST

    def __init__(self, code: int, libelle: str, http_status: int = 400) -> None:
        libelle = clean_libelle(libelle)
        super().__init__(libelle)
        self.code_retour = code
        self.libelle = libelle
        self.status_code = http_status


def envelope_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every error of the API in the Chorus Pro envelope, never Django's HTML pages."""
    if isinstance(exc, ApiError):
        # « Nothing found » is never a 4xx, even raised as an error (`ApiError(*NO_RESULT)`):
        # clients raise on any status but 200 before reading codeRetour (see `no_result`).
        status_code = 200 if exc.code_retour == NO_RESULT[0] else exc.status_code
        return Response({"codeRetour": exc.code_retour, "libelle": exc.libelle}, status=status_code)
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
