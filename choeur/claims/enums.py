"""Code lists of the other payment requests (reference C.3): mémoires de frais de justice (A3)
and demandes de remboursement TIC (A21). Kind values are the wire's `typeDemandePaiement`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from choeur.invoices.enums import CadreFacturation, InvoiceStatus
from choeur.structures.enums import Espace


class ClaimKind(models.TextChoices):
    """`typeDemandePaiement` of the requests this app deposits (reference C.3)."""

    MEMOIRE_JUSTICE = "MEMOIRE_JUSTICE", _("Mémoire de frais de justice")
    DEMANDE_REMBOURSEMENT = "DEMANDE_REMBOURSEMENT", _("Demande de remboursement TIC")


CADRE_OF_KIND: dict[str, str] = {
    ClaimKind.MEMOIRE_JUSTICE: CadreFacturation.A3_MEMOIRE_JUSTICE.value,
    ClaimKind.DEMANDE_REMBOURSEMENT: CadreFacturation.A21_DEMANDE_REMBOURSEMENT_TIC.value,
}
KIND_OF_CADRE: dict[str, str] = {cadre: kind for kind, cadre in CADRE_OF_KIND.items()}
CLAIM_CADRES = frozenset(CADRE_OF_KIND.values())
# The espace of each kind (reference B.4), on the depositor's side and on the recipient's.
ESPACE_OF_KIND: dict[str, str] = {
    ClaimKind.MEMOIRE_JUSTICE: Espace.MEMOIRES_JUSTICE,
    ClaimKind.DEMANDE_REMBOURSEMENT: Espace.DEMANDES_REMBOURSEMENT_TIC,
}
# The structures' flag naming the public structures that receive each kind.
RECIPIENT_FLAG: dict[str, str] = {
    ClaimKind.MEMOIRE_JUSTICE: "receives_memoires_justice",
    ClaimKind.DEMANDE_REMBOURSEMENT: "receives_tic_refunds",
}


# The statuses a mémoire or a TIC refund goes through: the invoice's (reference C.9, A1 path);
# neither circuit (validators, works) applies to them.
CLAIM_STATUSES = [
    InvoiceStatus.DEPOSEE,
    InvoiceStatus.EN_COURS_ACHEMINEMENT,
    InvoiceStatus.MISE_A_DISPOSITION,
    InvoiceStatus.A_RECYCLER,
    InvoiceStatus.SUSPENDUE,
    InvoiceStatus.COMPLETEE,
    InvoiceStatus.REJETEE,
    InvoiceStatus.SERVICE_FAIT,
    InvoiceStatus.MANDATEE,
    InvoiceStatus.MISE_A_DISPOSITION_COMPTABLE,
    InvoiceStatus.COMPTABILISEE,
    InvoiceStatus.MISE_EN_PAIEMENT,
]


def type_demande_paiement(cadre: str, *, works: bool | None = None) -> str:
    """The `typeDemandePaiement` of a payment request: FACTURE_TRAVAUX for a works invoice (a
    works cadre, unless `works` says), MEMOIRE_JUSTICE (A3), DEMANDE_REMBOURSEMENT (A21),
    otherwise FACTURE."""
    if works is None:
        from choeur.works.enums import WORKS_CADRES

        works = cadre in WORKS_CADRES
    if works:
        return "FACTURE_TRAVAUX"
    return KIND_OF_CADRE.get(cadre, "FACTURE")


class MissionNature(models.TextChoices):
    """What the prestataire de justice was required to do (the mémoire's « nature de la
    mission », code de procédure pénale art. R92 and following)."""

    EXPERTISE = "EXPERTISE", _("Expertise")
    INTERPRETARIAT = "INTERPRETARIAT", _("Interprétariat")
    TRADUCTION = "TRADUCTION", _("Traduction")
    ENQUETE_SOCIALE = "ENQUETE_SOCIALE", _("Enquête sociale")
    ENQUETE_PERSONNALITE = "ENQUETE_PERSONNALITE", _("Enquête de personnalité")
    ANALYSES = "ANALYSES", _("Analyses (toxicologiques, génétiques…)")
    GARDIENNAGE = "GARDIENNAGE", _("Gardiennage de scellés ou de véhicules")
    INTERCEPTIONS = "INTERCEPTIONS", _("Réquisitions téléphoniques ou informatiques")
    AUTRE = "AUTRE", _("Autre mission")


class TicProduct(models.TextChoices):
    """The energy products whose taxe intérieure de consommation farmers get partly refunded."""

    GAZOLE_NON_ROUTIER = "GAZOLE_NON_ROUTIER", _("Gazole non routier")
    FIOUL_LOURD = "FIOUL_LOURD", _("Fioul lourd")
    GAZ_NATUREL = "GAZ_NATUREL", _("Gaz naturel")
