"""SIREN and SIRET checks, with the messages shown to users.

A SIRET is the 9-digit SIREN plus a 5-digit NIC, and passes the Luhn check. La Poste is the
documented exception: its établissements (SIREN 356 000 000) number too many to all fit the
Luhn key, so the INSEE also accepts for them a SIRET whose digit sum is a multiple of 5.
"""

from __future__ import annotations

from stdnum import luhn
from stdnum.exceptions import ValidationError

LA_POSTE_SIREN = "356000000"

SIREN_LENGTH_MESSAGE = "Le numéro SIREN doit comporter exactement 9 chiffres."
SIREN_KEY_MESSAGE = "Ce numéro SIREN n'existe pas : sa clé de contrôle est fausse."
SIRET_LENGTH_MESSAGE = "Le numéro SIRET doit comporter exactement 14 chiffres."
SIRET_KEY_MESSAGE = (
    "Ce numéro SIRET n'existe pas : sa clé de contrôle est fausse. "
    "Vérifiez-le sur votre extrait Kbis ou votre avis de situation INSEE."
)


def compact(value: str) -> str:
    """The identifier without the spaces, dots and dashes people type in it."""
    return "".join(ch for ch in str(value) if ch not in " .-\u00a0\u202f\t")


def _luhn_ok(digits: str) -> bool:
    try:
        luhn.validate(digits)
    except ValidationError:
        return False
    return True


def siren_error(value: str) -> str | None:
    """The French message explaining why `value` is not a SIREN, or None if it is one."""
    digits = compact(value)
    if len(digits) != 9 or not digits.isascii() or not digits.isdigit():
        return SIREN_LENGTH_MESSAGE
    if not _luhn_ok(digits):
        return SIREN_KEY_MESSAGE
    return None


def siret_error(value: str) -> str | None:
    """The French message explaining why `value` is not a SIRET, or None if it is one."""
    digits = compact(value)
    if len(digits) != 14 or not digits.isascii() or not digits.isdigit():
        return SIRET_LENGTH_MESSAGE
    if digits[:9] == LA_POSTE_SIREN and sum(int(d) for d in digits) % 5 == 0:
        # La Poste: a digit sum multiple of 5 is accepted instead of the Luhn key (INSEE rule).
        return None
    if not _luhn_ok(digits):
        return SIRET_KEY_MESSAGE
    return None


def siren_is_valid(value: str) -> bool:
    return siren_error(value) is None


def siret_is_valid(value: str) -> bool:
    return siret_error(value) is None


def validate_siret(value: str) -> None:
    """A Django validator."""
    from django.core.exceptions import ValidationError as DjangoValidationError

    message = siret_error(value)
    if message:
        raise DjangoValidationError(message, code="invalid_siret")


def validate_siren(value: str) -> None:
    from django.core.exceptions import ValidationError as DjangoValidationError

    message = siren_error(value)
    if message:
        raise DjangoValidationError(message, code="invalid_siren")


def luhn_complete(partial: str) -> str:
    """`partial` followed by the Luhn check digit (used to generate demo identifiers)."""
    return partial + luhn.calc_check_digit(partial)
