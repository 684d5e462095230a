"""The newer REST « Référentiel des organisations » (`/cpro/organisations/v1`, reference E.3).

Its vocabulary is not the one of `/cpro/structures/v1` and is kept apart (wire contract D11,
D12): structures and services are named by an opaque `uuid` (32 hexadecimal characters), a
SIRET comes back as `typeIdentifiant` « 0 », field names follow the PHP client
(`numeroEjDoitEtreRenseigne`, not `numeroEJDoitEtreRenseigne`), and errors come in two other
families: the gateway's `{"ErrorCode": "401", "Description": "[invalid field]"}` for a refused
account, and a list `[{"error", "message", "detail"}]` for a wrong request (HTTP 400) or a
refused change (HTTP 403).

What is visible is what `/cpro/structures/v1/rechercher` shows: every public structure, and the
account's own structure. Only the account's own structure may be changed (`parametres-edi`).
"""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from choeur.api.services import pieces_of
from choeur.api.views.base import CproView
from choeur.core.audit import audit_log_write
from choeur.structures.enums import IdentifierType
from choeur.structures.models import Service, Structure

# An organisation's uuid: 8 hexadecimal characters naming the kind, then the row's key on 24.
# Opaque for clients (they only send back what they read); stable; no table lookup needed.
STRUCTURE_TAG = "5e0c0001"
SERVICE_TAG = "5e0c0002"
PIECE_TAG = "5e0c0003"
UUID = re.compile(r"^[0-9a-f]{32}$")
SIRET = re.compile(r"^[0-9]{14}$")
VAT_NUMBER = re.compile(r"^[A-Z]{2}[0-9A-Z]{2,13}$")
# `typeIdentifiant` is a numeric code in this API (« 0 » for a SIRET, seen live); the others
# follow the order of the identifier types of `/cpro/structures` [I: inferred].
IDENTIFIER_CODES = {
    IdentifierType.SIRET: "0",
    IdentifierType.UE_HORS_FRANCE: "1",
    IdentifierType.HORS_UE: "2",
    IdentifierType.RIDET: "3",
    IdentifierType.TAHITI: "4",
    IdentifierType.AUTRE: "5",
    IdentifierType.PARTICULIER: "6",
}
SEARCH_MAX = 1000
ACCOUNT_REFUSED = {"ErrorCode": "401", "Description": "[invalid field]"}


def organisation_uuid(tag: str, pk: int) -> str:
    return f"{tag}{pk:024x}"


def _pk(tag: str, identifier: str) -> int | None:
    if not UUID.match(identifier) or not identifier.startswith(tag):
        return None
    return int(identifier[len(tag) :], 16)


class OrganisationError(exceptions.APIException):
    """A refused request, answered as this API does: `[{"error", "message", "detail"}]`."""

    def __init__(self, error: str, message: str, detail: str = "", *, status: int = 400) -> None:
        super().__init__(message)
        self.status_code = status
        self.body = [{"error": error, "message": message, "detail": detail}]


def _when(moment: Any) -> str | None:
    """Dates as the PHP client parses them: « AAAA-MM-JJ HH:MM:SS »."""
    if moment is None:
        return None
    if not hasattr(moment, "hour"):
        return f"{moment.isoformat()} 00:00:00"
    return str(moment.strftime("%Y-%m-%d %H:%M:%S"))


def _mine(request: Request) -> Structure:
    return request.user.technical_account.structure  # type: ignore[union-attr]


def _visible(request: Request) -> QuerySet[Structure]:
    return Structure.objects.filter(Q(is_public=True) | Q(pk=_mine(request).pk))


