"""Structures (one legal entity each), their services, members and espaces (reference B)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from choeur.core.text import search_key
from choeur.structures.enums import (
    AccessMode,
    EngagementState,
    EngagementType,
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
    # The name without accents or case, kept in step by save(): searches match « hopital »
    # with « Hôpital » on every database (SQLite only folds ASCII case).
    search_name = models.CharField(_("nom normalisé"), max_length=255, blank=True, editable=False)
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
    # The other payment requests (reference C.3, A3 and A21): the public structures that receive
    # mémoires de frais de justice (juridictions) and demandes de remboursement TIC (the
    # services that refund farmers), offered as recipients of those requests (choeur/claims/).
    receives_memoires_justice = models.BooleanField(
        _("reçoit des mémoires de frais de justice"), default=False
    )
    receives_tic_refunds = models.BooleanField(
        _("reçoit des demandes de remboursement TIC"), default=False
    )

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
        indexes = [models.Index(fields=["raison_sociale"]), models.Index(fields=["search_name"])]

    def __str__(self) -> str:
        return f"{self.raison_sociale} ({self.identifier})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_name = search_key(self.raison_sociale)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "raison_sociale" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

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


class BankAccount(models.Model):
    """Coordonnées bancaires of a structure (reference B.3); an invoice names one valid account."""

    structure = models.ForeignKey(
        Structure,
        verbose_name=_("structure"),
        on_delete=models.CASCADE,
        related_name="bank_accounts",
    )
    # nomCoordonneeBancaire: how the account is named in the lists of the invoice form.
    label = models.CharField(_("libellé"), max_length=100)
    holder = models.CharField(_("titulaire du compte"), max_length=255)
    # Stored compact (no spaces, upper case); checked with schwifty by the form and the service.
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11)
    bank_name = models.CharField(_("banque"), max_length=255, blank=True)
    # « Affactureur »: the account belongs to the factor the supplier assigned his claims to.
    is_factor = models.BooleanField(_("affactureur"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("coordonnées bancaires")
        verbose_name_plural = _("coordonnées bancaires")
        ordering = ["structure", "label"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "iban"], name="bankaccount_iban_unique"),
            models.CheckConstraint(
                condition=Q(iban__regex=r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$"),
                name="bankaccount_iban_format",
            ),
            models.CheckConstraint(
                condition=Q(bic__regex=r"^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$"),
                name="bankaccount_bic_format",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.iban_masked})"

    @property
    def iban_formatted(self) -> str:
        return " ".join(self.iban[i : i + 4] for i in range(0, len(self.iban), 4))

    @property
    def iban_masked(self) -> str:
        return f"{self.iban[:4]} **** {self.iban[-4:]}"


class TechnicalAccount(models.Model):
    """A compte technique: the API user of a structure (reference A.3), with its OAuth2 client.

    The password expires after settings.TECHNICAL_PASSWORD_DAYS (424 days on the real
    platform); only the gestionnaire principal can renew it.
    """

    structure = models.ForeignKey(
        Structure,
        verbose_name=_("structure"),
        on_delete=models.CASCADE,
        related_name="technical_accounts",
    )
    number = models.PositiveIntegerField(_("numéro"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utilisateur technique"),
        on_delete=models.CASCADE,
        related_name="technical_account",
    )
    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        verbose_name=_("client OAuth2"),
        on_delete=models.PROTECT,
        related_name="technical_account",
    )
    is_active = models.BooleanField(_("actif"), default=True)
    password_changed_at = models.DateTimeField(_("mot de passe changé le"))
    password_expires_at = models.DateTimeField(_("expiration du mot de passe"), db_index=True)
    # The expiry date the last reminder was sent for: the daily job sends one per expiry.
    reminder_sent_for = models.DateTimeField(_("rappel envoyé pour"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("compte technique")
        verbose_name_plural = _("comptes techniques")
        ordering = ["structure", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "number"], name="technicalaccount_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.login

    @property
    def login(self) -> str:
        return self.user.email

    @property
    def is_expired(self) -> bool:
        return self.password_expires_at <= timezone.now()

    @property
    def expires_on(self) -> datetime.date:
        return timezone.localdate(self.password_expires_at)


class EngagementJuridique(models.Model):
    """An engagement juridique (bon de commande...) published by a public structure (C.5)."""

    structure = models.ForeignKey(
        Structure,
        verbose_name=_("structure"),
        on_delete=models.CASCADE,
        related_name="engagements",
    )
    # The invoice's customer reference holds it: at most 50 characters (reference C.5).
    number = models.CharField(_("numéro d'engagement"), max_length=50)
    kind = models.CharField(
        _("type"),
        max_length=30,
        choices=EngagementType.choices,
        default=EngagementType.BON_DE_COMMANDE,
    )
    service = models.ForeignKey(
        Service,
        verbose_name=_("service exécutant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="engagements",
    )
    amount_ht = models.DecimalField(_("montant total HT"), max_digits=15, decimal_places=2)
    amount_ttc = models.DecimalField(
        _("montant total TTC"), max_digits=15, decimal_places=2, null=True, blank=True
    )
    state = models.CharField(
        _("état"),
        max_length=20,
        choices=EngagementState.choices,
        default=EngagementState.COMMANDE,
        db_index=True,
    )
    date = models.DateField(_("date de l'engagement"))
    end_date = models.DateField(_("fin de validité"), null=True, blank=True)
    # The supplier the engagement was placed with (a SIRET in general); optional.
    supplier_identifier = models.CharField(
        _("identifiant du fournisseur"), max_length=20, blank=True
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("engagement juridique")
        verbose_name_plural = _("engagements juridiques")
        ordering = ["structure", "-date", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "number"], name="engagement_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(amount_ht__gte=0), name="engagement_amount_ht_positive"
            ),
            models.CheckConstraint(
                condition=Q(amount_ttc__isnull=True) | Q(amount_ttc__gte=0),
                name="engagement_amount_ttc_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def accepts_invoices(self) -> bool:
        """An invoice may cite only an engagement in state COMMANDE (reference C.5, step 4)."""
        return self.state == EngagementState.COMMANDE
