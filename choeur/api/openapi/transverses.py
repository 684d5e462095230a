"""The /cpro/transverses/v1 services, as their views answer (see choeur.api.openapi)."""

from __future__ import annotations

from choeur.api.openapi import Operation

OPERATIONS: dict[str, Operation] = {
    "transverses/v1/ajouter/fichier": Operation(
        request={
            "idUtilisateurCourant?": "integer",
            "pieceJointeExtension?": "string",
            "pieceJointeFichier": "string",
            "pieceJointeNom?": "string",
            "pieceJointeTypeMime?": "string",
        },
        response={
            "pieceJointeId": "integer",
        },
    ),
    "transverses/v1/consulter/information/siret": Operation(
        request={
            "siretStructure?": "string",
        },
        # A SIRET unknown to Sirene is « aucun résultat »: the envelope alone.
        response={
            "siret?": "string",
            "siren?": "string",
            "raisonSociale?": "string",
            "adresse?": "string",
            "estActif?": "boolean",
            "nonDiffusibleInsee?": "boolean",
            "siege?": "string",
            "categorieJuridique?": "string",
        },
    ),
    "transverses/v1/consulterCR": Operation(
        request={
            "dateDepot?": "datetime",
            "numeroFluxDepot": "string",
            "syntaxeFlux?": "string",
        },
        response={
            "numeroFluxDepot": "string",
            "dateDepotFlux": "datetime",
            "dateHeureEtatCourantFlux": "datetime",
            "etatCourantFlux": "string",
            "nomFichierFlux": "string",
            "codeInterfaceFlux": "string",
            "designationPartenaire": "string",
            "codeAppliPartenaire": "string",
            "fichierCR": "string",
        },
    ),
    "transverses/v1/consulterCRDetaille": Operation(
        request={
            "numeroFluxDepot": "string",
            "syntaxeFlux?": "string",
        },
        response={
            "codeInterfaceDepotFlux": "string",
            "dateDepotFlux": "datetime",
            "dateHeureEtatCourantFlux": "datetime",
            "etatCourantDepotFlux": "string",
            "nomFichier": "string",
            "listeErreurDP": [
                {
                    "numeroDP": "string",
                    "identifiantFournisseur": "string",
                    "identifiantDestinataire": "string",
                    "libelleErreurDP": "string",
                }
            ],
            "listeErreurTechnique": [
                {
                    "codeErreur": "string",
                    "libelleErreur": "string",
                    "natureErreur": "string",
                }
            ],
        },
    ),
    "transverses/v1/health-check": Operation(
        request=None,
        # The live platform's answer, without the envelope (observed-live-responses.json).
        response={"statusCodeValue": "integer", "statusCode": "string", "body": "string"},
        envelope=False,
    ),
    "transverses/v1/rechercher/categorieSollicitation": Operation(
        request={
            "codeCategorie?": "string",
            "estActif?": "boolean",
            "libelleCategorie?": "string",
            "pagination?": {
                "nbResultatsParPage?": "integer",
                "pageResultatDemandee?": "integer",
                "triColonne?": "string",
                "triSense?": "string",
            },
        },
        response={
            "listeCategories": [
                {
                    "idTechniqueCategorie": "integer",
                    "codeCategorie": "string",
                    "libelleCategorie": "string",
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
    "transverses/v1/rechercher/destinataire": Operation(
        request={
            "identifiant?": "string",
            "nomVilleCodePostal?": "string",
            "typeStructure?": "string",
            "parametresRecherche?": {
                "nbResultatsParPage?": "integer",
                "pageResultatDemandee?": "integer",
                "triColonne?": "string",
                "triSense?": "string",
            },
        },
        response={
            "listeDestinataires": [
                {
                    "idStructureCPP": "integer",
                    "siret": "string",
                    "nomDestinataire": "string",
                    "adresseCodePostal": "string",
                    "adresseVille": "string",
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
    "transverses/v1/rechercher/pj/moncompte": Operation(
        request={
            "codeLangue?": "string",
            "pieceJointeDesignation?": "string",
            "pieceJointeTypeId?": "integer",
            "parametresRecherche?": {
                "nbResultatsParPage?": "integer",
                "pageResultatDemandee?": "integer",
                "triColonne?": "string",
                "triSense?": "string",
            },
        },
        response={
            "listePiecesJointes": [
                {
                    "pieceJointeId": "integer",
                    "pieceJointeDesignation": "string",
                    "pieceJointeExtension": "string",
                    "pieceJointeTypeCode": "string",
                    "pieceJointeTypeLibelle": "string",
                    "pieceJointeObjetId": "integer",
                    "pieceJointeUtilisateurId": "integer",
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
    "transverses/v1/rechercher/pj/structure": Operation(
        request={
            "codeLangue?": "string",
            "idStructureCPP?": "integer",
            "pieceJointeDesignation?": "string",
            "pieceJointeTypeId?": "integer",
            "parametresRecherche?": {
                "nbResultatsParPage?": "integer",
                "pageResultatDemandee?": "integer",
                "triColonne?": "string",
                "triSense?": "string",
            },
        },
        response={
            "listePiecesJointes": [
                {
                    "pieceJointeId": "integer",
                    "pieceJointeDesignation": "string",
                    "pieceJointeExtension": "string",
                    "pieceJointeTypeCode": "string",
                    "pieceJointeTypeLibelle": "string",
                    "pieceJointeObjetId": "integer",
                    "pieceJointeUtilisateurId": "integer",
                    "pieceJointeStructureId": "integer",
                    "pieceJointeStructureCode": "string",
                    "pieceJointeStructureRaisonSociale": "string",
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
    "transverses/v1/rechercher/sousCategorieSollicitation": Operation(
        request={
            "code?": "string",
            "estActif?": "boolean",
            "idTechniqueCategorie?": "integer",
            "libelle?": "string",
            "pagination?": {
                "nbResultatsParPage?": "integer",
                "pageResultatDemandee?": "integer",
                "triColonne?": "string",
                "triSense?": "string",
            },
        },
        response={
            "listeSousCategories": [
                {
                    "categorie": [
                        {
                            "idTechniqueCategorie": "integer",
                            "codeCategorie": "string",
                            "libelleCategorie": "string",
                        }
                    ],
                    "ssCategorie": [
                        {
                            "idTechniqueCategorie": "integer",
                            "code": "string",
                            "libelle": "string",
                            "estActif": "boolean",
                            "dateCreation": "datetime",
                            "dateDerniereModification": "datetime",
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
    "transverses/v1/recuperer/coordbanc/valides": Operation(
        request={
            "idStructure?": "integer",
        },
        response={
            "listeCoordonneeBancaire": [
                {
                    "idCoordonneeBancaire": "integer",
                    "nomCoordonneeBancaire": "string",
                }
            ],
        },
    ),
    "transverses/v1/recuperer/devises": Operation(
        request={
            "codeLangue?": "string",
        },
        response={
            "listeDevises": [
                {
                    "codeDevise": "string",
                    "libelleDevise": "string",
                }
            ],
        },
    ),
    "transverses/v1/recuperer/etat/typedp": Operation(
        request={
            "typeDemandePaiement?": "string",
        },
        response={
            "listeEtatDemandePaiement": [
                {
                    "etatDemandePaiement": "string",
                }
            ],
        },
    ),
    "transverses/v1/recuperer/etats/traitement": Operation(
        request={
            "statutCourant?": "string",
        },
        response={
            "listeStatutsPossiblesPourTraitement": [
                {
                    "statutPossiblePourTraitement": "string",
                }
            ],
        },
    ),
    "transverses/v1/recuperer/formatflux": Operation(
        request={},
        response={
            "listeFormatFlux": [
                {
                    "formatFlux": "string",
                }
            ],
            "nbResultatsParPage": "integer",
            "pageCourante": "integer",
            "pages": "integer",
            "total": "integer",
        },
    ),
    "transverses/v1/recuperer/modedepot": Operation(
        request={},
        response={
            "listeModeDepot": [
                {
                    "modeDepot": "string",
                }
            ],
            "nbResultatsParPage": "integer",
            "pageCourante": "integer",
            "pages": "integer",
            "total": "integer",
        },
    ),
    "transverses/v1/recuperer/modereglements": Operation(
        request={},
        response={
            "listeModePaiement": [
                {
                    "modePaiement": "string",
                }
            ],
        },
    ),
    "transverses/v1/recuperer/motifs/exonerationtva": Operation(
        request={
            "codeLangue?": "string",
        },
        response={
            "listeMotifsExonerationTva": [
                {
                    "codeMotifExonerationTva": "string",
                    "libelleMotifExonerationTva": "string",
                }
            ],
        },
    ),
    "transverses/v1/recuperer/motifs/refus/Facture/AValider": Operation(
        request={
            "codeCadreFacturationAValider?": "string",
        },
        response={
            "listeMotifRefusFactureAValider": [
                {
                    "idMotif": "integer",
                    "codeMotif": "string",
                    "libelleMotif": "string",
                }
            ],
        },
    ),
    "transverses/v1/recuperer/pays": Operation(
        request={
            "codeLangue?": "string",
        },
        response={
            "listePays": [
                {
                    "codePays": "string",
                    "libellePays": "string",
                }
            ],
        },
    ),
    "transverses/v1/recuperer/structures/actives/destinataire": Operation(
        request={},
        response={
            "listeStructures": [
                {
                    "idStructureCPP": "integer",
                    "identifiant": "string",
                    "designationStructure": "string",
                }
            ],
        },
    ),
    "transverses/v1/recuperer/structures/actives/fournisseur": Operation(
        request={},
        response={
            "listeStructures": [
                {
                    "idStructureCPP": "integer",
                    "identifiant": "string",
                    "designationStructure": "string",
                }
            ],
        },
    ),
    "transverses/v1/recuperer/structuresPourUtilisateur": Operation(
        request={"espaceFo?": "integer"},
        response={
            "listeStructures": [
                {
                    "idStructureCPP": "integer",
                    "typeIdentifiantStructure": "string",
                    "identifiantStructure": "string",
                    "designationStructure": "string",
                    "statut": "string",
                }
            ],
        },
    ),
    "transverses/v1/recuperer/tauxtva": Operation(
        request={
            "codeLangue?": "string",
        },
        response={
            "listeTauxTva": [
                {
                    "codeTauxTva": "string",
                    "libelleTauxTva": "string",
                    "valeurTauxTva": "number",
                }
            ],
        },
    ),
    "transverses/v1/recuperer/typedp": Operation(
        request={},
        response={
            "listeTypeDemandePaiement": [
                {
                    "typeDemandePaiement": "string",
                }
            ],
        },
    ),
    "transverses/v1/recuperer/typefacturetravaux": Operation(
        request={},
        response={
            "listeTypeFactureTravaux": [
                {
                    "typeFactureTravaux": "string",
                }
            ],
        },
    ),
    "transverses/v1/recuperer/typeidentifiant/structure": Operation(
        request={},
        response={
            "listeTypeIdentifiant": [
                {
                    "typeIdentifiantStructure": "string",
                }
            ],
        },
    ),
    "transverses/v1/recuperer/typespj": Operation(
        request={
            "codeLangue?": "string",
            "typeObjet?": "string",
        },
        response={
            "listeTypePieceJointe": [
                {
                    "idTypePieceJointe": "integer",
                    "codeTypePieceJointe": "string",
                    "libelleTypePieceJointe": "string",
                    "typeObjet": "string",
                }
            ],
        },
    ),
    "transverses/v1/telecharger/annuaire/destinataire": Operation(
        request={},
        response={
            "fichierResultat": "string",
        },
    ),
    "transverses/v1/telecharger/pieceJointe": Operation(
        request={
            "objetPieceJointe?": "string",
            "demandePaiement?": {
                "avecPiecesJointesComplementaires?": "string",
                "format?": "string",
                "listeFacture?": [
                    {
                        "idFacture?": "integer",
                    }
                ],
            },
            "engagementJuridique?": {
                "numeroEngagementJuridique?": "string",
            },
            "sollicitation?": {
                "idSollicitation?": "integer",
                "pieceJointeSollicitation?": "string",
            },
            "structure?": {
                "idStructure?": "integer",
                "identifiantStructure?": "string",
                "typeIdentifiantStructure?": "string",
            },
        },
        response={
            "pieceJointe": "string",
        },
    ),
}