def structure_row(structure: Structure) -> dict[str, Any]:
    return {
        "uuid": organisation_uuid(STRUCTURE_TAG, structure.pk),
        "identifiant": structure.identifier,
        "typeIdentifiant": IDENTIFIER_CODES.get(IdentifierType(structure.identifier_type), "5"),
        "libelleOrganisation": structure.raison_sociale,
        "raisonSociale": structure.raison_sociale,
        "nomStructure": structure.nom,
        "prenomStructure": structure.prenom,
        "numeroRcsStructure": "",
        "numeroTvaIntracommunautaire": structure.numero_tva,
        "typeOrganisation": "PUBLIC" if structure.is_public else "PRIVATE",
        "status": "ACTIVE" if structure.is_active else "INACTIVE",
        "contactPrincipal": "",
        "organisationParent": "",
        "structureOrigine": 0,
        "estCentreGestionAgricole": False,
        "numeroPacage": 0,
        "categorieFournisseurMemoireId": 0,
        "categorieBeneficiaireId": 0,
        "categorieJuridique": "",
        "categorieEntreprise": "",
        "gestionNumeroEJOuCodeService": structure.engagement_or_service_required,
        "numeroEjDoitEtreRenseigne": structure.engagement_required,
        "codeServiceDoitEtreRenseigne": structure.code_service_required,
        "statutMiseEnPaiementNestPasRemonte": not structure.payment_status_reported,
        "avecMOA": structure.is_moa,
        "estMOAUniquement": structure.is_moa_only,
        "recevoirCyclesViesEdi": structure.edi_receiver,
        "emetteurFluxEdi": structure.edi_emitter,
        "nonDiffusibleInsee": structure.non_diffusible,
        "adresse": structure.adresse,
        "complementAdresse1": structure.complement_adresse_1,
        "complementAdresse2": structure.complement_adresse_2,
        "codePostal": structure.code_postal,
        "ville": structure.ville,
        "pays": structure.libelle_pays,
        "adresseElectronique": structure.email,
        "telephone": structure.telephone,
        "derniereMaj": _when(structure.updated_at),
    }


def service_row(service: Service) -> dict[str, Any]:
    structure = service.structure
    return {
        "uuid": organisation_uuid(SERVICE_TAG, service.pk),
        "codeService": service.code,
        "libelle": service.name,
        "description": service.description,
        "rattachementOrganisation": organisation_uuid(STRUCTURE_TAG, structure.pk),
        "etatService": "ACTIF" if service.is_active else "INACTIF",
        "numeroEj": service.engagement_required,
        "dateCreation": _when(service.created_at),
        "dateDebutActivation": _when(service.start_date),
        "dateFinActivation": _when(service.end_date),
        "dateModification": _when(service.updated_at),
        "dateSuppression": None,
        "adresse": structure.adresse,
        "complementAdresse1": structure.complement_adresse_1,
        "complementAdresse2": structure.complement_adresse_2,
        "codePostal": structure.code_postal,
        "ville": structure.ville,
        "pays": structure.libelle_pays,
        "telephone": structure.telephone,
        "derniereMaj": _when(service.updated_at),
    }


# The search criteria of each kind: a field of the answer -> the lookup it filters on.
STRUCTURE_CRITERIA: dict[str, str] = {
    "uuid": "pk",
    "identifiant": "identifier",
    "libelleOrganisation": "raison_sociale__icontains",
    "raisonSociale": "raison_sociale__icontains",
    "numeroTvaIntracommunautaire": "numero_tva__iexact",
    "codePostal": "code_postal__startswith",
    "ville": "ville__icontains",
    "pays": "libelle_pays__iexact",
    "typeOrganisation": "is_public",
    "status": "is_active",
    "avecMOA": "is_moa",
    "estMOAUniquement": "is_moa_only",
    "recevoirCyclesViesEdi": "edi_receiver",
    "emetteurFluxEdi": "edi_emitter",
    "numeroEjDoitEtreRenseigne": "engagement_required",
    "codeServiceDoitEtreRenseigne": "code_service_required",
    "gestionNumeroEJOuCodeService": "engagement_or_service_required",
}
SERVICE_CRITERIA: dict[str, str] = {
    "uuid": "pk",
    "codeService": "code__iexact",
    "libelle": "name__icontains",
    "rattachementOrganisation": "structure_id",
    "etatService": "is_active",
    "numeroEj": "engagement_required",
}
BOOLEANS = frozenset(
    {
        "avecMOA",
        "estMOAUniquement",
        "recevoirCyclesViesEdi",
        "emetteurFluxEdi",
        "numeroEjDoitEtreRenseigne",
        "codeServiceDoitEtreRenseigne",
        "gestionNumeroEJOuCodeService",
        "numeroEj",
    }
)
ENUMS: dict[str, dict[str, bool]] = {
    "typeOrganisation": {"PUBLIC": True, "PRIVATE": False},
    "status": {"ACTIVE": True, "INACTIVE": False},
    "etatService": {"ACTIF": True, "INACTIF": False},
}


