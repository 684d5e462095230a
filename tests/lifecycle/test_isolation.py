"""Walk every view of « Factures reçues » as users who must not see the invoice: 404, no write."""

from __future__ import annotations

import re

import pytest
from django.urls import get_resolver, reverse

from choeur.invoices.models import InvoiceStatusChange
from choeur.lifecycle import urls as lifecycle_urls
from choeur.lifecycle.models import RecipientProcessing
from tests.lifecycle import factories as f

pytestmark = pytest.mark.django_db

# Every route about one invoice, with the methods it accepts and the POST data a real user sends.
INVOICE_ROUTES = {
    "detail": ({}, ["GET"]),
    "pdf": ({}, ["GET"]),
    "download": ({"kind": "zip"}, ["POST"]),
    "attachment": ({"attachment_id": None}, ["GET"]),
    "action": ({"action": "suspendre"}, ["GET", "POST"]),
}
LIST_ROUTES = {"list", "synthese", "bulk_action"}
# Routes the supplier may read too, walked as outsiders in their own test module.
SUPPLIER_TOO_ROUTES = {"history_cdar"}  # tests/lifecycle/test_cdar.py


def test_every_route_is_walked():
    names = {p.name for p in lifecycle_urls.urlpatterns}
    assert names == set(INVOICE_ROUTES) | LIST_ROUTES | SUPPLIER_TOO_ROUTES


def _urls(invoice, attachment):
    for name, (extra, methods) in INVOICE_ROUTES.items():
        kwargs = {"invoice_id": invoice.pk, **extra}
        if "attachment_id" in kwargs:
            kwargs["attachment_id"] = attachment.pk
        yield reverse(f"lifecycle:{name}", kwargs=kwargs), methods


@pytest.mark.parametrize("who", ["outsider", "other_agent", "supplier_user", "stranger"])
def test_outsiders_get_404_on_every_invoice_view_and_change_nothing(
    client, world, mad_invoice, who
):
    attachment = f.attachment(mad_invoice)
    user = f.user() if who == "stranger" else getattr(world, who)
    client.force_login(user)
    for url, methods in _urls(mad_invoice, attachment):
        for method in methods:
            data = {"expected_status": "MISE_A_DISPOSITION", "reason": "Pièce manquante"}
            response = client.get(url) if method == "GET" else client.post(url, data)
            assert response.status_code == 404, (who, method, url, response.status_code)
            assert mad_invoice.number not in response.content.decode()
    mad_invoice.refresh_from_db()
    assert mad_invoice.status == "MISE_A_DISPOSITION"
    assert InvoiceStatusChange.objects.filter(invoice=mad_invoice).count() == 1
    assert not RecipientProcessing.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "other_agent"])
def test_outsiders_do_not_find_it_in_lists_exports_synthese_or_bulk(
    client, world, mad_invoice, who
):
    client.force_login(getattr(world, who))
    body = client.get(reverse("lifecycle:list")).content.decode()
    assert mad_invoice.number not in body
    export = client.get(reverse("lifecycle:list"), {"export": "csv"}).content.decode("utf-8-sig")
    assert mad_invoice.number not in export
    body = client.get(reverse("lifecycle:list"), {"q": mad_invoice.number}).content.decode()
    assert "0 facture" in body
    synthese = client.get(reverse("lifecycle:synthese")).content.decode()
    assert re.search(r"\b0 factures? reçues? au total", synthese)
    client.post(
        reverse("lifecycle:bulk_action"),
        {"invoices": [mad_invoice.pk], "to_status": "SERVICE_FAIT"},
    )
    mad_invoice.refresh_from_db()
    assert mad_invoice.status == "MISE_A_DISPOSITION"


def test_anonymous_is_sent_to_login_everywhere(client, world, mad_invoice):
    attachment = f.attachment(mad_invoice)
    urls = [u for u, _ in _urls(mad_invoice, attachment)]
    urls += [reverse(f"lifecycle:{name}") for name in LIST_ROUTES]
    for url in urls:
        response = (
            client.post(url) if url.endswith(("/zip/", "actions-groupees/")) else client.get(url)
        )
        assert response.status_code == 302 and response["Location"].startswith("/compte/"), url


def test_attachment_of_another_invoice_is_not_found_through_mine(client, world, mad_invoice):
    foreign = f.invoice(supplier=world.supplier, recipient=world.other_recipient)
    foreign_attachment = f.attachment(foreign, name="secret.pdf")
    client.force_login(world.agent)
    url = reverse("lifecycle:attachment", args=[mad_invoice.pk, foreign_attachment.pk])
    assert client.get(url).status_code == 404


def test_invoices_not_yet_made_available_are_not_shown(client, world):
    deposited = f.invoice(
        supplier=world.supplier, recipient=world.recipient, service=world.achats, status="DEPOSEE"
    )
    client.force_login(world.agent)
    assert client.get(reverse("lifecycle:detail", args=[deposited.pk])).status_code == 404


def test_a_closed_espace_or_a_withdrawn_rattachement_hides_everything(client, world, mad_invoice):
    from choeur.structures.models import Rattachement, StructureEspace

    client.force_login(world.agent)
    url = reverse("lifecycle:detail", args=[mad_invoice.pk])
    assert client.get(url).status_code == 200
    StructureEspace.objects.filter(structure=world.recipient, espace="FACTURES_RECUES").update(
        is_open=False
    )
    assert client.get(url).status_code == 404
    StructureEspace.objects.filter(structure=world.recipient).update(is_open=True)
    Rattachement.objects.filter(user=world.agent).update(status="DESACTIVEE")
    assert client.get(url).status_code == 404


def test_resolver_has_the_lifecycle_prefix():
    assert get_resolver().resolve("/factures-recues/").url_name == "list"
