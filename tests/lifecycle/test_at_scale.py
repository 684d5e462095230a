"""« Factures reçues » with many invoices: the list's queries do not grow with its rows, its
count stops at a cap."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.lifecycle import factories as f

# A page's queries (session, user, permissions, count, ids, rows, processable, services of the
# filter form, notifications...): what matters is that they do not depend on the rows shown.
LIST_QUERIES_MAX = 32


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
