"""Code lists of sollicitations (tickets). Reference D: the real platform's status codes were
not found, so these are the minimal model it describes (NOUVEAU, AFFECTE, ATTENTE_COMPLEMENT,
REPONDU, RENVOYE, CLOTURE, TRANSFERE_SUPPORT, BROUILLON)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    BROUILLON = "BROUILLON", _("Brouillon")
    NOUVEAU = "NOUVEAU", _("Nouveau")
    AFFECTE = "AFFECTE", _("Pris en charge")
    ATTENTE_COMPLEMENT = "ATTENTE_COMPLEMENT", _("En attente de complément")
    REPONDU = "REPONDU", _("Répondu")
    RENVOYE = "RENVOYE", _("Renvoyé")
    CLOTURE = "CLOTURE", _("Clôturé")
    TRANSFERE_SUPPORT = "TRANSFERE_SUPPORT", _("Transféré au support")


class Action(models.TextChoices):
    SEND = "SEND", _("Envoyer")
    ASSIGN = "ASSIGN", _("Prendre en charge")
    ANSWER = "ANSWER", _("Répondre")
    REQUEST_INFORMATION = "REQUEST_INFORMATION", _("Demander un complément")
    ADD_INFORMATION = "ADD_INFORMATION", _("Compléter")
    SEND_BACK = "SEND_BACK", _("Renvoyer")
    TRANSFER = "TRANSFER", _("Transférer au support")
    CLOSE = "CLOSE", _("Clôturer")


class Side(models.TextChoices):
    """Which side of the ticket a user acts for."""

    SENDER = "SENDER", _("Émetteur")
    RECIPIENT = "RECIPIENT", _("Destinataire")


class Routing(models.TextChoices):
    """Where a sous-catégorie sends its tickets (reference D)."""

    SUPPORT = "SUPPORT", _("Support de la plateforme")
    STRUCTURE = "STRUCTURE", _("Structure publique destinataire")


class MessageKind(models.TextChoices):
    """One entry of the conversation thread."""

    SENT = "SENT", _("Envoi")
    ASSIGNED = "ASSIGNED", _("Prise en charge")
    ANSWER = "ANSWER", _("Réponse")
    INFORMATION_REQUEST = "INFORMATION_REQUEST", _("Demande de complément")
    INFORMATION = "INFORMATION", _("Complément")
    SENT_BACK = "SENT_BACK", _("Renvoi")
    TRANSFERRED = "TRANSFERRED", _("Transfert au support")
    CLOSED = "CLOSED", _("Clôture")


# Statuses in which the ticket is still in progress on one side or the other.
OPEN_STATUSES = frozenset(
    {
        Status.NOUVEAU,
        Status.AFFECTE,
        Status.ATTENTE_COMPLEMENT,
        Status.REPONDU,
        Status.RENVOYE,
        Status.TRANSFERE_SUPPORT,
    }
)
