from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.urls import reverse

from choeur.invoices.models import InvoiceStatusChange
from choeur.lifecycle.models import RecipientProcessing
from tests.lifecycle import factories as f

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def test_list_shows_the_users_invoices_only(client, world, mad_invoice):
    travaux = f.invoice(supplier=world.supplier, recipient=world.recipient, service=world.travaux)
    elsewhere = f.invoice(supplier=world.supplier, recipient=world.other_recipient)
    response = _login(client, world.agent).get("/factures-recues/")
    assert response.status_code == 200
    body = response.content.decode()
    assert mad_invoice.number in body
    assert travaux.number not in body and elsewhere.number not in body
    assert "1 facture" in body


def test_manager_sees_every_service(client, world, mad_invoice):
    travaux = f.invoice(supplier=world.supplier, recipient=world.recipient, service=world.travaux)
    body = _login(client, world.manager).get("/factures-recues/").content.decode()
    assert mad_invoice.number in body and travaux.number in body


def test_list_is_not_found_without_the_espace(client, world):
    response = _login(client, world.supplier_user).get("/factures-recues/")
    assert response.status_code == 404


def test_list_requires_login(client):
    response = client.get("/factures-recues/")
    assert response.status_code == 302 and "/compte/" in response["Location"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"statut": "SUSPENDUE"}, {"B"}),
        ({"supplier": "autre sa"}, {"C"}),
        ({"supplier": "55210055"}, {"C"}),
        ({"numero": "F-A"}, {"A"}),
        ({"engagement": "EJ-42"}, {"B"}),
        ({"montant_min": "1000", "montant_max": "2000"}, {"A"}),
        ({"montant_min": "5000"}, {"C"}),
        ({"facture_du": "2026-03-01"}, {"C"}),
        ({"facture_au": "2026-01-31"}, {"A", "B"}),
        ({"non_telechargee": "on"}, {"B", "C"}),
        ({"q": "ej-42"}, {"B"}),
        ({"depot_au": "2020-01-01"}, set()),
    ],
)
def test_filters(client, world, params, expected):
    other_supplier = f.structure("55210055400013", "AUTRE SA")
    made = {
        "A": f.invoice(supplier=world.supplier, recipient=world.recipient, number="F-A"),
        "B": f.invoice(
            supplier=world.supplier,
            recipient=world.recipient,
            number="F-B",
            status="SUSPENDUE",
            engagement_number="EJ-42",
            total_ttc="300.00",
        ),
        "C": f.invoice(
            supplier=other_supplier,
            recipient=world.recipient,
            number="F-C",
            total_ttc="9000.00",
            issue_date="2026-03-10",
        ),
    }
    RecipientProcessing.objects.create(invoice=made["A"], downloaded_at="2026-01-10T10:00:00Z")
    body = _login(client, world.manager).get("/factures-recues/", params).content.decode()
    shown = {key for key, invoice in made.items() if f'">{invoice.number}</a>' in body}
    assert shown == expected


def test_service_filter_offers_only_the_users_structures_services(client, world):
    f.invoice(
        supplier=world.supplier, recipient=world.recipient, service=world.travaux, number="F-T"
    )
    f.invoice(
        supplier=world.supplier, recipient=world.recipient, service=world.achats, number="F-H"
    )
    client = _login(client, world.manager)
    body = client.get("/factures-recues/", {"service": world.travaux.pk}).content.decode()
    assert "F-T</a>" in body and "F-H</a>" not in body
    foreign = f.structure("21750001600019", "PETITE MAIRIE", public=True)
    from choeur.structures.models import Service

    foreign_service = Service.objects.create(structure=foreign, code="X", name="X")
    response = client.get("/factures-recues/", {"service": foreign_service.pk})
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_bad_filter_input_gets_a_french_message(client, world, mad_invoice):
    body = (
        _login(client, world.agent)
        .get(
            "/factures-recues/",
            {"montant_min": "abc", "depot_du": "2026-02-01", "depot_au": "2026-01-01"},
        )
        .content.decode()
    )
    assert "Saisissez un nombre" in body
    assert "La date de début du dépôt est après la date de fin." in body


def test_sorting_and_paging(client, world):
    for index in range(30):
        f.invoice(
            supplier=world.supplier,
            recipient=world.recipient,
            number=f"N-{index:02d}",
            total_ttc=f"{100 + index}.00",
        )
    client = _login(client, world.manager)
    body = client.get("/factures-recues/", {"tri": "montant"}).content.decode()
    assert body.index("N-00</a>") < body.index("N-01</a>")
    assert "N-29</a>" not in body  # page 1 of 2
    assert 'aria-sort="ascending"' in body
    body = client.get("/factures-recues/", {"tri": "montant", "page": 2}).content.decode()
    assert "N-29</a>" in body and "N-00</a>" not in body
    body = client.get("/factures-recues/", {"tri": "-montant"}).content.decode()
    assert body.index("N-29</a>") < body.index("N-28</a>")


