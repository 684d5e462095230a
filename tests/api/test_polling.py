"""`periodeDateHeureEtatCourantDu/Au` restrict both searches to the invoices whose status changed
in the period, so that an integration polls for what is new (reference C.10, Pastell). The
fields are RFC 3339 date-times (GO's time.Time); a date alone, or a date-time without offset
(Pastell appends "T23:59:59"), are read in the platform's time zone."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from choeur.invoices.models import Invoice
from tests.api.conftest import deposit_invoice

pytestmark = pytest.mark.django_db(transaction=True)

F = "/cpro/factures/v1/"
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def two_invoices(api_account: Any, recipient_account: Any) -> tuple[int, int]:
    """One invoice whose status last changed on 2026-11-03 at 09:00 in Paris, one on 2026-11-05
    at 17:30."""
    old = deposit_invoice(api_account, number="FA-OLD")
    new = deposit_invoice(api_account, number="FA-NEW")
    Invoice.objects.filter(pk=old).update(
        status_changed_at=dt.datetime(2026, 11, 3, 9, 0, tzinfo=PARIS)
    )
    Invoice.objects.filter(pk=new).update(
        status_changed_at=dt.datetime(2026, 11, 5, 17, 30, tzinfo=PARIS)
    )
    return old, new


def _ids(response: Any, key: str) -> list[int]:
    assert response.status_code == 200, response.content
    return sorted(row[key] for row in response.json()["listeFactures"])


PERIODS: list[tuple[dict[str, Any], str]] = [
    ({}, "both"),
    ({"periodeDateHeureEtatCourantDu": "2030-01-01T00:00:00.000+01:00"}, "none"),
    ({"periodeDateHeureEtatCourantDu": "2026-11-04T00:00:00Z"}, "new"),
    ({"periodeDateHeureEtatCourantDu": "2026-11-05T17:30:00+01:00"}, "new"),
    ({"periodeDateHeureEtatCourantDu": "2026-11-05T16:30:00.001Z"}, "none"),
    ({"periodeDateHeureEtatCourantAu": "2026-11-04T12:00:00+01:00"}, "old"),
    ({"periodeDateHeureEtatCourantAu": "2026-11-03"}, "old"),
    ({"periodeDateHeureEtatCourantDu": "2026-11-05"}, "new"),
    ({"periodeDateHeureEtatCourantAu": "2026-11-03T08:59:59"}, "none"),
    (
        {
            "periodeDateHeureEtatCourantDu": "2026-11-03T09:00:00+01:00",
            "periodeDateHeureEtatCourantAu": "2026-11-05T17:29:59+01:00",
        },
        "old",
    ),
    # GO marshals an unset period as null, PHP as "": no filter.
    ({"periodeDateHeureEtatCourantDu": None, "periodeDateHeureEtatCourantAu": ""}, "both"),
]


def test_both_searches_keep_the_invoices_changed_in_the_period(
    api_account: Any, recipient_account: Any, two_invoices: tuple[int, int]
) -> None:
    old, new = two_invoices
    for period, expected in PERIODS:
        wanted = {"both": [old, new], "none": [], "old": [old], "new": [new]}[expected]
        sent = api_account.post(F + "rechercher/fournisseur", period)
        assert _ids(sent, "identifiantFactureCPP") == sorted(wanted), period
        received = recipient_account.post(F + "rechercher/recipiendaire", period)
        assert _ids(received, "idFacture") == sorted(wanted), period


def test_a_period_in_the_future_is_a_search_without_result(
    recipient_account: Any, two_invoices: tuple[int, int]
) -> None:
    response = recipient_account.post(
        F + "rechercher/recipiendaire", {"periodeDateHeureEtatCourantDu": "2030-01-01T00:00:00Z"}
    )
    assert response.status_code == 200
    assert response.json()["codeRetour"] == 20000
    assert response.json()["listeFactures"] == []


def test_the_answer_carries_the_status_change_time_the_filter_reads(
    recipient_account: Any, two_invoices: tuple[int, int]
) -> None:
    _old, new = two_invoices
    row = recipient_account.post(
        F + "rechercher/recipiendaire", {"periodeDateHeureEtatCourantDu": "2026-11-05"}
    ).json()["listeFactures"][0]
    assert row["idFacture"] == new
    assert row["dateHeureEtatCourant"] == "2026-11-05T17:30:00.000+01:00"


def test_a_period_that_is_no_date_is_refused_naming_the_field(
    api_account: Any, recipient_account: Any
) -> None:
    for bad in ("hier", "2026-13-01T00:00:00Z", "05/11/2026", 20261105, True, ["2026-11-05"]):
        for account, path in (
            (api_account, "rechercher/fournisseur"),
            (recipient_account, "rechercher/recipiendaire"),
        ):
            response = account.post(F + path, {"periodeDateHeureEtatCourantAu": bad})
            assert response.status_code == 400, (bad, response.content)
            assert response.json()["codeRetour"] == 20001
            assert "periodeDateHeureEtatCourantAu" in response.json()["libelle"]


def test_an_inverted_period_is_refused(api_account: Any) -> None:
    response = api_account.post(
        F + "rechercher/fournisseur",
        {
            "periodeDateHeureEtatCourantDu": "2026-11-05T00:00:00Z",
            "periodeDateHeureEtatCourantAu": "2026-11-04T00:00:00Z",
        },
    )
    assert response.status_code == 400
    assert "inversée" in response.json()["libelle"]
