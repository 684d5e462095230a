"""What only the API keeps: the files a technical account uploads with `ajouter/fichier` before
naming them in `soumettre` or `completer` (reference C.6, « pièces jointes de mon compte »)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UploadedPiece(models.Model):
    """A pièce jointe uploaded through the API (`pieceJointeId` = the primary key), owned by the
    account that sent it; the bytes are a stored file (sha256, never overwritten)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    file = models.ForeignKey(
        "core.StoredFile", verbose_name=_("fichier"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("nom"), max_length=50)
    content_type = models.CharField(_("type MIME"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("ajoutée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("pièce jointe déposée par l'API")
        verbose_name_plural = _("pièces jointes déposées par l'API")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def extension(self) -> str:
        return self.name.rsplit(".", 1)[1].upper() if "." in self.name else ""
