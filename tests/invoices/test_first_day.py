"""A supplier's first day (issue 12): the status filter he can use, « Mon espace » guiding the
first invoice, codes shown as words."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from choeur.invoices.enums import InvoiceStatus
from choeur.invoices.forms import SUPPLIER_STATUS_GROUPS
from choeur.structures.enums import AccessMode
from tests.invoices.factories import StructureFactory, member, public_recipient
from tests.lifecycle import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def supplier() -> Any:
    return StructureFactory()


@pytest.fixture
def user(supplier: Any) -> Any:
    return member(supplier)


@pytest.fixture
def client_in(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def _select(html: str, name: str) -> str:
    match = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert match, name
    return match.group(0)


def test_the_status_filter_offers_a_suppliers_statuses_grouped(client_in: Client) -> None:
    select = _select(client_in.get(reverse("invoices:list")).content.decode(), "status")
    groups = re.findall(r'<optgroup label="([^"]+)"', select)
    assert groups == ["À traiter", "En cours de traitement", "Terminées"]
    values = re.findall(r'<option value="([^"]*)"', select)
    assert values[0] == ""  # « Tous »
    assert len(values) == 13
    assert {"SUSPENDUE", "A_RECYCLER", "REJETEE", "MISE_A_DISPOSITION", "MISE_EN_PAIEMENT"} <= set(
        values
    )
    # Neither the works and validator circuits nor the technical statuses.
    for code in ("A_VALIDER_MOE", "VALIDEE_1", "TECHNIQUE_INCONNU", "BROUILLON", "SUPPRIMEE"):
        assert code not in values
    assert ">Mise à disposition comptable</option>" in select


@pytest.mark.parametrize(
    "status", [s for _group, statuses in SUPPLIER_STATUS_GROUPS for s in statuses]
)
def test_each_offered_status_filters_the_list(
    client_in: Client, supplier: Any, user: Any, status: InvoiceStatus
) -> None:
    recipient = public_recipient()
    wanted = f.invoice(supplier=supplier, recipient=recipient, status=status, depositor=user)
    other_status = (
        InvoiceStatus.MISE_EN_PAIEMENT
        if status != InvoiceStatus.MISE_EN_PAIEMENT
        else InvoiceStatus.SUSPENDUE
    )
    other = f.invoice(supplier=supplier, recipient=recipient, status=other_status, depositor=user)
    html = client_in.get(reverse("invoices:list"), {"status": status.value}).content.decode()
    assert wanted.number in html
    assert other.number not in html
    assert "1 facture<" in html


def test_my_space_guides_the_first_invoice_until_one_is_sent(
    client_in: Client, supplier: Any, user: Any
) -> None:
    html = client_in.get(reverse("core:dashboard")).content.decode()
    assert 'id="premiere-facture"' in html
    assert supplier.raison_sociale in html
    for url in ("invoices:saisie", "invoices:upload_pdf", "invoices:upload", "directory:search"):
        assert f'href="{reverse(url)}"' in html
    assert "SIRET" in html and "code service" in html and "engagement juridique" in html
    # The gestionnaire principal is shown where the API's compte technique is made.
    assert reverse("structures:technical_accounts", args=[supplier.pk]) in html

    f.invoice(supplier=supplier, recipient=public_recipient(), depositor=user)
    html = client_in.get(reverse("core:dashboard")).content.decode()
    assert 'id="premiere-facture"' not in html
    assert "Vos espaces" in html


def test_the_guide_is_for_who_may_deposit(client: Client, supplier: Any) -> None:
    reader = member(supplier, mode=AccessMode.CONSULTATION)
    client.force_login(reader)
    html = client.get(reverse("core:dashboard")).content.decode()
    assert 'id="premiere-facture"' not in html


def test_no_invoice_is_counted_in_the_singular(client_in: Client) -> None:
    html = client_in.get(reverse("invoices:list")).content.decode()
    assert "0 facture<" in html and "0 factures" not in html


def test_invoice_pages_show_names_not_codes(client_in: Client, supplier: Any, user: Any) -> None:
    invoice = f.invoice(supplier=supplier, recipient=public_recipient(), depositor=user)
    line = invoice.lines.get()
    line.unit, line.unit_price = "HUR", "1234.5"
    line.save()
    html = client_in.get(reverse("invoices:detail", args=[invoice.pk])).content.decode()
    lines = re.search(r'<table id="lines">.*?</table>', html, re.S)
    assert lines
    cells = re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", " ", lines.group(0)))
    assert "heure" in cells and "HUR" not in cells
    assert "1\u202f234,50\u00a0€" in cells
    assert "20\u00a0%" in cells
    assert html.count("Historique des statuts</h2>") == 1
    flux = client_in.get(reverse("invoices:flux_detail", args=[invoice.flux_id])).content.decode()
    status = re.search(r'<dd id="flux-status">(.*?)</dd>', flux, re.S)
    assert status and "IN_" not in re.sub(r"<[^>]+>", "", status.group(1))
