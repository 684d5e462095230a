"""The recipient's « nouvelle(s) facture(s) reçue(s) » email (issue 15): a flux's end only
counts the invoices that arrived for each address; the beat task sends one email per address
per window (INVOICES_RECEIVED_DIGEST_SECONDS), so 500 single-invoice flux of one supplier make
one email to the buyer, not 500. 0 keeps the email at each flux's end."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings as project_settings
from django.utils import timezone

from choeur.invoices.enums import FluxStatus
from choeur.invoices.services.integration import flux_integrate
from choeur.notifications import services
from choeur.notifications.models import OutboxEmail, ReceivedInvoices
from choeur.notifications.services import invoices_received_digest_send
from choeur.notifications.tasks import invoices_received_digest_task
from tests.invoices.conftest import world  # noqa: F401 - the invoices' world (a supplier, recipients)
from tests.invoices.samples import Sample
from tests.invoices.test_integration_batch import deposited

pytestmark = pytest.mark.django_db

ADDRESS = "factures@commune.test"
WINDOW = 300


@pytest.fixture
def recipient(world: Any, settings: Any) -> Any:  # noqa: F811
    settings.INVOICES_RECEIVED_DIGEST_SECONDS = WINDOW
    world.free_recipient.email = ADDRESS
    world.free_recipient.save(update_fields=["email"])
    return world.free_recipient


def single_flux(world: Any, number: str) -> None:  # noqa: F811
    sample = Sample(world.supplier.identifier, world.free_recipient.identifier, number=number)
    flux = deposited(world, {f"{number}.xml": sample.cii()})
    flux_integrate(flux_id=flux.pk)
    flux.refresh_from_db()
    assert flux.status == FluxStatus.IN_INTEGRE, flux.report


def emails() -> list[OutboxEmail]:
    return [e for e in OutboxEmail.objects.order_by("pk") if ADDRESS in e.to]


def test_three_flux_within_the_window_make_one_email_saying_three(
    world: Any,  # noqa: F811
    recipient: Any,
) -> None:
    start = timezone.now()
    for i in range(3):
        single_flux(world, f"UNE-{i}")
    assert emails() == []  # nothing rendered on the flux's critical path
    assert sum(ReceivedInvoices.objects.values_list("count", flat=True)) == 3
    # The window is not over: the task waits.
    assert invoices_received_digest_send(now=start + dt.timedelta(seconds=WINDOW - 60)) == 0
    assert emails() == []
    assert invoices_received_digest_send(now=start + dt.timedelta(seconds=WINDOW + 60)) == 1
    [email] = emails()
    supplier = world.supplier.raison_sociale
    assert email.subject == f"3 nouvelles factures reçues de {supplier}"
    assert "3 nouvelles factures vous ont été mises à disposition" in email.body_text
    assert f"- {supplier} : 3" in email.body_text
    assert "« Factures reçues »" in email.body_text
    assert f"{project_settings.SITE_URL.rstrip('/')}/factures-recues/" in email.body_text
    assert not ReceivedInvoices.objects.exists()


def test_a_second_window_makes_a_second_email(world: Any, recipient: Any) -> None:  # noqa: F811
    single_flux(world, "PREMIERE-1")
    later = timezone.now() + dt.timedelta(seconds=WINDOW + 1)
    assert invoices_received_digest_send(now=later) == 1
    single_flux(world, "SECONDE-1")
    single_flux(world, "SECONDE-2")
    # Right after the first email, the new invoices wait for their own window.
    assert invoices_received_digest_send(now=timezone.now()) == 0
    assert len(emails()) == 1
    assert invoices_received_digest_send(now=timezone.now() + dt.timedelta(seconds=WINDOW)) == 1
    first, second = emails()
    assert first.subject.startswith("1 nouvelle facture reçue de ")
    assert second.subject.startswith("2 nouvelles factures reçues de ")


def test_the_task_run_twice_sends_one_email(world: Any, recipient: Any, settings: Any) -> None:  # noqa: F811
    single_flux(world, "DEUX-FOIS-1")
    settings.INVOICES_RECEIVED_DIGEST_SECONDS = 1
    ReceivedInvoices.objects.update(created_at=timezone.now() - dt.timedelta(seconds=5))
    assert invoices_received_digest_task() == 1
    assert invoices_received_digest_task() == 0
    assert len(emails()) == 1


def test_a_worker_dying_before_the_commit_loses_nothing(
    world: Any,  # noqa: F811
    recipient: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    single_flux(world, "PANNE-1")
    later = timezone.now() + dt.timedelta(seconds=WINDOW + 1)

    def dies(**kwargs: Any) -> None:
        raise RuntimeError("le worker s'arrête")

    with monkeypatch.context() as patched:
        patched.setattr(services, "email_queue", dies)
        with pytest.raises(RuntimeError):
            invoices_received_digest_send(now=later)
    assert ReceivedInvoices.objects.count() == 1  # the count stays for the next run
    assert invoices_received_digest_send(now=later) == 1
    [email] = emails()
    assert email.subject.startswith("1 nouvelle facture reçue de ")


def test_invoices_of_several_suppliers_are_listed_in_one_email(recipient: Any) -> None:
    services.invoices_received_record(supplier="BÂTIMENT DURAND", counts={ADDRESS: 2})
    services.invoices_received_record(supplier="PAPETERIE MARTIN", counts={ADDRESS: 1})
    services.invoices_received_record(supplier="BÂTIMENT DURAND", counts={ADDRESS: 1})
    assert invoices_received_digest_send(now=timezone.now() + dt.timedelta(seconds=WINDOW)) == 1
    [email] = emails()
    assert email.subject == "4 nouvelles factures reçues de 2 fournisseurs"
    assert "- BÂTIMENT DURAND : 3\n- PAPETERIE MARTIN : 1" in email.body_text


def test_window_zero_emails_at_the_flux_end_as_before(
    world: Any,  # noqa: F811
    recipient: Any,
    settings: Any,
) -> None:
    settings.INVOICES_RECEIVED_DIGEST_SECONDS = 0
    single_flux(world, "IMMEDIATE-1")
    [email] = emails()
    assert email.subject == f"1 nouvelle facture reçue de {world.supplier.raison_sociale}"
    assert not ReceivedInvoices.objects.exists()


def test_beat_runs_the_digest_on_the_background_queue() -> None:
    beat = {entry["task"] for entry in project_settings.CELERY_BEAT_SCHEDULE.values()}
    assert "notifications.invoices_received_digest" in beat
    route = project_settings.CELERY_TASK_ROUTES["notifications.invoices_received_digest"]
    assert route["queue"].endswith(".fond")
