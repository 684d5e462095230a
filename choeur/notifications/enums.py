"""Kinds of notification and how each reaches a user."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    INVOICE_STATUS = "INVOICE_STATUS", _("Changements de statut de mes factures émises")
    INVOICE_RECEIVED = "INVOICE_RECEIVED", _("Factures reçues à traiter")
    FLUX = "FLUX", _("Traitement de mes dépôts (flux)")
    SOLLICITATION = "SOLLICITATION", _("Sollicitations")
    RATTACHEMENT = "RATTACHEMENT", _("Rattachements et habilitations")
    ACCOUNT = "ACCOUNT", _("Mon compte et sa sécurité")


class Delivery(models.TextChoices):
    """A user's choice per kind, also kept on each notification as applied when it was made."""

    IMMEDIATE = "IMMEDIATE", _("Un courriel à chaque notification")
    DAILY_DIGEST = "DAILY_DIGEST", _("Un résumé par jour")
    NONE = "NONE", _("Pas de courriel (notifications dans l'application seulement)")


# Reference A.2: « Notification Facturation », which a gestionnaire principal cannot turn off.
INVOICING_KINDS = frozenset({NotificationKind.INVOICE_STATUS, NotificationKind.INVOICE_RECEIVED})
# Account and security emails always leave at once: never optional, never delayed.
ALWAYS_IMMEDIATE_KINDS = frozenset({NotificationKind.ACCOUNT})
