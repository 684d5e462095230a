"""Users: a person (or a technical account) identified by the login email."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
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
