"""« Factures émises » with many invoices: queries that do not grow with the rows, a count that
stops at a cap, and the PDF rendered from the XML once, then read from its stored file."""

from __future__ import annotations

from decimal import Decimal

import pytest

import choeur.einvoice as einvoice
from choeur.invoices.models import Invoice
from tests.lifecycle import factories as f

pytestmark = pytest.mark.django_db
# A page's queries (session, user, permissions, count, ids, rows, invoices awaiting action,
# menu...): what matters is that they do not depend on the rows shown.
LIST_QUERIES_MAX = 32


@pytest.mark.parametrize("rows", [1, 30])
@pytest.mark.parametrize("sort", ["depot", "destinataire", "-montant"])
def test_list_queries_do_not_grow_with_rows(
    client, world, django_assert_max_num_queries, rows, sort
):
    for i in range(rows):
        recipient = f.structure(f"123456782{i:05d}", f"COMMUNE {i:02d}", public=True)
        f.invoice(supplier=world.supplier, recipient=recipient, total_ttc=Decimal(i + 1))
    client.force_login(world.user)
    with django_assert_max_num_queries(LIST_QUERIES_MAX):
        body = client.get(f"/factures/?tri={sort}").content.decode()
    assert body.count("COMMUNE ") >= min(rows, 25)


def test_number_search_finds_a_part_of_the_number(client, world):
    f.invoice(supplier=world.supplier, recipient=world.free_recipient, number="F-2026-4242")
    f.invoice(supplier=world.supplier, recipient=world.free_recipient, number="F-2026-1000")
    client.force_login(world.user)
    body = client.get("/factures/?number=f-2026-42").content.decode()
    assert "F-2026-4242</a>" in body and "F-2026-1000" not in body
    assert "1 facture" in body


def test_list_count_is_capped_beyond_the_setting(client, world, monkeypatch, settings):
    from choeur.invoices.views import sent

    settings.LIST_COUNT_CAP = 3
    monkeypatch.setattr(sent, "PAGE_SIZE", 2)
    for i in range(5):
        f.invoice(
            supplier=world.supplier, recipient=world.free_recipient, number=f"F-{i}", age_days=i
        )
    client.force_login(world.user)
    first = client.get("/factures/").content.decode()
    assert "Plus de 3 factures" in first and "Page 1 sur" not in first
    assert "page=2" in first
    last = client.get("/factures/?page=3").content.decode()
    assert "F-4</a>" in last and "Page suivante" not in last
    beyond = client.get("/factures/?page=9").content.decode()
    assert "F-4</a>" in beyond and "5 factures" in beyond and "Page 3 sur 3" in beyond
    settings.LIST_COUNT_CAP = 5
    exact = client.get("/factures/").content.decode()
    assert "5 factures" in exact and "Plus de" not in exact and "Page 1 sur 3" in exact


def test_pdf_rendered_from_the_xml_is_stored_and_read_on_the_next_download(
    client, world, monkeypatch
):
    invoice = f.invoice(supplier=world.supplier, recipient=world.free_recipient, with_pdf=False)
    renders = []
    real_render = einvoice.render_pdf

    def counting_render(pivot):  # type: ignore[no-untyped-def]
        renders.append(pivot.number)
        return real_render(pivot)

    monkeypatch.setattr(einvoice, "render_pdf", counting_render)
    client.force_login(world.user)
    first = client.get(f"/factures/{invoice.pk}/facture.pdf")
    second = client.get(f"/factures/{invoice.pk}/facture.pdf")
    assert first.status_code == second.status_code == 200
    assert first.content.startswith(b"%PDF") and second.content == first.content
    assert renders == [invoice.number]
    stored = Invoice.objects.select_related("rendered_pdf").get(pk=invoice.pk).rendered_pdf
    assert stored is not None and stored.read() == first.content
    assert stored.content_type == "application/pdf"