def test_csv_export_follows_the_filters(client, world, mad_invoice):
    f.invoice(
        supplier=world.supplier,
        recipient=world.recipient,
        service=world.achats,
        status="REJETEE",
        number="F-REJ",
    )
    response = _login(client, world.agent).get(
        "/factures-recues/", {"statut": "MISE_A_DISPOSITION", "export": "csv"}
    )
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Numéro"
    assert [r[0] for r in rows[1:]] == [mad_invoice.number]
    assert rows[1][9] == "1200,00" and rows[1][10] == "Mise à disposition" and rows[1][11] == "non"


def test_detail_renders_the_invoice_from_its_xml(client, world, mad_invoice):
    f.attachment(mad_invoice)
    body = _login(client, world.agent).get(f"/factures-recues/{mad_invoice.pk}/").content.decode()
    assert "Bureau en chêne" in body
    assert "3 rue des Artisans" in body  # only in the XML
    assert "FR7630006000011234567890189" in body
    assert "Livraison de mobilier de bureau" in body
    assert "bon-de-livraison.pdf" in body
    assert "1\u202f200,00" in body
    assert "Non téléchargée" in body
    assert reverse("lifecycle:action", args=[mad_invoice.pk, "suspendre"]) in body


def test_detail_without_xml_uses_the_invoice_rows(client, world):
    invoice = f.invoice(supplier=world.supplier, recipient=world.recipient, with_xml=False)
    body = _login(client, world.manager).get(f"/factures-recues/{invoice.pk}/").content.decode()
    assert "Bureau en chêne" in body and "Voir le PDF" in body


def test_reader_sees_but_is_offered_no_action(client, world, mad_invoice):
    body = _login(client, world.reader).get(f"/factures-recues/{mad_invoice.pk}/").content.decode()
    assert "Traiter la facture" not in body and "en modification" in body
    response = client.post(
        f"/factures-recues/{mad_invoice.pk}/traiter/service-fait/",
        {"expected_status": "MISE_A_DISPOSITION"},
    )
    assert response.status_code == 400
    assert "Vous n&#x27;avez pas les droits" in response.content.decode()
    mad_invoice.refresh_from_db()
    assert mad_invoice.status == "MISE_A_DISPOSITION"


def test_downloads_mark_the_invoice_downloaded(client, world, mad_invoice):
    f.attachment(mad_invoice, name="devis.pdf")
    client = _login(client, world.agent)
    assert client.get(f"/factures-recues/{mad_invoice.pk}/telecharger/pdf/").status_code == 405
    assert not RecipientProcessing.objects.filter(invoice=mad_invoice).exists()
    response = client.post(f"/factures-recues/{mad_invoice.pk}/telecharger/zip/")
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert names == [
        f"{mad_invoice.number}.pdf",
        f"{mad_invoice.number}.xml",
        "pieces-jointes/devis.pdf",
    ]
    assert RecipientProcessing.objects.get(invoice=mad_invoice).downloaded_by == world.agent
    pdf = client.post(f"/factures-recues/{mad_invoice.pk}/telecharger/pdf/")
    assert pdf.content.startswith(b"%PDF") and pdf["Content-Type"] == "application/pdf"
    xml = client.post(f"/factures-recues/{mad_invoice.pk}/telecharger/xml/")
    assert b"CrossIndustryInvoice" in xml.content
    assert client.post(f"/factures-recues/{mad_invoice.pk}/telecharger/exe/").status_code == 404
    body = client.get(f"/factures-recues/{mad_invoice.pk}/").content.decode()
    assert "Téléchargée le" in body


def test_viewing_the_pdf_does_not_mark_it_downloaded(client, world, mad_invoice):
    response = _login(client, world.agent).get(f"/factures-recues/{mad_invoice.pk}/document.pdf")
    assert response["Content-Disposition"].startswith("inline")
    assert not RecipientProcessing.objects.filter(invoice=mad_invoice).exists()


