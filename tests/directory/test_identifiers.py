from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from choeur.directory.identifiers import (
    SIREN_KEY_MESSAGE,
    SIRET_KEY_MESSAGE,
    SIRET_LENGTH_MESSAGE,
    siren_error,
    siren_is_valid,
    siret_error,
    siret_is_valid,
    validate_siret,
)


@pytest.mark.parametrize(
    "value", ["84211943000010", "842 119 430 00010", "842.119.430.00010", "35600000000048"]
)
def test_valid_sirets(value: str) -> None:
    assert siret_is_valid(value)


def test_bad_luhn_key_is_refused_with_a_french_message() -> None:
    assert not siret_is_valid("84211943000011")
    assert siret_error("84211943000011") == SIRET_KEY_MESSAGE


@pytest.mark.parametrize(
    "value", ["", "8421194300001", "842119430000100", "8421194300001A", "٨٤٢١١٩٤٣٠٠٠٠١٠"]
)
def test_wrong_length_or_characters(value: str) -> None:
    assert siret_error(value) == SIRET_LENGTH_MESSAGE


def test_la_poste_exception_accepts_digit_sum_multiple_of_five() -> None:
    # 35600000010000: Luhn key false, digit sum 15, a La Poste établissement.
    assert siret_is_valid("35600000010000")
    # Same digit-sum rule outside La Poste's SIREN: refused.
    assert not siret_is_valid("84211943010002")  # digit sum 35, Luhn key false


def test_la_poste_siret_with_neither_rule_is_refused() -> None:
    # Digit sum 16 and Luhn key false.
    assert siret_error("35600000010001") == SIRET_KEY_MESSAGE


def test_siren() -> None:
    assert siren_is_valid("842119430")
    assert siren_error("842119431") == SIREN_KEY_MESSAGE
    assert not siren_is_valid("84211943")


def test_django_validator_raises_with_the_message() -> None:
    with pytest.raises(ValidationError) as info:
        validate_siret("12345678901234")
    assert info.value.messages == [SIRET_KEY_MESSAGE]
