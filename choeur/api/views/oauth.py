"""`POST /api/oauth/token`: client credentials, as PISTE answers them."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from oauth2_provider.views import TokenView


@csrf_exempt
@require_POST
def token(request: HttpRequest) -> HttpResponse:
    response: HttpResponse = TokenView.as_view()(request)
    # PISTE answers a bad client id or secret with HTTP 400, and clients expect that.
    if response.status_code == 401:
        response.status_code = 400
        if "WWW-Authenticate" in response:
            del response["WWW-Authenticate"]
    return response
