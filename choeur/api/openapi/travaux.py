"""The works invoices' services (CCAG Travaux; choeur/api/views/works.py), as their views answer
(see choeur.api.openapi)."""

from __future__ import annotations

from choeur.api.openapi import Operation

PAGING = {
    "nbResultatsParPage?": "integer",
    "pageResultatDemandee?": "integer",
    "triColonne?": "string",
    "triSens?": "string",
}
RETOUR = {
    "nbResultatsParPage": "integer",
    "pageCourante": "integer",
    "pages": "integer",
    "total": "integer",
}
FACTURE_TRAVAUX = {
    "idFactureTravaux": "integer",
    "numeroFactureTravaux": "string",
    "statutFactureTravaux": "string",
    "typeFactureTravaux": "string",
    "cadreFacturation": "string",
    "dateFactureTravaux": "date",
    "dateDepot": "date",
    "dateHeureEtatCourant": "datetime",
    "montantHT": "number",
    "montantTTC": "number",
    "devise": "string",
    "idFournisseur": "integer",
    "identifiantFournisseur": "string",
    "designationFournisseur": "string",
    "idStructureMoe": "integer|null",
    "designationMoe": "string|null",
    "idStructureMoa": "integer",
    "designationMoa": "string",
    "idDestinataire": "integer",
    "identifiantDestinataire": "string",
    "designationDestinataire": "string",
    "numeroEngagementJuridique": "string",
    "numeroMarche": "string",
    "dateFinDelai": "datetime|null",
}

OPERATIONS: dict[str, Operation] = {
    "facturesTravaux/v1/rechercher": Operation(
        request={
            "roleUtilisateur?": "string",
            "rechercheFactureTravaux?": PAGING,
            "flagTelecharge?": "boolean",
            "numeroFactureTravaux?": "string",
            "statutFactureTravaux?": ["string"],
            "typeFactureTravaux?": ["string"],
            "cadreFacturation?": "string",
            "numeroEngagementJuridique?": "string",
            "periodeDateHeureEtatCourantDu?": "datetime",
            "periodeDateHeureEtatCourantAu?": "datetime",
        },
        # No result: codeRetour 20007, GFT_MSG_01.075 (reference E.2), the empty list.
        response={"listeFacturesTravaux": [FACTURE_TRAVAUX], "parametresRetour": RETOUR},
    ),
    "facturesTravaux/v1/consulter": Operation(
        request={"idFactureTravaux": "integer", "roleUtilisateur?": "string"},
        response={
            "factureTravaux": {
                **FACTURE_TRAVAUX,
                "objetMarche": "string",
                "listeDocuments": [
                    {
                        "cadreFacturation": "string",
                        "typeFactureTravaux": "string",
                        "roleEmetteur": "string",
                        "idStructureEmettrice": "integer",
                        "numeroDocument": "string",
                        "montantHT": "number",
                        "montantTTC": "number",
                        "commentaire": "string",
                        "procedureTacite": "boolean",
                        "dateDepot": "date",
                    }
                ],
            }
        },
    ),
    # The GO client's ListeStructuresActivesResponse (wire contract).
    "transverses/v1/recuperer/structures/actives/facturetravaux": Operation(
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
    "transverses/v1/recuperer/cadrefacturation": Operation(
        request={"typeDemandePaiement?": "string"},
        response={"listeCadreFacturation": [{"codeCadreFacturation": "string"}]},
    ),
}
