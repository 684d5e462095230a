from __future__ import annotations

import io

import pytest

from choeur.accounts.models import User
from choeur.core.demo import DEMO_MODULES
from choeur.invoices import validation_demo
from choeur.invoices.enums import InvoiceStatus
from choeur.invoices.models import Invoice
from choeur.invoices.services.validation_circuit import invoices_to_validate


@pytest.mark.django_db
def test_demo_shows_the_circuit_with_printed_logins(world) -> None:  # type: ignore[no-untyped-def]
    assert "choeur.invoices.validation_demo" in DEMO_MODULES
    validation_demo.load(stdout=io.StringIO())
    invoices = Invoice.objects.filter(number__startswith=validation_demo.NUMBER_PREFIX).order_by(
        "number"
    )
    assert [i.status for i in invoices] == [
        InvoiceStatus.A_VALIDER_1,
        InvoiceStatus.MISE_A_DISPOSITION,
    ]
    prime = User.objects.get(email=validation_demo.PRIME_EMAIL)
    assert prime.check_password(validation_demo.PRIME_PASSWORD)
    assert invoices_to_validate(prime).count() == 2
    sub = User.objects.get(email=validation_demo.SUBCONTRACTOR_EMAIL)
    assert sub.check_password(validation_demo.SUBCONTRACTOR_PASSWORD)
    assert {login[1] for login in validation_demo.LOGINS} == {prime.email, sub.email}
    validation_demo.load(stdout=io.StringIO())
    assert Invoice.objects.filter(number__startswith=validation_demo.NUMBER_PREFIX).count() == 2
