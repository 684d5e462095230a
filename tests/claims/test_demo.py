"""The claims demo: a juridiction and an expert with a mémoire being processed, a TIC service and
a farmer with a request waiting; printed logins that reach their espace; loaded once."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from choeur.accounts.models import User
from choeur.claims import demo
from choeur.claims.enums import ClaimKind
from choeur.claims.models import Claim
from choeur.invoices.enums import InvoiceStatus

pytestmark = pytest.mark.django_db


def test_demo_requests_and_logins(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        demo.load(stdout=out)
    memoire = Claim.objects.get(kind=ClaimKind.MEMOIRE_JUSTICE)
    assert memoire.recipient.identifier == demo.JURIDICTION_SIRET
    assert memoire.recipient.receives_memoires_justice
    assert memoire.flux.invoices.get().status == InvoiceStatus.SERVICE_FAIT
    tic = Claim.objects.get(kind=ClaimKind.DEMANDE_REMBOURSEMENT)
    assert tic.recipient.receives_tic_refunds
    assert tic.flux.invoices.get().status == InvoiceStatus.MISE_A_DISPOSITION
    assert tic.quantities.count() == 2
    demo.load(stdout=out)
    assert Claim.objects.count() == 2
    assert "déjà déposé" in out.getvalue()
    assert len(demo.LOGINS) == 4
    pages = {
        "greffe@choeur.localhost": f"/memoires-justice/recus/{memoire.pk}/",
        "expert@choeur.localhost": f"/memoires-justice/{memoire.pk}/",
        "service-tic@choeur.localhost": f"/remboursements-tic/recus/{tic.pk}/",
        "agriculteur@choeur.localhost": f"/remboursements-tic/{tic.pk}/",
    }
    for _role, email, password in demo.LOGINS:
        user = User.objects.get(email=email)
        assert user.check_password(password) and user.is_active, email
        client = Client()
        client.force_login(user)
        assert client.get(pages[email]).status_code == 200, email
