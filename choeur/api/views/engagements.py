"""`engagementsJuridiques/v1/rechercher`: the engagements juridiques a public structure publishes
(reference C.5), over the selectors of the « Engagements » pages and of the invoice checks.

A member of the structure lists them all, as its « Engagements » tab does. A supplier (any other
account) checks one number, as an ERP does before sending an invoice (OCA: number + state
COMMANDE) and as the invoice checks already tell it (« engagement inconnu », « clôturé »): it
never lists a buyer's engagements.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from rest_framework.request import Request
from rest_framework.response import Response

from choeur.api.envelope import BAD_REQUEST, LIBELLE_OK, NOT_FOUND, ApiError, no_result, ok
from choeur.api.payload import Paging, body, text, value
from choeur.api.views.base import CproView
from choeur.structures import perms, selectors
from choeur.structures.enums import EngagementState, IdentifierType
from choeur.structures.models import EngagementJuridique, Structure

NOT_VISIBLE = "Structure réceptrice inconnue ou non accessible à ce compte."
SORT_COLUMNS = {
    "NumeroEngagementJuridique": "number",
    "DateCreationEJ": "date",
    "MontantTotalHt": "amount_ht",
    "EtatCourantEngagementJuridique": "state",
}


def _receiving_structure(user: Any, raw: Any) -> Structure:
    """`structureReceptriceEngagementJuridique`: its idStructureCPP (OCA sends it as a string),
    or its SIRET. Public structures, and the account's own, are visible; others are not found."""
    text = str(raw).strip()
    if not text.isdigit():
        raise ApiError(
            BAD_REQUEST,
            "structureReceptriceEngagementJuridique doit être l'idStructureCPP (ou le SIRET) de "
            "la structure.",
        )
    lookup = (
        Q(identifier_type=IdentifierType.SIRET, identifier=text) if len(text) == 14 else Q(pk=text)
    )
    own = perms.user_structures(user).values("pk")
    structure = Structure.objects.filter(lookup).filter(Q(is_public=True) | Q(pk__in=own)).first()
    if structure is None:
        raise ApiError(NOT_FOUND, NOT_VISIBLE)
    return structure


def _row(engagement: EngagementJuridique, structure: Structure) -> dict[str, Any]:
    service = engagement.service
    return {
        "idEngagementJuridique": engagement.pk,
        "numeroEngagementJuridique": engagement.number,
        "libelleTypeEngagementJuridique": engagement.kind,
        "libelleEtatCourantEJ": engagement.state,
        "dateCreationEJ": f"{engagement.date:%Y-%m-%d}",
        "montantTotalHt": float(engagement.amount_ht),
        "montantTotalTtc": None if engagement.amount_ttc is None else float(engagement.amount_ttc),
        "structureReceptrice": structure.identifier,
        "statutStructureReceptrice": "ACTIVE" if structure.is_active else "INACTIVE",
        # Chœur's engagement names one service: it emits the engagement and receives its invoices.
        "codeServiceExecutant": service.code if service else "",
        "codeServiceExecutantEmetteur": service.code if service else "",
    }


class RechercherEngagementsJuridiques(CproView):
    def post(self, request: Request) -> Response:
        data = body(request)
        paging = Paging(value(data, "parametresRecherche") or value(data, "pagination"))
        number = text(data, "numeroEngagementJuridique")
        state = value(data, "etatCourantEngagementJuridique")
        if state is not None and state not in EngagementState.values:
            raise ApiError(
                BAD_REQUEST,
                f"État « {state} » inconnu : {', '.join(EngagementState.values)}.",
            )
        raw = value(data, "structureReceptriceEngagementJuridique")
        if raw is None:
            structures = [
                s
                for s in selectors.structures_for_user(request.user)
                if perms.can_view_engagements(request.user, s)
            ]
            if not structures:
                raise ApiError(
                    BAD_REQUEST,
                    "Indiquez la structure réceptrice (structureReceptriceEngagementJuridique).",
                )
        else:
            structures = [_receiving_structure(request.user, raw)]
        found: list[tuple[EngagementJuridique, Structure]] = []
        for structure in structures:
            if perms.can_view_engagements(request.user, structure):
                engagements = selectors.engagements_of(structure, query=number)
                if state is not None:
                    engagements = engagements.filter(state=state)
                found.extend((e, structure) for e in engagements)
                continue
            if not number:
                raise ApiError(
                    BAD_REQUEST,
                    "Indiquez le numéro d'engagement (numeroEngagementJuridique) : seuls les "
                    "membres de la structure réceptrice listent tous ses engagements.",
                )
            engagement = selectors.engagement_find(structure=structure, number=number)
            if engagement is not None and state in (None, engagement.state):
                found.append((engagement, structure))
        if not found:
            return no_result(listeEngagementJuridique=[], parametresRetour=paging.retour(0))
        column = SORT_COLUMNS.get(str(paging.column or ""))
        if column is not None:
            found.sort(key=lambda pair: getattr(pair[0], column), reverse=paging.descending)
        start, end = paging.slice(len(found))
        return ok(
            LIBELLE_OK,
            listeEngagementJuridique=[_row(e, s) for e, s in found[start:end]],
            parametresRetour=paging.retour(len(found)),
        )
