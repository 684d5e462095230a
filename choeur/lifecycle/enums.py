"""Code lists of the recipient's processing."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from choeur.lifecycle.transitions import Actor


class ActorKind(models.TextChoices):
    """The table's actors (`transitions.Actor`), for database fields and forms."""

    SUPPLIER = Actor.SUPPLIER.value, _("Fournisseur")
    RECIPIENT = Actor.RECIPIENT.value, _("Destinataire")
    ACCOUNTANT = Actor.ACCOUNTANT.value, _("Comptable")
    SYSTEM = Actor.SYSTEM.value, _("Plateforme")


class RejectionReason(models.TextChoices):
    """Reasons offered for a rejection. The reference gives no official list [I]; these follow
    what it says a rejection is for: wrong billing data, a wrong amount (« pas de modification
    manuelle du montant »), a duplicate. Routing errors are « À recycler », not rejections."""

    MONTANT_ERRONE = "MONTANT_ERRONE", _("Montant erroné")
    DOUBLON = "DOUBLON", _("Facture déjà reçue (doublon)")
    PRESTATION_NON_CONFORME = (
        "PRESTATION_NON_CONFORME",
        _("Prestation non réalisée ou non conforme"),
    )
    MENTIONS_MANQUANTES = "MENTIONS_MANQUANTES", _("Mentions obligatoires manquantes ou erronées")
    FOURNISSEUR_ERRONE = "FOURNISSEUR_ERRONE", _("Fournisseur non titulaire de la commande")
    COORDONNEES_BANCAIRES = "COORDONNEES_BANCAIRES", _("Coordonnées bancaires erronées")
    AUTRE = "AUTRE", _("Autre motif")
