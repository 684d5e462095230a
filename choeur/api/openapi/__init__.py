"""The field-by-field OpenAPI description of the /cpro services (issue 14).

One module per API family lists its operations as compact shapes, close to how the reference
and the GO client write them: `{"numeroFluxDepot": "string", "dateDepot?": "date"}`, where
`key?` is a field that may be absent, `"type|null"` a field the view may send as null, `[x]` a
list of `x`. Types: integer, number, string, boolean, date (AAAA-MM-JJ), datetime (RFC 3339,
what GO's time.Time reads), datetime_go (AAAA-MM-JJ HH:MM), datetime_sec (AAAA-MM-JJ HH:MM:SS), any. Every answer carries the envelope `codeRetour` + `libelle`.

Answers are closed (`additionalProperties: false`): a field a view adds without describing it
fails the response validation of tests/api and schemathesis. Request bodies stay open, as real
clients send fields Chœur does not read; a request of `None` is a free-form object.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent

Shape = Any

DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
RFC3339_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$"
)
ENVELOPE = {"codeRetour": "integer", "libelle": "string"}
# Every error of the API is the envelope (choeur.api.envelope, choeur.api.middleware).
ERROR_STATUSES = {
    "400": "Requête fausse (codeRetour 20001...) ou objet inconnu (20002).",
    "401": "Jeton ou compte technique (cpro-account) absent, faux ou expiré.",
    "403": "Service refusé à ce compte.",
    "404": "Service inconnu.",
    "405": "Méthode autre que POST.",
    "413": "Corps trop volumineux.",
    "415": "Corps qui n'est pas du JSON.",
    "429": "Trop d'appels : réessayer après Retry-After.",
    "500": "Erreur interne.",
    "503": "Service indisponible (base de données) : réessayer après Retry-After.",
}


@dataclass(frozen=True)
class Operation:
    request: Shape | None
    response: Shape
    envelope: bool = True
    # The error answers, by HTTP status, where an API family has its own (organisations/v1);
    # None: the envelope for every status of ERROR_STATUSES.
    errors: dict[str, tuple[Shape, str]] | None = None
    # A 200 without a body (organisations/v1/healthcheck).
    empty: bool = False


SCALARS: dict[str, dict[str, Any]] = {
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "string": {"type": "string"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date", "pattern": DATE_PATTERN},
    "datetime": {"type": "string", "format": "date-time"},
    # « AAAA-MM-JJ HH:MM », how GO reads the dates of structures and services (wire contract).
    "datetime_go": {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}$"},
    # « AAAA-MM-JJ HH:MM:SS », the dates of organisations/v1.
    "datetime_sec": {
        "type": "string",
        "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$",
    },
    "any": {},
}


def schema(shape: Shape, *, closed: bool) -> dict[str, Any]:
    """The OpenAPI 3.0 schema of a shape; `closed` objects refuse undescribed fields."""
    if isinstance(shape, dict):
        properties = {key.rstrip("?"): schema(sub, closed=closed) for key, sub in shape.items()}
        result: dict[str, Any] = {"type": "object", "properties": properties}
        required = [key for key in shape if not key.endswith("?")]
        if required:
            result["required"] = required
        if closed:
            result["additionalProperties"] = False
        return result
    if isinstance(shape, list):
        return {"type": "array", "items": schema(shape[0], closed=closed)}
    kind, _, null = str(shape).partition("|")
    result = dict(SCALARS[kind])
    if kind == "datetime" and closed:
        # In answers only: validators without an RFC 3339 checker skip `format: date-time`.
        result["pattern"] = RFC3339_PATTERN
    if null == "null":
        result["nullable"] = True
    return result


def component_name(path: str) -> str:
    """`/cpro/factures/v1/rechercher/fournisseur` → `FacturesRechercherFournisseur`."""
    words = [w for w in path.removeprefix("/cpro/").split("/") if w != "v1"]
    joined = "/".join(words).replace("-", "/").replace("_", "/").strip("/")
    joined = joined.replace("{", "").replace("}", "")
    return "".join(w[:1].upper() + w[1:] for w in joined.split("/"))


def operations() -> dict[str, Operation]:
    """Every described operation, by path (`/cpro/factures/v1/deposer/flux`), or by method and
    path where one path has several (`GET /api/v1/webhooks`)."""
    from choeur.api.openapi import (
        engagements,
        factures,
        organisations,
        structures,
        transverses,
        travaux,
        utilisateurs,
        webhooks,
    )

    described: dict[str, Operation] = {}
    # travaux last: it describes two transverses services the works circuit answers.
    families = (
        factures,
        structures,
        transverses,
        utilisateurs,
        engagements,
        organisations,
        travaux,
    )
    for family in families:
        described.update({f"/cpro/{path}": op for path, op in family.OPERATIONS.items()})
    described.update(webhooks.OPERATIONS)
    return described


def _component(registry: Any, name: str, body: dict[str, Any]) -> dict[str, Any]:
    component = ResolvedComponent(  # type: ignore[no-untyped-call]
        name=name, type=ResolvedComponent.SCHEMA, object=name, schema=body
    )
    registry.register_on_missing(component)
    return component.ref


def _json(ref: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ref}}}


class CproAutoSchema(AutoSchema):
    """drf-spectacular's schema of a CproView, with the body and answers of `operations()`."""

    def get_operation(self, path: str, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation: dict[str, Any] | None = super().get_operation(path, *args, **kwargs)
        known = operations()
        keyed = known.get(f"{self.method} {path}")
        described = keyed or known.get(path)
        if operation is None or described is None:
            return operation
        registry = self.registry
        name = component_name(path)
        envelope = _component(registry, "CproEnvelope", schema(ENVELOPE, closed=True))
        if self.method == "GET":
            operation.pop("requestBody", None)
        elif described.request is None:
            free = {"type": "object", "additionalProperties": True}
            operation["requestBody"] = {"content": {"application/json": {"schema": free}}}
        else:
            request = _component(
                registry, f"{name}Request", schema(described.request, closed=False)
            )
            operation["requestBody"] = {"content": {"application/json": {"schema": request}}}
        if keyed is not None or self.method in ("DELETE", "PATCH"):
            name = f"{name}{self.method.capitalize()}"
        if described.empty:
            success: dict[str, Any] = {"description": "Service disponible (réponse vide)."}
        else:
            fields = (
                {**ENVELOPE, **described.response} if described.envelope else described.response
            )
            success = _json(
                _component(registry, f"{name}Response", schema(fields, closed=True)),
                "Succès (codeRetour 0) ou recherche sans résultat (codeRetour 20000).",
            )
        if described.errors is None:
            errors = {code: _json(envelope, text) for code, text in ERROR_STATUSES.items()}
        else:
            errors = {
                code: _json(
                    _component(registry, f"{name}Error{code}", schema(shape, closed=True)), text
                )
                for code, (shape, text) in described.errors.items()
            }
        operation["responses"] = {"200": success, **errors}
        return operation
