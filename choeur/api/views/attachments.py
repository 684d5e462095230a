"""The pieces an account uploaded with `ajouter/fichier`, listed for one of its structures
(`transverses/v1/rechercher/pj/structure`) and downloaded (`transverses/v1/telecharger/pieceJointe`).

Only the account's own pieces (`pieces_of`, as `soumettre` and `completer` read them): another
account's piece, or another structure, is not found (20002).
"""

from __future__ import annotations

import base64

from rest_framework.request import Request
from rest_framework.response import Response

from choeur.api.envelope import (
    BAD_REQUEST,
    LIBELLE_OK_REFERENTIEL,
    NOT_FOUND,
    ApiError,
    no_result,
    ok,
)
from choeur.api.payload import Paging, body, integer, text, value
from choeur.api.services import pieces_of
from choeur.api.views.base import CproView
from choeur.api.views.referentials_more import PIECE_ACCOUNT_TYPE_ID
from choeur.api.views.users import own_structure

UNKNOWN_PIECE = "Pièce jointe inconnue pour ce compte."
# `objetPieceJointe` values whose files Chœur keeps as uploaded pieces.
PIECE_OBJECTS = {"UTILISATEUR", "STRUCTURE_PIECEJOINTE"}
SORT_COLUMNS = {"pieceJointeDesignation": "name", "pieceJointeId": "pk"}


class RechercherPjStructure(CproView):
    def post(self, request: Request) -> Response:
        data = body(request)
        structure = own_structure(request.user, data)
        paging = Paging(value(data, "parametresRecherche"))
        type_id = integer(data, "pieceJointeTypeId")
        if type_id is not None and type_id != PIECE_ACCOUNT_TYPE_ID:
            return no_result(listePiecesJointes=[], parametresRetour=paging.retour(0))
        pieces = pieces_of(request.user)
        designation = value(data, "pieceJointeDesignation")
        if designation:
            pieces = pieces.filter(name__icontains=str(designation))
        column = SORT_COLUMNS.get(str(paging.column or ""))
        if column is not None:
            pieces = pieces.order_by(f"-{column}" if paging.descending else column)
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
                "pieceJointeStructureId": structure.pk,
                "pieceJointeStructureCode": structure.identifier,
                "pieceJointeStructureRaisonSociale": structure.raison_sociale,
            }
            for p in pieces[start:end]
        ]
        return ok(
            LIBELLE_OK_REFERENTIEL, listePiecesJointes=rows, parametresRetour=paging.retour(total)
        )


class TelechargerPieceJointe(CproView):
    """One uploaded piece, in base 64 (`pieceJointe`). GO's request shape names no piece: the
    `pieceJointeId` of `ajouter/fichier` (or of `rechercher/pj/*`) is read at the top level."""

    def post(self, request: Request) -> Response:
        data = body(request)
        objet = (text(data, "objetPieceJointe") or "UTILISATEUR").upper()
        if objet not in PIECE_OBJECTS:
            hint = (
                " ; les factures se téléchargent par telecharger/groupe"
                if objet.startswith("DEMANDE")
                else ""
            )
            raise ApiError(
                BAD_REQUEST,
                f"objetPieceJointe « {objet} » non pris en charge : UTILISATEUR ou "
                f"STRUCTURE_PIECEJOINTE{hint}.",
            )
        if objet == "STRUCTURE_PIECEJOINTE":
            own_structure(request.user, value(data, "structure") or {})
        piece_id = integer(data, "pieceJointeId")
        if piece_id is None:
            raise ApiError(BAD_REQUEST, "Indiquez la pièce jointe (pieceJointeId).")
        piece = pieces_of(request.user).select_related("file").filter(pk=piece_id).first()
        if piece is None:
            raise ApiError(NOT_FOUND, UNKNOWN_PIECE)
        return ok(LIBELLE_OK_REFERENTIEL, pieceJointe=base64.b64encode(piece.file.read()).decode())