def _criterion(field: str, wanted: Any, tag: str) -> Any:
    """A criterion's value for its lookup, or OrganisationError with what is expected."""
    if field == "uuid" or field == "rattachementOrganisation":
        owner = STRUCTURE_TAG if field == "rattachementOrganisation" else tag
        pk = _pk(owner, wanted) if isinstance(wanted, str) else None
        return -1 if pk is None else pk
    if field in ENUMS:
        choices = ENUMS[field]
        if not isinstance(wanted, str) or wanted.upper() not in choices:
            raise OrganisationError(
                "ParamsInvalid",
                f"Valeur refusée pour {field} : {' ou '.join(choices)} attendu.",
            )
        return choices[wanted.upper()]
    if field in BOOLEANS:
        if not isinstance(wanted, bool):
            raise OrganisationError("ParamsInvalid", f"{field} est un booléen (true ou false).")
        return wanted
    if not isinstance(wanted, str | int) or isinstance(wanted, bool):
        raise OrganisationError("ParamsInvalid", f"{field} est une chaîne de caractères.")
    text = str(wanted).strip()
    if not text or len(text) > 255:
        raise OrganisationError("ParamsInvalid", f"{field} : de 1 à 255 caractères.")
    return text


def _fields(data: dict[str, Any], allowed: set[str]) -> list[str] | None:
    wanted = data.get("_fields")
    if wanted is None:
        return None
    if isinstance(wanted, str):
        wanted = [part.strip() for part in wanted.split(",") if part.strip()]
    if not isinstance(wanted, list) or not all(isinstance(f, str) for f in wanted):
        raise OrganisationError("ParamsInvalid", "_fields est une liste de noms de champs.")
    unknown = sorted(set(wanted) - allowed)
    if unknown:
        raise OrganisationError(
            "ParamsInvalid", "Champ inconnu dans _fields : " + ", ".join(unknown[:5]) + "."
        )
    return list(dict.fromkeys(wanted))


def _search(
    data: Any,
    *,
    rows: QuerySet[Any],
    criteria: dict[str, str],
    tag: str,
    render: Any,
    sample: dict[str, Any],
) -> list[dict[str, Any]]:
    if not isinstance(data, dict):
        raise OrganisationError("ParamsInvalid", "Le corps de la recherche est un objet JSON.")
    fields = _fields(data, set(sample))
    known = set(criteria) | {"_fields", "_sort", "_desc"}
    unknown = sorted(key for key in data if key not in known)
    if unknown:
        raise OrganisationError(
            "ParamsInvalid",
            "Critère de recherche inconnu : " + ", ".join(unknown[:5]) + ".",
            "Critères possibles : " + ", ".join(sorted(criteria)) + ".",
        )
    given = {key: data[key] for key in criteria if data.get(key) not in (None, "")}
    if not given:
        raise OrganisationError(
            "ParamsMissing",
            "Un attribut doit être renseigné pour la recherche.",
            "Critères possibles : " + ", ".join(sorted(criteria)) + ".",
        )
    for field, wanted in given.items():
        rows = rows.filter(**{criteria[field]: _criterion(field, wanted, tag)})
    sort, descending = data.get("_sort"), data.get("_desc", False)
    if not isinstance(descending, bool):
        raise OrganisationError("ParamsInvalid", "_desc est un booléen (true ou false).")
    if sort is not None:
        column = criteria.get(sort) if isinstance(sort, str) else None
        if column is None:
            raise OrganisationError("ParamsInvalid", "_sort : un des critères de recherche.")
        name = column.split("__")[0]
        rows = rows.order_by(f"-{name}" if descending else name, "pk")
    else:
        rows = rows.order_by("pk")
    found = [render(row) for row in rows[:SEARCH_MAX]]
    if fields is not None:
        found = [{key: row[key] for key in fields} for row in found]
    return found


