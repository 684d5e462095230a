"""The works circuit's records (CCAG Travaux, reference C.3): the « fiche identité du marché »
of an engagement juridique, the works part of an invoice, and the MOE's and MOA's documents.

The invoice itself stays an `invoices.Invoice` (EN 16931, recipient data, duplicates, history):
these rows only add what the works circuit needs, so the invoices' table is left alone.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from choeur.invoices.enums import CadreFacturation
from choeur.works.enums import WORKS_CADRES, MemberKind, TypeFactureTravaux, WorksRole

WORKS_CADRE_CHOICES = [(c.value, c.label) for c in CadreFacturation if c.value in WORKS_CADRES]


class WorksContract(models.Model):
    """« Fiche identité du marché »: who is supplier, MOE, MOA and paying service of a works
    contract, kept on its engagement juridique so every deposit under it is routed without
    re-typing (reference C.3)."""

    engagement = models.OneToOneField(
        "structures.EngagementJuridique",
        verbose_name=_("engagement juridique"),
        on_delete=models.CASCADE,
        related_name="works_contract",
    )
    label = models.CharField(_("objet du marché"), max_length=255)
    contract_number = models.CharField(_("numéro du marché"), max_length=50, blank=True)
    supplier = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("titulaire (fournisseur)"),
        on_delete=models.PROTECT,
        related_name="works_contracts_as_supplier",
    )
    # A contract without maîtrise d'œuvre: the projets go to the MOA directly.
    moe = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("maîtrise d'œuvre (MOE)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="works_contracts_as_moe",
    )
    moe_service = models.ForeignKey(
        "structures.Service",
        verbose_name=_("service de la MOE"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    moa = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("maîtrise d'ouvrage (MOA)"),
        on_delete=models.PROTECT,
        related_name="works_contracts_as_moa",
    )
    moa_service = models.ForeignKey(
        "structures.Service",
        verbose_name=_("service de la MOA"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The paying structure is the engagement's; its service, when it is not the engagement's.
    payer_service = models.ForeignKey(
        "structures.Service",
        verbose_name=_("service payeur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("fiche identité du marché")
        verbose_name_plural = _("fiches identité du marché")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.label} ({self.engagement.number})"


class WorksContractMember(models.Model):
    """A subcontractor (first rank, direct payment) or a co-contractor of a works contract, on
    its fiche identité du marché: its projets de décompte (A10/A11, A13/A14) are routed to their
    validator without re-typing. A subcontractor of a co-contractor (`under`) is validated by
    that co-contractor, then by the titulaire as mandataire (two levels)."""

    contract = models.ForeignKey(
        WorksContract,
        verbose_name=_("fiche identité du marché"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    structure = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("entreprise"),
        on_delete=models.PROTECT,
        related_name="works_memberships",
    )
    kind = models.CharField(_("qualité"), max_length=20, choices=MemberKind.choices)
    under = models.ForeignKey(
        "self",
        verbose_name=_("sous-traitant du cotraitant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subcontractors",
    )
    created_at = models.DateTimeField(_("ajouté le"), auto_now_add=True)

    class Meta:
        verbose_name = _("sous-traitant ou cotraitant du marché")
        verbose_name_plural = _("sous-traitants et cotraitants du marché")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "structure"], name="works_member_once_per_contract"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.structure_id} ({self.kind}) — {self.contract_id}"


class WorksInvoice(models.Model):
    """The works part of an invoice: its cadre and type, its contract, the MOE and MOA it was
    routed to, and when the current regulatory delay started."""

    invoice = models.OneToOneField(
        "invoices.Invoice",
        verbose_name=_("facture"),
        on_delete=models.CASCADE,
        related_name="works",
    )
    contract = models.ForeignKey(
        WorksContract,
        verbose_name=_("fiche identité du marché"),
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    cadre = models.CharField(_("cadre de facturation"), max_length=60, choices=WORKS_CADRE_CHOICES)
    type_facture_travaux = models.CharField(
        _("type de facture de travaux"), max_length=60, choices=TypeFactureTravaux.choices
    )
    moe = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("maîtrise d'œuvre (MOE)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="works_invoices_as_moe",
    )
    moa = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("maîtrise d'ouvrage (MOA)"),
        on_delete=models.PROTECT,
        related_name="works_invoices_as_moa",
    )
    # Start of the delay of the party that holds the invoice now (MOE, then MOA).
    stage_started_at = models.DateTimeField(_("début du délai en cours"), db_index=True)
    downloaded_by_moe_at = models.DateTimeField(_("téléchargée par la MOE le"), null=True)
    downloaded_by_moa_at = models.DateTimeField(_("téléchargée par la MOA le"), null=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("facture de travaux")
        verbose_name_plural = _("factures de travaux")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.invoice_id} ({self.cadre})"


class WorksDocument(models.Model):
    """A document of the MOE (état d'acompte, projet de décompte général...) or of the MOA
    (état d'acompte validé, décompte général), or one the platform records when a regulatory
    delay ran out (tacit procedure)."""

    works_invoice = models.ForeignKey(
        WorksInvoice,
        verbose_name=_("facture de travaux"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    cadre = models.CharField(_("cadre de facturation"), max_length=60, choices=WORKS_CADRE_CHOICES)
    type_facture_travaux = models.CharField(
        _("type"), max_length=60, choices=TypeFactureTravaux.choices
    )
    role = models.CharField(_("émis par"), max_length=20, choices=WorksRole.choices)
    structure = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("structure émettrice"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    number = models.CharField(_("numéro"), max_length=100)
    amount_ht = models.DecimalField(_("montant HT retenu"), max_digits=19, decimal_places=2)
    amount_ttc = models.DecimalField(_("montant TTC retenu"), max_digits=19, decimal_places=2)
    comment = models.TextField(_("commentaire"), blank=True)
    file = models.ForeignKey(
        "core.StoredFile",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    file_name = models.CharField(_("nom du fichier"), max_length=255, blank=True)
    tacit = models.BooleanField(_("procédure tacite"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("déposé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("déposé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("document de travaux")
        verbose_name_plural = _("documents de travaux")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_ttc__gte=0) & Q(amount_ht__gte=0),
                name="works_document_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.cadre})"
