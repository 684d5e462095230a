"""Users: a person (or a technical account) identified by the login email."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("L'adresse électronique de connexion est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        # Logins are case-insensitive, as users type them.
        return self.get(email__iexact=username or "")


class User(AbstractUser):
    username = None  # type: ignore[assignment]
    email = models.EmailField(_("adresse électronique de connexion"), max_length=254, unique=True)
    contact_email = models.EmailField(
        _("adresse électronique de contact"),
        blank=True,
        help_text=_("Reçoit les notifications. Par défaut, l'adresse de connexion."),
    )
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    is_technical = models.BooleanField(
        _("compte technique"),
        default=False,
        help_text=_("Utilisateur technique, pour l'accès par l'API."),
    )
    security_question = models.CharField(_("question de sécurité"), max_length=255, blank=True)
    # Hashed like a password, after normalisation (case and accents ignored): see passwords.py.
    security_answer = models.CharField(
        _("réponse à la question de sécurité"), max_length=255, blank=True
    )
    activated_at = models.DateTimeField(_("activé le"), null=True, blank=True)
    # The `sub` ProConnect gives this person (issue 16): set at the first ProConnect login.
    proconnect_sub = models.CharField(
        _("identifiant ProConnect"), max_length=255, null=True, blank=True, unique=True
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def notification_email(self) -> str:
        return self.contact_email or self.email


class TokenPurpose(models.TextChoices):
    ACTIVATION = "ACTIVATION", _("Activation du compte")
    PASSWORD_RESET = "PASSWORD_RESET", _("Mot de passe oublié")
    EMAIL_CHANGE = "EMAIL_CHANGE", _("Changement d'adresse de connexion")


class PendingRegistration(models.Model):
    """A registration whose steps 1 to 3 are done, waiting for its activation link (step 4).

    Nothing else exists before activation: no user, no structure, no rattachement. An abandoned
    registration therefore blocks nobody; a new one with the same email replaces it.
    """

    email = models.EmailField(_("adresse électronique de connexion"), db_index=True)
    identifier_type = models.CharField(_("type d'identifiant"), max_length=20)
    identifier = models.CharField(_("identifiant"), max_length=20, blank=True)
    # Steps 2 and 3 as typed: personal details, structure, espaces (see services).
    data = models.JSONField(_("données saisies"), default=dict)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    completed_at = models.DateTimeField(_("activée le"), null=True, blank=True)
    replaced_at = models.DateTimeField(_("remplacée le"), null=True, blank=True)
    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("compte créé"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("inscription en attente d'activation")
        verbose_name_plural = _("inscriptions en attente d'activation")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} ({self.identifier_type} {self.identifier})"


class AccountToken(models.Model):
    """A single-use, time-limited link sent by email. Only the SHA-256 of the secret is kept."""

    purpose = models.CharField(_("objet"), max_length=20, choices=TokenPurpose.choices)
    token_hash = models.CharField(_("empreinte du jeton"), max_length=64, unique=True)
    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("utilisateur"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tokens",
    )
    registration = models.ForeignKey(
        PendingRegistration,
        verbose_name=_("inscription"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tokens",
    )
    new_email = models.EmailField(_("nouvelle adresse"), blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"))
    used_at = models.DateTimeField(_("utilisé le"), null=True, blank=True)
    # Set when a newer link replaces this one, or when too many wrong answers were given.
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    failed_answers = models.PositiveSmallIntegerField(_("réponses fausses"), default=0)

    class Meta:
        verbose_name = _("lien envoyé par courriel")
        verbose_name_plural = _("liens envoyés par courriel")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(purpose="ACTIVATION", registration__isnull=False)
                    | (~Q(purpose="ACTIVATION") & Q(user__isnull=False))
                ),
                name="accounttoken_owner",
            ),
            models.CheckConstraint(
                condition=~Q(purpose="EMAIL_CHANGE") | ~Q(new_email=""),
                name="accounttoken_email_change_has_address",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.created_at:%Y-%m-%d %H:%M})"
