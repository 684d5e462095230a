from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from choeur.api.auth import CproAccountAuthentication
from choeur.api.envelope import BAD_REQUEST, FILE_TOO_LARGE, ApiError
from choeur.api.openapi import CproAutoSchema

# A flux may weigh UPLOAD_MAX_MB (120 MB, reference C.6), 4/3 more once in base 64, plus the
# JSON around it. Django's DATA_UPLOAD_MAX_MEMORY_SIZE (10 MB, for the pages' forms) would
# answer an HTML 400 to any larger JSON body, which no client can read. The proxy in front
# (deploy/nginx.conf) must let such a body through: tests/api/test_nginx.py checks it.
API_BODY_MARGIN_BYTES = 1024 * 1024
API_BODY_MAX_BYTES = math.ceil(settings.UPLOAD_MAX_BYTES * 4 / 3) + API_BODY_MARGIN_BYTES
BODY_TOO_LARGE = (
    f"Requête trop volumineuse : {settings.UPLOAD_MAX_BYTES // (1024 * 1024)} Mo de fichier au "
    "plus (encodé en base 64)."
)
TOO_DEEP = "Requête mal formulée : le JSON est imbriqué trop profondément."

CPRO_ACCOUNT = OpenApiParameter(
    name="cpro-account",
    location=OpenApiParameter.HEADER,
    required=True,
    description="base64(« login:mot de passe ») du compte technique de la structure.",
)


class CproJSONParser(JSONParser):
    """DRF's JSON parser, with a body nested deeper than Python's recursion limit refused as a
    wrong request (json raises RecursionError, which DRF would let through as a 500)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ApiError(BAD_REQUEST, TOO_DEEP) from None


@extend_schema(
    request=OpenApiTypes.OBJECT,
    responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 401: OpenApiTypes.OBJECT},
    parameters=[CPRO_ACCOUNT],
)
class CproView(APIView):
    """A /cpro/... endpoint: JSON in and out, bearer token + cpro-account, Chorus Pro envelope."""

    # Its body and answers field by field (choeur/api/openapi/), not the free-form objects above.
    schema = CproAutoSchema()
    authentication_classes = [CproAccountAuthentication]
    permission_classes = [IsAuthenticated]
    parser_classes = [CproJSONParser]
    renderer_classes = [JSONRenderer]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > API_BODY_MAX_BYTES:
            return JsonResponse(
                {"codeRetour": FILE_TOO_LARGE, "libelle": BODY_TOO_LARGE}, status=413
            )
        if length and not hasattr(request, "_body"):
            # Read the body here, bounded above, so that Django's form-sized limit does not apply.
            request._body = request.read()
        return super().dispatch(request, *args, **kwargs)
