from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from choeur.api.auth import CproAccountAuthentication

CPRO_ACCOUNT = OpenApiParameter(
    name="cpro-account",
    location=OpenApiParameter.HEADER,
    required=True,
    description="base64(« login:mot de passe ») du compte technique de la structure.",
)


@extend_schema(
    request=OpenApiTypes.OBJECT,
    responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 401: OpenApiTypes.OBJECT},
    parameters=[CPRO_ACCOUNT],
)
class CproView(APIView):
    """A /cpro/... endpoint: JSON in and out, bearer token + cpro-account, Chorus Pro envelope."""

    authentication_classes = [CproAccountAuthentication]
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]
