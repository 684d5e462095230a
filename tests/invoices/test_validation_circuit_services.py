"""The validator circuit's services: tacit validation after 15 days (clock pinned), the
periodic task, the second level's own delay, notifications and audit rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from choeur.core.models import AuditLog
from choeur.invoices.enums import InvoiceStatus
from choeur.invoices.models import Invoice, ValidationDecision
from choeur.invoices.services.validation_circuit import (
    ValidationRefused,
    invoice_validation_treat,
    tacit_validations_run,
    validators_check,
)
from choeur.invoices.tasks import validation_tacit_task
from choeur.structures.enums import Espace
from tests.invoices.factories import StructureFactory, UserFactory, member
from tests.invoices.test_validation_circuit_views import OTHER_SIRET, PRIME_SIRET, _deposit

pytestmark = pytest.mark.django_db


@pytest.fixture
def prime(world):  # type: ignore[no-untyped-def]
    structure = StructureFactory(identifier=PRIME_SIRET, raison_sociale="BTP TITULAIRE SA")
    user = member(
        structure, UserFactory(email="titulaire@btp.test"), espace=Espace.FACTURES_A_VALIDER
    )
    return structure, user


def _started(invoice: Invoice) -> dt.datetime:
    invoice.validation.refresh_from_db()
    started = invoice.validation.started_at
    assert started is not None
    return started


def test_tacit_validation_after_fifteen_days_exactly(
    client, world, prime, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    member(
        world.recipient, UserFactory(email="acheteur@commune.test"), espace=Espace.FACTURES_RECUES
    )
    _deposit(client, world, django_capture_on_commit_callbacks)
    invoice = Invoice.objects.get()
    started = _started(invoice)
    # day 14 and 23:59: nothing yet
    assert tacit_validations_run(now=started + dt.timedelta(days=15) - dt.timedelta(minutes=1)) == 0
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.A_VALIDER_1
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tacit_validations_run(now=started + dt.timedelta(days=15)) == 1
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION
    codes = list(invoice.status_changes.values_list("to_status", flat=True))
    assert codes[-2:] == ["ABSENCE_VALIDATION_1_HORS_DELAI", "MISE_A_DISPOSITION"]
    assert (
        "15 jours" in invoice.status_changes.get(to_status="ABSENCE_VALIDATION_1_HORS_DELAI").reason
    )
    assert ValidationDecision.objects.get(invoice=invoice).action == "TACITE"
    # the buyer is told now, and the supplier
    assert any(
        "Nouvelle facture reçue" in m.subject and "acheteur@commune.test" in m.to
        for m in mail.outbox
    )
    assert any("Validée tacitement (1)" in m.subject for m in mail.outbox)
    # a second run does nothing
    assert tacit_validations_run(now=started + dt.timedelta(days=40)) == 0


def test_second_level_has_its_own_fifteen_days(
    client, world, prime, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    mandataire = StructureFactory(identifier=OTHER_SIRET, raison_sociale="MANDATAIRE SAS")
    member(mandataire, UserFactory(), espace=Espace.FACTURES_A_VALIDER)
    _deposit(client, world, django_capture_on_commit_callbacks, valideur_2=OTHER_SIRET)
    invoice = Invoice.objects.get()
    first = _started(invoice)
    with django_capture_on_commit_callbacks(execute=True):
        tacit_validations_run(now=first + dt.timedelta(days=16))
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.A_VALIDER_2
    second = _started(invoice)
    assert second > first
    assert tacit_validations_run(now=second + dt.timedelta(days=14)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert tacit_validations_run(now=second + dt.timedelta(days=15)) == 1
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION


def test_the_periodic_task_is_in_beat_and_runs_the_service(
    client, world, prime, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    entry = settings.CELERY_BEAT_SCHEDULE["invoices.validation_tacit"]
    assert entry["task"] == "invoices.validation_tacit"
    _deposit(client, world, django_capture_on_commit_callbacks)
    invoice = Invoice.objects.get()
    # the clock moved 20 days on: the deposit is backdated
    type(invoice.validation).objects.filter(pk=invoice.validation.pk).update(
        started_at=timezone.now() - dt.timedelta(days=20)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert validation_tacit_task.apply().get() == 1
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION


def test_decisions_write_audit_rows_and_refuse_a_validated_invoice(
    client, world, prime, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    _deposit(client, world, django_capture_on_commit_callbacks)
    invoice = Invoice.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        invoice_validation_treat(invoice=invoice, user=prime[1], action="VALIDATION")
    assert AuditLog.objects.filter(action="invoice.validation", object_id=str(invoice.pk)).exists()
    with pytest.raises(ValidationRefused) as refused:
        invoice_validation_treat(
            invoice=invoice, user=prime[1], action="REFUS", reason_code="DOUBLON"
        )
    assert "n'est pas à valider" in refused.value.message
    # the supplier cannot validate its own invoice
    with pytest.raises(ValidationRefused) as forbidden:
        invoice_validation_treat(invoice=invoice, user=world.user, action="VALIDATION")
    assert forbidden.value.code in ("FORBIDDEN", "NOT_ALLOWED")


def test_validators_check_rules(world, prime) -> None:  # type: ignore[no-untyped-def]
    choice = validators_check(
        cadre="A12_FACTURE_COTRAITANT", supplier=world.supplier, identifier_1=" 552 100 554 00013 "
    )
    assert choice is not None and choice.validator_1 == prime[0]
    assert validators_check(cadre="A1_FACTURE_FOURNISSEUR", supplier=world.supplier) is None
    with pytest.raises(ValidationRefused) as inactive:
        prime[0].is_active = False
        prime[0].save()
        validators_check(
            cadre="A9_FACTURE_SOUSTRAITANT", supplier=world.supplier, identifier_1=PRIME_SIRET
        )
    assert "inactive" in inactive.value.message
    prime[0].is_active = True
    prime[0].save()
    with pytest.raises(ValidationRefused) as service:
        validators_check(
            cadre="A9_FACTURE_SOUSTRAITANT",
            supplier=world.supplier,
            identifier_1=PRIME_SIRET,
            service_1="NOPE",
        )
    assert "n'existe pas chez le valideur" in service.value.message
    with pytest.raises(ValidationRefused) as same:
        validators_check(
            cadre="A9_FACTURE_SOUSTRAITANT",
            supplier=world.supplier,
            identifier_1=PRIME_SIRET,
            identifier_2=PRIME_SIRET,
        )
    assert same.value.code == "VALIDATOR_2_SAME"
