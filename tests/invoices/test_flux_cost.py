"""What a flux's end costs (docs/performance.md « Where the time goes now »): the webhooks of the
invoices it made available and the reform's flows are written in one set-based pass, so a flux's
queries do not grow with the invoices whose recipient listens; a single-invoice flux runs in two
transactions (taken; written and finished) and a bounded number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from choeur.invoices.enums import FluxStatus
from choeur.invoices.models import Invoice
from choeur.invoices.services.integration import flux_integrate
from choeur.notifications.webhook_models import WebhookDelivery, WebhookEndpoint
from choeur.structures.models import Structure
from tests.invoices.factories import PUBLIC_FREE_SIRET
from tests.invoices.samples import Sample
from tests.invoices.test_integration_batch import SUPPLIER, archive, deposited

pytestmark = pytest.mark.django_db(transaction=False)

# Queries of one single-invoice flux's integration (the deposit apart), with a listening
# recipient: taken (lock, update, audit), read and checked, written (invoice, lines, history,
# audit, stored file), finished (report, audit, notifications, webhooks, the reform's flows).
# The recipient's email is one row counted for the digest (INVOICES_RECEIVED_DIGEST_SECONDS), not
# an email rendered: the same number of queries (50 either way), the rendering and the outbox's
# task message off the critical path.
SINGLE_FLUX_MAX_QUERIES = 50  # 53 before the set-based end and the merged transaction


def listening_recipient() -> Structure:
    recipient = Structure.objects.get(identifier=PUBLIC_FREE_SIRET)
    WebhookEndpoint.objects.create(
        structure=recipient,
        url="https://hooks.commune.test/choeur",
        secret="ab" * 32,
        events=["facture.recue"],
    )
    return recipient


def test_a_single_invoice_flux_costs_a_bounded_number_of_queries(world: Any, settings: Any) -> None:
    from choeur.notifications.models import OutboxEmail, ReceivedInvoices

    settings.INVOICES_RECEIVED_DIGEST_SECONDS = 300  # the production default
    recipient = listening_recipient()
    assert recipient.email
    flux = deposited(world, {"a.xml": Sample(SUPPLIER, PUBLIC_FREE_SIRET, number="UNE-1").cii()})
    with CaptureQueriesContext(connection) as queries:
        flux_integrate(flux_id=flux.pk)
    flux.refresh_from_db()
    assert flux.status == FluxStatus.IN_INTEGRE, flux.report
    assert WebhookDelivery.objects.filter(endpoint__structure=recipient).count() == 1
    # The recipient's email waits for the digest: counted, not rendered.
    assert not OutboxEmail.objects.filter(template__startswith="invoices/emails/invoices_received")
    assert list(ReceivedInvoices.objects.values_list("email", "count")) == [(recipient.email, 1)]
    # PostgreSQL: and the run's advisory lock, taken and released.
    bound = SINGLE_FLUX_MAX_QUERIES + (2 if connection.vendor == "postgresql" else 0)
    assert len(queries) <= bound, [q["sql"][:100] for q in queries]


def test_a_flux_end_does_not_grow_with_the_invoices_of_listening_recipients(world: Any) -> None:
    """Each invoice made available still gets its « facture reçue » webhook and its flows, but
    written together: 40 invoices cost a few queries more than 10 at the flux's end."""
    recipient = listening_recipient()
    counts = []
    for count, prefix in ((10, "PETIT"), (40, "GRAND")):
        flux = deposited(world, archive(count, prefix), name=f"{prefix}.zip")
        with CaptureQueriesContext(connection) as queries:
            flux_integrate(flux_id=flux.pk)
        assert Invoice.objects.filter(flux=flux, status="MISE_A_DISPOSITION").count() == count
        counts.append(len(queries))
    deliveries = WebhookDelivery.objects.filter(
        endpoint__structure=recipient, event="facture.recue"
    )
    assert deliveries.count() == 50  # one per invoice, none lost by the batching
    numbers = {d.payload["numeroFacture"] for d in deliveries}
    assert {f"GRAND-{i:03d}" for i in range(40)} <= numbers
    small, large = counts
    assert large - small <= 12, counts
