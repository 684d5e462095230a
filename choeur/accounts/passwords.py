"""The password policy of the reference flow: >= 8 characters and >= 3 kinds of characters."""

from __future__ import annotations

from typing import Any

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
