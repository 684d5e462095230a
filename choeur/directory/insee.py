"""Client of the INSEE API Sirene 3.11 (lookup by SIRET and SIREN).

The key goes in the `X-INSEE-Api-Key-Integration` header. Answers are cached; calls are
throttled by a token bucket kept in the Django cache (the public quota is about 30 calls a
minute). Every failure raises `InseeUnavailable` with a short reason, and the selectors fall back
to the local Sirene base; a 404 raises `InseeNotFound`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

HEADER = "X-INSEE-Api-Key-Integration"
CACHE_SECONDS = 24 * 3600
BUCKET_KEY = "directory:insee:bucket"


class InseeError(Exception):
    pass


class InseeNotFound(InseeError):
    """The INSEE does not know this identifier."""


class InseeUnavailable(InseeError):
    """The API could not answer (no key, quota, refused key, timeout, server error...)."""


@dataclass(frozen=True)
class InseeAnswer:
    """The JSON object of a successful lookup (`etablissement` or `uniteLegale`)."""

    data: dict[str, Any]
    cached: bool


def is_configured() -> bool:
    return bool(settings.INSEE_API_KEY)


def _take_token() -> bool:
    """Token bucket: INSEE_API_PER_MINUTE tokens, refilled continuously. False when empty."""
    per_minute = max(1, int(settings.INSEE_API_PER_MINUTE))
    now = time.time()
    tokens, at = cache.get(BUCKET_KEY, (float(per_minute), now))
    tokens = min(float(per_minute), tokens + (now - at) * per_minute / 60.0)
    if tokens < 1.0:
        cache.set(BUCKET_KEY, (tokens, now), 120)
        return False
    cache.set(BUCKET_KEY, (tokens - 1.0, now), 120)
    return True


def _fault_message(response: requests.Response) -> str:
    """The message of the API's error body: {header{statut,message}} or {fault{code,message}}."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict):
        if isinstance(body.get("header"), dict):
            return str(body["header"].get("message", ""))[:200]
        if isinstance(body.get("fault"), dict):
            fault = body["fault"]
            return f"{fault.get('message', '')} {fault.get('description', '')}".strip()[:200]
    return ""


def _get(path: str, identifier: str, member: str) -> InseeAnswer:
    cache_key = f"directory:insee:{path}:{identifier}"
    cached = cache.get(cache_key)
    if cached is not None:
        return InseeAnswer(data=cached, cached=True)
    if not is_configured():
        raise InseeUnavailable("aucune clé d'API INSEE configurée")
    if not _take_token():
        raise InseeUnavailable("quota local d'appels à l'API INSEE atteint")
    url = f"{settings.INSEE_API_URL.rstrip('/')}/{path}/{identifier}"
    try:
        response = requests.get(
            url,
            headers={HEADER: settings.INSEE_API_KEY, "Accept": "application/json"},
            timeout=settings.INSEE_API_TIMEOUT,
        )
    except requests.Timeout as exc:
        raise InseeUnavailable("délai dépassé") from exc
    except requests.RequestException as exc:
        raise InseeUnavailable(f"connexion impossible ({exc.__class__.__name__})") from exc
    if response.status_code == 404:
        raise InseeNotFound(_fault_message(response) or "inconnu de l'INSEE")
    if response.status_code != 200:
        reason = {
            401: "clé refusée",
            403: "accès refusé",
            429: "quota de l'API INSEE dépassé",
        }.get(response.status_code, "erreur du serveur")
        raise InseeUnavailable(
            f"HTTP {response.status_code} ({reason}) {_fault_message(response)}".strip()
        )
    try:
        data = response.json()[member]
    except (ValueError, KeyError, TypeError) as exc:
        raise InseeUnavailable("réponse illisible") from exc
    if not isinstance(data, dict):
        raise InseeUnavailable("réponse illisible")
    cache.set(cache_key, data, CACHE_SECONDS)
    return InseeAnswer(data=data, cached=False)


def fetch_siret(siret: str) -> InseeAnswer:
    """GET /siret/{siret} -> the `etablissement` object."""
    return _get("siret", siret, "etablissement")


def fetch_siren(siren: str) -> InseeAnswer:
    """GET /siren/{siren} -> the `uniteLegale` object."""
    return _get("siren", siren, "uniteLegale")


def current_period(periods: Any) -> dict[str, Any]:
    """The open period (dateFin null) of a periodes* list, or the first one."""
    if not isinstance(periods, list) or not periods:
        return {}
    for period in periods:
        if isinstance(period, dict) and period.get("dateFin") is None:
            return period
    first = periods[0]
    return first if isinstance(first, dict) else {}
