"""The /cpro/structures/v1 services, as their views answer (see choeur.api.openapi)."""

from __future__ import annotations

from choeur.api.openapi import Operation

OPERATIONS: dict[str, Operation] = {
    "structures/v1/consulter": Operation(
        request={
            "codeLangue?": "string",
            "idStructure?": "integer",
        },
        response={
            "adressePostaleDuSiege": {
                "adresse": "string",
                "codePostal": "string",
                "complementAdresse1": "string",
                "complementAdresse2": "string",
                "fax": "string",
                "indicatifFax": "string",
                "indicatifTelephone": "string",
                "pays": "string",
                "telephone": "string",
                "ville": "string",
            },
            "informationGenerales": {
                "idStructureCPP": "integer",
                "identifiantStructure": "string",
                "typeIdentifiantStructure": "string",
                "raisonSocialeStructure": "string",
                "libelleStructure": "string",
                "nomStructure": "string",
                "prenomStructure": "string",
                "numeroRcsStructure": "string",
                "numeroTVA": "string",
                "emailStructure": "string",
                "structurePriveePublique": "string",
                "estValideurDeleguee": "boolean",
                "idStructureOrigine": "integer",
                "listeStructureDupliquees": ["any"],
                "dateExpirationMotPasseCompteTech": "datetime|null",
            },
            "parametres": {
                "codeServiceDoitEtreRenseigne": "boolean",
                "numeroEJDoitEtreRenseigne": "boolean",
                "gestionNumeroEJOuCodeService": "boolean",
                "connexionEDI": "boolean",
                "recevoirDonneesViaEDI": "boolean",
                "estMoaUniquement": "boolean",
                "getaMoa": "boolean",
                "aMoa": "boolean",
                "estValideurDelegue": "boolean",
                "nonDiffusibleInsee": "boolean",
                "statutMiseEnPaiementNestPasRemonte": "boolean",
            },
        },
    ),
    "structures/v1/consulter/service": Operation(
        request={
            "codeLangue?": "string",
            "idService?": "integer",
            "idStructure?": "integer",
        },
        response={
            "adressePostale": {
                "adresse": "string",
                "codePostal": "string",
                "complementAdresse1": "string",
                "complementAdresse2": "string",
                "fax": "string",
                "indicatifFax": "string",
                "indicatifTelephone": "string",
                "pays": "string",
                "telephone": "string",
                "ville": "string",
            },
            "informationsGenerales": {
                "codeService": "string",
                "nomService": "string",
                "descriptionService": "string",
            },
            "parametres": {
                "dateCreation": "datetime_go",
                "dateDebutValidite": "datetime_go|null",
                "dateFinValidite": "datetime_go|null",
                "dateModification": "datetime_go",
                "miseEnPaiement": "boolean",
                "numeroEngagement": "boolean",
            },
        },
    ),
    "structures/v1/lister/rattachementsutilisateur": Operation(
        request={
            "adresseEmailConnexionUtilisateur?": "string",
            "idStructure?": "integer",
            "idUtilisateur?": "integer",
            "identifiantStructure?": "string",
            "parametresListerRattachementsStructureUtilisateur?": {
                "nbResultatsParPage?": "integer",
                "pageResultatDemandee?": "integer",
                "triColonne?": "string",
                "triSense?": "string",
            },
            "typeIdentifiantStructure?": "string",
        },
        response={
            "idStructure": "integer",
            "identifiantStructure": "string",
            "designationStructure": "string",
            "premierService": "boolean",
            "listeServices": [
                {
                    "idRattachement": "integer",
                    "idService": "integer",
                    "codeService": "string",
                    "nomService": "string",
                    "statutRattachement": "string",
                    "commentaire": "string",
                    "dateDebut": "datetime",
                    "dateFin": "string|null",
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
    "structures/v1/rechercher": Operation(
        request={
            "parametres?": {
                "nbResultatsParPage?": "integer",
                "pageResultatDemandee?": "integer",
                "triColonne?": "string",
                "triSense?": "string",
            },
            "restreindreStructuresPrivees?": "boolean",
            "structure?": {
                "adresseCodePays?": "string",
                "adresseCodePostal?": "string",
                "adresseVille?": "string",
                "estMOA?": "boolean",
                "estMOAUniquement?": "boolean",
                "identifiantStructure?": "string",
                "libelleStructure?": "string",
                "nomStructure?": "string",
                "prenomStructure?": "string",
                "raisonSocialeStructure?": "string",
                "statutStructure?": "string",
                "typeIdentifiantStructure?": "string",
                "typeStructure?": "string",
            },
        },
        response={
            "listeStructures": [
                {
                    "idStructureCPP": "integer",
                    "identifiantStructure": "string",
                    "typeIdentifiantStructure": "string",
                    "designationStructure": "string",
                    "statut": "string",
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
    "structures/v1/rechercher/espaces": Operation(
        request={
            "structure?": "any",
            "idService?": "integer",
            "parametresRechercherEspaces?": {
                "nbResultatsParPage?": "integer",
                "pageResultatDemandee?": "integer",
                "triColonne?": "string",
                "triSens?": "string",
            },
        },
        response={
            "listeEspace": [
                {
                    "idEspaceFo": "integer",
                    "codeEspace": "integer",
                    "libelleEspace": "string",
                    "etatCourant": "string",
                    "typeHabilitation": "string",
                    "idService": "integer",
                    "codeService": "string",
                    "libelleService": "string",
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
    "structures/v1/rechercher/services": Operation(
        request={
            "idUtilisateurCourant?": "integer",
            "idStructure?": "integer",
            "parametresRechercherServicesStructure?": {
                "nbResultatsParPage?": "integer",
                "pageResultatDemandee?": "integer",
                "triColonne?": "string",
                "triSense?": "string",
            },
        },
        response={
            "listeServices": [
                {
                    "idService": "integer",
                    "codeService": "string",
                    "libelleService": "string",
                    "estActif": "boolean",
                    "statutService": "string",
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
