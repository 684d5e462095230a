"""The code lists of `/cpro/transverses/v1/recuperer/...` that clients read before `soumettre`:
countries, VAT rates and exemption reasons, payment-request types and their states, works-invoice
types, structure identifier types, attachment types, refusal reasons (reference C.3, C.4, E.3).

Field names and envelopes are those of the GO fixtures (spec/official/go-choruspro-fixtures).
Where the reference gives no list, the values are Chœur's own and say so.
"""

from __future__ import annotations

import gettext
from functools import cache
from typing import Any

import pycountry
from rest_framework.request import Request
from rest_framework.response import Response

from choeur.api.envelope import BAD_REQUEST, LIBELLE_OK, ApiError, no_result, ok
from choeur.api.payload import body, text, value
from choeur.api.views.base import CproView
from choeur.api.views.transverses import TYPES_DP
from choeur.claims.enums import CLAIM_STATUSES
from choeur.invoices.enums import AttachmentKind, CadreFacturation
from choeur.invoices.services.validation_circuit import (
    CADRES_A_VALIDER,
    WORKS_VALIDATED_CADRES,
    ValidatorRefusalReason,
)
from choeur.lifecycle.transitions import Status
from choeur.structures.enums import IdentifierType


def langue(data: dict[str, Any]) -> str:
    """`codeLangue` FR or EN, any case (PKG sends "fr", wire contract D13); FR otherwise."""
    return "EN" if text(data, "codeLangue").upper() == "EN" else "FR"


@cache
def countries(language: str) -> tuple[tuple[str, str], ...]:
    """ISO 3166-1 alpha-2 codes with their names: pycountry's English names, or the French ones
    of its iso-codes translations."""
    translate = (
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"]).gettext
        if language == "FR"
        else str
    )
    return tuple(sorted((c.alpha_2, translate(c.name)) for c in pycountry.countries))


# The French VAT rates (CGI art. 278 to 281 nonies, 296 for the overseas departments, 297 for
# Corsica). Each code carries its rate, as `soumettre` reads `lignePosteTauxTva` ("TVA5.5").
TAUX_TVA = [
    ("TVA20", "20", "Taux normal 20 %", "Standard rate 20 %"),
    ("TVA13", "13", "Corse, taux particulier 13 %", "Corsica, special rate 13 %"),
    ("TVA10", "10", "Taux intermédiaire 10 %", "Intermediate rate 10 %"),
    ("TVA8.5", "8.5", "Outre-mer, taux normal 8,5 %", "Overseas, standard rate 8.5 %"),
    ("TVA5.5", "5.5", "Taux réduit 5,5 %", "Reduced rate 5.5 %"),
    ("TVA2.1", "2.1", "Taux particulier 2,1 %", "Special rate 2.1 %"),
    ("TVA1.75", "1.75", "Outre-mer, taux réduit 1,75 %", "Overseas, reduced rate 1.75 %"),
    ("TVA1.05", "1.05", "Outre-mer, taux particulier 1,05 %", "Overseas, special rate 1.05 %"),
    ("TVA0.9", "0.9", "Corse, taux particulier 0,9 %", "Corsica, special rate 0.9 %"),
    ("TVA0", "0", "Taux zéro (exonération, autoliquidation)", "Zero rate (exempt, reverse charge)"),
]

# The reference names the service but not its list: these are the VAT exemption reason codes of
# EN 16931 (BT-121, the CEF VATEX list) that a French invoice uses, with their legal mentions.
MOTIFS_EXONERATION = [
    (
        "VATEX-FR-FRANCHISE",
        "TVA non applicable, article 293 B du CGI (franchise en base)",
        "VAT not applicable, article 293 B of the CGI (franchise)",
    ),
    ("VATEX-EU-AE", "Autoliquidation", "Reverse charge"),
    (
        "VATEX-EU-IC",
        "Exonération de TVA, article 262 ter I du CGI (livraison intracommunautaire)",
        "Exempt, article 262 ter I of the CGI (intra-community supply)",
    ),
    (
        "VATEX-EU-G",
        "Exonération de TVA, article 262 I du CGI (exportation hors UE)",
        "Exempt, article 262 I of the CGI (export outside the EU)",
    ),
    (
        "VATEX-EU-132",
        "Exonération de TVA, article 261 du CGI (activités d'intérêt général)",
        "Exempt, article 261 of the CGI (activities in the public interest)",
    ),
    (
        "VATEX-EU-F",
        "Régime particulier des biens d'occasion, article 297 A du CGI",
        "Second-hand goods scheme, article 297 A of the CGI",
    ),
    (
        "VATEX-EU-J",
        "Régime particulier des agences de voyages, article 266 du CGI",
        "Travel agents scheme, article 266 of the CGI",
    ),
    (
        "VATEX-EU-O",
        "Opération hors du champ d'application de la TVA",
        "Not subject to VAT",
    ),
]

# Reference C.3 (PHP ITypeFactureTravaux). Chœur does not run the works circuit yet: the list
# tells clients the platform's vocabulary.
TYPES_FACTURE_TRAVAUX = [
    "DP_DE_SOUSTRAITANT_TRAVAUX",
    "PROJET_DECOMPTE_MENSUEL",
    "ETAT_ACOMPTE",
    "ETAT_ACOMPTE_VALIDE",
    "PROJET_DECOMPTE_FINAL",
    "PROJET_DECOMPTE_GENERAL",
    "PROJET_DECOMPTE_GENERAL_PROCEDURE_TACITE",
    "DECOMPTE_GENERAL",
    "DECOMPTE_GENERAL_SIGNE",
    "DECOMPTE_GENERAL_DEFINITIF_TACITE",
    "DECOMPTE_GENERAL_DEFINITIF_PROCEDURE_TACITE",
]

