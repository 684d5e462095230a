"""The email outbox (every email is a row first, sent by a task, retried until it leaves) and
the in-app notifications with each user's delivery preferences."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from choeur.notifications.enums import Delivery, NotificationKind


class OutboxStatus(models.TextChoices):
    PENDING = "PENDING", _("À envoyer")
    SENT = "SENT", _("Envoyé")
    FAILED = "FAILED", _("Abandonné")


class OutboxEmail(models.Model):
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    to = models.JSONField(_("destinataires"))
    subject = models.CharField(_("objet"), max_length=255)
    body_text = models.TextField(_("texte"))
    body_html = models.TextField(_("HTML"), blank=True)
    template = models.CharField(_("modèle"), max_length=200, blank=True)
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=OutboxStatus.choices,
        default=OutboxStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), null=True, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    # Activation, reset, email-change and unlock links: the body is blanked once sent, so the
    # outbox (admin, backups) never keeps a working link. Subject, recipients and dates stay.
    carries_secrets = models.BooleanField(_("contient un lien secret"), default=False)

    class Meta:
        verbose_name = _("courriel")
        verbose_name_plural = _("courriels (file d'envoi)")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"


class Notification(models.Model):
    """One thing a user is told about: shown in his list, emailed as his preference says."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utilisateur"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("type"), max_length=30, choices=NotificationKind.choices)
    title = models.CharField(_("titre"), max_length=255)
    body = models.TextField(_("texte"), blank=True)
    url = models.CharField(_("lien"), max_length=500, blank=True)
    # The user's choice when the notification was made: a later change of preference never
    # sends an old notification again, nor drops one waiting for the digest.
    delivery = models.CharField(_("envoi"), max_length=20, choices=Delivery.choices)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    read_at = models.DateTimeField(_("lue le"), null=True, blank=True)
    digested_at = models.DateTimeField(_("envoyée dans le résumé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_user_unread"),
            models.Index(fields=["delivery", "digested_at"], name="notification_digest_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(url="") | models.Q(url__startswith="/"),
                name="notification_url_is_a_path",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """How a user wants one kind of notification; no row means IMMEDIATE."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utilisateur"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("type"), max_length=30, choices=NotificationKind.choices)
    choice = models.CharField(_("envoi"), max_length=20, choices=Delivery.choices)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("préférence de notification")
        verbose_name_plural = _("préférences de notification")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.kind} : {self.choice}"


class ReceivedInvoices(models.Model):
    """« N invoices arrived for this address »: written by a flux's end, in its transaction,
    and kept until the recipient's digest email is queued (INVOICES_RECEIVED_DIGEST_SECONDS):
    a supplier's 500 single-invoice flux make one email, not 500, and none is lost if a
    worker dies before sending (docs/notifications.md)."""

    email = models.CharField(_("adresse"), max_length=254)
    supplier = models.CharField(_("fournisseur"), max_length=255)
    count = models.PositiveIntegerField(_("factures"))
    created_at = models.DateTimeField(_("arrivées le"), default=timezone.now)

    class Meta:
        verbose_name = _("factures reçues à annoncer")
        verbose_name_plural = _("factures reçues à annoncer")
        indexes = [
            models.Index(fields=["email", "created_at"], name="received_invoices_due"),
        ]

    def __str__(self) -> str:
        return f"{self.email} : {self.count} ({self.supplier})"


# The webhooks' models, in their own module (issue 14), registered with this app's models.
from choeur.notifications.webhook_models import WebhookDelivery, WebhookEndpoint  # noqa: E402, F401
