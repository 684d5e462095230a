"""XP Z12-013 « Directory Service » 1.3.0 (AFNOR): SIREN, SIRET, routing codes and directory
lines of the directory Chœur holds, searched and consulted as the document defines them.

- SIREN and SIRET: the Sirene reference (choeur.directory); a public structure that Sirene lacks
  is still found by its SIRET or SIREN. `entityType` is Public for the SIRENs of the public
  structures and the public legal categories (catégorie juridique 7xxx), else
  PrivateVatRegistered (Chœur holds no VAT register). `b2gAdditionalData` comes from the public
  structure of that SIRET.
- Routing codes: the services of the public structures (routingIdentifierType 0224).
- Directory lines: one per public structure (« SIREN_SIRET ») and one per service
  (« SIREN_SIRET_CODE »), pointing to Chœur (platformType WK).
OAuth2 bearer tokens of the structures' technical accounts (the clients of /cpro). Every answer
is JSON; errors follow the document's `Error` schema (see docs/api.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from choeur.api.afnor.auth import authenticate
from choeur.api.afnor.directory_request import (
    DIRECTORY_LINE_RESOURCE,
    ROUTING_CODE_RESOURCE,
    SIREN_RESOURCE,
    SIRET_RESOURCE,
    Resource,
    Search,
    check_path_text,
    parse_search,
    query_list,
)
from choeur.api.afnor.errors import NOT_FOUND, AfnorError, afnor_view, bad_request
from choeur.directory.models import Etablissement, UniteLegale
from choeur.directory.selectors import (
    etablissement_address,
    etablissement_filter,
    unite_legale_filter,
)
from choeur.structures import annuaire_selectors as annuaire
from choeur.structures.models import Service, Structure

ROUTING_IDENTIFIER_TYPE = "0224"
PLATFORM_TYPE = "WK"


def _json(body: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _cut(value: str, length: int) -> str:
    return value[:length]


# --- payloads -------------------------------------------------------------------------------


def _address(
    lines: list[str], postal_code: str, locality: str, country: str = "FR"
) -> dict[str, Any]:
    address: dict[str, Any] = {}
    for index, line in enumerate(lines[:3], start=1):
        address[f"addressLine{index}"] = _cut(line, 255)
    if postal_code and len(postal_code) <= 5 and postal_code.isdigit():
        address["postalCode"] = postal_code
    if locality:
        address["locality"] = _cut(locality, 100)
    address["countryCode"] = _cut(country or "FR", 2)
    address["countryName"] = "France" if address["countryCode"] == "FR" else ""
    if not address["countryName"]:
        del address["countryName"]
    return address


def _structure_address(structure: Structure) -> dict[str, Any]:
    lines = [
        line
        for line in (
            structure.adresse,
            structure.complement_adresse_1,
            structure.complement_adresse_2,
        )
        if line
    ]
    address = _address(lines, structure.code_postal, structure.ville, structure.code_pays)
    if structure.libelle_pays:
        address["countryName"] = _cut(structure.libelle_pays, 100)
    return address


def _entity_type(public: bool) -> str:
    return "Public" if public else "PrivateVatRegistered"


def legal_unit(unite: UniteLegale, *, public: bool) -> dict[str, Any]:
    return {
        "siren": unite.siren,
        "businessName": _cut(unite.raison_sociale, 150),
        "entityType": _entity_type(public or unite.categorie_juridique.startswith("7")),
        "administrativeStatus": "A" if unite.etat_administratif == "A" else "C",
        "instructions": {"isSalesProspectingForbidden": unite.statut_diffusion != "O"},
    }


def legal_unit_of_structure(structure: Structure) -> dict[str, Any]:
    return {
        "siren": structure.identifier[:9],
        "businessName": _cut(structure.raison_sociale, 150),
        "entityType": "Public",
        "administrativeStatus": "A" if structure.is_active else "C",
        "instructions": {"isSalesProspectingForbidden": structure.non_diffusible},
    }


def b2g_data(structure: Structure) -> dict[str, Any]:
    return {
        "pm": structure.is_moa,
        "pmOnly": structure.is_moa_only,
        "managesPaymentStatus": structure.payment_status_reported,
        "managesLegalCommitmentCode": structure.engagement_required,
        "managesLegalCommitmentOrServiceCode": structure.engagement_or_service_required,
        "serviceCodeStatus": structure.code_service_required,
    }


def facility(
    etab: Etablissement,
    unite: UniteLegale | None,
    structure: Structure | None,
    *,
    instructions_key: str = "siretInstructions",
) -> dict[str, Any]:
    name = etab.enseigne or etab.denomination_usuelle or (unite.raison_sociale if unite else "")
    body: dict[str, Any] = {
        "siret": etab.siret,
        "siren": etab.siren,
        "name": _cut(name or (structure.raison_sociale if structure else ""), 100),
        "facilityType": "P" if etab.is_siege else "S",
        "administrativeStatus": "A" if etab.etat_administratif == "A" else "C",
        instructions_key: {"isSalesProspectingForbidden": etab.statut_diffusion != "O"},
    }
    if etab.statut_diffusion == "O":
        body["address"] = _address(
            etablissement_address(etab), etab.code_postal, etab.libelle_commune
        )
    if structure is not None:
        body["b2gAdditionalData"] = b2g_data(structure)
    return body


def facility_of_structure(
    structure: Structure, *, instructions_key: str = "siretInstructions"
) -> dict[str, Any]:
    return {
        "siret": structure.identifier,
        "siren": structure.identifier[:9],
        "name": _cut(structure.raison_sociale, 100),
        "administrativeStatus": "A" if structure.is_active else "C",
        instructions_key: {"isSalesProspectingForbidden": structure.non_diffusible},
        "address": _structure_address(structure),
        "b2gAdditionalData": b2g_data(structure),
    }


def routing_code(service: Service, *, embedded: bool = False) -> dict[str, Any]:
    structure = service.structure
    return {
        "routingIdentifier": service.code,
        **({} if embedded else {"siret": structure.identifier}),
        "routingIdentifierType": ROUTING_IDENTIFIER_TYPE,
        "routingCodeName": _cut(service.name, 100),
        # The document names it managesLegalCommitment inside a directory line.
        ("managesLegalCommitment" if embedded else "managesLegalCommitmentCode"): (
            service.engagement_required
        ),
        "administrativeStatus": (
            "A" if annuaire.routing_code_active(service, timezone.localdate()) else "C"
        ),
        "address": _structure_address(structure),
    }


class _Relations:
    """The Sirene rows and public structures a page of results refers to, read in bulk."""

    def __init__(self, sirens: Iterable[str], sirets: Iterable[str]) -> None:
        sirens, sirets = set(sirens), set(sirets)
        self.unites = UniteLegale.objects.in_bulk(sirens)
        self.etabs = Etablissement.objects.in_bulk(sirets)
        self.unites.update(
            UniteLegale.objects.in_bulk({e.siren for e in self.etabs.values()} - set(self.unites))
        )
        self.structures = annuaire.public_structures_by_siret(sirets)
        self.public_sirens = annuaire.public_sirens_among(
            sirens | {e.siren for e in self.etabs.values()}
        )

    def legal_unit(self, siren: str, structure: Structure | None = None) -> dict[str, Any] | None:
        unite = self.unites.get(siren)
        if unite is not None:
            return legal_unit(unite, public=siren in self.public_sirens)
        if structure is not None:
            return legal_unit_of_structure(structure)
        return None

    def facility(self, siret: str, *, key: str = "siretInstructions") -> dict[str, Any] | None:
        etab = self.etabs.get(siret)
        structure = self.structures.get(siret)
        if etab is not None:
            return facility(etab, self.unites.get(etab.siren), structure, instructions_key=key)
        if structure is not None:
            return facility_of_structure(structure, instructions_key=key)
        return None


# --- field selection ------------------------------------------------------------------------

B2G_FIELDS = {
    "pmStatus": "pm",
    "pmOnly": "pmOnly",
    "managesPaymentStatus": "managesPaymentStatus",
    "managesLegalCommitment": "managesLegalCommitmentCode",
    "managesLegalCommitmentOrService": "managesLegalCommitmentOrServiceCode",
    "serviceCodeStatus": "serviceCodeStatus",
}
RELATIONS = ("legalUnit", "facility", "routingCode")


def select_fields(body: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """Only the `fields` asked for (all when none), the included relations kept."""
    if not fields:
        return body
    kept = {key: value for key, value in body.items() if key in fields or key in RELATIONS}
    b2g = body.get("b2gAdditionalData")
    if b2g is not None:
        wanted = {B2G_FIELDS[f] for f in fields if f in B2G_FIELDS}
        if wanted:
            kept["b2gAdditionalData"] = {k: v for k, v in b2g.items() if k in wanted}
    return kept


# --- searches -------------------------------------------------------------------------------


def _ordered(
    queryset: QuerySet[Any], search: Search, columns: dict[str, str], default: list[str]
) -> QuerySet[Any]:
    order = [
        ("-" if desc else "") + columns[name] for name, desc in search.sorting if name in columns
    ]
    # The default order last: a stable order, so that paging with ignore/limit never repeats.
    return queryset.order_by(*order, *default)


def _page(queryset: QuerySet[Any], search: Search) -> tuple[int, list[Any]]:
    total = queryset.count()
    return total, list(queryset[search.ignore : search.ignore + search.limit])


def _answer(search: Search, total: int, results: list[dict[str, Any]]) -> JsonResponse:
    return _json({"search": search.echo(), "totalNumberOfResults": total, "results": results})


def _siren_results(unites: list[UniteLegale], fields: list[str]) -> list[dict[str, Any]]:
    relations = _Relations((u.siren for u in unites), ())
    return [
        select_fields(legal_unit(u, public=u.siren in relations.public_sirens), fields)
        for u in unites
    ]


def _search_siren(search: Search) -> JsonResponse:
    c = search.criteria
    entity = c.get("entityType")
    unites = unite_legale_filter(
        siren=c["siren"][1] if "siren" in c else None,
        name=c.get("businessName"),
        status=c["administrativeStatus"][1] if "administrativeStatus" in c else None,
        public_sirens=annuaire.public_sirens(),
        entity_public=None if entity is None else entity[1] == "Public",
    )
    columns = {
        "siren": "siren",
        "businessName": "search_name",
        "entityType": "categorie_juridique",
        "administrativeStatus": "etat_administratif",
        "instructions": "statut_diffusion",
    }
    total, page = _page(_ordered(unites, search, columns, ["siren"]), search)
    return _answer(search, total, _siren_results(page, search.fields))


def _search_siret(search: Search) -> JsonResponse:
    c = search.criteria
    if "countrySubdivision" in c:
        raise AfnorError(
            501,
            "NOT_IMPLEMENTED",
            "Le filtre countrySubdivision n'est pas géré : Chœur ne connaît pas la région des "
            "établissements. Filtrez par code postal (postalCode) ou par commune (locality).",
        )
    etabs = etablissement_filter(
        siret=c["siret"][1] if "siret" in c else None,
        siren=c["siren"][1] if "siren" in c else None,
        main=c["facilityType"][1] == "P" if "facilityType" in c else None,
        name=c.get("name"),
        address=c.get("addressLines"),
        postal_code=c.get("postalCode"),
        locality=c.get("locality"),
        status=c["administrativeStatus"][1] if "administrativeStatus" in c else None,
    )
    columns = {
        "siret": "siret",
        "siren": "siren",
        "name": "search_name",
        "facilityType": "-is_siege",
        "administrativeStatus": "etat_administratif",
        "siretInstructions": "statut_diffusion",
        "address": "code_postal",
    }
    # « -is_siege » ascending puts the main facility (P) first; a descending sort flips it.
    order = []
    for name, desc in search.sorting:
        column = columns.get(name)
        if column is None:
            continue
        if column.startswith("-"):
            order.append(column[1:] if desc else column)
        else:
            order.append(("-" if desc else "") + column)
    total = etabs.count()
    page = list(etabs.order_by(*order, "siret")[search.ignore : search.ignore + search.limit])
    relations = _Relations((), (e.siret for e in page))
    results = []
    for etab in page:
        body = facility(
            etab, relations.unites.get(etab.siren), relations.structures.get(etab.siret)
        )
        body = select_fields(body, search.fields)
        if "siren" in search.include:
            included = relations.legal_unit(etab.siren)
            if included is not None:
                body["legalUnit"] = included
        results.append(body)
    return _answer(search, total, results)


def _routing_results(services: list[Service], search: Search) -> list[dict[str, Any]]:
    sirets = [s.structure.identifier for s in services]
    relations = _Relations((s[:9] for s in sirets), sirets) if search.include else None
    results = []
    for service in services:
        body = select_fields(routing_code(service), search.fields)
        if relations is not None:
            _include(body, relations, service.structure, search.include)
        results.append(body)
    return results


def _include(
    body: dict[str, Any], relations: _Relations, structure: Structure, include: list[str]
) -> None:
    if "siren" in include:
        found = relations.legal_unit(structure.identifier[:9], structure)
        if found is not None:
            body["legalUnit"] = found
    if "siret" in include:
        found = relations.facility(structure.identifier, key="instructions")
        if found is not None:
            body["facility"] = found


def _search_routing_code(search: Search) -> JsonResponse:
    c = search.criteria
    services = annuaire.routing_code_filter(
        routing_identifier=c.get("routingIdentifier"),
        siret=c["siret"][1] if "siret" in c else None,
        name=c.get("routingCodeName"),
        status=c["administrativeStatus"][1] if "administrativeStatus" in c else None,
        address=c.get("addressLines"),
        postal_code=c.get("postalCode"),
        locality=c.get("locality"),
        day=timezone.localdate(),
    )
    columns = {
        "siret": "structure__identifier",
        "routingIdentifierType": "code",
        "routingCodeName": "name",
        "routingIdentifier": "code",
        "managesLegalCommitmentCode": "engagement_required",
        "administrativeStatus": "is_active",
        "address": "structure__code_postal",
    }
    queryset = _ordered(services, search, columns, ["structure__identifier", "code"])
    total, page = _page(queryset, search)
    return _answer(search, total, _routing_results(page, search))


def line_payload(
    line: annuaire.DirectoryLine,
    relations: _Relations | None,
    include: list[str],
    *,
    consulted: bool = False,
) -> dict[str, Any]:
    structure = line.structure
    status = line.status(timezone.localdate())
    if consulted and status == "Upcoming":
        # A consultation answers its current status, Enabled or Disabled (the document).
        status = "Disabled"
    body: dict[str, Any] = {
        "addressingIdentifier": line.addressing_identifier,
        "platformType": PLATFORM_TYPE,
        "directoryLineStatus": status,
        "siren": structure.identifier[:9],
        "siret": structure.identifier,
    }
    if line.service is not None:
        body["routingIdentifier"] = line.service.code
        if "routingCode" in include:
            body["routingCode"] = routing_code(line.service, embedded=True)
    if relations is not None:
        _include(body, relations, structure, include)
    return body


def _search_directory_line(search: Search) -> JsonResponse:
    c = search.criteria
    rows = annuaire.directory_line_rows(
        addressing_identifier=c.get("addressingIdentifier"),
        siren=c["siren"][1] if "siren" in c else None,
        siret=c["siret"][1] if "siret" in c else None,
        routing_identifier=c.get("routingIdentifier"),
        suffix=c.get("addressingSuffix"),
    )
    columns = {
        "addressingIdentifier": "addr",
        "siren": "addr",
        "siret": "addr",
        "routingIdentifier": "code",
        "addressingSuffix": "addr",
    }
    total, page_rows = _page(_ordered(rows, search, columns, ["addr"]), search)
    lines = annuaire.directory_lines(page_rows)
    sirets = [line.structure.identifier for line in lines]
    relations = _Relations((s[:9] for s in sirets), sirets) if search.include else None
    results = [
        select_fields(line_payload(line, relations, search.include), search.fields)
        for line in lines
    ]
    return _answer(search, total, results)


def _search_view(
    resource: Resource, run: Callable[[Search], JsonResponse]
) -> Callable[[HttpRequest], HttpResponse]:
    @afnor_view(("POST",))
    def view(request: HttpRequest) -> HttpResponse:
        authenticate(request)
        return run(parse_search(request, resource))

    view.__name__ = f"search_{resource.name.replace('-', '_')}"
    return view


search_siren = _search_view(SIREN_RESOURCE, _search_siren)
search_siret = _search_view(SIRET_RESOURCE, _search_siret)
search_routing_code = _search_view(ROUTING_CODE_RESOURCE, _search_routing_code)
search_directory_line = _search_view(DIRECTORY_LINE_RESOURCE, _search_directory_line)


# --- consultations --------------------------------------------------------------------------


def _digits(value: str, length: int, what: str) -> str:
    if len(value) != length or not value.isdigit():
        raise bad_request(f"{what} « {value[:20]} » invalide : {length} chiffres attendus.")
    return value


@afnor_view(("GET",))
def get_siren(request: HttpRequest, siren: str) -> HttpResponse:
    authenticate(request)
    siren = _digits(siren, 9, "SIREN")
    fields = query_list(request, "fields", SIREN_RESOURCE.fields)
    relations = _Relations([siren], ())
    body = relations.legal_unit(siren, annuaire.public_structure_for_siren(siren))
    if body is None:
        raise NOT_FOUND
    return _json(select_fields(body, fields))


@afnor_view(("GET",))
def get_siret(request: HttpRequest, siret: str) -> HttpResponse:
    authenticate(request)
    siret = _digits(siret, 14, "SIRET")
    fields = query_list(request, "fields", SIRET_RESOURCE.fields)
    include = query_list(request, "include", SIRET_RESOURCE.include)
    relations = _Relations([siret[:9]], [siret])
    body = relations.facility(siret)
    if body is None:
        raise NOT_FOUND
    body = select_fields(body, fields)
    if "siren" in include:
        found = relations.legal_unit(siret[:9], relations.structures.get(siret))
        if found is not None:
            body["legalUnit"] = found
    return _json(body)


@afnor_view(("GET",))
def get_routing_code(request: HttpRequest, siret: str, routing_identifier: str) -> HttpResponse:
    authenticate(request)
    siret = _digits(siret, 14, "SIRET")
    check_path_text(routing_identifier, "Identifiant de routage", 100)
    fields = query_list(request, "fields", ROUTING_CODE_RESOURCE.fields)
    include = query_list(request, "include", ROUTING_CODE_RESOURCE.include)
    service = annuaire.routing_code_get(siret=siret, code=routing_identifier)
    if service is None:
        raise NOT_FOUND
    body = select_fields(routing_code(service), fields)
    if include:
        _include(body, _Relations([siret[:9]], [siret]), service.structure, include)
    return _json(body)


@afnor_view(("GET",))
def get_directory_line(request: HttpRequest, addressing_identifier: str) -> HttpResponse:
    authenticate(request)
    check_path_text(addressing_identifier, "Identifiant d'adressage", 125)
    fields = query_list(request, "fields", DIRECTORY_LINE_RESOURCE.fields)
    include = query_list(request, "include", DIRECTORY_LINE_RESOURCE.include)
    line = annuaire.directory_line_get(addressing_identifier)
    if line is None:
        raise NOT_FOUND
    siret = line.structure.identifier
    relations = _Relations([siret[:9]], [siret]) if include else None
    return _json(select_fields(line_payload(line, relations, include, consulted=True), fields))


@afnor_view(("GET",))
def healthcheck(request: HttpRequest) -> HttpResponse:
    # No token asked: the document lists only 200, 500 and 503 for this operation (no 401), and
    # the answer tells nothing of the directory.
    Structure.objects.exists()  # the database answers (else 503 from afnor_view)
    return _json({"status": "UP", "service": "directory-service", "version": "1.3.0"})


@afnor_view(("GET", "POST", "PUT", "PATCH", "DELETE"))
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    raise AfnorError(
        404,
        "MISSING_RESOURCE",
        "Ressource inconnue du Directory Service : voir les chemins du document XP Z12-013 "
        "(/v1/siren/search, /v1/siret/code-insee:{siret}, ...).",
    )
