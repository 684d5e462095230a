"""What the recipient's processing adds to an invoice, beside the invoices app's own rows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from choeur.lifecycle.enums import ActorKind


class RecipientProcessing(models.Model):
    """The recipient's side of one invoice: downloaded or not (C.10
    `factureTelechargeeParDestinataire`), the mandat number (`numeroDPMandat`)."""

    invoice = models.OneToOneField(
        "invoices.Invoice",
        verbose_name=_("facture"),
        on_delete=models.CASCADE,
        related_name="processing",
    )
    downloaded_at = models.DateTimeField(_("téléchargée le"), null=True, blank=True, db_index=True)
    downloaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("téléchargée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    mandat_number = models.CharField(_("numéro de mandat"), max_length=50, blank=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("traitement par le destinataire")
        verbose_name_plural = _("traitements par les destinataires")

    def __str__(self) -> str:
        return f"Traitement de la facture {self.invoice_id}"


class StatusChangeDetail(models.Model):
    """What the status history row of the invoices app does not say: who acted in which role,
    which optional statuses were skipped, whether the update came late (out of sequence)."""

    change = models.OneToOneField(
        "invoices.InvoiceStatusChange",
        verbose_name=_("changement de statut"),
        on_delete=models.CASCADE,
        related_name="detail",
    )
    actor_kind = models.CharField(_("en tant que"), max_length=20, choices=ActorKind.choices)
    out_of_order = models.BooleanField(_("hors séquence"), default=False)
    skipped = models.JSONField(_("statuts facultatifs sautés"), default=list, blank=True)
    mandat_number = models.CharField(_("numéro de mandat"), max_length=50, blank=True)
    reason_code = models.CharField(_("code du motif"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("détail d'un changement de statut")
        verbose_name_plural = _("détails des changements de statut")

    def __str__(self) -> str:
        return f"{self.change} ({self.get_actor_kind_display()})"
