"""`/cpro/transverses/v1/...`: health check, referentials, Sirene, recipients."""

from __future__ import annotations

import gettext
from functools import cache
from typing import Any

import pycountry
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from choeur.api.envelope import (
    LIBELLE_OK,
    LIBELLE_OK_REFERENTIEL,
    ApiError,
    no_result,
    ok,
)
from choeur.api.payload import Paging, body, text, value
from choeur.api.views.base import CproView
from choeur.directory.identifiers import siret_is_valid
from choeur.directory.selectors import etablissement_get
from choeur.structures.annuaire_selectors import public_structure_search

HEALTH_MESSAGE = "L'API CPRO est actuellement disponible et fonctionnel."

# Referentials (reference C.1-C.4); the lists are the platform's own vocabularies.
# Currencies: ISO 4217, named by pycountry's iso-codes (English, and its French translation),
# except where the platform's own label is known (GO's fixture: « Euro européen »).
PLATFORM_CURRENCY_LABELS = {"FR": {"EUR": "Euro européen"}, "EN": {"EUR": "European Euro"}}
# Codes that are no currency an invoice is paid in: « no currency » and the testing code.
NOT_CURRENCIES = {"XXX", "XTS"}
MODES_DEPOT = ["SAISIE_API", "DEPOT_PDF_API", "SAISIE_WEB", "DEPOT_PDF_PORTAIL", "EDI"]
# `formatFlux` is the family of a flux, not its syntax (reference C.2, PHP's IFormatFlux, which
# refuses any other value): structured (E1), mixed (E2), Factur-X.
FORMATS_FLUX = ["IN_DP_E1_STRUCT", "IN_DP_E2_MIXTE", "IN_DP_E2_FACTURX"]
# `typeDemandePaiement` (reference C.3): invoices, works invoices, mémoires de frais de justice,
# demandes de remboursement TIC.
TYPES_DP = ["FACTURE", "FACTURE_TRAVAUX", "MEMOIRE_JUSTICE", "DEMANDE_REMBOURSEMENT"]
MODES_REGLEMENT = ["VIREMENT", "CHEQUE", "PRELEVEMENT", "ESPECE", "AUTRE", "REPORT"]


class HealthCheck(CproView):
    """GET, any body ignored (GO sends `null`, PHP `[]`): the live platform's answer."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        return Response({"statusCodeValue": 200, "statusCode": "OK", "body": HEALTH_MESSAGE})


@cache
def currencies(language: str) -> tuple[tuple[str, str], ...]:
    """(code, name) of every ISO 4217 currency: EUR first (the platform's currency, with its
    own label), then the others by code."""
    translate = (
        gettext.translation("iso4217", pycountry.LOCALES_DIR, languages=["fr"]).gettext
        if language == "FR"
        else str
    )
    known = PLATFORM_CURRENCY_LABELS[language]
    return tuple(
        sorted(
            (
                (c.alpha_3, known.get(c.alpha_3) or translate(c.name))
                for c in pycountry.currencies
                if c.alpha_3 not in NOT_CURRENCIES
            ),
            key=lambda row: (row[0] != "EUR", row[0]),
        )
    )


class RecupererDevises(CproView):
    def post(self, request: Request) -> Response:
        # FR or EN, any case (PKG sends "FR", `consulter` "fr": D13); French otherwise.
        langue = "EN" if text(body(request), "codeLangue", max_length=10).upper() == "EN" else "FR"
        return ok(
            LIBELLE_OK,
            listeDevises=[
                {"codeDevise": code, "libelleDevise": label} for code, label in currencies(langue)
            ],
        )


def _whole_list(rows: list[Any]) -> dict[str, int]:
    # These two lists come with their paging at the top level, one page holding them all (PHP
    # requires the four fields: WsRetourRecupererModeDepot, WsRetourRecupererFormatFlux).
    return {"nbResultatsParPage": len(rows), "pageCourante": 1, "pages": 1, "total": len(rows)}


class RecupererModeDepot(CproView):
    def post(self, request: Request) -> Response:
        rows = [{"modeDepot": m} for m in MODES_DEPOT]
        return ok(LIBELLE_OK, listeModeDepot=rows, **_whole_list(rows))


class RecupererFormatFlux(CproView):
    def post(self, request: Request) -> Response:
        rows = [{"formatFlux": f} for f in FORMATS_FLUX]
        return ok(LIBELLE_OK, listeFormatFlux=rows, **_whole_list(rows))


class RecupererTypeDp(CproView):
    def post(self, request: Request) -> Response:
        return ok(
            LIBELLE_OK_REFERENTIEL,
            listeTypeDemandePaiement=[{"typeDemandePaiement": t} for t in TYPES_DP],
        )


class RecupererModeReglements(CproView):
    def post(self, request: Request) -> Response:
        return ok(
            LIBELLE_OK_REFERENTIEL, listeModePaiement=[{"modePaiement": m} for m in MODES_REGLEMENT]
        )


class ConsulterInformationSiret(CproView):
    def post(self, request: Request) -> Response:
        siret = text(body(request), "siretStructure", max_length=20).replace(" ", "")
        if not siret_is_valid(siret):
            raise ApiError(
                20001, "Le SIRET indiqué n'est pas valide (14 chiffres, clé de contrôle)."
            )
        info = etablissement_get(siret)
        if info is None:
            # A well-formed SIRET the Sirene base does not know: found nothing, not a wrong request.
            return no_result()
        return ok(
            LIBELLE_OK,
            siret=info.siret,
            siren=info.siren,
            raisonSociale=info.raison_sociale,
            adresse="" if info.non_diffusible else ", ".join(info.address_lines),
            estActif=info.is_active,
            nonDiffusibleInsee=info.non_diffusible,
            siege="OUI" if info.is_siege else "NON",
            categorieJuridique=info.categorie_juridique,
        )


class RechercherDestinataire(CproView):
    """Public structures by identifier and/or town or postal code."""

    def post(self, request: Request) -> Response:
        data = body(request)
        paging = Paging(value(data, "parametresRecherche"), where="parametresRecherche")
        place = text(data, "nomVilleCodePostal")
        text(data, "typeStructure")
        structures = public_structure_search(
            query=text(data, "identifiant"),
            code_postal=place if place.isdigit() else "",
            ville="" if place.isdigit() else place,
        )
        total = structures.count()
        if total == 0:
            return no_result(listeDestinataires=[], parametresRetour=paging.retour(0))
        start, end = paging.slice(total)
        rows = [
            {
                "idStructureCPP": s.pk,
                "siret": s.identifier,
                "nomDestinataire": s.raison_sociale,
                "adresseCodePostal": s.code_postal,
                "adresseVille": s.ville,
            }
            for s in structures[start:end]
        ]
        return ok(LIBELLE_OK, listeDestinataires=rows, parametresRetour=paging.retour(total))
