"""Shared records: the audit log and stored files."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AuditLog(models.Model):
    """One row per state change, written by the service that made it (never by a signal)."""

    created_at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept beside the foreign key so the row still says who acted once the user is gone.
    actor_label = models.CharField(_("auteur (libellé)"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("type d'objet"), max_length=100)
    object_id = models.CharField(_("identifiant de l'objet"), max_length=64)
    before = models.JSONField(_("avant"), null=True, blank=True)
    after = models.JSONField(_("après"), null=True, blank=True)

    class Meta:
        verbose_name = _("entrée du journal d'audit")
        verbose_name_plural = _("journal d'audit")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}#{self.object_id}"


def stored_file_path(digest: str) -> str:
    # Content-addressed and never overwritten: the same bytes always land at the same name.
    return f"files/{digest[:2]}/{digest[2:4]}/{digest}"


def _stored_file_path(instance: StoredFile, filename: str) -> str:
    return stored_file_path(instance.sha256)


class StoredFile(models.Model):
    """Original bytes as received, with their hash. A stored file is never overwritten."""

    created_at = models.DateTimeField(_("date de dépôt"), auto_now_add=True)
    file = models.FileField(_("fichier"), upload_to=_stored_file_path, max_length=255)
    original_name = models.CharField(_("nom d'origine"), max_length=255)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    content_type = models.CharField(_("type"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("déposé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("fichier stocké")
        verbose_name_plural = _("fichiers stockés")
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="storedfile_sha256_format"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.sha256[:12]})"

    def read(self) -> bytes:
        with self.file.open("rb") as handle:
            data: bytes = handle.read()
        return data
