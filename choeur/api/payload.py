"""Reading request bodies the way real clients send them, strictly typed.

The GO client sends every field, empty ones as "", 0, false or null: empty means absent
(wire contract §1). Paging keys: `triSens` or `triSense`, values trimmed ("Ascendant ").

Anything else of the wrong type is refused with HTTP 400 and a libelle naming the field, never
coerced (`true` is not invoice 1, `1.5` neither) nor dropped (a string where a list is due).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from rest_framework.request import Request

from choeur.api.envelope import BAD_REQUEST, ApiError

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 10_000
# Identifiers are 64-bit on the database; page numbers are Java ints on the real platform.
MAX_ID = 2**63 - 1
MAX_PAGE = 2**31 - 1
# A search filter longer than this matches nothing anyway (numbers are 100 characters at most),
# and SQLite refuses LIKE patterns over 50,000 characters.
FILTER_MAX_LENGTH = 255
LIST_MAX_ITEMS = 1_000
AMOUNT_LIMIT = Decimal(10) ** 15
INTEGER = re.compile(r"\A[+-]?[0-9]{1,19}\Z")


def _name(key: str, where: str) -> str:
    return f"{where}.{key}" if where else key


def malformed(key: str, expected: str, where: str = "") -> ApiError:
    return ApiError(BAD_REQUEST, f"Le champ {_name(key, where)} doit être {expected}.")


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
    if raw is None or raw is False or (isinstance(raw, str | list | dict) and not raw):
        return None
    if isinstance(raw, int | float) and not isinstance(raw, bool) and raw == 0:
        return None
    return raw.strip() if isinstance(raw, str) else raw


def integer(
    data: dict[str, Any] | None,
    key: str,
    *,
    minimum: int = 0,
    maximum: int = MAX_ID,
    where: str = "",
) -> int | None:
    """A JSON integer (or a string of digits, as PHP may send one); never a boolean or 1.5."""
    raw = value(data, key)
    if raw is None:
        return None
    number: int | None = None
    if isinstance(raw, bool):
        number = None
    elif isinstance(raw, int):
        number = raw
    elif (isinstance(raw, float) and raw.is_integer()) or (
        isinstance(raw, str) and INTEGER.match(raw)
    ):
        number = int(raw)
    if number is None or not minimum <= number <= maximum:
        raise malformed(key, f"un nombre entier entre {minimum} et {maximum}", where)
    return number


def text(
    data: dict[str, Any] | None, key: str, *, max_length: int = FILTER_MAX_LENGTH, where: str = ""
) -> str:
    """A string ("" when absent); a number is read as its digits, an object or a list refused."""
    raw = value(data, key)
    if raw is None:
        return ""
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise malformed(key, "une chaîne de caractères", where)
    result = str(raw)
    if len(result) > max_length:
        raise ApiError(
            BAD_REQUEST,
            f"Le champ {_name(key, where)} compte {max_length} caractères au plus "
            f"(reçu : {len(result)}).",
        )
    return result


def boolean(data: dict[str, Any] | None, key: str, *, where: str = "") -> bool | None:
    """true or false (None when absent); "true"/"false" strings are read too."""
    if not data:
        return None
    value(data, key)  # the container must be an object
    raw = data.get(key)
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
        return raw.strip().lower() == "true"
    raise malformed(key, "un booléen (true ou false)", where)


def choice(
    data: dict[str, Any] | None, key: str, choices: list[str] | tuple[str, ...], *, where: str = ""
) -> str:
    """One of `choices` ("" when absent); anything else is refused with the accepted values."""
    raw = text(data, key, where=where)
    if raw and raw not in choices:
        raise ApiError(
            BAD_REQUEST,
            f"Valeur « {raw[:60]} » inconnue pour le champ {_name(key, where)} : "
            f"{', '.join(choices)}.",
        )
    return raw


def string_list(
    data: dict[str, Any] | None,
    key: str,
    *,
    choices: list[str] | tuple[str, ...] | None = None,
    where: str = "",
) -> list[str]:
    """A JSON array of strings (empty strings skipped), each one of `choices` when given."""
    raw = value(data, key)
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > LIST_MAX_ITEMS:
        raise malformed(
            key, f"une liste de chaînes de caractères ({LIST_MAX_ITEMS} au plus)", where
        )
    found = []
    for item in raw:
        if item is None or item == "":
            continue
        if not isinstance(item, str) or len(item) > FILTER_MAX_LENGTH:
            raise malformed(key, "une liste de chaînes de caractères", where)
        item = item.strip()
        if choices is not None and item not in choices:
            raise ApiError(
                BAD_REQUEST,
                f"Valeur « {item[:60]} » inconnue dans le champ {_name(key, where)}.",
            )
        found.append(item)
    return found


def objects(data: dict[str, Any] | None, key: str, *, where: str = "") -> list[dict[str, Any]]:
    """A JSON array of objects (`listeDestinataire`, `listeFacture`...)."""
    raw = value(data, key)
    if raw is None:
        return []
    if (
        not isinstance(raw, list)
        or len(raw) > LIST_MAX_ITEMS
        or not all(isinstance(item, dict) for item in raw)
    ):
        raise malformed(key, f"une liste d'objets ({LIST_MAX_ITEMS} au plus)", where)
    return raw


def decimal(data: dict[str, Any] | None, key: str, *, where: str = "") -> Decimal | None:
    """An amount: a JSON number (or its text); never a boolean, NaN or Infinity."""
    raw = value(data, key)
    if raw is None:
        return None
    amount = None
    if isinstance(raw, int | float | str) and not isinstance(raw, bool) and len(str(raw)) <= 40:
        try:
            amount = Decimal(str(raw))
        except InvalidOperation:
            amount = None
    if amount is None or not amount.is_finite() or abs(amount) >= AMOUNT_LIMIT:
        raise malformed(key, "un montant (nombre décimal)", where)
    return amount


def date(data: dict[str, Any] | None, key: str, *, where: str = "") -> dt.date | None:
    """`AAAA-MM-JJ` (an RFC 3339 date-time is read as its date)."""
    raw = value(data, key)
    if raw is None:
        return None
    if isinstance(raw, str):
        try:
            if len(raw) == 10:
                return dt.date.fromisoformat(raw)
            return _parse_moment(raw).date()
        except ValueError:
            pass
    raise malformed(key, "une date AAAA-MM-JJ", where)


def _parse_moment(raw: str) -> dt.datetime:
    # RFC 3339 (GO's time.Time: "2024-03-01T10:11:47.823Z", "...+01:00"), also without offset or
    # seconds (Pastell's "2024-03-01T23:59:59", "2024-03-01 10:11"): then in the platform's time.
    if len(raw) > 40:
        raise ValueError(raw)
    moment = dt.datetime.fromisoformat(raw)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_current_timezone())
    return moment


def moment(
    data: dict[str, Any] | None, key: str, *, end_of_day: bool = False, where: str = ""
) -> dt.datetime | None:
    """A date-time as clients send `periodeDateHeureEtatCourantDu/Au`: RFC 3339, with or without
    offset, or a plain date (from its first instant; with `end_of_day`, to its last)."""
    raw = value(data, key)
    if raw is None:
        return None
    if isinstance(raw, str):
        try:
            if len(raw) == 10:
                day = dt.date.fromisoformat(raw)
                start = dt.datetime.combine(
                    day, dt.time.min, tzinfo=timezone.get_current_timezone()
                )
                if end_of_day:
                    return start + dt.timedelta(days=1) - dt.timedelta(microseconds=1)
                return start
            return _parse_moment(raw)
        except ValueError:
            pass
    raise malformed(key, "une date-heure RFC 3339 (AAAA-MM-JJTHH:MM:SS+01:00) ou une date", where)


class Paging:
    def __init__(self, params: dict[str, Any] | None, *, where: str = "") -> None:
        if params is not None and not isinstance(params, dict):
            raise malformed(where or "pagination", "un objet JSON")
        # A page size over the maximum is served at the maximum (OCA asks for 10,000 services);
        # a negative one, or a page number beyond any page, is a wrong request.
        size = integer(params, "nbResultatsParPage", minimum=1, maximum=MAX_ID, where=where)
        self.size = min(size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
        self.page = (
            integer(params, "pageResultatDemandee", minimum=1, maximum=MAX_PAGE, where=where) or 1
        )
        self.column = text(params, "triColonne", where=where) or None
        direction = (
            text(params, "triSens", where=where)
            or text(params, "triSense", where=where)
            or "Ascendant"
        )
        self.descending = direction.strip().lower().startswith("desc")

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