class OrganisationView(CproView):
    """A `/cpro/organisations/v1` operation: same authentication as /cpro, its own errors."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            return Response(ACCOUNT_REFUSED, status=401)
        if isinstance(exc, OrganisationError):
            return Response(exc.body, status=exc.status_code)
        if isinstance(exc, exceptions.ParseError):
            error = OrganisationError("ParseError", "Le corps n'est pas un JSON valide.")
            return Response(error.body, status=400)
        return super().handle_exception(exc)

    def structure(self, request: Request, identifier: str) -> Structure:
        """`{id}`: the uuid, the SIRET or the intra-EU VAT number of a visible structure."""
        if UUID.match(identifier):
            found = _visible(request).filter(pk=_pk(STRUCTURE_TAG, identifier) or -1).first()
        elif SIRET.match(identifier):
            found = (
                _visible(request)
                .filter(identifier=identifier, identifier_type=IdentifierType.SIRET)
                .first()
            )
        elif VAT_NUMBER.match(identifier.upper()):
            found = _visible(request).filter(numero_tva__iexact=identifier).first()
        else:
            raise OrganisationError(
                "ParamsInvalidUuidStructures",
                "L'identifiant passé en paramètre n'est ni un UUID, ni un SIRET, ni un numéro de "
                "TVA Intracommunautaire.",
            )
        if found is None:
            raise OrganisationError(
                "NotFoundReference",
                "Aucune Structures trouvée",
                f"Aucune donnée de type Structures n'a pu être trouvée avec la référence "
                f"{identifier[:40]}",
            )
        return found


class Healthcheck(OrganisationView):
    """200 with an empty body, as the real service answers it."""

    @extend_schema(operation_id="organisations_healthcheck")
    def get(self, request: Request) -> HttpResponse:
        return HttpResponse(status=200, content_type="application/json")


class StructureDetail(OrganisationView):
    @extend_schema(operation_id="organisations_structure")
    def get(self, request: Request, identifier: str) -> Response:
        return Response(structure_row(self.structure(request, identifier)))


class StructureServices(OrganisationView):
    @extend_schema(operation_id="organisations_structure_services")
    def get(self, request: Request, identifier: str) -> Response:
        structure = self.structure(request, identifier)
        services = structure.services.select_related("structure").order_by("code", "pk")
        return Response([service_row(s) for s in services])


def _piece_row(piece: Any, structure: Structure) -> dict[str, Any]:
    return {
        "uuid": organisation_uuid(PIECE_TAG, piece.pk),
        "nom": piece.name,
        "extension": piece.extension,
        "typeMime": piece.content_type,
        "taille": piece.file.size,
        "rattachementOrganisation": organisation_uuid(STRUCTURE_TAG, structure.pk),
        "dateCreation": _when(piece.created_at),
    }


class StructurePieces(OrganisationView):
    """The pieces the account uploaded (`ajouter/fichier`), for its own structure; another
    structure's documents are not shown to it (an empty list)."""

    @extend_schema(operation_id="organisations_structure_pieces")
    def get(self, request: Request, identifier: str) -> Response:
        structure = self.structure(request, identifier)
        if structure.pk != _mine(request).pk:
            return Response([])
        pieces = pieces_of(request.user).select_related("file").order_by("pk")
        return Response([_piece_row(p, structure) for p in pieces])


