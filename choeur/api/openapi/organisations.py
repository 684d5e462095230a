"""The /cpro/organisations/v1 services (the REST « Référentiel des organisations »), as their
views answer (choeur.api.views.organisations): lists and objects without the envelope, and
this API's own error bodies."""

from __future__ import annotations

from choeur.api.openapi import Operation, Shape

STRUCTURE: Shape = {
    "uuid": "string",
    "identifiant": "string",
    "typeIdentifiant": "string",
    "libelleOrganisation": "string",
    "raisonSociale": "string",
    "nomStructure": "string",
    "prenomStructure": "string",
    "numeroRcsStructure": "string",
    "numeroTvaIntracommunautaire": "string",
    "typeOrganisation": "string",
    "status": "string",
    "contactPrincipal": "string",
    "organisationParent": "string",
    "structureOrigine": "integer",
    "estCentreGestionAgricole": "boolean",
    "numeroPacage": "integer",
    "categorieFournisseurMemoireId": "integer",
    "categorieBeneficiaireId": "integer",
    "categorieJuridique": "string",
    "categorieEntreprise": "string",
    "gestionNumeroEJOuCodeService": "boolean",
    "numeroEjDoitEtreRenseigne": "boolean",
    "codeServiceDoitEtreRenseigne": "boolean",
    "statutMiseEnPaiementNestPasRemonte": "boolean",
    "avecMOA": "boolean",
    "estMOAUniquement": "boolean",
    "recevoirCyclesViesEdi": "boolean",
    "emetteurFluxEdi": "boolean",
    "nonDiffusibleInsee": "boolean",
    "adresse": "string",
    "complementAdresse1": "string",
    "complementAdresse2": "string",
    "codePostal": "string",
    "ville": "string",
    "pays": "string",
    "adresseElectronique": "string",
    "telephone": "string",
    "derniereMaj": "datetime_sec|null",
}
SERVICE: Shape = {
    "uuid": "string",
    "codeService": "string",
    "libelle": "string",
    "description": "string",
    "rattachementOrganisation": "string",
    "etatService": "string",
    "numeroEj": "boolean",
    "dateCreation": "datetime_sec|null",
    "dateDebutActivation": "datetime_sec|null",
    "dateFinActivation": "datetime_sec|null",
    "dateModification": "datetime_sec|null",
    "dateSuppression": "datetime_sec|null",
    "adresse": "string",
    "complementAdresse1": "string",
    "complementAdresse2": "string",
    "codePostal": "string",
    "ville": "string",
    "pays": "string",
    "telephone": "string",
    "derniereMaj": "datetime_sec|null",
}
PIECE: Shape = {
    "uuid": "string",
    "nom": "string",
    "extension": "string",
    "typeMime": "string",
    "taille": "integer",
    "rattachementOrganisation": "string",
    "dateCreation": "datetime_sec|null",
}
# A search answers whole rows, or only the fields `_fields` names: every field may be absent.
STRUCTURE_PARTIAL: Shape = {f"{key}?": kind for key, kind in STRUCTURE.items()}
SERVICE_PARTIAL: Shape = {f"{key}?": kind for key, kind in SERVICE.items()}
REFUSED: Shape = [{"error": "string", "message": "string", "detail": "string"}]
ERRORS: dict[str, tuple[Shape, str]] = {
    "400": (REFUSED, "Requête fausse (identifiant, critère ou valeur) ou objet introuvable."),
    "401": (
        {"ErrorCode": "string", "Description": "string"},
        "Jeton ou compte technique (cpro-account) absent, faux ou expiré.",
    ),
    "403": (REFUSED, "Modification refusée à ce compte."),
}
SEARCH: Shape = {"_fields?": ["string"], "_sort?": "string", "_desc?": "boolean"}


def _op(request: Shape | None, response: Shape, *, empty: bool = False) -> Operation:
    return Operation(request=request, response=response, envelope=False, errors=ERRORS, empty=empty)


OPERATIONS: dict[str, Operation] = {
    "organisations/v1/healthcheck": _op(None, {}, empty=True),
    "organisations/v1/structures/{identifier}": _op(None, STRUCTURE),
    "organisations/v1/structures/{identifier}/services": _op(None, [SERVICE]),
    "organisations/v1/structures/{identifier}/pieces_jointes": _op(None, [PIECE]),
    "organisations/v1/structures/{identifier}/pieces_jointes/{piece}": _op(
        None, {**PIECE, "fichier": "string"}
    ),
    "organisations/v1/structures/{identifier}/parametres-edi": _op(
        {"reception_edi?": "boolean", "connexion_edi?": "boolean"}, STRUCTURE
    ),
    "organisations/v1/structures/recherche": _op(
        {**SEARCH, "identifiant?": "string", "libelleOrganisation?": "string", "pays?": "string"},
        [STRUCTURE_PARTIAL],
    ),
    "organisations/v1/services/{identifier}": _op(None, SERVICE),
    "organisations/v1/services/recherche": _op(
        {**SEARCH, "codeService?": "string", "rattachementOrganisation?": "string"},
        [SERVICE_PARTIAL],
    ),
}
