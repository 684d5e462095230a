"""The email outbox: every email is a row first, sent by a task, retried until it leaves."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


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

    class Meta:
        verbose_name = _("courriel")
        verbose_name_plural = _("courriels (file d'envoi)")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"
