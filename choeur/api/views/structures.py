"""`/cpro/structures/v1/...` (the official Structures Swagger, spec/official)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from rest_framework.request import Request
from rest_framework.response import Response

from choeur.api.envelope import LIBELLE_OK, NOT_FOUND, ApiError, no_result, ok
from choeur.api.payload import Paging, body, boolean, choice, integer, text, value
from choeur.api.views.base import CproView
from choeur.structures.enums import RattachementStatus
from choeur.structures.models import Service, Structure

NOT_VISIBLE = "Structure inconnue ou non accessible à ce compte."
SORT_COLUMNS = {
    "IdentifiantStructure": "identifier",
    "DesignationStructure": "raison_sociale",
    "TypeIdentifiantStructure": "identifier_type",
    "Statut": "is_active",
}


def _own_structure_ids(user: Any) -> set[int]:
    ids = set(
        user.rattachements.filter(status=RattachementStatus.VALIDEE).values_list(
            "structure_id", flat=True
        )
    )
    account = getattr(user, "technical_account", None)
    if account is not None:
        ids.add(account.structure_id)
    return ids


def _visible(user: Any) -> QuerySet[Structure]:
    """Every public structure, and the private ones the account belongs to (reference B.1)."""
    return Structure.objects.filter(Q(is_public=True) | Q(pk__in=_own_structure_ids(user)))


def _structure_for(request: Request, data: dict[str, Any]) -> Structure:
    pk = integer(data, "idStructureCPP") or integer(data, "idStructure")
    if pk is None:
        raise ApiError(20001, "Indiquez idStructureCPP (ou idStructure).")
    structure = _visible(request.user).filter(pk=pk).first()
    if structure is None:
        raise ApiError(NOT_FOUND, NOT_VISIBLE)
    return structure


def _address(structure: Structure) -> dict[str, str]:
    """The postal address as `consulter` and `consulter/service` answer it."""
    return {
        "adresse": structure.adresse,
        "codePostal": structure.code_postal,
        "complementAdresse1": structure.complement_adresse_1,
        "complementAdresse2": structure.complement_adresse_2,
        "fax": "",
        "indicatifFax": "",
        "indicatifTelephone": "",
        "pays": structure.code_pays,
        "telephone": structure.telephone,
        "ville": structure.ville,
    }


class Rechercher(CproView):
    def post(self, request: Request) -> Response:
        data = body(request)
        criteria = value(data, "structure") or {}
        paging = Paging(value(data, "parametres"), where="parametres")
        # Unset or true: public structures and the account's own; false: every structure.
        restrict = boolean(data, "restreindreStructuresPrivees")
        if restrict is None or restrict is True:
            structures = _visible(request.user)
        else:
            structures = Structure.objects.all()
        filters = {
            "identifiantStructure": "identifier__contains",
            "typeIdentifiantStructure": "identifier_type",
            "raisonSocialeStructure": "raison_sociale__icontains",
            "libelleStructure": "raison_sociale__icontains",
            "nomStructure": "nom__icontains",
            "prenomStructure": "prenom__icontains",
            "adresseCodePays": "code_pays__iexact",
            "adresseCodePostal": "code_postal__startswith",
            "adresseVille": "ville__icontains",
        }
        for key, lookup in filters.items():
            wanted = text(criteria, key, where="structure")
            if wanted:
                structures = structures.filter(**{lookup: wanted})
        if boolean(criteria, "estMOA", where="structure"):
            structures = structures.filter(is_moa=True)
        if boolean(criteria, "estMOAUniquement", where="structure"):
            structures = structures.filter(is_moa_only=True)
        statut = choice(criteria, "statutStructure", ("ACTIF", "INACTIF"), where="structure")
        if statut:
            structures = structures.filter(is_active=statut == "ACTIF")
        kind = choice(criteria, "typeStructure", ("PUBLIQUE", "PRIVEE"), where="structure")
        if kind:
            structures = structures.filter(is_public=kind == "PUBLIQUE")
        order = SORT_COLUMNS.get(str(paging.column or ""), "raison_sociale")
        structures = structures.order_by(f"-{order}" if paging.descending else order, "pk")
        total = structures.count()
        if total == 0:
            return no_result(listeStructures=[], parametresRetour=paging.retour(0))
        start, end = paging.slice(total)
        rows = [
            {
                "idStructureCPP": s.pk,
                "identifiantStructure": s.identifier,
                "typeIdentifiantStructure": s.identifier_type,
                "designationStructure": s.raison_sociale,
                "statut": "ACTIVE" if s.is_active else "INACTIVE",
            }
            for s in structures[start:end]
        ]
        return ok(LIBELLE_OK, listeStructures=rows, parametresRetour=paging.retour(total))


class Consulter(CproView):
    def post(self, request: Request) -> Response:
        structure = _structure_for(request, body(request))
        account = getattr(request.user, "technical_account", None)
        if account is not None and account.structure_id != structure.pk:
            account = None
        expiry = account.password_expires_at.isoformat() if account is not None else None
        return ok(
            LIBELLE_OK,
            adressePostaleDuSiege=_address(structure),
            informationGenerales={
                "idStructureCPP": structure.pk,
                "identifiantStructure": structure.identifier,
                "typeIdentifiantStructure": structure.identifier_type,
                "raisonSocialeStructure": structure.raison_sociale,
                "libelleStructure": structure.raison_sociale,
                "nomStructure": structure.nom,
                "prenomStructure": structure.prenom,
                "numeroRcsStructure": "",
                "numeroTVA": structure.numero_tva,
                "emailStructure": structure.email,
                "structurePriveePublique": "PUBLIQUE" if structure.is_public else "PRIVEE",
                "estValideurDeleguee": False,
                "idStructureOrigine": structure.pk,
                "listeStructureDupliquees": [],
                "dateExpirationMotPasseCompteTech": expiry,
            },
            parametres={
                "codeServiceDoitEtreRenseigne": structure.code_service_required,
                "numeroEJDoitEtreRenseigne": structure.engagement_required,
                "gestionNumeroEJOuCodeService": structure.engagement_or_service_required,
                "connexionEDI": structure.edi_emitter,
                "recevoirDonneesViaEDI": structure.edi_receiver,
                "estMoaUniquement": structure.is_moa_only,
                # The real platform leaks a Java getter name here; both spellings are read.
                "getaMoa": structure.is_moa,
                "aMoa": structure.is_moa,
                "estValideurDelegue": False,
                "nonDiffusibleInsee": structure.non_diffusible,
                "statutMiseEnPaiementNestPasRemonte": not structure.payment_status_reported,
            },
        )


class RechercherServices(CproView):
    def post(self, request: Request) -> Response:
        data = body(request)
        structure = _structure_for(request, data)
        paging = Paging(
            value(data, "parametresRechercherServicesStructure"),
            where="parametresRechercherServicesStructure",
        )
        integer(data, "idUtilisateurCourant")
        services = structure.services.order_by("code")
        total = services.count()
        if total == 0:
            # A structure without services is not a wrong request (OCA, PKG call it for every
            # recipient): HTTP 200, codeRetour 20000 and an empty list.
            return no_result(listeServices=[], parametresRetour=paging.retour(0))
        start, end = paging.slice(total)
        rows = [
            {
                "idService": s.pk,
                "codeService": s.code,
                "libelleService": s.name,
                "estActif": s.is_active,
                "statutService": "ACTIF" if s.is_active else "INACTIF",
            }
            for s in services[start:end]
        ]
        return ok(LIBELLE_OK, listeServices=rows, parametresRetour=paging.retour(total))


def _datetime(value: Any) -> str | None:
    # GO reads these as "YYYY-MM-DD HH:MM" (wire contract, date formats).
    if value is None:
        return None
    return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "hour") else f"{value:%Y-%m-%d} 00:00"


class ConsulterService(CproView):
    def post(self, request: Request) -> Response:
        data = body(request)
        structure = _structure_for(request, data)
        service_id = integer(data, "idService")
        service: Service | None = (
            structure.services.filter(pk=service_id).first() if service_id else None
        )
        if service is None:
            raise ApiError(NOT_FOUND, "Service inconnu pour cette structure.")
        return ok(
            LIBELLE_OK,
            adressePostale=_address(structure),
            informationsGenerales={
                "codeService": service.code,
                "nomService": service.name,
                "descriptionService": service.description,
            },
            parametres={
                "dateCreation": _datetime(service.created_at),
                "dateDebutValidite": _datetime(service.start_date),
                "dateFinValidite": _datetime(service.end_date),
                "dateModification": _datetime(service.updated_at),
                "miseEnPaiement": structure.payment_status_reported,
                "numeroEngagement": service.engagement_required,
            },
        )
