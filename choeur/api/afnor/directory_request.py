"""The search requests of the XP Z12-013 Directory Service 1.3.0, read as the document defines
them: `filters` (each `{op, value}` with the operators and value formats the document allows for
that filter), `sorting` (`[{field, order}]`), `fields`, `include`, `limit` and `ignore`.
Anything else is refused with a French message (400), never silently ignored."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest

from choeur.api.afnor.errors import AfnorError, bad_request

DEFAULT_LIMIT = 50  # the document's example value
MAX_LIMIT = 1000

STRICT = ("strict",)
CONTAINS_STRICT = ("contains", "strict")
CONTAINS_START = ("contains", "startWith")
ANY_TEXT = ("contains", "strict", "startWith")
STRICT_START = ("startWith", "strict")
NOT_BLANK = re.compile(r"^$|^(?!\s*$).+", re.DOTALL)


@dataclass(frozen=True)
class Filter:
    """A filter of the document: its operators, the longest value, and its value's form."""

    ops: tuple[str, ...]
    max_length: int
    digits: bool = False
    choices: tuple[str, ...] = ()
    not_blank: bool = False


SIREN = Filter(STRICT, 9, digits=True)
SIRET = Filter(STRICT, 14, digits=True)
ADDRESS_LINES = Filter(CONTAINS_START, 600)
POSTAL_CODE = Filter(STRICT_START, 5, digits=True)
LOCALITY = Filter(ANY_TEXT, 100)
STATUS = Filter(STRICT, 1, choices=("A", "C"))
ROUTING_IDENTIFIER = Filter(CONTAINS_STRICT, 100, not_blank=True)


@dataclass(frozen=True)
class Resource:
    """A searchable resource: its filters, its fields (for `fields` and `sorting`) and the
    relations `include` accepts."""

    name: str
    filters: dict[str, Filter]
    fields: tuple[str, ...]
    include: tuple[str, ...] = ()


SIREN_RESOURCE = Resource(
    "siren",
    {
        "siren": SIREN,
        "businessName": Filter(ANY_TEXT, 150),
        "entityType": Filter(STRICT, 20, choices=("Public", "PrivateVatRegistered")),
        "administrativeStatus": STATUS,
    },
    ("siren", "businessName", "entityType", "administrativeStatus", "instructions"),
)
SIRET_RESOURCE = Resource(
    "siret",
    {
        "siret": SIRET,
        "siren": SIREN,
        "facilityType": Filter(STRICT, 1, choices=("P", "S")),
        "name": Filter(ANY_TEXT, 100),
        "addressLines": ADDRESS_LINES,
        "postalCode": POSTAL_CODE,
        "countrySubdivision": Filter(STRICT, 255),
        "locality": LOCALITY,
        "administrativeStatus": STATUS,
    },
    (
        "siret",
        "siren",
        "name",
        "facilityType",
        "administrativeStatus",
        "siretInstructions",
        "address",
        "pmStatus",
        "pmOnly",
        "managesPaymentStatus",
        "managesLegalCommitment",
        "managesLegalCommitmentOrService",
        "serviceCodeStatus",
    ),
    ("siren",),
)
ROUTING_CODE_RESOURCE = Resource(
    "routing-code",
    {
        "routingIdentifier": ROUTING_IDENTIFIER,
        "siret": SIRET,
        "routingCodeName": Filter(CONTAINS_STRICT, 100, not_blank=True),
        "administrativeStatus": STATUS,
        "addressLines": ADDRESS_LINES,
        "postalCode": POSTAL_CODE,
        "locality": LOCALITY,
    },
    (
        "siret",
        "routingIdentifierType",
        "routingCodeName",
        "routingIdentifier",
        "managesLegalCommitmentCode",
        "administrativeStatus",
        "address",
    ),
    ("siren", "siret"),
)
DIRECTORY_LINE_RESOURCE = Resource(
    "directory-line",
    {
        "addressingIdentifier": Filter(CONTAINS_STRICT, 125),
        "siren": SIREN,
        "siret": SIRET,
        "routingIdentifier": ROUTING_IDENTIFIER,
        "addressingSuffix": Filter(CONTAINS_STRICT, 100),
    },
    ("addressingIdentifier", "siren", "siret", "routingIdentifier", "addressingSuffix"),
    ("siren", "siret", "routingCode"),
)


@dataclass
class Search:
    """A checked search: criteria by filter name, (field, descending) pairs, fields, relations."""

    criteria: dict[str, tuple[str, str]] = field(default_factory=dict)
    sorting: list[tuple[str, bool]] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    include: list[str] = field(default_factory=list)
    limit: int = DEFAULT_LIMIT
    ignore: int = 0

    def echo(self) -> dict[str, Any]:
        """The search as understood, in the document's `search` form (defaults filled in)."""
        body: dict[str, Any] = {
            "filters": {name: {"op": op, "value": v} for name, (op, v) in self.criteria.items()},
            "sorting": [
                {"field": name, "order": "descending" if desc else "ascending"}
                for name, desc in self.sorting
            ],
            "limit": self.limit,
            "ignore": self.ignore,
        }
        if self.fields:
            body["fields"] = self.fields
        if self.include:
            body["include"] = self.include
        return body


