"""The two pages of « S'identifier avec ProConnect » (choeur/accounts/proconnect.py)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from choeur.accounts import proconnect
from choeur.core import ratelimit

ATTEMPT_KEY = "proconnect_attempt"
# A ProConnect identity without an account: read by registration step 1 to prefill it.
IDENTITY_KEY = "proconnect_identity"
BACKEND = "django.contrib.auth.backends.ModelBackend"


@never_cache
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    if not proconnect.enabled():
        raise Http404
    if not ratelimit.allowed(request, "login"):
        return ratelimit.too_many_requests(request)
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    try:
        attempt = proconnect.attempt_start(
            redirect_uri=request.build_absolute_uri(reverse("accounts:proconnect_callback")),
            next_url=next_url,
        )
    except proconnect.ProConnectRefused as refused:
        messages.error(request, refused.message)
        return redirect("accounts:login")
    request.session[ATTEMPT_KEY] = attempt.session
    return redirect(attempt.url)


@never_cache
@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    if not proconnect.enabled():
        raise Http404
    attempt = request.session.pop(ATTEMPT_KEY, None)
    try:
        identity = proconnect.identity_from_callback(
            attempt=attempt, query={k: str(v) for k, v in request.GET.items()}
        )
    except proconnect.ProConnectRefused as refused:
        messages.error(request, refused.message)
        return redirect("accounts:login")
    user = proconnect.account_for(identity)
    if user is None:
        request.session[IDENTITY_KEY] = {
            "sub": identity.sub,
            "email": identity.email,
            "siret": identity.siret,
        }
        messages.info(
            request,
            _(
                "Aucun compte n'utilise encore l'adresse %(email)s : créez le vôtre, l'adresse et "
                "le SIRET donnés par ProConnect sont déjà remplis."
            )
            % {"email": identity.email},
        )
        return redirect("accounts:register")
    request.session.pop(IDENTITY_KEY, None)
    request.second_factor_method = "proconnect"  # type: ignore[attr-defined]
    login(request, user, backend=BACKEND)
    next_url = str((attempt or {}).get("next") or "")
    return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
