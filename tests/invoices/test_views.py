"""The pages of « Factures émises » and « Suivi des flux »."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from choeur.invoices.enums import FluxStatus, InvoiceStatus
from choeur.invoices.models import Flux, Invoice
from choeur.invoices.services.deposit import Upload, flux_deposit
from choeur.invoices.services.integration import flux_integrate
from choeur.invoices.services.status import invoice_set_status
from tests.invoices.factories import PUBLIC_FREE_SIRET, PUBLIC_SIRET, StructureFactory, member
from tests.invoices.samples import Sample, zip_of

pytestmark = pytest.mark.django_db
SUPPLIER = "84211943000010"


def make(world, **kwargs) -> Invoice:  # type: ignore[no-untyped-def]
    sample = Sample(SUPPLIER, PUBLIC_FREE_SIRET, **kwargs)
    flux = flux_deposit(
        user=world.user, supplier=world.supplier, upload=Upload("f.xml", sample.cii())
    )
    flux_integrate(flux_id=flux.pk)
    return Invoice.objects.get(number=sample.number)


@pytest.fixture
def client_in(client, world):  # type: ignore[no-untyped-def]
    client.force_login(world.user)
    return client


def test_list_shows_own_invoices_only(client_in, world) -> None:  # type: ignore[no-untyped-def]
    mine = make(world, number="MINE-1")
    other_supplier = StructureFactory(identifier="51234567900017", raison_sociale="AUTRE")
    other_user = member(other_supplier)
    flux = flux_deposit(
        user=other_user,
        supplier=other_supplier,
        upload=Upload("o.xml", Sample("51234567900017", PUBLIC_FREE_SIRET, number="OTHER-1").cii()),
    )
    flux_integrate(flux_id=flux.pk)
    other = Invoice.objects.get(number="OTHER-1")
    page = client_in.get(reverse("invoices:list")).content.decode()
    assert "MINE-1" in page and "OTHER-1" not in page
    assert client_in.get(reverse("invoices:detail", args=[mine.pk])).status_code == 200
    assert client_in.get(reverse("invoices:detail", args=[other.pk])).status_code == 404
    assert client_in.get(reverse("invoices:xml", args=[other.pk])).status_code == 404
    assert client_in.get(reverse("invoices:flux_detail", args=[other.flux_id])).status_code == 404


def test_list_filters_sorts_and_pages(client_in, world) -> None:  # type: ignore[no-untyped-def]
    for i in range(30):
        make(world, number=f"F-{i:02d}", price=f"{10 + i}.00")
    invoice_set_status(
        invoice=Invoice.objects.get(number="F-03"), to=InvoiceStatus.SUSPENDUE, actor=None
    )
    url = reverse("invoices:list")
    page = client_in.get(url).content.decode()
    assert "30 factures" in page and "Page 1 sur 2" in page
    page = client_in.get(url, {"status": "SUSPENDUE"}).content.decode()
    assert "F-03" in page and "F-04" not in page
    page = client_in.get(url, {"number": "F-1"}).content.decode()
    assert "10 factures" in page
    page = client_in.get(url, {"amount_min": "100", "amount_max": "110"}).content.decode()
    # TTC = 3 x price x 1.2: 100..110 -> price 28 (100.80), 29 (104.40), 30 (108.00)
    assert "3 factures" in page
    page = client_in.get(url, {"tri": "-montant"}).content.decode()
    assert page.index("F-29") < page.index("F-28")
    page = client_in.get(url, {"tri": "montant"}).content.decode()
    assert page.index("F-00") < page.index("F-01")
    assert client_in.get(url, {"date_from": "pas une date"}).status_code == 200


def test_csv_export(client_in, world) -> None:  # type: ignore[no-untyped-def]
    make(world, number="+HACK")  # BR-FR-02 refuses "=" in BT-1; "+" starts a formula too
    make(world, number="F-2")
    response = client_in.get(reverse("invoices:export"), {"number": "F-2"})
    body = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/csv")
    lines = body.strip().splitlines()
    assert lines[0].lstrip("\ufeff").startswith("identifiant;numero;")
    assert len(lines) == 2 and ";F-2;" in lines[1] and ";360,00;" in lines[1]
    everything = b"".join(client_in.get(reverse("invoices:export")).streaming_content).decode()
    assert ";'+HACK;" in everything


def test_invoice_page_downloads(client_in, world) -> None:  # type: ignore[no-untyped-def]
    invoice = make(world)
    page = client_in.get(reverse("invoices:detail", args=[invoice.pk])).content.decode()
    assert "Mise à disposition" in page and "Historique des statuts" in page
    xml = client_in.get(reverse("invoices:xml", args=[invoice.pk]))
    assert xml.status_code == 200 and xml.content == invoice.xml.read()
    certificate = client_in.get(reverse("invoices:certificate", args=[invoice.pk]))
    assert certificate.status_code == 200 and certificate.content.startswith(b"%PDF")


def test_flux_upload_page_and_compte_rendu(client_in, world) -> None:  # type: ignore[no-untyped-def]
    archive = zip_of(
        {
            "ok.xml": Sample(SUPPLIER, PUBLIC_FREE_SIRET, number="Z-1").cii(),
            "ko.xml": Sample(SUPPLIER, PUBLIC_SIRET, number="Z-2").cii(),
        }
    )
    response = client_in.post(
        reverse("invoices:upload"),
        {
            "supplier": world.supplier.pk,
            "file": SimpleUploadedFile("lot.zip", archive),
            "declared_syntax": "",
        },
    )
    flux = Flux.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "invoices:flux_detail", args=[flux.pk]
    )
    flux_integrate(flux_id=flux.pk)  # the test transaction never commits: run the task by hand
    page = client_in.get(response["Location"]).content.decode()
    assert flux.numero in page and "Intégré partiellement" in page
    assert "CHOEUR-SERV-01" in page and "code service est obligatoire" in page
    pdf = client_in.get(reverse("invoices:flux_report_pdf", args=[flux.pk]))
    assert pdf.content.startswith(b"%PDF")
    listing = client_in.get(
        reverse("invoices:flux_list"), {"etat": FluxStatus.IN_INTEGRE_PARTIEL}
    ).content.decode()
    assert flux.numero in listing


def test_upload_with_bad_file_is_never_a_500(client_in, world) -> None:  # type: ignore[no-untyped-def]
    response = client_in.post(
        reverse("invoices:upload"),
        {
            "supplier": world.supplier.pk,
            "file": SimpleUploadedFile("x.xml", b"\x00\x01 pas du XML"),
        },
    )
    assert response.status_code == 302
    flux = Flux.objects.get()
    flux_integrate(flux_id=flux.pk)
    page = client_in.get(response["Location"]).content.decode()
    assert "Rejeté" in page


def test_upload_refused_for_a_structure_of_someone_else(client_in, world) -> None:  # type: ignore[no-untyped-def]
    other = StructureFactory(identifier="51234567900017", raison_sociale="AUTRE")
    response = client_in.post(
        reverse("invoices:upload"),
        {"supplier": other.pk, "file": SimpleUploadedFile("x.xml", b"<x/>")},
    )
    assert response.status_code == 200
    assert not Flux.objects.exists()


def test_supplier_actions_pages(client_in, world) -> None:  # type: ignore[no-untyped-def]
    invoice = make(world)
    invoice_set_status(
        invoice=invoice, to=InvoiceStatus.SUSPENDUE, actor=None, reason="Il manque le bon"
    )
    page = client_in.get(reverse("invoices:detail", args=[invoice.pk])).content.decode()
    assert "Compléter" in page and "Il manque le bon" in page
    response = client_in.post(
        reverse("invoices:complete", args=[invoice.pk]),
        {"comment": "Voici le bon", "attachments": [SimpleUploadedFile("bon.pdf", b"%PDF-1.4 x")]},
    )
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.COMPLETEE
    empty = client_in.post(reverse("invoices:complete", args=[invoice.pk]), {"comment": "encore"})
    assert empty.status_code == 200 and "Suspendue" in empty.content.decode()

    invoice_set_status(invoice=invoice, to=InvoiceStatus.A_RECYCLER, actor=None)
    bad = client_in.post(
        reverse("invoices:recycle", args=[invoice.pk]),
        {"recipient_siret": PUBLIC_SIRET, "service_code": "", "engagement_number": ""},
    )
    assert bad.status_code == 200 and "code service est obligatoire" in bad.content.decode()
    good = client_in.post(
        reverse("invoices:recycle", args=[invoice.pk]),
        {
            "recipient_siret": PUBLIC_SIRET,
            "service_code": "SERVICE_DEST_SERV_OBL",
            "engagement_number": "",
        },
    )
    assert good.status_code == 302
    invoice.refresh_from_db()
    assert (
        invoice.status == InvoiceStatus.MISE_A_DISPOSITION and invoice.recipient == world.recipient
    )

    invoice_set_status(
        invoice=invoice, to=InvoiceStatus.REJETEE, actor=None, reason="Erreur de montant"
    )
    client_in.post(reverse("invoices:acknowledge", args=[invoice.pk]))
    invoice.refresh_from_db()
    assert invoice.rejection_processed_at is not None


def test_synthese_counts_and_amounts(client_in, world) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    today = timezone.localdate()
    make(world, number="S-1", issue=today)
    rejected = make(world, number="S-2", issue=today)
    invoice_set_status(invoice=rejected, to=InvoiceStatus.REJETEE, actor=None, reason="non")
    page = client_in.get(reverse("invoices:synthese")).content.decode()
    assert "Mise à disposition" in page and "Rejetée" in page
    assert "360,00" in page  # the rejected one is not due
    assert "1 rejet à traiter" in page
    client_in.post(reverse("invoices:acknowledge", args=[rejected.pk]))
    page = client_in.get(reverse("invoices:synthese")).content.decode()
    assert "Rejetée" not in page


def test_consultation_user_reads_but_cannot_deposit(client, world) -> None:  # type: ignore[no-untyped-def]
    from choeur.structures.enums import AccessMode

    invoice = make(world)
    reader = member(world.supplier, mode=AccessMode.CONSULTATION)
    client.force_login(reader)
    assert client.get(reverse("invoices:detail", args=[invoice.pk])).status_code == 200
    assert client.get(reverse("invoices:saisie")).status_code == 403
    page = client.get(reverse("invoices:detail", args=[invoice.pk])).content.decode()
    assert "Traiter le rejet" not in page


def test_anonymous_is_sent_to_login(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("invoices:list"))
    assert (
        response.status_code == 302
        and "connexion" in response["Location"]
        or "login" in response["Location"]
    )


def test_list_shows_what_waits_for_the_supplier(client_in, world) -> None:  # type: ignore[no-untyped-def]
    suspended = make(world, number="W-1")
    rejected = make(world, number="W-2")
    invoice_set_status(invoice=suspended, to=InvoiceStatus.SUSPENDUE, actor=None, reason="PV")
    invoice_set_status(invoice=rejected, to=InvoiceStatus.REJETEE, actor=None, reason="non")
    page = client_in.get(reverse("invoices:list")).content.decode()
    assert "1 facture suspendue à compléter" in page and "1 rejet à traiter" in page
    client_in.post(reverse("invoices:acknowledge", args=[rejected.pk]))
    page = client_in.get(reverse("invoices:list")).content.decode()
    assert "rejet à traiter" not in page


def test_structured_invoice_pdf_is_rendered_from_its_xml(client_in, world) -> None:  # type: ignore[no-untyped-def]
    invoice = make(world, number="E1-PDF")
    assert invoice.main_document is None
    response = client_in.get(reverse("invoices:pdf", args=[invoice.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == 'attachment; filename="facture-E1-PDF.pdf"'


def test_draft_can_be_deleted_by_its_structure_only(client_in, world, client) -> None:  # type: ignore[no-untyped-def]
    from choeur.invoices.models import InvoiceDraft
    from choeur.invoices.services.drafts import invoice_draft_save

    draft = invoice_draft_save(user=world.user, supplier=world.supplier, data={"number": "D-1"})
    stranger = member(StructureFactory(identifier="51234567900017", raison_sociale="AUTRE"))
    client.force_login(stranger)
    assert client.post(reverse("invoices:draft_delete", args=[draft.pk])).status_code == 404
    assert client.get(reverse("invoices:draft_edit", args=[draft.pk])).status_code == 404
    client_in.force_login(world.user)
    client_in.post(reverse("invoices:draft_delete", args=[draft.pk]))
    assert not InvoiceDraft.objects.exists()


@pytest.mark.parametrize("year", [2026, 2028])
@pytest.mark.parametrize("month", range(1, 13))
def test_synthese_window_holds_this_month_and_the_eleven_before(world, year, month) -> None:  # type: ignore[no-untyped-def]
    """The 12 months of the Synthèse end with today's month whatever the month (the window was
    once 335 days back, which lost the current month every December)."""
    import datetime as dt

    from choeur.core.dates import add_months
    from choeur.invoices.selectors import synthese

    today = add_months(dt.date(year, month, 1), 1) - dt.timedelta(days=1)  # the month's last day
    template = make(world, number="W-0", issue=dt.date(2026, 1, 15))
    for offset, number in ((0, "W-NOW"), (-11, "W-OLDEST"), (-12, "W-TOO-OLD")):
        clone = Invoice.objects.get(pk=template.pk)
        clone.pk = None
        clone.number, clone.flux_position = number, offset + 100
        clone.issue_date = add_months(today.replace(day=1), offset)
        clone.issue_year = clone.issue_date.year
        clone.save()
    template.delete()

    months = synthese(user=world.user, today=today)["months"]
    assert [m["month"] for m in months][-1] == today.replace(day=1)
    assert months[-1]["count"] == 1 and months[0]["count"] == 1
    assert sum(m["count"] for m in months) == 2  # twelve months back is out of the window
    assert all(m["total"] == months[-1]["total"] for m in (months[0], months[-1]))