class StructurePiece(OrganisationView):
    """One of those pieces, with its content in base 64 (`fichier`)."""

    @extend_schema(operation_id="organisations_structure_piece")
    def get(self, request: Request, identifier: str, piece: str) -> Response:
        import base64

        structure = self.structure(request, identifier)
        pk = _pk(PIECE_TAG, piece)
        found = None
        if structure.pk == _mine(request).pk and pk is not None:
            found = pieces_of(request.user).select_related("file").filter(pk=pk).first()
        if found is None:
            raise OrganisationError(
                "NotFoundReference",
                "Aucune PiecesJointes trouvée",
                f"Aucune donnée de type PiecesJointes n'a pu être trouvée avec la référence "
                f"{piece[:40]}",
            )
        with found.file.file.open("rb") as handle:
            content = base64.b64encode(handle.read()).decode()
        return Response({**_piece_row(found, structure), "fichier": content})


class StructureEdiSettings(OrganisationView):
    """`PATCH parametres-edi {reception_edi, connexion_edi}`: the account's own structure only
    (HTTP 403 otherwise, as seen live); answers the structure as it now is."""

    @extend_schema(operation_id="organisations_structure_edi")
    def patch(self, request: Request, identifier: str) -> Response:
        structure = self.structure(request, identifier)
        if structure.pk != _mine(request).pk:
            raise OrganisationError(
                "Forbidden",
                "Ce compte technique ne peut pas modifier cette structure.",
                status=403,
            )
        data = request.data
        if not isinstance(data, dict):
            raise OrganisationError("ParamsInvalid", "Le corps est un objet JSON.")
        changes: dict[str, bool] = {}
        for key, column in (("reception_edi", "edi_receiver"), ("connexion_edi", "edi_emitter")):
            if key in data:
                if not isinstance(data[key], bool):
                    raise OrganisationError("ParamsInvalid", f"{key} est un booléen.")
                changes[column] = data[key]
        if not changes:
            raise OrganisationError(
                "ParamsMissing", "Indiquez reception_edi et/ou connexion_edi (booléens)."
            )
        with transaction.atomic():
            locked = Structure.objects.select_for_update().get(pk=structure.pk)
            before = {column: getattr(locked, column) for column in changes}
            for column, wanted in changes.items():
                setattr(locked, column, wanted)
            locked.save(update_fields=[*changes, "updated_at"])
            audit_log_write(
                actor=request.user,
                action="structure.edi_settings",
                obj=locked,
                before=before,
                after=changes,
            )
        return Response(structure_row(locked))


class StructureSearch(OrganisationView):
    @extend_schema(operation_id="organisations_structures_search")
    def post(self, request: Request) -> Response:
        sample = structure_row(_mine(request))
        found = _search(
            request.data,
            rows=_visible(request),
            criteria=STRUCTURE_CRITERIA,
            tag=STRUCTURE_TAG,
            render=structure_row,
            sample=sample,
        )
        return Response(found)


class ServiceDetail(OrganisationView):
    @extend_schema(operation_id="organisations_service")
    def get(self, request: Request, identifier: str) -> Response:
        pk = _pk(SERVICE_TAG, identifier)
        service = (
            Service.objects.filter(structure__in=_visible(request), pk=pk or -1)
            .select_related("structure")
            .first()
        )
        if service is None:
            raise OrganisationError(
                "NotFoundReference",
                "Aucun Services trouvé",
                f"Aucune donnée de type Services n'a pu être trouvée avec la référence "
                f"{identifier[:40]}",
            )
        return Response(service_row(service))


class ServiceSearch(OrganisationView):
    @extend_schema(operation_id="organisations_services_search")
    def post(self, request: Request) -> Response:
        mine = _mine(request)
        sample = service_row(Service(pk=0, structure=mine, code="", name=""))
        found = _search(
            request.data,
            rows=Service.objects.filter(structure__in=_visible(request)).select_related(
                "structure"
            ),
            criteria=SERVICE_CRITERIA,
            tag=SERVICE_TAG,
            render=service_row,
            sample=sample,
        )
        return Response(found)
