"""More of `/cpro/transverses/v1/...`: pièces jointes (`ajouter/fichier`, `rechercher/pj/moncompte`),
the sollicitation referentials, the statuses a recipient may set, the account's active structures.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from choeur.api.envelope import (
    BAD_REQUEST,
    FILE_TOO_LARGE,
    LIBELLE_OK,
    LIBELLE_OK_REFERENTIEL,
    ApiError,
    no_result,
    ok,
)
from choeur.api.payload import Paging, body, boolean, integer, text, value
from choeur.api.services import PieceRefused, pieces_of, uploaded_piece_create
from choeur.api.views.base import CproView
from choeur.api.views.factures import rfc3339
from choeur.invoices import perms as invoice_perms
from choeur.invoices.services.rules import ATTACHMENT_MAX_BYTES
from choeur.lifecycle import perms as lifecycle_perms
from choeur.lifecycle.transitions import Actor, Status, targets_for
from choeur.sollicitations.models import Category, SubCategory
from choeur.structures.models import Structure

# base64 of a file just under 10 MB: anything longer cannot be an acceptable attachment.
MAX_BASE64_CHARS = (ATTACHMENT_MAX_BYTES // 3 + 1) * 4


class AjouterFichier(CproView):
    """A pièce jointe for a later `soumettre` or `completer`, checked with the invoices app's
    attachment rules (name <= 50 characters, accepted extension, not empty, < 10 MB: 20003)."""

    def post(self, request: Request) -> Response:
        data = body(request)
        raw = value(data, "pieceJointeFichier")
        if raw is not None and not isinstance(raw, str):
            raise ApiError(
                BAD_REQUEST,
                "Le champ pieceJointeFichier doit être une chaîne (le fichier encodé en base 64).",
            )
        if not isinstance(raw, str):
            raise ApiError(
                BAD_REQUEST, "Le champ pieceJointeFichier (fichier en base 64) est obligatoire."
            )
        if len(raw) > MAX_BASE64_CHARS:
            raise ApiError(FILE_TOO_LARGE, "Le fichier dépasse 10 Mo.")
        try:
            content = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(
                BAD_REQUEST, "Le champ pieceJointeFichier n'est pas un contenu base 64 valide."
            ) from None
        name = text(data, "pieceJointeNom")
        extension = text(data, "pieceJointeExtension", max_length=10).lstrip(".")
        if not name:
            raise ApiError(BAD_REQUEST, "Le champ pieceJointeNom est obligatoire.")
        if extension and not name.lower().endswith("." + extension.lower()):
            name = f"{name}.{extension.lower()}"
        try:
            piece = uploaded_piece_create(
                user=request.user,
                name=name,
                data=content,
                content_type=text(data, "pieceJointeTypeMime", max_length=100)
                or "application/octet-stream",
            )
        except PieceRefused as exc:
            raise ApiError(FILE_TOO_LARGE if exc.too_large else BAD_REQUEST, exc.message) from None
        return ok(LIBELLE_OK_REFERENTIEL, pieceJointeId=piece.pk)


class RechercherPjMonCompte(CproView):
    """The pièces jointes this account uploaded (`ajouter/fichier`), newest first."""

    def post(self, request: Request) -> Response:
        data = body(request)
        paging = Paging(value(data, "parametresRecherche"), where="parametresRecherche")
        pieces = pieces_of(request.user)
        designation = text(data, "pieceJointeDesignation")
        if designation:
            pieces = pieces.filter(name__icontains=designation)
        total = pieces.count()
        if total == 0:
            return no_result(listePiecesJointes=[], parametresRetour=paging.retour(0))
        start, end = paging.slice(total)
        rows = [
            {
                "pieceJointeId": p.pk,
                "pieceJointeDesignation": p.name,
                "pieceJointeExtension": p.extension,
                "pieceJointeTypeCode": "UTILISATEUR",
                "pieceJointeTypeLibelle": "Pièce jointe du compte",
                "pieceJointeObjetId": p.pk,
                "pieceJointeUtilisateurId": request.user.pk,
            }
            for p in pieces[start:end]
        ]
        return ok(
            LIBELLE_OK_REFERENTIEL, listePiecesJointes=rows, parametresRetour=paging.retour(total)
        )


def _active_filter(data: dict[str, Any]) -> bool | None:
    # GO always sends `estActif` (false when unset): only `true` restricts.
    return True if boolean(data, "estActif") else None


class RechercherCategorieSollicitation(CproView):
    def post(self, request: Request) -> Response:
        data = body(request)
        paging = Paging(value(data, "pagination"), where="pagination")
        categories = Category.objects.all()
        if _active_filter(data):
            categories = categories.filter(is_active=True)
        code, label = text(data, "codeCategorie"), text(data, "libelleCategorie")
        if code:
            categories = categories.filter(code__iexact=code)
        if label:
            categories = categories.filter(label__icontains=label)
        total = categories.count()
        if total == 0:
            return no_result(listeCategories=[], parametresRetour=paging.retour(0))
        start, end = paging.slice(total)
        rows = [
            {"idTechniqueCategorie": c.pk, "codeCategorie": c.code, "libelleCategorie": c.label}
            for c in categories[start:end]
        ]
        return ok(LIBELLE_OK, listeCategories=rows, parametresRetour=paging.retour(total))


class RechercherSousCategorieSollicitation(CproView):
    """Sub-categories grouped by catégorie: `listeSousCategories[{categorie[], ssCategorie[]}]`."""

    def post(self, request: Request) -> Response:
        data = body(request)
        paging = Paging(value(data, "pagination"), where="pagination")
        subs = SubCategory.objects.select_related("category")
        if _active_filter(data):
            subs = subs.filter(is_active=True, category__is_active=True)
        category_id = integer(data, "idTechniqueCategorie")
        if category_id is not None:
            subs = subs.filter(category_id=category_id)
        code, label = text(data, "code"), text(data, "libelle")
        if code:
            subs = subs.filter(code__iexact=code)
        if label:
            subs = subs.filter(label__icontains=label)
        total = subs.count()
        if total == 0:
            return no_result(listeSousCategories=[], parametresRetour=paging.retour(0))
        start, end = paging.slice(total)
        groups: dict[int, dict[str, Any]] = {}
        for sub in subs[start:end]:
            category = sub.category
            group = groups.setdefault(
                category.pk,
                {
                    "categorie": [
                        {
                            "idTechniqueCategorie": category.pk,
                            "codeCategorie": category.code,
                            "libelleCategorie": category.label,
                        }
                    ],
                    "ssCategorie": [],
                },
            )
            group["ssCategorie"].append(
                {
                    "idTechniqueCategorie": category.pk,
                    "code": sub.code,
                    "libelle": sub.label,
                    "estActif": sub.is_active,
                    "dateCreation": rfc3339(sub.created_at),
                    "dateDerniereModification": rfc3339(sub.updated_at),
                }
            )
        return ok(
            LIBELLE_OK,
            listeSousCategories=list(groups.values()),
            parametresRetour=paging.retour(total),
        )


class RecupererEtatsTraitement(CproView):
    """The statuses a recipient may move an invoice to from `statutCourant`, read from the
    lifecycle's transition table (late, out-of-sequence updates left out)."""

    def post(self, request: Request) -> Response:
        current = text(body(request), "statutCourant", max_length=60)
        if not current:
            raise ApiError(BAD_REQUEST, "Le champ statutCourant est obligatoire.")
        if current not in Status.__members__:
            raise ApiError(BAD_REQUEST, f"Statut inconnu : « {current} ».")
        targets = targets_for(current, Actor.RECIPIENT)
        return ok(
            LIBELLE_OK,
            listeStatutsPossiblesPourTraitement=[
                {"statutPossiblePourTraitement": t.value} for t in targets
            ],
        )


def _structures_answer(structures: list[Structure]) -> Response:
    rows = [
        {
            "idStructureCPP": s.pk,
            "identifiant": s.identifier,
            "designationStructure": s.raison_sociale,
        }
        for s in structures
        if s.is_active
    ]
    if not rows:
        return no_result(listeStructures=[])
    return ok(LIBELLE_OK, listeStructures=rows)


class StructuresActivesFournisseur(CproView):
    """The active structures this account deposits invoices for."""

    def post(self, request: Request) -> Response:
        return _structures_answer(invoice_perms.sendable_structures(request.user))


class StructuresActivesDestinataire(CproView):
    """The active structures whose received invoices this account reads."""

    def post(self, request: Request) -> Response:
        return _structures_answer(lifecycle_perms.recipient_structures(request.user))
