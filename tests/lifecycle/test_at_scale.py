"""« Factures reçues » with many invoices: the Synthèse counts in SQL and lists a few, the list's
queries do not grow with its rows, its count stops at a cap."""

from __future__ import annotations

from decimal import Decimal

import pytest

from choeur.lifecycle import selectors
from choeur.lifecycle.selectors import synthese_for_recipient
from tests.lifecycle import factories as f

# A page's queries (session, user, permissions, count, ids, rows, processable, services of the
# filter form, notifications...): what matters is that they do not depend on the rows shown.
LIST_QUERIES_MAX = 32


def _overdue_world(world, monkeypatch, settings):  # type: ignore[no-untyped-def]
    """Five invoices past the delay (10, 20, 30, 40, 50 €, the oldest cheapest), two that are
    not (recent, or paid), one of another recipient; the Synthèse lists three."""
    settings.PAYMENT_DELAY_DAYS = 30
    monkeypatch.setattr(selectors, "OVERDUE_LISTED", 3)
    for i in range(5):
        f.invoice(
            supplier=world.supplier,
            recipient=world.recipient,
            number=f"RETARD-{i}",
            total_ttc=Decimal(10 * (i + 1)),
            age_days=80 - i * 10,
        )
    f.invoice(supplier=world.supplier, recipient=world.recipient, number="RECENTE", age_days=5)
    f.invoice(
        supplier=world.supplier,
        recipient=world.recipient,
        number="PAYEE",
        status="MISE_EN_PAIEMENT",
        age_days=90,
    )
    f.invoice(supplier=world.supplier, recipient=world.other_recipient, age_days=90)


def test_synthese_lists_the_oldest_overdue_and_counts_and_sums_them_all(
    world, monkeypatch, settings
):
    _overdue_world(world, monkeypatch, settings)
    data = synthese_for_recipient(user=world.manager)
    assert [i.number for i in data.overdue] == ["RETARD-0", "RETARD-1", "RETARD-2"]
    assert data.overdue_count == 5
    assert data.overdue_amount == Decimal("150.00")
    assert data.waiting == 6 and data.total == 7


def test_synthese_page_shows_all_overdue_counted_and_links_to_the_filtered_list(
    client, world, monkeypatch, settings
):
    _overdue_world(world, monkeypatch, settings)
    client.force_login(world.manager)
    body = client.get("/factures-recues/synthese/").content.decode()
    assert "5 factures dépassent le délai légal de paiement." in body
    assert "Montant TTC : 150,00\u00a0€." in body
    assert "Les 3 plus anciennes sont listées ci-dessous." in body
    assert "RETARD-2</a>" in body and "RETARD-3" not in body
    assert 'href="/factures-recues/?hors_delai=on&amp;tri=depot"' in body
    listed = client.get("/factures-recues/?hors_delai=on&tri=depot").content.decode()
    assert "5 factures" in listed
    positions = [listed.index(f"RETARD-{i}</a>") for i in range(5)]
    assert positions == sorted(positions)  # oldest first
    assert "RECENTE" not in listed and "PAYEE" not in listed


def test_synthese_queries_do_not_grow_with_overdue_invoices(
    client, world, monkeypatch, settings, django_assert_max_num_queries
):
    _overdue_world(world, monkeypatch, settings)
    client.force_login(world.manager)
    with django_assert_max_num_queries(LIST_QUERIES_MAX):
        assert client.get("/factures-recues/synthese/").status_code == 200


@pytest.mark.parametrize("rows", [1, 30])
@pytest.mark.parametrize("sort", ["-depot", "fournisseur", "-montant"])
def test_list_queries_do_not_grow_with_rows(
    client, world, django_assert_max_num_queries, rows, sort
):
    for i in range(rows):
        supplier = f.structure(f"9000000000{i:04d}", f"FOURNISSEUR {i:02d}")
        f.invoice(
            supplier=supplier,
            recipient=world.recipient,
            service=world.achats if i % 2 else None,
            total_ttc=Decimal(i + 1),
        )
    client.force_login(world.manager)
    with django_assert_max_num_queries(LIST_QUERIES_MAX):
        body = client.get(f"/factures-recues/?tri={sort}").content.decode()
    assert body.count("FOURNISSEUR ") >= min(rows, 25)


def test_list_count_is_capped_beyond_the_setting(client, world, monkeypatch, settings):
    from choeur.lifecycle import views

    settings.LIST_COUNT_CAP = 3
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for i in range(5):
        f.invoice(supplier=world.supplier, recipient=world.recipient, number=f"F-{i}", age_days=i)
    client.force_login(world.manager)
    first = client.get("/factures-recues/").content.decode()
    assert "Plus de 3 factures" in first
    assert "page=2" in first and "Dernière page" not in first
    last = client.get("/factures-recues/?page=3").content.decode()
    assert "F-4</a>" in last and "Page suivante" not in last
    # Past the end: the list is counted once, and its last page shown.
    beyond = client.get("/factures-recues/?page=9").content.decode()
    assert "F-4</a>" in beyond and "5 factures" in beyond
    settings.LIST_COUNT_CAP = 5
    exact = client.get("/factures-recues/").content.decode()
    assert "5 factures" in exact and "Plus de" not in exact and "Page 1 sur 3" in exact


def test_sorted_by_supplier_follows_the_name_on_the_invoice_in_both_directions(client, world):
    """« Trier par fournisseur » sorts on the seller's name the invoice carries (the index
    (recipient, seller_name, id) serves it at a million invoices), and shows that name."""
    # The structures' own names sort the other way round (C, A, B): the invoice's name wins.
    named = [
        ("BETA SARL", "STRUCTURE C"),
        ("ALPHA SA", "STRUCTURE B"),
        ("GAMMA SAS", "STRUCTURE A"),
    ]
    for i, (name, structure_name) in enumerate(named):
        supplier = f.structure(f"9100000000{i:04d}", structure_name)
        f.invoice(
            supplier=supplier, recipient=world.recipient, number=f"N-{name[:5]}", seller_name=name
        )
    client.force_login(world.manager)
    ascending = client.get("/factures-recues/?tri=fournisseur").content.decode()
    positions = [ascending.index(f"N-{n}</a>") for n in ("ALPHA", "BETA ", "GAMMA")]
    assert positions == sorted(positions)
    descending = client.get("/factures-recues/?tri=-fournisseur").content.decode()
    positions = [descending.index(f"N-{n}</a>") for n in ("GAMMA", "BETA ", "ALPHA")]
    assert positions == sorted(positions)
    assert "ALPHA SA<br>" in ascending
