"""The account's own rattachements, espaces and structures:
`utilisateurs/v1/monCompte/recuperer/rattachements`, `structures/v1/lister/rattachementsutilisateur`,
`structures/v1/rechercher/espaces` and `transverses/v1/recuperer/structuresPourUtilisateur`.

Over the selectors of « Mes rattachements » and of a structure's « Utilisateurs » page: an account
sees its own rattachements, and the validated members of its structures as every member does on
that page. Another structure, or a pending request of someone else, is not found (20002).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework.request import Request
from rest_framework.response import Response

from choeur.api.envelope import BAD_REQUEST, LIBELLE_OK, NOT_FOUND, ApiError, no_result, ok
from choeur.api.payload import Paging, body, integer, text, value
from choeur.api.views.base import CproView
from choeur.api.views.factures import rfc3339
from choeur.structures import selectors
from choeur.structures.enums import AccessMode, Espace, IdentifierType
from choeur.structures.models import Rattachement, Service, Structure, StructureEspace

NOT_VISIBLE = "Structure inconnue ou non accessible à ce compte."
UNKNOWN_USER = "Utilisateur inconnu ou non rattaché à cette structure."
HABILITATIONS: dict[str, str] = {
    AccessMode.CONSULTATION: "CONSULTATION_UNIQUEMENT",
    AccessMode.MODIFICATION: "MODIFICATION",
}
ESPACE_CODES = {espace: index for index, espace in enumerate(Espace, start=1)}


def _datetime(moment: Any) -> str | None:
    # GO reads the rattachement dates as "YYYY-MM-DD HH:MM" (wire contract, date formats).
    if moment is None:
        return None
    return (
        moment.strftime("%Y-%m-%d %H:%M") if hasattr(moment, "hour") else f"{moment:%Y-%m-%d} 00:00"
    )


def _service_state(service: Service) -> str:
    return "ACTIF" if service.is_active else "INACTIF"


def own_structure(user: Any, data: Any) -> Structure:
    """`idStructure`, or `identifiantStructure` (+ `typeIdentifiantStructure`, SIRET by default),
    among the structures the account belongs to."""
    mine = selectors.structures_for_user(user)
    pk = integer(data, "idStructure") or integer(data, "idStructureCPP")
    identifier = value(data, "identifiantStructure")
    if pk is not None:
        structure = mine.filter(pk=pk).first()
    elif identifier is not None:
        kind = text(data, "typeIdentifiantStructure") or IdentifierType.SIRET
        structure = mine.filter(identifier=str(identifier), identifier_type=kind).first()
    else:
        raise ApiError(BAD_REQUEST, "Indiquez idStructure ou identifiantStructure.")
    if structure is None:
        raise ApiError(NOT_FOUND, NOT_VISIBLE)
    return structure


class RecupererRattachementsMonCompte(CproView):
    """« Mes rattachements »: the account's structures, its role, status and services there."""

    def post(self, request: Request) -> Response:
        paging = Paging(value(body(request), "parametresRecherche"))
        rattachements = selectors.rattachements_of_user(request.user).prefetch_related(
            "services__structure"
        )
        total = rattachements.count()
        if total == 0:
            return no_result(listeStructureRattachement=[], parametresRetour=paging.retour(0))
        start, end = paging.slice(total)
        through = Rattachement.services.through
        links = {
            (link.rattachement_id, link.service_id): link.pk
            for link in through.objects.filter(rattachement__in=rattachements)
        }
        rows = []
        for r in rattachements[start:end]:
            s = r.structure
            rows.append(
                {
                    "idRattachementStructure": r.pk,
                    "idStructure": s.pk,
                    "identifiantStructure": s.identifier,
                    "typeIdentifiantStructure": s.identifier_type,
                    "designationStructure": s.raison_sociale,
                    "roleUtilisateur": r.role,
                    "statutRattachementStructure": r.status,
                    "statutUtilisateur": "ACTIF" if request.user.is_active else "INACTIF",
                    "listeServicesRattache": [
                        {
                            "idRattachementService": links.get((r.pk, service.pk), 0),
                            "idService": service.pk,
                            "codeService": service.code,
                            "libelleService": service.name,
                            "estActif": service.is_active,
                            "statutService": _service_state(service),
                            "statutRattachementService": r.status,
                            "dateDbtService": _datetime(service.start_date),
                            "dateFinService": _datetime(service.end_date),
                        }
                        for service in sorted(r.services.all(), key=lambda x: x.code)
                    ],
                }
            )
        return ok(
            LIBELLE_OK, listeStructureRattachement=rows, parametresRetour=paging.retour(total)
        )


SERVICE_SORT = {"CodeService": "code", "NomService": "name"}


