"""Reading request bodies the way real clients send them.

The GO client sends every field, empty ones as "", 0, false or null: empty means absent
(wire contract §1). Paging keys: `triSens` or `triSense`, values trimmed ("Ascendant ").
"""

from __future__ import annotations

import math
from typing import Any

from rest_framework.request import Request

from choeur.api.envelope import BAD_REQUEST, ApiError

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 10_000


def body(request: Request) -> dict[str, Any]:
    data: Any = request.data
    if data is None or data == [] or data == "":
        return {}
    if not isinstance(data, dict):
        raise ApiError(BAD_REQUEST, "Requête mal formulée : le corps doit être un objet JSON.")
    return data


def value(data: dict[str, Any] | None, key: str) -> Any:
    """The value of `key`, or None when absent or empty ("", 0, false, null, [], {})."""
    if not data:
        return None
    if not isinstance(data, dict):
        # A string or a list where the client should send an object (`"destinataire": "x"`).
        raise ApiError(
            BAD_REQUEST, f"Requête mal formulée : le champ {key} doit être dans un objet JSON."
        )
    raw = data.get(key)
    if raw in ("", 0, False, None, [], {}):
        return None
    return raw.strip() if isinstance(raw, str) else raw


def integer(data: dict[str, Any] | None, key: str) -> int | None:
    raw = value(data, key)
    if raw is None:
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise ApiError(BAD_REQUEST, f"Le champ {key} doit être un nombre entier.") from None


class Paging:
    def __init__(self, params: dict[str, Any] | None) -> None:
        self.size = min(integer(params, "nbResultatsParPage") or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
        self.page = max(integer(params, "pageResultatDemandee") or 1, 1)
        self.column = value(params, "triColonne")
        direction = value(params, "triSens") or value(params, "triSense") or "Ascendant"
        self.descending = str(direction).strip().lower().startswith("desc")

    def slice(self, total: int) -> tuple[int, int]:
        start = (self.page - 1) * self.size
        return start, start + self.size

    def retour(self, total: int) -> dict[str, int]:
        return {
            "nbResultatsParPage": self.size,
            "pageCourante": self.page,
            "pages": max(math.ceil(total / self.size), 1),
            "total": total,
        }