def _json_body(request: HttpRequest) -> dict[str, Any]:
    try:
        raw = request.body
    except RequestDataTooBig as exc:
        raise AfnorError(
            413, "PAYLOAD_TOO_LARGE", "Corps de requête trop volumineux pour une recherche."
        ) from exc
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise bad_request(f"Corps de requête illisible : JSON attendu ({str(exc)[:80]}).") from exc
    if not isinstance(data, dict):
        raise bad_request("Le corps de la requête doit être un objet JSON.")
    return data


def _criterion(name: str, spec: Filter, raw: Any) -> tuple[str, str]:
    if not isinstance(raw, dict):
        raise bad_request(f"Le filtre « {name} » doit être un objet {{op, value}}.")
    unknown = sorted(set(raw) - {"op", "value"})
    if unknown:
        raise bad_request(f"Le filtre « {name} » n'a pas de propriété « {unknown[0][:40]} ».")
    op = raw.get("op", spec.ops[0] if len(spec.ops) == 1 else "contains")
    if op not in spec.ops:
        raise bad_request(
            f"Opérateur « {str(op)[:20]} » refusé pour le filtre « {name} » : "
            f"{', '.join(spec.ops)} seulement."
        )
    if "value" not in raw:
        raise AfnorError(
            400, "MISSING_REQUIRED_FIELD", f"Le filtre « {name} » n'a pas de valeur (value)."
        )
    value = raw["value"]
    if not isinstance(value, str):
        raise bad_request(f"La valeur du filtre « {name} » doit être une chaîne de caractères.")
    if any(ord(char) < 32 for char in value):
        raise bad_request(f"La valeur du filtre « {name} » contient un caractère de contrôle.")
    if len(value) > spec.max_length:
        raise bad_request(
            f"La valeur du filtre « {name} » est trop longue ({spec.max_length} caractères au plus)."
        )
    if spec.digits and not value.isdigit():
        raise bad_request(f"La valeur du filtre « {name} » ne doit contenir que des chiffres.")
    if spec.choices and value not in spec.choices:
        raise bad_request(
            f"Valeur « {value[:20]} » inconnue pour le filtre « {name} » : "
            f"{', '.join(spec.choices)}."
        )
    if spec.not_blank and not NOT_BLANK.match(value):
        raise bad_request(f"La valeur du filtre « {name} » ne peut pas être faite d'espaces.")
    return op, value


def _names(key: str, raw: Any, allowed: tuple[str, ...]) -> list[str]:
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise bad_request(f"« {key} » doit être une liste de noms.")
    for item in raw:
        if item not in allowed:
            raise bad_request(
                f"« {item[:40]} » n'est pas une valeur admise de « {key} » : {', '.join(allowed)}."
            )
    return list(dict.fromkeys(raw))


def _integer(key: str, raw: Any, low: int, high: int) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not low <= raw <= high:
        raise bad_request(f"« {key} » doit être un entier entre {low} et {high}.")
    return raw


def parse_search(request: HttpRequest, resource: Resource) -> Search:
    data = _json_body(request)
    keys = {"filters", "sorting", "fields", "limit", "ignore"} | (
        {"include"} if resource.include else set()
    )
    unknown = sorted(set(data) - keys)
    if unknown:
        raise bad_request(
            f"Propriété « {unknown[0][:40]} » inconnue dans la recherche {resource.name} : "
            f"{', '.join(sorted(keys))}."
        )
    search = Search()
    filters = data.get("filters") or {}
    if not isinstance(filters, dict):
        raise bad_request("« filters » doit être un objet.")
    for name, raw in filters.items():
        spec = resource.filters.get(name)
        if spec is None:
            raise bad_request(
                f"Filtre « {str(name)[:40]} » inconnu pour {resource.name} : "
                f"{', '.join(resource.filters)}."
            )
        search.criteria[name] = _criterion(name, spec, raw)
    sorting = data.get("sorting") or []
    if not isinstance(sorting, list):
        raise bad_request("« sorting » doit être une liste de {field, order}.")
    for item in sorting:
        if not isinstance(item, dict) or item.get("field") not in resource.fields:
            raise bad_request(
                f"Chaque tri de « sorting » nomme un champ (field) parmi : "
                f"{', '.join(resource.fields)}."
            )
        order = item.get("order", "ascending")
        if order not in ("ascending", "descending"):
            raise bad_request("L'ordre d'un tri (order) est ascending ou descending.")
        search.sorting.append((item["field"], order == "descending"))
    if "fields" in data:
        search.fields = _names("fields", data["fields"], resource.fields)
    if "include" in data:
        search.include = _names("include", data["include"], resource.include)
    if "limit" in data:
        search.limit = _integer("limit", data["limit"], 1, MAX_LIMIT)
    if "ignore" in data:
        search.ignore = _integer("ignore", data["ignore"], 0, 2**31 - 1)
    return search


def query_list(request: HttpRequest, key: str, allowed: tuple[str, ...]) -> list[str]:
    """A query parameter of the document with `explode: false`: « fields=a,b » (a repeated
    parameter is accepted too)."""
    values = [part for raw in request.GET.getlist(key) for part in raw.split(",") if part]
    return _names(key, values, allowed)


def check_path_text(value: str, what: str, max_length: int) -> str:
    """A text path parameter: 1 to `max_length` characters, no control character."""
    if not value or len(value) > max_length or any(ord(char) < 32 for char in value):
        raise bad_request(
            f"{what} invalide : 1 à {max_length} caractères, sans caractère de contrôle."
        )
    return value
