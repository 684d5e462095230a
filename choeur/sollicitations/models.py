"""Sollicitations (tickets) between users, public structures and platform support (reference D)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from choeur.sollicitations.enums import MessageKind, Routing, Side, Status


class Category(models.Model):
    """A catégorie of the referential (API `rechercher/categorieSollicitation`: codeCategorie,
    libelleCategorie, idTechniqueCategorie = the primary key)."""

    code = models.CharField(_("code"), max_length=50, unique=True)
    label = models.CharField(_("libellé"), max_length=255)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("ordre d'affichage"), default=0)

    class Meta:
        verbose_name = _("catégorie de sollicitation")
        verbose_name_plural = _("catégories de sollicitation")
        ordering = ["position", "label"]

    def __str__(self) -> str:
        return self.label


class SubCategory(models.Model):
    """A sous-catégorie (API `rechercher/sousCategorieSollicitation`: code, libelle, estActif,
    dateCreation, dateDerniereModification). With its catégorie it decides where a ticket goes."""

    category = models.ForeignKey(
        Category,
        verbose_name=_("catégorie"),
        on_delete=models.PROTECT,
        related_name="subcategories",
    )
    code = models.CharField(_("code"), max_length=50)
    label = models.CharField(_("libellé"), max_length=255)
    is_active = models.BooleanField(_("active"), default=True)
    routing = models.CharField(
        _("destination"), max_length=20, choices=Routing.choices, default=Routing.SUPPORT
    )
    # Reference D: the logged-out form serves people who cannot connect (login problems).
    offered_logged_out = models.BooleanField(
        _("proposée sans connexion"),
        default=False,
        help_text=_("Proposée dans le formulaire des personnes qui ne peuvent pas se connecter."),
    )
    position = models.PositiveSmallIntegerField(_("ordre d'affichage"), default=0)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("sous-catégorie de sollicitation")
        verbose_name_plural = _("sous-catégories de sollicitation")
        ordering = ["category__position", "category__label", "position", "label"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="subcategory_code_unique"),
            # A ticket from someone who cannot connect can only go to the platform's support.
            models.CheckConstraint(
                condition=Q(offered_logged_out=False) | Q(routing=Routing.SUPPORT),
                name="subcategory_logged_out_goes_to_support",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category.label} — {self.label}"


class Sollicitation(models.Model):
    """One ticket. It goes either to platform support or to a public structure (and service)."""

    number = models.CharField(_("numéro"), max_length=20, unique=True, null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.BROUILLON, db_index=True
    )
    subcategory = models.ForeignKey(
        SubCategory,
        verbose_name=_("sous-catégorie"),
        on_delete=models.PROTECT,
        related_name="sollicitations",
    )
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"))

    # The sender: a user acting for one of his structures, or, from the logged-out form, an
    # email address only.
    sender_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("émetteur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sollicitations_sent",
    )
    sender_structure = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("structure émettrice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sollicitations_sent",
    )
    sender_email = models.EmailField(_("adresse électronique de l'émetteur"), blank=True)

    # The recipient: platform support, or a public structure and possibly one of its services.
    to_support = models.BooleanField(_("adressée au support"), default=False)
    recipient_structure = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("structure destinataire"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sollicitations_received",
    )
    recipient_service = models.ForeignKey(
        "structures.Service",
        verbose_name=_("service destinataire"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sollicitations_received",
    )
    # Kept when a structure hands the ticket over to support.
    transferred_from = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("transférée par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent en charge"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sollicitations_assigned",
    )
    # The invoice the question is about: one of the sender structure's invoices.
    invoice = models.ForeignKey(
        "invoices.Invoice",
        verbose_name=_("facture concernée"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sollicitations",
    )
    # Set when the sender answered a request for information: back in the agent's queue.
    awaiting_agent = models.BooleanField(_("complément reçu, à traiter"), default=False)

    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("clôturée le"), null=True, blank=True)
    # Latest entry written by each side: drives the unread markers of the other side.
    sender_activity_at = models.DateTimeField(_("dernière action de l'émetteur"), null=True)
    recipient_activity_at = models.DateTimeField(_("dernière action du destinataire"), null=True)

    class Meta:
        verbose_name = _("sollicitation")
        verbose_name_plural = _("sollicitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(to_support=True) & Q(recipient_structure__isnull=True))
                | (Q(to_support=False) & Q(recipient_structure__isnull=False)),
                name="sollicitation_one_recipient",
            ),
            models.CheckConstraint(
                condition=Q(recipient_service__isnull=True) | Q(recipient_structure__isnull=False),
                name="sollicitation_service_needs_structure",
            ),
            models.CheckConstraint(
                condition=Q(sender_user__isnull=False) | ~Q(sender_email=""),
                name="sollicitation_has_sender",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="sollicitation_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient_structure", "status"]),
            models.Index(fields=["sender_structure", "status"]),
            models.Index(fields=["to_support", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"

    @property
    def category(self) -> Category:
        return self.subcategory.category

    @property
    def sender_notification_email(self) -> str:
        if self.sender_user is not None:
            return str(self.sender_user.notification_email)
        return self.sender_email

    @property
    def recipient_label(self) -> str:
        if self.to_support:
            return str(_("Support de la plateforme"))
        assert self.recipient_structure is not None
        label = self.recipient_structure.raison_sociale
        if self.recipient_service is not None:
            label = f"{label} — {self.recipient_service.name}"
        return label


class Message(models.Model):
    """One entry of a ticket's thread: who, when, what kind, and an optional text."""

    sollicitation = models.ForeignKey(
        Sollicitation,
        verbose_name=_("sollicitation"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    kind = models.CharField(_("type"), max_length=30, choices=MessageKind.choices)
    side = models.CharField(_("côté"), max_length=10, choices=Side.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept beside the foreign key: the thread still says who wrote once the user is gone.
    author_label = models.CharField(_("auteur (libellé)"), max_length=254)
    body = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.author_label}"


class Attachment(models.Model):
    """A file joined to a ticket (API objetPieceJointe SOLLICITATION), original bytes kept."""

    sollicitation = models.ForeignKey(
        Sollicitation,
        verbose_name=_("sollicitation"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    message = models.ForeignKey(
        Message,
        verbose_name=_("message"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    stored_file = models.ForeignKey(
        "core.StoredFile", verbose_name=_("fichier"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("nom"), max_length=50)
    side = models.CharField(_("côté"), max_length=10, choices=Side.choices)
    created_at = models.DateTimeField(_("ajoutée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name


class ReadMark(models.Model):
    """When a user last opened a ticket: the list pages mark what changed since as unread."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sollicitation = models.ForeignKey(
        Sollicitation, on_delete=models.CASCADE, related_name="read_marks"
    )
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("lecture")
        verbose_name_plural = _("lectures")
        constraints = [
            models.UniqueConstraint(fields=["user", "sollicitation"], name="readmark_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.sollicitation}"