def test_suspend_through_the_page(client, world, mad_invoice):
    client = _login(client, world.agent)
    url = f"/factures-recues/{mad_invoice.pk}/traiter/suspendre/"
    page = client.get(url).content.decode()
    assert "Motif de la suspension" in page and 'value="MISE_A_DISPOSITION"' in page
    response = client.post(url, {"expected_status": "MISE_A_DISPOSITION", "reason": ""})
    assert response.status_code == 400 and "Ce champ est obligatoire" in response.content.decode()
    response = client.post(
        url, {"expected_status": "MISE_A_DISPOSITION", "reason": "Il manque le BL"}
    )
    assert response.status_code == 302
    mad_invoice.refresh_from_db()
    assert mad_invoice.status == "SUSPENDUE"
    body = client.get(response["Location"]).content.decode()
    assert "est maintenant « Suspendue »" in body and "Il manque le BL" in body


def test_reject_needs_a_listed_reason_and_details_for_other(client, world, mad_invoice):
    client = _login(client, world.agent)
    url = f"/factures-recues/{mad_invoice.pk}/traiter/rejeter/"
    assert "Montant erroné" in client.get(url).content.decode()
    response = client.post(url, {"expected_status": "MISE_A_DISPOSITION", "reason_code": "AUTRE"})
    assert (
        response.status_code == 400 and "Précisez le motif du rejet." in response.content.decode()
    )
    response = client.post(
        url,
        {"expected_status": "MISE_A_DISPOSITION", "reason_code": "MONTANT_ERRONE", "reason": "TVA"},
    )
    assert response.status_code == 302
    assert (
        InvoiceStatusChange.objects.filter(invoice=mad_invoice).latest("pk").reason
        == "Montant erroné : TVA"
    )


def test_mandater_asks_for_the_mandat_number(client, world, mad_invoice):
    client = _login(client, world.agent)
    url = f"/factures-recues/{mad_invoice.pk}/traiter/mandater/"
    response = client.post(url, {"expected_status": "MISE_A_DISPOSITION"})
    assert response.status_code == 400
    response = client.post(
        url, {"expected_status": "MISE_A_DISPOSITION", "mandat_number": "M-2026-1"}
    )
    assert response.status_code == 302
    assert "M-2026-1" in client.get(f"/factures-recues/{mad_invoice.pk}/").content.decode()


def test_stale_page_is_refused_with_a_clear_message(client, world, mad_invoice):
    client = _login(client, world.agent)
    url = f"/factures-recues/{mad_invoice.pk}/traiter/service-fait/"
    client.post(url, {"expected_status": "MISE_A_DISPOSITION"})
    response = client.post(
        f"/factures-recues/{mad_invoice.pk}/traiter/mise-en-paiement/",
        {"expected_status": "MISE_A_DISPOSITION"},
    )
    assert response.status_code == 409
    assert "a changé entre-temps" in response.content.decode()


def test_unknown_action_is_not_found(client, world, mad_invoice):
    response = _login(client, world.agent).get(f"/factures-recues/{mad_invoice.pk}/traiter/payer/")
    assert response.status_code == 404


def test_bulk_action(client, world, mad_invoice):
    second = f.invoice(supplier=world.supplier, recipient=world.recipient, service=world.achats)
    rejected = f.invoice(
        supplier=world.supplier, recipient=world.recipient, service=world.achats, status="REJETEE"
    )
    client = _login(client, world.agent)
    response = client.post(
        "/factures-recues/actions-groupees/",
        {
            "invoices": [mad_invoice.pk, second.pk, rejected.pk],
            "to_status": "SERVICE_FAIT",
            "next": "?statut=",
        },
        follow=True,
    )
    body = response.content.decode()
    assert "2 facture(s) passée(s) au statut « Service fait »" in body
    assert f"Facture {rejected.number} :" in body
    for invoice, status in (
        (mad_invoice, "SERVICE_FAIT"),
        (second, "SERVICE_FAIT"),
        (rejected, "REJETEE"),
    ):
        invoice.refresh_from_db()
        assert invoice.status == status


def test_bulk_action_without_selection_or_on_others_invoices(client, world, mad_invoice):
    travaux = f.invoice(supplier=world.supplier, recipient=world.recipient, service=world.travaux)
    client = _login(client, world.agent)
    body = client.post(
        "/factures-recues/actions-groupees/", {"to_status": "SERVICE_FAIT"}, follow=True
    ).content.decode()
    assert "Sélectionnez au moins une facture." in body
    body = client.post(
        "/factures-recues/actions-groupees/",
        {"invoices": [travaux.pk], "to_status": "SERVICE_FAIT"},
        follow=True,
    ).content.decode()
    assert "Facture introuvable : rechargez la page." in body
    travaux.refresh_from_db()
    assert travaux.status == "MISE_A_DISPOSITION"


