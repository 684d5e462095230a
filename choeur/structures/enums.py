"""Code lists of structures. Values are the real platform's wire values (reference B)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IdentifierType(models.TextChoices):
    SIRET = "SIRET", _("SIRET")
    UE_HORS_FRANCE = "UE_HORS_FRANCE", _("Structure européenne hors France")
    HORS_UE = "HORS_UE", _("Structure hors UE")
    RIDET = "RIDET", _("RIDET (Nouvelle-Calédonie)")
    TAHITI = "TAHITI", _("Numéro TAHITI")
    PARTICULIER = "PARTICULIER", _("Particulier")
    AUTRE = "AUTRE", _("En cours d'immatriculation")


class StructureKind(models.TextChoices):
    """« Vous êtes ? » of the registration flow."""

    ENTREPRISE_PRIVEE = "ENTREPRISE_PRIVEE", _("Entreprise privée")
    STRUCTURE_PUBLIQUE = "STRUCTURE_PUBLIQUE", _("Structure publique")
    ASSOCIATION = "ASSOCIATION", _("Association")
    PARTICULIER = "PARTICULIER", _("Particulier")
    PROFESSION_LIBERALE = "PROFESSION_LIBERALE", _("Profession libérale ou indépendant")
    PROFESSIONNEL_JUSTICE = "PROFESSIONNEL_JUSTICE", _("Prestataire de la justice")
    EXPLOITANT_AGRICOLE = "EXPLOITANT_AGRICOLE", _("Exploitant agricole")
    AUTRE = "AUTRE", _("Autre")


class Espace(models.TextChoices):
    """Espaces (functional modules shown as menu tabs), reference B.4."""

    FACTURES_EMISES = "FACTURES_EMISES", _("Factures émises")
    FACTURES_RECUES = "FACTURES_RECUES", _("Factures reçues")
    FACTURES_A_VALIDER = "FACTURES_A_VALIDER", _("Factures à valider")
    FACTURES_TRAVAUX = "FACTURES_TRAVAUX", _("Factures de travaux")
    MEMOIRES_JUSTICE = "MEMOIRES_JUSTICE", _("Mémoires de frais de justice")
    DEMANDES_REMBOURSEMENT_TIC = "DEMANDES_REMBOURSEMENT_TIC", _("Demandes de remboursement TIC")
    SOLLICITATIONS_EMISES = "SOLLICITATIONS_EMISES", _("Sollicitations émises")
    SOLLICITATIONS_RECUES = "SOLLICITATIONS_RECUES", _("Sollicitations reçues")
    ENGAGEMENTS = "ENGAGEMENTS", _("Engagements")
    RACCORDEMENT_EDI_API = "RACCORDEMENT_EDI_API", _("Raccordement EDI/API")
    SUIVI_FLUX = "SUIVI_FLUX", _("Suivi des flux")
    ACTIVITES_GESTIONNAIRE = "ACTIVITES_GESTIONNAIRE", _("Activités du gestionnaire")


class AccessMode(models.TextChoices):
    CONSULTATION = "CONSULTATION", _("Consultation")
    MODIFICATION = "MODIFICATION", _("Modification")


class Role(models.TextChoices):
    GESTIONNAIRE_PRINCIPAL = "GESTIONNAIRE_PRINCIPAL", _("Gestionnaire principal")
    UTILISATEUR = "UTILISATEUR", _("Utilisateur")


class RattachementStatus(models.TextChoices):
    EN_COURS_DE_VALIDATION = "EN_COURS_DE_VALIDATION", _("En cours de validation")
    VALIDEE = "VALIDEE", _("Validée")
    REFUSEE = "REFUSEE", _("Refusée")
    DESACTIVEE = "DESACTIVEE", _("Désactivée")
    SUPPRIMEE = "SUPPRIMEE", _("Supprimée")


class EngagementState(models.TextChoices):
    """État courant of an engagement juridique (reference C.5: `libelleEtatCourantEJ`).

    Only COMMANDE is confirmed by the reference; it is the state an invoice may be checked
    against. The closing states are inferred [I] so a buyer can withdraw an engagement.
    """

    COMMANDE = "COMMANDE", _("Commandé")
    CLOTURE = "CLOTURE", _("Clôturé")
    ANNULE = "ANNULE", _("Annulé")


class EngagementType(models.TextChoices):
    """`libelleTypeEngagementJuridique` (reference C.5, e.g. BON_DE_COMMANDE)."""

    BON_DE_COMMANDE = "BON_DE_COMMANDE", _("Bon de commande")
    MARCHE = "MARCHE", _("Marché")
    CONTRAT = "CONTRAT", _("Contrat")
