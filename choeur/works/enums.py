"""Code lists of the works circuit (CCAG Travaux, reference C.3). Wire values are the platform's."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from choeur.invoices.enums import CadreFacturation as C


class WorksRole(models.TextChoices):
    """`roleUtilisateur` of `facturesTravaux/v1/rechercher` (reference B, GO `RoleUtilisateur`)."""

    FOURNISSEUR = "FOURNISSEUR", _("Fournisseur")
    MOE = "MOE", _("Maîtrise d'œuvre")
    MOA = "MOA", _("Maîtrise d'ouvrage")


class MemberKind(models.TextChoices):
    """The other firms of a works contract, on its fiche identité du marché."""

    SOUSTRAITANT = "SOUSTRAITANT", _("Sous-traitant de premier rang (paiement direct)")
    COTRAITANT = "COTRAITANT", _("Cotraitant (groupement, le titulaire en est le mandataire)")


class TypeFactureTravaux(models.TextChoices):
    """`typeFactureTravaux` (reference C.3, PHP ITypeFactureTravaux)."""

    DP_DE_SOUSTRAITANT_TRAVAUX = (
        "DP_DE_SOUSTRAITANT_TRAVAUX",
        _("Demande de paiement de sous-traitant"),
    )
    PROJET_DECOMPTE_MENSUEL = "PROJET_DECOMPTE_MENSUEL", _("Projet de décompte mensuel")
    ETAT_ACOMPTE = "ETAT_ACOMPTE", _("État d'acompte")
    ETAT_ACOMPTE_VALIDE = "ETAT_ACOMPTE_VALIDE", _("État d'acompte validé")
    PROJET_DECOMPTE_FINAL = "PROJET_DECOMPTE_FINAL", _("Projet de décompte final")
    PROJET_DECOMPTE_GENERAL = "PROJET_DECOMPTE_GENERAL", _("Projet de décompte général")
    PROJET_DECOMPTE_GENERAL_PROCEDURE_TACITE = (
        "PROJET_DECOMPTE_GENERAL_PROCEDURE_TACITE",
        _("Projet de décompte général (procédure tacite)"),
    )
    DECOMPTE_GENERAL = "DECOMPTE_GENERAL", _("Décompte général")
    DECOMPTE_GENERAL_SIGNE = "DECOMPTE_GENERAL_SIGNE", _("Décompte général signé")
    DECOMPTE_GENERAL_DEFINITIF_TACITE = (
        "DECOMPTE_GENERAL_DEFINITIF_TACITE",
        _("Décompte général et définitif tacite"),
    )
    DECOMPTE_GENERAL_DEFINITIF_PROCEDURE_TACITE = (
        "DECOMPTE_GENERAL_DEFINITIF_PROCEDURE_TACITE",
        _("Décompte général et définitif (procédure tacite)"),
    )


T = TypeFactureTravaux
# Each works cadre, the type of document it carries.
TYPE_BY_CADRE: dict[str, str] = {
    C.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR: T.PROJET_DECOMPTE_MENSUEL,
    C.A5_ETAT_ACOMPTE_FOURNISSEUR: T.ETAT_ACOMPTE,
    C.A6_ETAT_ACOMPTE_VALIDE_FOURNISSEUR: T.ETAT_ACOMPTE_VALIDE,
    C.A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR: T.PROJET_DECOMPTE_FINAL,
    C.A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR: T.DECOMPTE_GENERAL_SIGNE,
    C.A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT: T.PROJET_DECOMPTE_MENSUEL,
    C.A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT: T.PROJET_DECOMPTE_FINAL,
    C.A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT: T.PROJET_DECOMPTE_MENSUEL,
    C.A14_PROJET_DECOMPTE_FINAL_COTRAITANT: T.PROJET_DECOMPTE_FINAL,
    C.A15_ETAT_ACOMPTE_MOE: T.ETAT_ACOMPTE,
    C.A16_ETAT_ACOMPTE_VALIDE_MOE: T.ETAT_ACOMPTE_VALIDE,
    C.A17_PROJET_DECOMPTE_GENERAL_MOE: T.PROJET_DECOMPTE_GENERAL,
    C.A18_DECOMPTE_GENERAL_MOE: T.DECOMPTE_GENERAL,
    C.A19_ETAT_ACOMPTE_VALIDE_MOA: T.ETAT_ACOMPTE_VALIDE,
    C.A20_DECOMPTE_GENERAL_MOA: T.DECOMPTE_GENERAL,
    C.A22_PROJET_DECOMPTE_GENERAL_FOURNISSEUR_PROCEDURE_TACITE: (
        T.PROJET_DECOMPTE_GENERAL_PROCEDURE_TACITE
    ),
    C.A23_DECOMPTE_GENERAL_DEFINITIF_TACITE_FOURNISSEUR: T.DECOMPTE_GENERAL_DEFINITIF_TACITE,
    C.A24_DECOMPTE_GENERAL_DEFINITIF_TACITE_MOE: T.DECOMPTE_GENERAL_DEFINITIF_TACITE,
    C.A25_DECOMPTE_GENERAL_DEFINITIF_MOE_PROCEDURE_TACITE: (
        T.DECOMPTE_GENERAL_DEFINITIF_PROCEDURE_TACITE
    ),
}
WORKS_CADRES = frozenset(TYPE_BY_CADRE)

# Who deposits which cadre (the « fiche identité du marché » formalises it, reference C.3).
# The supplier's deposits are invoices (EN 16931, mandatory recipient data, duplicates); the
# MOE's and the MOA's are the documents of their answer, attached to the supplier's invoice.
# A subcontractor's (A10, A11) and a co-contractor's (A13, A14) projets are first accepted by
# the titulaire, resp. the mandataire (the validator circuit, recorded on the fiche identité du
# marché), then go to the MOE like the titulaire's own.
SUBCONTRACTOR_CADRES = frozenset(
    {
        C.A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT,
        C.A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT,
    }
)
COCONTRACTOR_CADRES = frozenset(
    {
        C.A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT,
        C.A14_PROJET_DECOMPTE_FINAL_COTRAITANT,
    }
)
VALIDATED_CADRES = SUBCONTRACTOR_CADRES | COCONTRACTOR_CADRES
SUPPLIER_TO_MOE = frozenset(
    {
        C.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR,
        C.A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR,
        *VALIDATED_CADRES,
    }
)
SUPPLIER_TO_MOA = frozenset(
    {
        C.A5_ETAT_ACOMPTE_FOURNISSEUR,
        C.A22_PROJET_DECOMPTE_GENERAL_FOURNISSEUR_PROCEDURE_TACITE,
    }
)
SUPPLIER_TO_PAYER = frozenset(
    {
        C.A6_ETAT_ACOMPTE_VALIDE_FOURNISSEUR,
        C.A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR,
        C.A23_DECOMPTE_GENERAL_DEFINITIF_TACITE_FOURNISSEUR,
    }
)
SUPPLIER_CADRES = SUPPLIER_TO_MOE | SUPPLIER_TO_MOA | SUPPLIER_TO_PAYER
MOE_CADRES = frozenset(
    {
        C.A15_ETAT_ACOMPTE_MOE,
        C.A16_ETAT_ACOMPTE_VALIDE_MOE,
        C.A17_PROJET_DECOMPTE_GENERAL_MOE,
        C.A18_DECOMPTE_GENERAL_MOE,
        C.A24_DECOMPTE_GENERAL_DEFINITIF_TACITE_MOE,
        C.A25_DECOMPTE_GENERAL_DEFINITIF_MOE_PROCEDURE_TACITE,
    }
)
MOA_CADRES = frozenset({C.A19_ETAT_ACOMPTE_VALIDE_MOA, C.A20_DECOMPTE_GENERAL_MOA})
# A monthly projet leads to an état d'acompte; a final one to a décompte général.
MONTHLY_CADRES = frozenset(
    {
        C.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR,
        C.A5_ETAT_ACOMPTE_FOURNISSEUR,
        C.A6_ETAT_ACOMPTE_VALIDE_FOURNISSEUR,
        C.A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT,
        C.A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT,
    }
)
MOE_CADRES_FOR_MONTHLY = frozenset({C.A15_ETAT_ACOMPTE_MOE, C.A16_ETAT_ACOMPTE_VALIDE_MOE})
MOE_CADRES_FOR_FINAL = MOE_CADRES - MOE_CADRES_FOR_MONTHLY
MOA_CADRE_FOR_MONTHLY = C.A19_ETAT_ACOMPTE_VALIDE_MOA
MOA_CADRE_FOR_FINAL = C.A20_DECOMPTE_GENERAL_MOA


def cadre_label(code: str) -> str:
    try:
        return str(C(code).label)
    except ValueError:
        return code
