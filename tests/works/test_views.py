"""« Factures de travaux » pages: each party sees its invoices, acts with clear refusals, outsiders
get 404, and a fiche identité du marché is recorded from its page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from choeur.invoices.enums import InvoiceStatus
from choeur.structures.models import EngagementJuridique
from choeur.works.models import WorksContract, WorksDocument

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def deposited(works):  # type: ignore[no-untyped-def]
    return works.invoice(cadre="A4")


def test_each_party_sees_the_invoice_in_its_role(works, deposited) -> None:  # type: ignore[no-untyped-def]
    supplier = _client(works.supplier_user).get("/travaux/")
    assert supplier.status_code == 200
    assert "PDM-2026-01" in supplier.content.decode()
    moe = _client(works.moe_user).get("/travaux/?role=MOE").content.decode()
    assert "PDM-2026-01" in moe and "Mise à disposition de la MOE" in moe
    detail = _client(works.moe_user).get(f"/travaux/{deposited.pk}/").content.decode()
    assert "Prendre en compte" in detail
    assert "ATELIER D&#x27;ARCHITECTURE LEROY" in detail or "ATELIER D'ARCHITECTURE LEROY" in detail
    # the MOA reads it but has nothing to do yet
    moa = _client(works.moa_user).get(f"/travaux/{deposited.pk}/").content.decode()
    assert "Aucune action ne vous revient" in moa


@pytest.mark.parametrize(
    "path",
    [
        "/travaux/{pk}/",
        "/travaux/{pk}/agir/prendre-en-compte-moe/",
        "/travaux/{pk}/etablir/moe/",
    ],
)
def test_outsiders_get_404(works, deposited, path) -> None:  # type: ignore[no-untyped-def]
    url = path.format(pk=deposited.pk)
    assert _client(works.outsider).get(url).status_code == 404
    if "/agir/" in url or "/etablir/" in url:
        assert _client(works.outsider).post(url, {"reason": "x"}).status_code == 404
    deposited.refresh_from_db()
    assert deposited.status == InvoiceStatus.MISE_A_DISPOSITION_MOE


def test_anonymous_is_sent_to_login(deposited) -> None:  # type: ignore[no-untyped-def]
    answer = Client().get(f"/travaux/{deposited.pk}/")
    assert answer.status_code == 302 and "/compte/" in answer["Location"]


def test_a_refusal_without_reason_is_refused_in_french(works, deposited) -> None:  # type: ignore[no-untyped-def]
    client = _client(works.moe_user)
    answer = client.post(f"/travaux/{deposited.pk}/agir/refuser-moe/", {"reason": " "})
    assert answer.status_code == 400
    assert "Ce champ est obligatoire" in answer.content.decode()
    deposited.refresh_from_db()
    assert deposited.status == InvoiceStatus.MISE_A_DISPOSITION_MOE
    # the MOA's reader may not act; the supplier cannot act as MOE
    reader = _client(works.moa_reader).post(
        f"/travaux/{deposited.pk}/agir/prendre-en-compte-moa/", {}
    )
    assert reader.status_code == 400
    assert "droits" in reader.content.decode()
    done = client.post(
        f"/travaux/{deposited.pk}/agir/refuser-moe/",
        {"reason": "Quantités non conformes", "expected_status": "MISE_A_DISPOSITION_MOE"},
    )
    assert done.status_code == 302
    deposited.refresh_from_db()
    assert deposited.status == InvoiceStatus.REFUSEE_MOE


def test_stale_page_is_refused(works, deposited) -> None:  # type: ignore[no-untyped-def]
    answer = _client(works.moe_user).post(
        f"/travaux/{deposited.pk}/agir/prendre-en-compte-moe/",
        {"expected_status": "A_VALIDER_MOE"},
    )
    assert answer.status_code == 400
    assert "a changé entre-temps" in answer.content.decode()


def test_the_moe_document_form_checks_its_input(works, deposited) -> None:  # type: ignore[no-untyped-def]
    client = _client(works.moe_user)
    client.post(f"/travaux/{deposited.pk}/agir/prendre-en-compte-moe/", {})
    bad = client.post(
        f"/travaux/{deposited.pk}/etablir/moe/",
        {
            "cadre": "A16_ETAT_ACOMPTE_VALIDE_MOE",
            "number": "EA-1",
            "amount_ht": "500",
            "amount_ttc": "100",
        },
    )
    assert bad.status_code == 400
    assert "Le montant HT ne peut pas dépasser le montant TTC." in bad.content.decode()
    wrong = client.post(
        f"/travaux/{deposited.pk}/etablir/moe/",
        {"cadre": "A20_DECOMPTE_GENERAL_MOA", "number": "X", "amount_ht": "1", "amount_ttc": "1"},
    )
    assert wrong.status_code == 400
    assert not WorksDocument.objects.exists()
    good = client.post(
        f"/travaux/{deposited.pk}/etablir/moe/",
        {
            "cadre": "A15_ETAT_ACOMPTE_MOE",
            "number": "EA-1",
            "amount_ht": "300",
            "amount_ttc": "360",
        },
    )
    assert good.status_code == 302
    deposited.refresh_from_db()
    assert deposited.status == InvoiceStatus.TRANSMISE_MOA


def test_a_fiche_identite_is_recorded_from_its_page(works) -> None:  # type: ignore[no-untyped-def]
    EngagementJuridique.objects.create(
        structure=works.payer, number="EJ-NOUVEAU", amount_ht="1000", date=dt.date(2026, 3, 1)
    )
    client = _client(works.payer_user)
    page = client.get("/travaux/marches/nouveau/")
    assert page.status_code == 200 and "EJ-NOUVEAU" in page.content.decode()
    engagement = EngagementJuridique.objects.get(number="EJ-NOUVEAU")
    unknown = client.post(
        "/travaux/marches/nouveau/",
        {
            "engagement": engagement.pk,
            "label": "Extension du gymnase",
            "supplier": "99999999999999",
            "moa": works.moa.identifier,
        },
    )
    assert unknown.status_code == 400
    assert "Aucune structure de SIRET 99999999999999" in unknown.content.decode()
    created = client.post(
        "/travaux/marches/nouveau/",
        {
            "engagement": engagement.pk,
            "label": "Extension du gymnase",
            "supplier": works.supplier.identifier,
            "moe": works.moe.identifier,
            "moa": works.moa.identifier,
        },
    )
    assert created.status_code == 302
    contract = WorksContract.objects.get(engagement=engagement)
    assert contract.moe == works.moe and contract.supplier == works.supplier
    listing = client.get("/travaux/marches/").content.decode()
    assert "Extension du gymnase" in listing
    # nothing to describe for someone with no public structure
    assert _client(works.moe_user).get("/travaux/marches/nouveau/").status_code == 404