class ListerRattachementsUtilisateur(CproView):
    """The services one user of the account's structure is attached to (the account itself by
    default; another validated member by `idUtilisateur` or `adresseEmailConnexionUtilisateur`)."""

    def post(self, request: Request) -> Response:
        data = body(request)
        me: Any = request.user
        structure = own_structure(me, data)
        paging = Paging(value(data, "parametresListerRattachementsStructureUtilisateur"))
        user_id = integer(data, "idUtilisateur")
        email = value(data, "adresseEmailConnexionUtilisateur")
        members = selectors.members_of(structure)
        if user_id is not None:
            rattachement = members.filter(user_id=user_id).first()
        elif email is not None:
            rattachement = members.filter(user__email__iexact=str(email)).first()
        else:
            rattachement = members.filter(user=me).first()
        if rattachement is None:
            raise ApiError(NOT_FOUND, UNKNOWN_USER)
        services: QuerySet[Service] = rattachement.services.all()
        order = SERVICE_SORT.get(str(paging.column or ""), "code")
        services = services.order_by(f"-{order}" if paging.descending else order, "pk")
        total = services.count()
        start, end = paging.slice(total)
        through = Rattachement.services.through
        links = dict(
            through.objects.filter(rattachement=rattachement).values_list("service_id", "pk")
        )
        rows = [
            {
                "idRattachement": links.get(service.pk, 0),
                "idService": service.pk,
                "codeService": service.code,
                "nomService": service.name,
                "statutRattachement": rattachement.status,
                "commentaire": rattachement.reason,
                "dateDebut": rfc3339(rattachement.decided_at or rattachement.created_at),
                "dateFin": None,
            }
            for service in services[start:end]
        ]
        return ok(
            LIBELLE_OK,
            idStructure=structure.pk,
            identifiantStructure=structure.identifier,
            designationStructure=structure.raison_sociale,
            # True while the user is attached to the whole structure and to no service yet [I].
            premierService=total == 0,
            listeServices=rows,
            parametresRetour=paging.retour(total),
        )


class RechercherEspaces(CproView):
    """The espaces of one of the account's structures (B.4), with the account's habilitation.
    Espaces are per structure in Chœur: `idService` only has to be one of its services."""

    def post(self, request: Request) -> Response:
        data = body(request)
        structure = own_structure(request.user, value(data, "structure") or {})
        service_id = integer(data, "idService")
        if service_id is not None and not structure.services.filter(pk=service_id).exists():
            raise ApiError(NOT_FOUND, "Service inconnu pour cette structure.")
        paging = Paging(value(data, "parametresRechercherEspaces"))
        espaces = list(StructureEspace.objects.filter(structure=structure).order_by("espace"))
        if not espaces:
            return no_result(listeEspace=[], parametresRetour=paging.retour(0))
        modes = selectors.subscriptions_of(user=request.user, structure=structure)
        start, end = paging.slice(len(espaces))
        rows = [
            {
                "idEspaceFo": e.pk,
                "codeEspace": ESPACE_CODES.get(Espace(e.espace), 0),
                "libelleEspace": str(Espace(e.espace).label),
                "etatCourant": "ACTIVE" if e.is_open else "SUPPRIME",
                "typeHabilitation": HABILITATIONS.get(modes.get(e.espace, "")),
                "idService": 0,
                "codeService": "",
                "libelleService": "",
            }
            for e in espaces[start:end]
        ]
        return ok(LIBELLE_OK, listeEspace=rows, parametresRetour=paging.retour(len(espaces)))


class RecupererStructuresPourUtilisateur(CproView):
    """The account's structures (all, or those where it works in the espace `espaceFo`, an
    `idEspaceFo` of `rechercher/espaces`)."""

    def post(self, request: Request) -> Response:
        data = body(request)
        structures = selectors.structures_for_user(request.user)
        espace_id = integer(data, "espaceFo")
        if espace_id is not None:
            espace = StructureEspace.objects.filter(
                pk=espace_id, is_open=True, structure__in=structures
            ).first()
            if espace is None:
                raise ApiError(NOT_FOUND, "Espace inconnu pour ce compte.")
            modes = selectors.subscriptions_of(user=request.user, structure=espace.structure)
            structures = structures.filter(pk=espace.structure_id if espace.espace in modes else 0)
        rows = [
            {
                "idStructureCPP": s.pk,
                "typeIdentifiantStructure": s.identifier_type,
                "identifiantStructure": s.identifier,
                "designationStructure": s.raison_sociale,
                "statut": "ACTIVE" if s.is_active else "INACTIVE",
            }
            for s in structures
        ]
        if not rows:
            return no_result(listeStructures=[])
        return ok(LIBELLE_OK, listeStructures=rows)