def test_synthese_counts_and_overdue(client, world, settings):
    settings.PAYMENT_DELAY_DAYS = 30
    old = f.invoice(
        supplier=world.supplier, recipient=world.recipient, number="VIEILLE", age_days=45
    )
    f.invoice(supplier=world.supplier, recipient=world.recipient, number="RECENTE", age_days=5)
    f.invoice(
        supplier=world.supplier,
        recipient=world.recipient,
        number="PAYEE",
        status="MISE_EN_PAIEMENT",
        age_days=60,
    )
    body = _login(client, world.manager).get("/factures-recues/synthese/").content.decode()
    assert "<svg" in body and "Nombre de factures par statut" in body
    assert "En attente depuis plus de 30 jours" in body
    assert "1 facture dépasse le délai légal de paiement." in body
    assert f'/factures-recues/{old.pk}/">VIEILLE' in body
    assert "RECENTE" not in body and "PAYEE</a>" not in body
    assert "45 jours" in body
    settings.PAYMENT_DELAY_DAYS = 60
    body = client.get("/factures-recues/synthese/").content.decode()
    assert "Aucune facture ne dépasse le délai légal de paiement." in body


def test_late_status_is_offered_and_recorded_without_moving_back(client, world, mad_invoice):
    client = _login(client, world.agent)
    client.post(
        f"/factures-recues/{mad_invoice.pk}/traiter/mise-en-paiement/",
        {"expected_status": "MISE_A_DISPOSITION"},
    )
    body = client.get(f"/factures-recues/{mad_invoice.pk}/").content.decode()
    assert "Consigner un statut tardif" in body
    assert reverse("lifecycle:action", args=[mad_invoice.pk, "mandater"]) in body
    response = client.post(
        f"/factures-recues/{mad_invoice.pk}/traiter/mandater/",
        {"expected_status": "MISE_EN_PAIEMENT", "mandat_number": "M-9"},
        follow=True,
    )
    body = response.content.decode()
    assert "consigné dans l&#x27;historique" in body
    assert "Hors séquence" in body and "M-9" in body
    mad_invoice.refresh_from_db()
    assert mad_invoice.status == "MISE_EN_PAIEMENT"


def test_espace_menu_links_to_received_invoices(client, world):
    body = _login(client, world.agent).get("/factures-recues/").content.decode()
    assert 'href="/factures-recues/" aria-current="page">Factures reçues</a>' in body


def test_overdue_invoices_are_highlighted_in_list_and_page(client, world, settings):
    settings.PAYMENT_DELAY_DAYS = 30
    old = f.invoice(
        supplier=world.supplier, recipient=world.recipient, number="VIEILLE", age_days=40
    )
    f.invoice(supplier=world.supplier, recipient=world.recipient, number="RECENTE", age_days=3)
    f.invoice(
        supplier=world.supplier,
        recipient=world.recipient,
        number="PAYEE",
        status="MISE_EN_PAIEMENT",
        age_days=90,
    )
    client = _login(client, world.manager)
    body = client.get("/factures-recues/").content.decode()
    assert body.count("Hors délai") == 1
    # Newest first: RECENTE, VIEILLE (overdue), PAYEE (paid: never overdue).
    assert body.index("RECENTE</a>") < body.index("VIEILLE</a>") < body.index("Hors délai")
    assert body.index("Hors délai") < body.index("PAYEE</a>")
    page = client.get(f"/factures-recues/{old.pk}/").content.decode()
    assert "Délai de paiement de 30 jours dépassé" in page


def test_a_structured_invoice_without_pdf_is_offered_as_a_pdf_to_the_buyer_too(client, world):
    """A UBL/CII invoice has no deposited PDF: the buyer gets the one rendered from its XML, as
    the supplier does (it used to answer 404), from the page, the download and the zip."""
    invoice = f.invoice(
        supplier=world.supplier, recipient=world.recipient, service=world.achats, with_pdf=False
    )
    client = _login(client, world.agent)
    page = client.get(f"/factures-recues/{invoice.pk}/").content.decode()
    assert f"/factures-recues/{invoice.pk}/document.pdf" in page
    shown = client.get(f"/factures-recues/{invoice.pk}/document.pdf")
    assert shown.status_code == 200 and shown.content.startswith(b"%PDF")
    downloaded = client.post(f"/factures-recues/{invoice.pk}/telecharger/pdf/")
    assert downloaded.content == shown.content  # rendered once, then kept
    archive = client.post(f"/factures-recues/{invoice.pk}/telecharger/zip/")
    assert f"{invoice.number}.pdf" in zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
