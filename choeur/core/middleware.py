"""Private answers are not kept by browsers or shared caches (issue 16)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

API_PREFIXES = ("/cpro/", "/api/")


class PrivateNoStoreMiddleware:
    """`Cache-Control: private, no-store` on every answer to a logged-in user and on every API
    answer (invoice lists, account pages, PDFs), unless the view chose its own Cache-Control.
    Static files never get here: WhiteNoise answers them first, with their long cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        if request.path.startswith(API_PREFIXES) or (user is not None and user.is_authenticated):
            response["Cache-Control"] = "private, no-store"
        return response
