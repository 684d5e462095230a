"""Structures (one legal entity each), their services, members and espaces (reference B)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from choeur.structures.enums import (
    AccessMode,
    Espace,
    IdentifierType,
    RattachementStatus,
    Role,
    StructureKind,
)


class Structure(models.Model):
    """A supplier or a public structure. « 1 fiche structure = 1 entité juridique »."""

    identifier_type = models.CharField(
        _("type d'identifiant"), max_length=20, choices=IdentifierType.choices
    )
    identifier = models.CharField(_("identifiant"), max_length=20)
    raison_sociale = models.CharField(_("raison sociale"), max_length=255)
    # For a PARTICULIER structure, the person's names (API nomStructure / prenomStructure).
    nom = models.CharField(_("nom"), max_length=100, blank=True)
    prenom = models.CharField(_("prénom"), max_length=100, blank=True)
    numero_tva = models.CharField(_("numéro de TVA intracommunautaire"), max_length=20, blank=True)
    kind = models.CharField(
        _("type de structure"),
        max_length=30,
        choices=StructureKind.choices,
        default=StructureKind.ENTREPRISE_PRIVEE,
    )
    is_public = models.BooleanField(_("structure publique"), default=False, db_index=True)
    is_active = models.BooleanField(_("active"), default=True)

    # adressePostaleDuSiege
    adresse = models.CharField(_("adresse"), max_length=255, blank=True)
    complement_adresse_1 = models.CharField(_("complément d'adresse 1"), max_length=255, blank=True)
    complement_adresse_2 = models.CharField(_("complément d'adresse 2"), max_length=255, blank=True)
    code_postal = models.CharField(_("code postal"), max_length=10, blank=True, db_index=True)
    ville = models.CharField(_("ville"), max_length=100, blank=True)
    code_pays = models.CharField(_("code pays"), max_length=2, default="FR")
    libelle_pays = models.CharField(_("pays"), max_length=100, default="France")
    telephone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("courriel"), blank=True)

    # parametres (reference B.1 and F)
    code_service_required = models.BooleanField(_("code service obligatoire"), default=False)
    engagement_required = models.BooleanField(_("numéro d'engagement obligatoire"), default=False)
    engagement_or_service_required = models.BooleanField(
        _("numéro d'engagement ou code service obligatoire"), default=False
    )
    payment_status_reported = models.BooleanField(
        _("remonte le statut de mise en paiement"), default=True
    )
    edi_emitter = models.BooleanField(_("émetteur EDI"), default=False)
    edi_receiver = models.BooleanField(_("récepteur EDI"), default=False)
    is_moa = models.BooleanField(_("maîtrise d'ouvrage (MOA)"), default=False)
    is_moa_only = models.BooleanField(_("MOA uniquement"), default=False)
    non_diffusible = models.BooleanField(_("non diffusible (INSEE)"), default=False)

    # Functionalities chosen at registration.
    deposits_payment_requests = models.BooleanField(
        _("dépose des demandes de paiement"), default=True
    )
    uses_dume = models.BooleanField(_("crée ou consulte des DUME"), default=False)

    insee_updated_at = models.DateTimeField(_("mise à jour depuis l'INSEE"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        ordering = ["raison_sociale"]
        constraints = [
            models.UniqueConstraint(
                fields=["identifier_type", "identifier"], name="structure_identifier_unique"
            ),
            models.CheckConstraint(
                condition=~Q(identifier_type=IdentifierType.SIRET)
                | Q(identifier__regex=r"^[0-9]{14}$"),
                name="structure_siret_format",
            ),
        ]
        indexes = [models.Index(fields=["raison_sociale"])]

    def __str__(self) -> str:
        return f"{self.raison_sociale} ({self.identifier})"

    @property
    def siret(self) -> str | None:
        return self.identifier if self.identifier_type == IdentifierType.SIRET else None


class Service(models.Model):
    """A service of a structure (code + label); an invoice may have to name an active one."""

    structure = models.ForeignKey(
        Structure, verbose_name=_("structure"), on_delete=models.CASCADE, related_name="services"
    )
    code = models.CharField(_("code service"), max_length=100)
    name = models.CharField(_("libellé"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("actif"), default=True)
    engagement_required = models.BooleanField(_("engagement obligatoire"), default=False)
    start_date = models.DateField(_("début de validité"), null=True, blank=True)
    end_date = models.DateField(_("fin de validité"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["structure", "code"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "code"], name="service_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class Rattachement(models.Model):
    """A user's attachment to a structure, with his role there (reference A.3)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utilisateur"),
        on_delete=models.CASCADE,
        related_name="rattachements",
    )
    structure = models.ForeignKey(
        Structure,
        verbose_name=_("structure"),
        on_delete=models.CASCADE,
        related_name="rattachements",
    )
    role = models.CharField(
        _("rôle"), max_length=30, choices=Role.choices, default=Role.UTILISATEUR
    )
    status = models.CharField(
        _("statut"),
        max_length=30,
        choices=RattachementStatus.choices,
        default=RattachementStatus.EN_COURS_DE_VALIDATION,
        db_index=True,
    )
    reason = models.TextField(_("motif"), blank=True)
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    decided_at = models.DateTimeField(_("traité le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("traité par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    services = models.ManyToManyField(
        Service, verbose_name=_("services"), blank=True, related_name="rattachements"
    )

    class Meta:
        verbose_name = _("rattachement")
        verbose_name_plural = _("rattachements")
        constraints = [
            models.UniqueConstraint(fields=["user", "structure"], name="rattachement_unique"),
            # One active gestionnaire principal per structure at most.
            models.UniqueConstraint(
                fields=["structure"],
                condition=Q(role=Role.GESTIONNAIRE_PRINCIPAL, status=RattachementStatus.VALIDEE),
                name="rattachement_one_gestionnaire_principal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.structure} ({self.get_status_display()})"


class StructureEspace(models.Model):
    """An espace opened on a structure."""

    structure = models.ForeignKey(
        Structure, verbose_name=_("structure"), on_delete=models.CASCADE, related_name="espaces"
    )
    espace = models.CharField(_("espace"), max_length=30, choices=Espace.choices)
    is_open = models.BooleanField(_("ouvert"), default=True)

    class Meta:
        verbose_name = _("espace de la structure")
        verbose_name_plural = _("espaces des structures")
        constraints = [
            models.UniqueConstraint(fields=["structure", "espace"], name="structure_espace_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.structure} : {self.get_espace_display()}"


class EspaceSubscription(models.Model):
    """A user's subscription to an open espace of a structure, in Consultation or Modification."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utilisateur"),
        on_delete=models.CASCADE,
        related_name="espace_subscriptions",
    )
    structure = models.ForeignKey(
        Structure,
        verbose_name=_("structure"),
        on_delete=models.CASCADE,
        related_name="espace_subscriptions",
    )
    espace = models.CharField(_("espace"), max_length=30, choices=Espace.choices)
    mode = models.CharField(
        _("mode"), max_length=20, choices=AccessMode.choices, default=AccessMode.MODIFICATION
    )

    class Meta:
        verbose_name = _("abonnement à un espace")
        verbose_name_plural = _("abonnements aux espaces")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "structure", "espace"], name="espace_subscription_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} : {self.get_espace_display()} ({self.get_mode_display()})"
