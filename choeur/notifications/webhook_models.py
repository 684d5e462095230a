"""Signed webhooks (issue 14, « Push, not polling »): the endpoints a structure registers and
the log of every delivery made to them. The logic lives in `choeur.notifications.webhooks`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Bounds of what is kept of a receiver's answer and of our own error message.
RESPONSE_EXCERPT_MAX = 1000
ERROR_MAX = 500


class WebhookEvent(models.TextChoices):
    FLUX_INTEGRE = "flux.integre", _("Flux intégré (en tout ou partie)")
    FLUX_REJETE = "flux.rejete", _("Flux rejeté")
    FACTURE_RECUE = "facture.recue", _("Facture reçue")
    FACTURE_STATUT = "facture.statut", _("Statut d'une facture émise modifié")
    SOLLICITATION_REPONDUE = "sollicitation.repondue", _("Sollicitation répondue")


class WebhookDeliveryStatus(models.TextChoices):
    PENDING = "PENDING", _("À envoyer")
    DELIVERED = "DELIVERED", _("Livrée")
    FAILED = "FAILED", _("Abandonnée")


class WebhookEndpoint(models.Model):
    """An HTTPS address of a structure's software that Chœur calls on each subscribed event.

    The secret signs every request (HMAC-SHA256): the server must read it, so it is stored as
    is (not hashed), shown once to the manager who creates the endpoint and never again.
    """

    structure = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("structure"),
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
    )
    url = models.URLField(_("adresse"), max_length=500)
    secret = models.CharField(_("secret de signature"), max_length=64)
    events = models.JSONField(_("événements"), default=list)
    active = models.BooleanField(_("actif"), default=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The first failure of the current run of failures (cleared by any success).
    failing_since = models.DateTimeField(_("en échec depuis"), null=True, blank=True)
    disabled_at = models.DateTimeField(_("désactivé le"), null=True, blank=True)
    disabled_reason = models.CharField(_("motif de désactivation"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("adresse de notification (webhook)")
        verbose_name_plural = _("adresses de notification (webhooks)")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(url__regex=r"\Ahttps?://[^\s/]+"), name="webhook_endpoint_url_http"
            ),
            models.CheckConstraint(
                condition=Q(secret__regex=r"\A[0-9a-f]{64}\Z"),  # noqa: S106 - a format, not a secret
                name="webhook_endpoint_secret_hex",
            ),
            # A disabled endpoint is inactive and says why.
            models.CheckConstraint(
                condition=Q(disabled_at__isnull=True) | (Q(active=False) & ~Q(disabled_reason="")),
                name="webhook_endpoint_disabled_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.url

    def subscribes(self, event: str) -> bool:
        return event in (self.events or [])


class WebhookDelivery(models.Model):
    """One event for one endpoint: sent after commit, retried with backoff, kept as a log.
    Its id is the `X-Choeur-Delivery` header: a resend keeps it, so the receiver can ignore a
    delivery it has already processed."""

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("adresse"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event = models.CharField(_("événement"), max_length=40, choices=WebhookEvent.choices)
    payload = models.JSONField(_("contenu"))
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=WebhookDeliveryStatus.choices,
        default=WebhookDeliveryStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(
        _("dernier code HTTP"), null=True, blank=True
    )
    last_error = models.CharField(_("dernière erreur"), max_length=ERROR_MAX, blank=True)
    response_excerpt = models.CharField(
        _("début de la réponse"), max_length=RESPONSE_EXCERPT_MAX, blank=True
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("livrée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("livraison de webhook")
        verbose_name_plural = _("livraisons de webhooks")
        ordering = ["-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(event__in=WebhookEvent.values), name="webhook_delivery_event_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=WebhookDeliveryStatus.values),
                name="webhook_delivery_status_known",
            ),
            # Delivered exactly when it has a delivery time; a pending one knows when to try.
            models.CheckConstraint(
                condition=(
                    Q(status=WebhookDeliveryStatus.DELIVERED, delivered_at__isnull=False)
                    | (~Q(status=WebhookDeliveryStatus.DELIVERED) & Q(delivered_at__isnull=True))
                ),
                name="webhook_delivery_delivered_at",
            ),
            models.CheckConstraint(
                condition=~Q(status=WebhookDeliveryStatus.PENDING)
                | Q(next_attempt_at__isnull=False),
                name="webhook_delivery_pending_scheduled",
            ),
            models.CheckConstraint(
                condition=Q(last_status_code__isnull=True)
                | Q(last_status_code__gte=100, last_status_code__lte=599),
                name="webhook_delivery_http_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} #{self.pk}"