# The attachment types Chœur keeps, by `typeObjet`. The codes are those the API answers
# elsewhere: `rechercher/pj/moncompte` (UTILISATEUR) and `consulter/*` (PRINCIPALE,
# COMPLEMENTAIRE). GO's fixture filters pj/moncompte on type 1: the account's pieces.
PIECE_ACCOUNT_TYPE_ID = 1
TYPES_PJ = [
    (PIECE_ACCOUNT_TYPE_ID, "UTILISATEUR", "UTILISATEUR", "Pièce jointe du compte", "Account file"),
    (
        2,
        "FACTURE",
        AttachmentKind.PRINCIPALE.value,
        "Pièce jointe principale",
        "Main attachment",
    ),
    (
        3,
        "FACTURE",
        AttachmentKind.COMPLEMENTAIRE.value,
        "Pièce jointe complémentaire",
        "Additional attachment",
    ),
]


class RecupererPays(CproView):
    def post(self, request: Request) -> Response:
        rows = countries(langue(body(request)))
        return ok(LIBELLE_OK, listePays=[{"codePays": c, "libellePays": n} for c, n in rows])


class RecupererTauxTva(CproView):
    def post(self, request: Request) -> Response:
        english = langue(body(request)) == "EN"
        return ok(
            LIBELLE_OK,
            listeTauxTva=[
                {
                    "codeTauxTva": code,
                    "libelleTauxTva": en if english else fr,
                    "valeurTauxTva": float(rate),
                }
                for code, rate, fr, en in TAUX_TVA
            ],
        )


class RecupererMotifsExonerationTva(CproView):
    def post(self, request: Request) -> Response:
        english = langue(body(request)) == "EN"
        return ok(
            LIBELLE_OK,
            listeMotifsExonerationTva=[
                {
                    "codeMotifExonerationTva": code,
                    "libelleMotifExonerationTva": en if english else fr,
                }
                for code, fr, en in MOTIFS_EXONERATION
            ],
        )


class RecupererEtatTypeDp(CproView):
    """The states a payment request of `typeDemandePaiement` (FACTURE by default) goes through:
    the lifecycle's statuses, the draft left out (never seen by the API); for a mémoire de
    justice or a remboursement TIC, those of the invoice's path (no validator nor works
    circuit)."""

    def post(self, request: Request) -> Response:
        kind = (text(body(request), "typeDemandePaiement") or "FACTURE").upper()
        if kind not in TYPES_DP:
            return no_result(listeEtatDemandePaiement=[])
        if kind in ("MEMOIRE_JUSTICE", "DEMANDE_REMBOURSEMENT"):
            states = [s.value for s in CLAIM_STATUSES]
        else:
            states = [s.value for s in Status if s != Status.BROUILLON]
        return ok(
            LIBELLE_OK,
            listeEtatDemandePaiement=[{"etatDemandePaiement": s} for s in states],
        )


class RecupererTypeFactureTravaux(CproView):
    def post(self, request: Request) -> Response:
        return ok(
            LIBELLE_OK,
            listeTypeFactureTravaux=[{"typeFactureTravaux": t} for t in TYPES_FACTURE_TRAVAUX],
        )


class RecupererTypeIdentifiantStructure(CproView):
    def post(self, request: Request) -> Response:
        return ok(
            LIBELLE_OK,
            listeTypeIdentifiant=[{"typeIdentifiantStructure": t} for t in IdentifierType.values],
        )


class RecupererTypesPj(CproView):
    """Attachment types, all or those of one `typeObjet`; an object Chœur keeps no file for
    (STRUCTURE, EJ...) has none."""

    def post(self, request: Request) -> Response:
        data = body(request)
        english = langue(data) == "EN"
        wanted = text(data, "typeObjet").upper()
        rows = [
            {
                "idTypePieceJointe": pk,
                "codeTypePieceJointe": code,
                "libelleTypePieceJointe": en if english else fr,
                "typeObjet": objet,
            }
            for pk, objet, code, fr, en in TYPES_PJ
            if not wanted or objet == wanted
        ]
        if not rows:
            return no_result(listeTypePieceJointe=[])
        return ok(LIBELLE_OK, listeTypePieceJointe=rows)


class RecupererMotifsRefusFactureAValider(CproView):
    """Why a validator refuses an invoice to validate (cadres A9, A12, and the works projets
    A10, A11, A13, A14 that the titulaire or the mandataire validates first): the referential of the
    « Factures à valider » pages (`validation_circuit.ValidatorRefusalReason`)."""

    def post(self, request: Request) -> Response:
        code = value(body(request), "codeCadreFacturationAValider")
        if code is not None:
            cadre = CadreFacturation.from_code(str(code))
            if cadre is None:
                raise ApiError(BAD_REQUEST, f"Cadre de facturation inconnu : « {code} ».")
            if cadre.value not in CADRES_A_VALIDER | WORKS_VALIDATED_CADRES:
                return no_result(listeMotifRefusFactureAValider=[])
        return ok(
            LIBELLE_OK,
            listeMotifRefusFactureAValider=[
                {"idMotif": index, "codeMotif": reason.value, "libelleMotif": str(reason.label)}
                for index, reason in enumerate(ValidatorRefusalReason, start=1)
            ],
        )
