"""Rate limits of the logged-out forms (issue 16): a fixed window counted in the Django cache
(locmem on one process, Redis with CACHE_URL), per client address and per target email.

Each limit is `RATE_LIMITS[scope] = (count, seconds)` in settings; a count of 0 turns the scope off.
A refused request gets the 429 page (`core/errors/429.html`) and counts against nothing else:
login attempts refused here never reach django-axes, so they cannot lock the account.
"""

from __future__ import annotations

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or behind nginx the address nginx appended last to X-Forwarded-For (the
    entries before it are whatever the client sent)."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.split(",")[-1].strip()
        if last:
            return str(last)
    return str(request.META.get("REMOTE_ADDR", "") or "unknown")


def _key(scope: str, ident: str) -> str:
    # Hashed: the cache never holds the email addresses themselves.
    digest = hashlib.sha256(ident.strip().lower().encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}"


def hit(scope: str, ident: str) -> bool:
    """Counts one request of `ident` in `scope`; False when it is over the limit."""
    count, seconds = settings.RATE_LIMITS.get(scope, (0, 0))
    if not count or not ident:
        return True
    key = _key(scope, ident)
    window = int(time.time()) // seconds
    key = f"{key}:{window}"
    if cache.add(key, 1, timeout=seconds):
        return True
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=seconds)
        return True
    if used > count:
        logger.warning("Rate limit %s reached (%s requests in %ss)", scope, used, seconds)
        return False
    return True


def allowed(request: HttpRequest, scope: str, *, target: str = "") -> bool:
    """Counts the request per address (`<scope>_ip`) and, given one, per target (`<scope>_target`).
    Both are counted even when the first refuses, so spreading does not reset anything."""
    by_ip = hit(f"{scope}_ip", client_ip(request))
    by_target = hit(f"{scope}_target", target) if target else True
    return by_ip and by_target


def too_many_requests(request: HttpRequest) -> HttpResponse:
    """The DSFR 429 page, with a Retry-After of the longest window."""
    seconds = max((s for _c, s in settings.RATE_LIMITS.values()), default=60)
    response = render(
        request,
        "core/errors/429.html",
        {"title": _("Trop de demandes"), "minutes": max(1, seconds // 60)},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response
