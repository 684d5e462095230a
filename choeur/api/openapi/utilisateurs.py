"""The /cpro/utilisateurs/v1 services, as their views answer (see choeur.api.openapi)."""

from __future__ import annotations

from choeur.api.openapi import Operation

OPERATIONS: dict[str, Operation] = {
    "utilisateurs/v1/monCompte/recuperer/rattachements": Operation(
        request={
            "parametresRecherche?": {
                "nbResultatsParPage?": "integer",
                "pageResultatDemandee?": "integer",
                "triColonne?": "string",
                "triSense?": "string",
            },
        },
        response={
            "listeStructureRattachement": [
                {
                    "idRattachementStructure": "integer",
                    "idStructure": "integer",
                    "identifiantStructure": "string",
                    "typeIdentifiantStructure": "string",
                    "designationStructure": "string",
                    "roleUtilisateur": "string",
                    "statutRattachementStructure": "string",
                    "statutUtilisateur": "string",
                    "listeServicesRattache": [
                        {
                            "idRattachementService": "integer",
                            "idService": "integer",
                            "codeService": "string",
                            "libelleService": "string",
                            "estActif": "boolean",
                            "statutService": "string",
                            "statutRattachementService": "string",
                            "dateDbtService": "datetime_go|null",
                            "dateFinService": "datetime_go|null",
                        }
                    ],
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
