"""What a mémoire de frais de justice (A3) or a demande de remboursement TIC (A21) says beyond an
invoice. The request itself is an `invoices.Invoice` of its cadre, integrated from the flux its
deposit made (lifecycle, « Factures reçues » processing, audit, the API): this row keeps the
request's own data, joined to the invoice through that flux."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from choeur.claims.enums import ClaimKind, MissionNature, TicProduct


class Claim(models.Model):
    kind = models.CharField(_("type de demande"), max_length=30, choices=ClaimKind.choices)
    # The deposit: a saisie's flux (its invoice at position 0), or the flux of an A3/A21
    # invoice sent through the API or a flux file (`claim_for_invoice`, at integration).
    flux = models.ForeignKey(
        "invoices.Flux", verbose_name=_("flux"), on_delete=models.PROTECT, related_name="claims"
    )
    # The request's invoice, set when integration creates it: one claim per invoice.
    invoice = models.OneToOneField(
        "invoices.Invoice",
        verbose_name=_("facture"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claim",
    )
    supplier = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("déposant"),
        on_delete=models.PROTECT,
        related_name="claims_sent",
    )
    recipient = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("destinataire"),
        on_delete=models.PROTECT,
        related_name="claims_received",
    )
    number = models.CharField(_("numéro"), max_length=100)
    # Mémoire de frais de justice.
    procedure_number = models.CharField(_("numéro de procédure"), max_length=60, blank=True)
    requisition_reference = models.CharField(
        _("référence de la réquisition"), max_length=60, blank=True
    )
    requisition_date = models.DateField(_("date de la réquisition"), null=True, blank=True)
    prescripteur = models.CharField(_("prescripteur"), max_length=200, blank=True)
    mission_nature = models.CharField(
        _("nature de la mission"), max_length=30, choices=MissionNature.choices, blank=True
    )
    mission_description = models.TextField(_("objet de la mission"), blank=True)
    # Demande de remboursement TIC.
    exploitation_name = models.CharField(_("exploitation"), max_length=255, blank=True)
    pacage_number = models.CharField(_("numéro PACAGE"), max_length=9, blank=True)
    campaign_year = models.PositiveSmallIntegerField(_("campagne"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("déposée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("déposée le"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("demande de paiement particulière")
        verbose_name_plural = _("mémoires de justice et demandes de remboursement TIC")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pacage_number="") | Q(pacage_number__regex=r"\A[0-9]{9}\Z"),
                name="claim_pacage_format",
            ),
            models.CheckConstraint(
                condition=~Q(kind=ClaimKind.DEMANDE_REMBOURSEMENT) | Q(campaign_year__isnull=False),
                name="claim_tic_has_campaign",
            ),
        ]
        indexes = [
            models.Index(fields=["supplier", "kind", "created_at"], name="claim_supplier_kind"),
            models.Index(fields=["recipient", "kind", "created_at"], name="claim_recipient_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class TicQuantity(models.Model):
    """One product of a demande de remboursement TIC: its quantity, the campaign's rate, the
    refund (the invoice line of that product)."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("demande"), on_delete=models.CASCADE, related_name="quantities"
    )
    product = models.CharField(_("produit"), max_length=30, choices=TicProduct.choices)
    quantity = models.DecimalField(_("quantité"), max_digits=15, decimal_places=3)
    unit = models.CharField(_("unité"), max_length=10)
    rate = models.DecimalField(_("taux de remboursement"), max_digits=10, decimal_places=4)
    rate_unit = models.CharField(_("unité du taux"), max_length=20)
    amount = models.DecimalField(_("montant remboursé"), max_digits=19, decimal_places=2)

    class Meta:
        verbose_name = _("quantité de produit énergétique")
        verbose_name_plural = _("quantités de produits énergétiques")
        ordering = ["claim", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "product"], name="tic_quantity_product"),
            models.CheckConstraint(
                condition=Q(quantity__gt=0) & Q(amount__gte=0), name="tic_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_product_display()} : {self.quantity} {self.unit}"
