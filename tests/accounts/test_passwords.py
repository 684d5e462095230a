from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from choeur.accounts.passwords import (
    ComplexityValidator,
    normalize_answer,
    security_answer_hash,
    security_answer_matches,
    token_digest,
    token_new,
)


@pytest.mark.parametrize("password", ["abcdefg1!", "ABCDEFG1a", "Abcdefgh!", "Ab1!Ab1!"])
def test_three_kinds_pass(password: str) -> None:
    ComplexityValidator().validate(password)


@pytest.mark.parametrize("password", ["abcdefgh", "abcdefg1", "ABCDEFG!", "12345678!"])
def test_fewer_than_three_kinds_fail(password: str) -> None:
    with pytest.raises(ValidationError, match="au moins 3 types"):
        ComplexityValidator().validate(password)


def test_answers_compare_without_case_accents_or_extra_spaces() -> None:
    assert normalize_answer("  Saint-Étienne  du   Rouvray ") == "saint-etienne du rouvray"
    stored = security_answer_hash("Éléphant")
    assert stored != "Éléphant" and "phant" not in stored
    assert security_answer_matches("ELEPHANT", stored)
    assert not security_answer_matches("elephants", stored)
    assert not security_answer_matches("x", "")


def test_tokens_are_random_and_only_their_digest_is_kept() -> None:
    raw, digest = token_new()
    assert len(raw) >= 40 and digest == token_digest(raw) and raw not in digest
    assert token_new()[0] != raw


@pytest.mark.parametrize(
    "password", ["Martin-2026!", "2026-MARTÎN", "camille.m!2026X", "x-Camille-1"]
)
def test_password_containing_the_name_or_email_is_refused(password: str) -> None:
    from types import SimpleNamespace

    from choeur.accounts.passwords import PersonalDataValidator

    user = SimpleNamespace(email="camille.m@exemple.fr", first_name="Camille", last_name="Martin")
    with pytest.raises(ValidationError, match="ni votre nom"):
        PersonalDataValidator().validate(password, user)
    PersonalDataValidator().validate("Tout-Autre-2026", user)


@pytest.mark.django_db
def test_registrations_never_activated_are_purged_after_30_days() -> None:
    import datetime as dt

    from django.utils import timezone

    from choeur.accounts.models import PendingRegistration
    from choeur.accounts.tasks import registration_purge

    old = PendingRegistration.objects.create(email="a@exemple.fr", identifier_type="SIRET")
    done = PendingRegistration.objects.create(
        email="b@exemple.fr", identifier_type="SIRET", completed_at=timezone.now()
    )
    recent = PendingRegistration.objects.create(email="c@exemple.fr", identifier_type="SIRET")
    PendingRegistration.objects.filter(pk__in=[old.pk, done.pk]).update(
        created_at=timezone.now() - dt.timedelta(days=31)
    )
    assert registration_purge() == 1
    assert set(PendingRegistration.objects.values_list("pk", flat=True)) == {done.pk, recent.pk}
