from __future__ import annotations

from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from choeur.api.auth import CproAccountAuthentication


class CproView(APIView):
    """A /cpro/... endpoint: JSON in and out, bearer token + cpro-account, Chorus Pro envelope."""

    authentication_classes = [CproAccountAuthentication]
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]
