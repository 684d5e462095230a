"""The /cpro/engagementsJuridiques/v1 services, as their views answer (see choeur.api.openapi)."""

from __future__ import annotations

from choeur.api.openapi import Operation

OPERATIONS: dict[str, Operation] = {
    "engagementsJuridiques/v1/rechercher": Operation(
        request={
            "numeroEngagementJuridique?": "string",
            "etatCourantEngagementJuridique?": "string",
            "structureReceptriceEngagementJuridique?": "any",
            "parametresRecherche?": {
                "nbResultatsParPage?": "integer",
                "pageResultatDemandee?": "integer",
                "triColonne?": "string",
                "triSens?": "string",
            },
        },
        response={
            "listeEngagementJuridique": [
                {
                    "idEngagementJuridique": "integer",
                    "numeroEngagementJuridique": "string",
                    "libelleTypeEngagementJuridique": "string",
                    "libelleEtatCourantEJ": "string",
                    "dateCreationEJ": "date",
                    "montantTotalHt": "number",
                    "montantTotalTtc": "number",
                    "structureReceptrice": "string",
                    "statutStructureReceptrice": "string",
                    "codeServiceExecutant": "string",
                    "codeServiceExecutantEmetteur": "string",
                }
            ],
            "parametresRetour": {
                "nbResultatsParPage": "integer",
                "pageCourante": "integer",
                "pages": "integer",
                "total": "integer",
            },
        },
    ),
}
