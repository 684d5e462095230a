"""The password policy of the reference flow (>= 8 characters, >= 3 kinds of characters), the
security answer's hashing, and the secrets of email links."""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class ComplexityValidator:
    """At least 3 of: digits, upper case, lower case, special characters."""

    required_kinds = 3

    def validate(self, password: str, user: Any = None) -> None:
        kinds = sum(
            [
                any(c.isdigit() for c in password),
                any(c.isupper() for c in password),
                any(c.islower() for c in password),
                any(not c.isalnum() for c in password),
            ]
        )
        if kinds < self.required_kinds:
            raise ValidationError(
                _(
                    "Le mot de passe doit contenir au moins 3 types de caractères parmi : "
                    "chiffres, majuscules, minuscules, caractères spéciaux."
                ),
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _(
            "Au moins 3 types de caractères parmi : chiffres, majuscules, minuscules, "
            "caractères spéciaux."
        )


def normalize_answer(answer: str) -> str:
    """The answer as compared: accents, case and repeated spaces ignored (« Éléphant » = « elephant »)."""
    decomposed = unicodedata.normalize("NFKD", answer)
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(without_accents.casefold().split())


def security_answer_hash(answer: str) -> str:
    """Stored like a password (Argon2id), so a database leak does not give the answers away."""
    return make_password(normalize_answer(answer))


def security_answer_matches(answer: str, stored: str) -> bool:
    if not stored:
        return False
    return check_password(normalize_answer(answer), stored)


def token_new() -> tuple[str, str]:
    """A fresh secret for an email link and the SHA-256 kept in the database."""
    raw = secrets.token_urlsafe(32)
    return raw, token_digest(raw)


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class PersonalDataValidator:
    """Refuses a password containing the login email (or its part before the @), the first name
    or the last name, ignoring case and accents. Django's similarity check lets « Martin-2026 »
    through for M. Martin; the issue asks for containment."""

    min_length = 3

    def validate(self, password: str, user: Any = None) -> None:
        if user is None:
            return
        email = str(getattr(user, "email", "") or "")
        parts = [
            email,
            email.split("@")[0],
            str(getattr(user, "first_name", "") or ""),
            str(getattr(user, "last_name", "") or ""),
        ]
        candidate = normalize_answer(password)
        for part in parts:
            value = normalize_answer(part)
            if len(value) >= self.min_length and value in candidate:
                raise ValidationError(
                    _(
                        "Le mot de passe ne doit contenir ni votre adresse électronique, ni votre "
                        "nom, ni votre prénom."
                    ),
                    code="password_personal_data",
                )

    def get_help_text(self) -> str:
        return _("Ni votre adresse électronique, ni votre nom, ni votre prénom.")


PLATFORM_WORDS = ("choeur", "chorus", "choruspro")


class ContextWordsValidator:
    """Refuses a password built on the platform's name or the user's structure (« Choeur2026 »,
    « Dupont2026! » at Dupont Bâtiment): the first words an attacker tries (issue 16).

    The structure names come from the user's rattachements, or before activation from
    `user.password_context_words` (set by the activation form)."""

    min_length = 4

    def _words(self, user: Any) -> list[str]:
        from django.conf import settings

        names: list[str] = [*PLATFORM_WORDS, str(getattr(settings, "SITE_NAME", ""))]
        names += list(getattr(user, "password_context_words", None) or [])
        if user is not None and getattr(user, "pk", None):
            from choeur.structures.models import Structure

            names += list(
                Structure.objects.filter(rattachements__user=user).values_list(
                    "raison_sociale", flat=True
                )[:20]
            )
        words: list[str] = []
        for name in names:
            value = normalize_answer(name).replace("œ", "oe")
            words.append(value.replace(" ", ""))
            words += [w for w in value.replace("-", " ").split() if len(w) >= 5]
        return [w for w in words if len(w) >= self.min_length]

    def validate(self, password: str, user: Any = None) -> None:
        candidate = normalize_answer(password).replace("œ", "oe")
        if any(word in candidate for word in self._words(user)):
            raise ValidationError(
                _(
                    "Le mot de passe ne doit contenir ni le nom de la plateforme, ni celui de "
                    "votre structure."
                ),
                code="password_context_word",
            )

    def get_help_text(self) -> str:
        return _("Ni le nom de la plateforme, ni celui de votre structure.")
