"""Code lists of invoicing. Values are the real platform's wire values (reference C)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class InvoiceStatus(models.TextChoices):
    """`statutFacture`: the full enumeration of reference C.9 (57 codes + recycling wait)."""

    BROUILLON = "BROUILLON", _("Brouillon")
    DEPOSEE = "DEPOSEE", _("Déposée")
    EN_COURS_ACHEMINEMENT = "EN_COURS_ACHEMINEMENT", _("En cours d'acheminement")
    MISE_A_DISPOSITION = "MISE_A_DISPOSITION", _("Mise à disposition")
    A_RECYCLER = "A_RECYCLER", _("À recycler")
    SUSPENDUE = "SUSPENDUE", _("Suspendue")
    COMPLETEE = "COMPLETEE", _("Complétée")
    REJETEE = "REJETEE", _("Rejetée")
    SERVICE_FAIT = "SERVICE_FAIT", _("Service fait")
    MANDATEE = "MANDATEE", _("Mandatée")
    MISE_A_DISPOSITION_COMPTABLE = "MISE_A_DISPOSITION_COMPTABLE", _("Mise à disposition comptable")
    COMPTABILISEE = "COMPTABILISEE", _("Comptabilisée")
    MISE_EN_PAIEMENT = "MISE_EN_PAIEMENT", _("Mise en paiement")
    ABANDONNEE = "ABANDONNEE", _("Abandonnée")
    SUPPRIMEE = "SUPPRIMEE", _("Supprimée")
    ASSOCIEE = "ASSOCIEE", _("Associée")
    INTERPRETEE_OCR = "INTERPRETEE_OCR", _("Interprétée (OCR)")
    NON_CONFORME = "NON_CONFORME", _("Non conforme")
    EN_COURS_TRAITEMENT_PIVOT_S = "EN_COURS_TRAITEMENT_PIVOT_S", _("En cours de traitement (pivot)")
    TECHNIQUE_INCONNU = "TECHNIQUE_INCONNU", _("Statut technique inconnu")
    # Validator circuit (A9, A12).
    A_VALIDER_1 = "A_VALIDER_1", _("À valider (1)")
    VALIDEE_1 = "VALIDEE_1", _("Validée (1)")
    REFUSEE_1 = "REFUSEE_1", _("Refusée (1)")
    ABSENCE_VALIDATION_1_HORS_DELAI = (
        "ABSENCE_VALIDATION_1_HORS_DELAI",
        _("Absence de validation (1) hors délai"),
    )
    A_VALIDER_2 = "A_VALIDER_2", _("À valider (2)")
    VALIDEE_2 = "VALIDEE_2", _("Validée (2)")
    REFUSEE_2 = "REFUSEE_2", _("Refusée (2)")
    ABSENCE_VALIDATION_2_HORS_DELAI = (
        "ABSENCE_VALIDATION_2_HORS_DELAI",
        _("Absence de validation (2) hors délai"),
    )
    ERREUR_FOURNISSEUR_SUR_VALIDEUR = (
        "ERREUR_FOURNISSEUR_SUR_VALIDEUR",
        _("Erreur du fournisseur sur le valideur"),
    )
    ERREUR_COTRAITANT_SUR_VALIDEUR = (
        "ERREUR_COTRAITANT_SUR_VALIDEUR",
        _("Erreur du cotraitant sur le valideur"),
    )
    # Works circuit.
    A_VALIDER_MOE = "A_VALIDER_MOE", _("À valider par la MOE")
    REFUSEE_MOE = "REFUSEE_MOE", _("Refusée par la MOE")
    ERREUR_FOURNISSEUR_SUR_MOE = "ERREUR_FOURNISSEUR_SUR_MOE", _("Erreur du fournisseur sur la MOE")
    ERREUR_MOE_SUR_FOURNISSEUR = (
        "ERREUR_MOE_SUR_FOURNISSEUR",
        _("Erreur de la MOE sur le fournisseur"),
    )
    ERREUR_MOA_SUR_FOURNISSEUR = (
        "ERREUR_MOA_SUR_FOURNISSEUR",
        _("Erreur de la MOA sur le fournisseur"),
    )
    ERREUR_FOURNISSEUR_SUR_MOA = "ERREUR_FOURNISSEUR_SUR_MOA", _("Erreur du fournisseur sur la MOA")
    ERREUR_MOE_SUR_MOA = "ERREUR_MOE_SUR_MOA", _("Erreur de la MOE sur la MOA")
    ERREUR_DESTINATAIRE_PD = "ERREUR_DESTINATAIRE_PD", _("Erreur de destinataire (PD)")
    ERREUR_DESTINATAIRE_EA = "ERREUR_DESTINATAIRE_EA", _("Erreur de destinataire (EA)")
    A_ASSOCIER_MOE = "A_ASSOCIER_MOE", _("À associer par la MOE")
    ERREUR_DE_MOE = "ERREUR_DE_MOE", _("Erreur de MOE")
    MISE_A_DISPOSITION_MOE = "MISE_A_DISPOSITION_MOE", _("Mise à disposition de la MOE")
    PRISE_EN_COMPTE_MOE = "PRISE_EN_COMPTE_MOE", _("Prise en compte par la MOE")
    A_ASSOCIER_MOA = "A_ASSOCIER_MOA", _("À associer par la MOA")
    ERREUR_DE_MOA = "ERREUR_DE_MOA", _("Erreur de MOA")
    REFUSEE_MOA = "REFUSEE_MOA", _("Refusée par la MOA")
    A_ASSOCIER_FOURNISSEUR = "A_ASSOCIER_FOURNISSEUR", _("À associer par le fournisseur")
    REFUSEE_FOURNISSEUR = "REFUSEE_FOURNISSEUR", _("Refusée par le fournisseur")
    A_COMPLETER = "A_COMPLETER", _("À compléter")
    TRANSMISE_MOA = "TRANSMISE_MOA", _("Transmise à la MOA")
    PRISE_EN_COMPTE_DESTINATAIRE = (
        "PRISE_EN_COMPTE_DESTINATAIRE",
        _("Prise en compte par le destinataire"),
    )
    MISE_A_DISPOSITION_MOA = "MISE_A_DISPOSITION_MOA", _("Mise à disposition de la MOA")
    PRISE_EN_COMPTE_MOA = "PRISE_EN_COMPTE_MOA", _("Prise en compte par la MOA")
    REMPLACEE_PAR_A22 = "REMPLACEE_PAR_A22", _("Remplacée par un A22")
    DUPLIQUE_APRES_REFUS = "DUPLIQUE_APRES_REFUS", _("Dupliquée après refus")
    ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE = (
        "ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE",
        _("Absence de validation de la MOE dans le délai réglementaire"),
    )
    EN_ATTENTE_RECYCLAGE_FOURNISSEUR = (
        "EN_ATTENTE_RECYCLAGE_FOURNISSEUR",
        _("En attente de recyclage par le fournisseur"),
    )


# Statuses in which an invoice still waits for the recipient's payment (« Synthèse »: amounts due).
STATUSES_DUE = frozenset(
    {
        InvoiceStatus.DEPOSEE,
        InvoiceStatus.EN_COURS_ACHEMINEMENT,
        InvoiceStatus.MISE_A_DISPOSITION,
        InvoiceStatus.A_RECYCLER,
        InvoiceStatus.SUSPENDUE,
        InvoiceStatus.COMPLETEE,
        InvoiceStatus.SERVICE_FAIT,
        InvoiceStatus.MANDATEE,
        InvoiceStatus.MISE_A_DISPOSITION_COMPTABLE,
        InvoiceStatus.COMPTABILISEE,
    }
)


class FluxStatus(models.TextChoices):
    """`etatCourantFlux` (reference C.8)."""

    IN_RECU = "IN_RECU", _("Reçu")
    IN_TRAITE_SE_CPP = "IN_TRAITE_SE_CPP", _("Transmis au système d'échange")
    IN_EN_ATTENTE_TRAITEMENT_CPP = "IN_EN_ATTENTE_TRAITEMENT_CPP", _("En attente de traitement")
    IN_EN_COURS_TRAITEMENT_CPP = "IN_EN_COURS_TRAITEMENT_CPP", _("En cours de traitement")
    IN_INTEGRE = "IN_INTEGRE", _("Intégré")
    IN_INTEGRE_PARTIEL = "IN_INTEGRE_PARTIEL", _("Intégré partiellement")
    IN_REJETE = "IN_REJETE", _("Rejeté")
    IN_INCIDENTE = "IN_INCIDENTE", _("Incidenté : à déposer de nouveau")
    IN_EN_ATTENTE_RETRAITEMENT_CPP = (
        "IN_EN_ATTENTE_RETRAITEMENT_CPP",
        _("En attente de retraitement"),
    )


FLUX_FINAL_STATUSES = frozenset(
    {
        FluxStatus.IN_INTEGRE,
        FluxStatus.IN_INTEGRE_PARTIEL,
        FluxStatus.IN_REJETE,
        FluxStatus.IN_INCIDENTE,
    }
)


class CadreFacturation(models.TextChoices):
    """`codeCadreFacturation` (reference C.3): simple invoices, the other payment requests
    (A3 mémoires de frais de justice, A21 remboursements TIC), the validator circuit (A9, A12)
    and the works circuit (A4-A8, A10, A11, A13-A20, A22-A25, choeur/works/)."""

    A1_FACTURE_FOURNISSEUR = (
        "A1_FACTURE_FOURNISSEUR",
        _("A1 — Dépôt par un fournisseur d'une facture"),
    )
    A2_FACTURE_FOURNISSEUR_DEJA_PAYEE = (
        "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE",
        _("A2 — Dépôt par un fournisseur d'une facture déjà payée"),
    )
    A3_MEMOIRE_JUSTICE = (
        "A3_MEMOIRE_JUSTICE",
        _("A3 — Dépôt d'un mémoire de frais de justice"),
    )
    A21_DEMANDE_REMBOURSEMENT_TIC = (
        "A21_DEMANDE_REMBOURSEMENT_TIC",
        _("A21 — Dépôt d'une demande de remboursement de la TIC"),
    )
    A9_FACTURE_SOUSTRAITANT = (
        "A9_FACTURE_SOUSTRAITANT",
        _("A9 — Dépôt par un sous-traitant d'une facture"),
    )
    A12_FACTURE_COTRAITANT = (
        "A12_FACTURE_COTRAITANT",
        _("A12 — Dépôt par un cotraitant d'une facture"),
    )
    # Works invoices (CCAG Travaux): the circuit in choeur/works/.
    A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR = (
        "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR",
        _("A4 — Dépôt par un fournisseur d'un projet de décompte mensuel"),
    )
    A5_ETAT_ACOMPTE_FOURNISSEUR = (
        "A5_ETAT_ACOMPTE_FOURNISSEUR",
        _("A5 — Dépôt par un fournisseur d'un état d'acompte"),
    )
    A6_ETAT_ACOMPTE_VALIDE_FOURNISSEUR = (
        "A6_ETAT_ACOMPTE_VALIDE_FOURNISSEUR",
        _("A6 — Dépôt par un fournisseur d'un état d'acompte validé"),
    )
    A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR = (
        "A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR",
        _("A7 — Dépôt par un fournisseur d'un projet de décompte final"),
    )
    A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR = (
        "A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR",
        _("A8 — Dépôt par un fournisseur d'un décompte général et définitif"),
    )
    A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT = (
        "A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT",
        _("A10 — Dépôt par un sous-traitant d'un projet de décompte mensuel"),
    )
    A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT = (
        "A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT",
        _("A11 — Dépôt par un sous-traitant d'un projet de décompte final"),
    )
    A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT = (
        "A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT",
        _("A13 — Dépôt par un cotraitant d'un projet de décompte mensuel"),
    )
    A14_PROJET_DECOMPTE_FINAL_COTRAITANT = (
        "A14_PROJET_DECOMPTE_FINAL_COTRAITANT",
        _("A14 — Dépôt par un cotraitant d'un projet de décompte final"),
    )
    A15_ETAT_ACOMPTE_MOE = (
        "A15_ETAT_ACOMPTE_MOE",
        _("A15 — Dépôt par la maîtrise d'œuvre d'un état d'acompte"),
    )
    A16_ETAT_ACOMPTE_VALIDE_MOE = (
        "A16_ETAT_ACOMPTE_VALIDE_MOE",
        _("A16 — Dépôt par la maîtrise d'œuvre d'un état d'acompte validé"),
    )
    A17_PROJET_DECOMPTE_GENERAL_MOE = (
        "A17_PROJET_DECOMPTE_GENERAL_MOE",
        _("A17 — Dépôt par la maîtrise d'œuvre d'un projet de décompte général"),
    )
    A18_DECOMPTE_GENERAL_MOE = (
        "A18_DECOMPTE_GENERAL_MOE",
        _("A18 — Dépôt par la maîtrise d'œuvre d'un décompte général"),
    )
    A19_ETAT_ACOMPTE_VALIDE_MOA = (
        "A19_ETAT_ACOMPTE_VALIDE_MOA",
        _("A19 — Dépôt par la maîtrise d'ouvrage d'un état d'acompte validé"),
    )
    A20_DECOMPTE_GENERAL_MOA = (
        "A20_DECOMPTE_GENERAL_MOA",
        _("A20 — Dépôt par la maîtrise d'ouvrage d'un décompte général"),
    )
    A22_PROJET_DECOMPTE_GENERAL_FOURNISSEUR_PROCEDURE_TACITE = (
        "A22_PROJET_DECOMPTE_GENERAL_FOURNISSEUR_PROCEDURE_TACITE",
        _("A22 — Projet de décompte général du fournisseur (procédure tacite)"),
    )
    A23_DECOMPTE_GENERAL_DEFINITIF_TACITE_FOURNISSEUR = (
        "A23_DECOMPTE_GENERAL_DEFINITIF_TACITE_FOURNISSEUR",
        _("A23 — Décompte général et définitif tacite du fournisseur"),
    )
    A24_DECOMPTE_GENERAL_DEFINITIF_TACITE_MOE = (
        "A24_DECOMPTE_GENERAL_DEFINITIF_TACITE_MOE",
        _("A24 — Décompte général et définitif tacite de la maîtrise d'œuvre"),
    )
    A25_DECOMPTE_GENERAL_DEFINITIF_MOE_PROCEDURE_TACITE = (
        "A25_DECOMPTE_GENERAL_DEFINITIF_MOE_PROCEDURE_TACITE",
        _("A25 — Décompte général et définitif de la maîtrise d'œuvre (procédure tacite)"),
    )

    @classmethod
    def from_code(cls, code: str | None) -> CadreFacturation | None:
        """The cadre named by BT-23 (« A1 », « A1_FACTURE_FOURNISSEUR »...), or None."""
        if not code:
            return None
        wanted = code.strip().upper()
        for member in cls:
            if member.value == wanted or member.value.split("_", 1)[0] == wanted:
                return member
        return None


class ModeDepot(models.TextChoices):
    """`modeDepot` (reference C.1)."""

    SAISIE_WEB = "SAISIE_WEB", _("Saisie sur le portail")
    PORTAIL_PDF = "PORTAIL_PDF", _("PDF déposé sur le portail")
    EDI_XML_STRUCT = "EDI_XML_STRUCT", _("EDI, XML structuré")
    EDI_MIXTE = "EDI_MIXTE", _("EDI, mixte")
    EDI_PDF_ARCHIVE = "EDI_PDF_ARCHIVE", _("EDI, archive PDF")
    SAISIE_PORTAIL = "SAISIE_PORTAIL", _("Saisie sur le portail (ancienne)")
    SAISIE_API = "SAISIE_API", _("Saisie par l'API")
    DEPOT_PDF_PORTAIL = "DEPOT_PDF_PORTAIL", _("Dépôt PDF sur le portail")
    DEPOT_PDF_SIGNE_PORTAIL = "DEPOT_PDF_SIGNE_PORTAIL", _("Dépôt PDF signé sur le portail")
    DEPOT_PDF_API = "DEPOT_PDF_API", _("Dépôt PDF par l'API")
    DEPOT_PDF_SIGNE_API = "DEPOT_PDF_SIGNE_API", _("Dépôt PDF signé par l'API")
    EDI = "EDI", _("EDI")
    UPLOAD_PORTAIL = "UPLOAD_PORTAIL", _("Flux déposé sur le portail")
    UPLOAD_API = "UPLOAD_API", _("Flux déposé par l'API")
    EDI_NUMERISATION = "EDI_NUMERISATION", _("Numérisation")


class SyntaxeFlux(models.TextChoices):
    """`syntaxeFlux` (reference C.2): the invoice syntaxes this platform integrates."""

    IN_DP_E1_UBL_INVOICE = "IN_DP_E1_UBL_INVOICE", _("UBL 2.1 (E1)")
    IN_DP_E1_CII_16B = "IN_DP_E1_CII_16B", _("CII D16B (E1)")
    IN_DP_E2_CII_FACTURX = "IN_DP_E2_CII_FACTURX", _("Factur-X (E2)")


# The einvoice core's detected syntax -> the flux syntax code.
SYNTAXE_BY_DETECTED = {
    "ubl": SyntaxeFlux.IN_DP_E1_UBL_INVOICE,
    "cii": SyntaxeFlux.IN_DP_E1_CII_16B,
    "facturx": SyntaxeFlux.IN_DP_E2_CII_FACTURX,
}


class InvoiceType(models.TextChoices):
    """`typeFacture` (reference C.4)."""

    FACTURE = "FACTURE", _("Facture")
    AVOIR = "AVOIR", _("Avoir")
    ACOMPTE = "ACOMPTE", _("Facture d'acompte")


class TvaRegime(models.TextChoices):
    """`typeTva` (reference C.4)."""

    TVA_SUR_DEBIT = "TVA_SUR_DEBIT", _("TVA sur les débits")
    TVA_SUR_ENCAISSEMENT = "TVA_SUR_ENCAISSEMENT", _("TVA sur les encaissements")
    EXONERATION = "EXONERATION", _("Exonération de TVA")
    SANS_TVA = "SANS_TVA", _("Sans TVA")


class AttachmentKind(models.TextChoices):
    PRINCIPALE = "PRINCIPALE", _("Pièce jointe principale")
    COMPLEMENTAIRE = "COMPLEMENTAIRE", _("Pièce jointe complémentaire")


class ItemOutcome(models.TextChoices):
    """Outcome of one invoice of a flux in its compte rendu."""

    INTEGREE = "INTEGREE", _("Intégrée")
    REJETEE = "REJETEE", _("Rejetée")
