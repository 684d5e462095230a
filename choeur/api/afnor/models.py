"""The flows of the Flow Service (XP Z12-013) and its webhook subscriptions.

A `Flow` is what a company's software sees of one exchange with the platform, over the rows
that hold the exchange itself: an invoice deposited (`flux`), a lifecycle message published
for a status change (`change`, its CDAR written on demand from the history row), an invoice
received (`invoice`), a CDAR received from the buyer's software (`original`). Nothing here is
a second copy of an invoice: the deposit pipeline, the lifecycle and the webhooks' delivery
are the ones of the pages and of /cpro.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from choeur.api.afnor.enums import (
    AckStatus,
    FlowDirection,
    FlowProfile,
    FlowSyntax,
    FlowType,
    ProcessingRule,
    RuleSource,
)


class Flow(models.Model):
    flow_id = models.UUIDField(_("identifiant du flux (flowId)"), default=uuid.uuid4, unique=True)
    # Whose flow it is: the structure of the technical accounts that see it.
    structure = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("structure"),
        on_delete=models.CASCADE,
        related_name="afnor_flows",
        db_index=False,
    )
    direction = models.CharField(_("sens"), max_length=3, choices=FlowDirection.choices)
    flow_type = models.CharField(_("type de flux"), max_length=40, choices=FlowType.choices)
    syntax = models.CharField(_("syntaxe"), max_length=10, choices=FlowSyntax.choices)
    profile = models.CharField(
        _("profil"), max_length=20, choices=FlowProfile.choices, default=FlowProfile.UNDEFINED
    )
    processing_rule = models.CharField(
        _("règle de traitement"),
        max_length=20,
        choices=ProcessingRule.choices,
        default=ProcessingRule.B2G,
    )
    processing_rule_source = models.CharField(
        _("origine de la règle"),
        max_length=10,
        choices=RuleSource.choices,
        default=RuleSource.COMPUTED,
    )
    name = models.CharField(_("nom du fichier"), max_length=255)
    tracking_id = models.CharField(
        _("identifiant de suivi (trackingId)"), max_length=64, blank=True
    )
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)
    ack_status = models.CharField(
        _("acquittement"), max_length=10, choices=AckStatus.choices, default=AckStatus.PENDING
    )
    # AcknowledgementDetail objects: [{"level", "item", "reasonCode", "reasonMessage"}].
    ack_details = models.JSONField(_("détail de l'acquittement"), default=list, blank=True)
    flux = models.ForeignKey(
        "invoices.Flux",
        verbose_name=_("flux de dépôt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="afnor_flows",
    )
    change = models.ForeignKey(
        "invoices.InvoiceStatusChange",
        verbose_name=_("changement de statut"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="afnor_flows",
    )
    invoice = models.ForeignKey(
        "invoices.Invoice",
        verbose_name=_("facture"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="afnor_flows",
    )
    original = models.ForeignKey(
        "core.StoredFile",
        verbose_name=_("fichier reçu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("reçu le"))
    updated_at = models.DateTimeField(_("modifié le"))

    class Meta:
        verbose_name = _("flux AFNOR")
        verbose_name_plural = _("flux AFNOR")
        ordering = ["updated_at", "pk"]
        # The search's order: the structure's flows by (updatedAt, id), the cursor's key.
        indexes = [
            models.Index(fields=["structure", "updated_at", "id"], name="afnor_flow_search"),
        ]
        constraints = [
            # One lifecycle flow per status change and structure, one reception per invoice.
            models.UniqueConstraint(
                fields=["change", "structure"],
                condition=Q(change__isnull=False),
                name="afnor_flow_one_per_change",
            ),
            models.UniqueConstraint(
                fields=["invoice", "structure", "flow_type"],
                condition=Q(invoice__isnull=False, change__isnull=True),
                name="afnor_flow_one_per_invoice",
            ),
            models.CheckConstraint(
                condition=Q(direction__in=FlowDirection.values), name="afnor_flow_direction"
            ),
            models.CheckConstraint(
                condition=Q(ack_status__in=AckStatus.values), name="afnor_flow_ack_status"
            ),
            models.CheckConstraint(
                condition=Q(flow_type__in=FlowType.values), name="afnor_flow_type"
            ),
            models.CheckConstraint(
                condition=Q(sha256="") | Q(sha256__regex=r"\A[0-9a-f]{64}\Z"),
                name="afnor_flow_sha256",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.flow_type} {self.flow_id}"


class FlowWebhook(models.Model):
    """A webhook subscription of the Flow Service: an endpoint of the notifications app (its
    delivery log, retries, SSRF guard, deactivation) with the filters of `WebhookParams`.
    It belongs to the technical account whose token created it, as the document requires."""

    webhook_id = models.UUIDField(_("identifiant (webhookId)"), default=uuid.uuid4, unique=True)
    endpoint = models.OneToOneField(
        "notifications.WebhookEndpoint",
        verbose_name=_("adresse"),
        on_delete=models.CASCADE,
        related_name="afnor_webhook",
    )
    account = models.ForeignKey(
        "structures.TechnicalAccount",
        verbose_name=_("compte technique"),
        on_delete=models.CASCADE,
        related_name="afnor_webhooks",
    )
    flow_types = models.JSONField(_("types de flux"), default=list, blank=True)
    flow_direction = models.CharField(
        _("sens"), max_length=3, choices=FlowDirection.choices, blank=True
    )
    ack_status = models.CharField(
        _("acquittement"), max_length=10, choices=AckStatus.choices, blank=True
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("abonnement AFNOR (webhook)")
        verbose_name_plural = _("abonnements AFNOR (webhooks)")
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(self.webhook_id)

    def wants(self, flow: Flow) -> bool:
        """The subscription's filters (WebhookParams): each one given must match."""
        if self.flow_types and flow.flow_type not in self.flow_types:
            return False
        if self.flow_direction and flow.direction != self.flow_direction:
            return False
        return not (self.ack_status and flow.ack_status != self.ack_status)
