"""`/cpro/transverses/v1/...`: health check, referentials, Sirene, recipients."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from choeur.api.envelope import LIBELLE_OK, LIBELLE_OK_REFERENTIEL, NO_RESULT, ApiError, ok
from choeur.api.payload import Paging, body, value
from choeur.api.views.base import CproView
from choeur.directory.identifiers import siret_is_valid
from choeur.directory.selectors import etablissement_get, public_structure_search

HEALTH_MESSAGE = "L'API CPRO est actuellement disponible et fonctionnel."

# Referentials (reference C.1-C.4); the lists are the platform's own vocabularies.
DEVISES = {"FR": [("EUR", "Euro")], "EN": [("EUR", "Euro")]}
CADRES = [
    "A1_FACTURE_FOURNISSEUR",
    "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE",
    "A9_FACTURE_SOUSTRAITANT",
    "A12_FACTURE_COTRAITANT",
]
MODES_DEPOT = ["SAISIE_API", "DEPOT_PDF_API", "SAISIE_WEB", "DEPOT_PDF_PORTAIL", "EDI"]
FORMATS_FLUX = [
    "IN_DP_E1_UBL_INVOICE",
    "IN_DP_E1_CII_16B",
    "IN_DP_E2_CII_FACTURX",
    "IN_DP_E2_UBL_INVOICE_MIN",
    "IN_DP_E2_CII_MIN_16B",
]
TYPES_DP = ["FACTURE"]
MODES_REGLEMENT = ["VIREMENT", "CHEQUE", "PRELEVEMENT", "ESPECE", "AUTRE", "REPORT"]


class HealthCheck(CproView):
    """GET, any body ignored (GO sends `null`, PHP `[]`): the live platform's answer."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        return Response({"statusCodeValue": 200, "statusCode": "OK", "body": HEALTH_MESSAGE})


class RecupererDevises(CproView):
    def post(self, request: Request) -> Response:
        langue = str(value(body(request), "codeLangue") or "FR").upper()
        devises = DEVISES.get(langue, DEVISES["FR"])
        return ok(
            LIBELLE_OK,
            listeDevises=[{"codeDevise": c, "libelleDevise": label} for c, label in devises],
        )


class RecupererCadreFacturation(CproView):
    def post(self, request: Request) -> Response:
        return ok(LIBELLE_OK, listeCadreFacturation=[{"codeCadreFacturation": c} for c in CADRES])


class RecupererModeDepot(CproView):
    def post(self, request: Request) -> Response:
        return ok(LIBELLE_OK, listeModeDepot=[{"modeDepot": m} for m in MODES_DEPOT])


class RecupererFormatFlux(CproView):
    def post(self, request: Request) -> Response:
        return ok(LIBELLE_OK, listeFormatFlux=[{"formatFlux": f} for f in FORMATS_FLUX])


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
        siret = str(value(body(request), "siretStructure") or "")
        if not siret_is_valid(siret):
            raise ApiError(
                20001, "Le SIRET indiqué n'est pas valide (14 chiffres, clé de contrôle)."
            )
        info = etablissement_get(siret)
        if info is None:
            raise ApiError(*NO_RESULT)
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
        paging = Paging(value(data, "parametresRecherche"))
        place = str(value(data, "nomVilleCodePostal") or "")
        structures = public_structure_search(
            query=str(value(data, "identifiant") or ""),
            code_postal=place if place.isdigit() else "",
            ville="" if place.isdigit() else place,
        )
        total = structures.count()
        if total == 0:
            raise ApiError(*NO_RESULT)
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
