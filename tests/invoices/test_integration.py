"""The deposit pipeline: a flux is stored, integrated, and every check gives a clear compte rendu."""

from __future__ import annotations

import datetime as dt
from datetime import date

import pytest
from django.utils import timezone

from choeur.core.models import AuditLog
from choeur.invoices.enums import FluxStatus, InvoiceStatus, ItemOutcome
from choeur.invoices.models import Flux, Invoice, InvoiceStatusChange
from choeur.invoices.services.deposit import DepositRefused, Upload, flux_deposit
from choeur.invoices.services.integration import flux_integrate, flux_sweep
from choeur.structures.enums import AccessMode
from choeur.structures.models import EngagementJuridique, Service
from tests.invoices.factories import PUBLIC_EJ_SIRET, PUBLIC_FREE_SIRET, PUBLIC_SIRET, member
from tests.invoices.samples import Sample, targz_of, zip_of

pytestmark = pytest.mark.django_db(transaction=False)
SUPPLIER = "84211943000010"


def deposit(world, data: bytes, name: str = "facture.xml", **kwargs) -> Flux:  # type: ignore[no-untyped-def]
    flux = flux_deposit(
        user=world.user, supplier=world.supplier, upload=Upload(name, data), **kwargs
    )
    flux_integrate(flux_id=flux.pk)  # what the task does after commit
    flux.refresh_from_db()
    return flux


def rules(flux: Flux) -> list[str]:
    found = [e["rule_id"] for e in flux.report.get("errors", [])]
    for item in flux.report.get("items", []):
        found += [e["rule_id"] for e in item["errors"]]
    return found


def test_valid_invoice_is_integrated_and_made_available(world) -> None:  # type: ignore[no-untyped-def]
    data = Sample(SUPPLIER, PUBLIC_SIRET, service_code="SERVICE_DEST_SERV_OBL").cii()
    flux = deposit(world, data)
    assert flux.status == FluxStatus.IN_INTEGRE
    assert flux.numero.startswith("CPP") and len(flux.numero) == 25
    invoice = Invoice.objects.get()
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION
    assert invoice.recipient == world.recipient
    assert invoice.service == world.service
    assert str(invoice.total_ttc) == "360.00"
    assert invoice.lines.count() == 1
    assert invoice.xml is not None and invoice.xml.read() == data
    assert invoice.fingerprint == flux.original.sha256
    history = list(
        InvoiceStatusChange.objects.filter(invoice=invoice).values_list("from_status", "to_status")
    )
    assert history == [("", "DEPOSEE"), ("DEPOSEE", "MISE_A_DISPOSITION")]
    assert flux.report["items"][0]["outcome"] == ItemOutcome.INTEGREE
    assert AuditLog.objects.filter(action="flux.deposit", object_id=str(flux.pk)).exists()


def test_deposit_stores_the_original_before_answering_and_queues_integration(
    world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    data = Sample(SUPPLIER, PUBLIC_FREE_SIRET).cii()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        flux = flux_deposit(user=world.user, supplier=world.supplier, upload=Upload("f.xml", data))
    assert flux.status == FluxStatus.IN_RECU
    assert flux.original.read() == data
    assert len(callbacks) == 1
    callbacks[0]()  # the task runs
    flux.refresh_from_db()
    assert flux.status == FluxStatus.IN_INTEGRE


@pytest.mark.parametrize(
    ("sample", "rule"),
    [
        (Sample(SUPPLIER, PUBLIC_SIRET), "CHOEUR-SERV-01"),  # code service required, missing
        (Sample(SUPPLIER, PUBLIC_SIRET, service_code="INCONNU"), "CHOEUR-SERV-02"),
        (Sample(SUPPLIER, PUBLIC_EJ_SIRET), "CHOEUR-EJ-01"),  # engagement required, missing
        (Sample(SUPPLIER, "55566677700011"), "CHOEUR-DEST-02"),  # unknown recipient
        (Sample("39876543800013", PUBLIC_FREE_SIRET), "CHOEUR-FOURN-02"),  # not his structure
        (Sample(SUPPLIER, PUBLIC_FREE_SIRET, payable="999.00"), "BR-CO-16"),  # amounts
        (Sample(SUPPLIER, PUBLIC_FREE_SIRET, cadre="A26"), "CHOEUR-CADRE-01"),  # no such cadre
        # works cadres with no contract's engagement (choeur/works, tests/works), the
        # titulaire's projet and a subcontractor's
        (Sample(SUPPLIER, PUBLIC_FREE_SIRET, cadre="A4"), "CHOEUR-TRAVAUX-02"),
        (Sample(SUPPLIER, PUBLIC_FREE_SIRET, cadre="A10"), "CHOEUR-TRAVAUX-02"),
    ],
)
def test_business_rules_reject_with_rule_id_and_french_message(world, sample, rule) -> None:  # type: ignore[no-untyped-def]
    flux = deposit(world, sample.cii())
    assert flux.status == FluxStatus.IN_REJETE
    assert rule in rules(flux)
    item = flux.report["items"][0]
    assert item["outcome"] == ItemOutcome.REJETEE
    assert item["number"] == sample.number
    assert all(e["message"] for e in item["errors"])
    assert not Invoice.objects.exists()


def test_inactive_recipient_and_private_recipient_are_refused(world) -> None:  # type: ignore[no-untyped-def]
    world.free_recipient.is_active = False
    world.free_recipient.save()
    assert "CHOEUR-DEST-03" in rules(deposit(world, Sample(SUPPLIER, PUBLIC_FREE_SIRET).cii()))
    private = Sample(SUPPLIER, SUPPLIER, number="X-2").cii()
    assert "CHOEUR-DEST-04" in rules(deposit(world, private))


def test_recipient_whose_factures_recues_is_closed_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    from choeur.structures.enums import Espace
    from choeur.structures.models import StructureEspace

    StructureEspace.objects.create(
        structure=world.free_recipient, espace=Espace.FACTURES_RECUES, is_open=False
    )
    assert "CHOEUR-DEST-05" in rules(deposit(world, Sample(SUPPLIER, PUBLIC_FREE_SIRET).cii()))


def test_inactive_service_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    Service.objects.create(structure=world.recipient, code="ANCIEN", name="Ancien", is_active=False)
    flux = deposit(world, Sample(SUPPLIER, PUBLIC_SIRET, service_code="ANCIEN").cii())
    assert "CHOEUR-SERV-03" in rules(flux)


def test_service_requiring_an_engagement(world) -> None:  # type: ignore[no-untyped-def]
    Service.objects.create(
        structure=world.free_recipient, code="TRAVAUX", name="T", engagement_required=True
    )
    flux = deposit(world, Sample(SUPPLIER, PUBLIC_FREE_SIRET, service_code="TRAVAUX").cii())
    assert "CHOEUR-EJ-02" in rules(flux)


def test_engagement_checked_against_published_engagements(world) -> None:  # type: ignore[no-untyped-def]
    EngagementJuridique.objects.create(
        structure=world.ej_recipient, number="EJ-0001", amount_ht="1000", date=date(2026, 1, 1)
    )
    unknown = deposit(world, Sample(SUPPLIER, PUBLIC_EJ_SIRET, engagement="EJ-9999").cii())
    assert "CHOEUR-EJ-05" in rules(unknown)
    known = deposit(world, Sample(SUPPLIER, PUBLIC_EJ_SIRET, engagement="EJ-0001").cii())
    assert known.status == FluxStatus.IN_INTEGRE
    assert Invoice.objects.get().engagement_number == "EJ-0001"


def test_same_file_twice_never_makes_two_invoices(world) -> None:  # type: ignore[no-untyped-def]
    data = Sample(SUPPLIER, PUBLIC_FREE_SIRET).cii()
    first = deposit(world, data)
    second = deposit(world, data)
    assert first.status == FluxStatus.IN_INTEGRE
    assert second.status == FluxStatus.IN_REJETE
    assert "CHOEUR-DOUBLON-01" in rules(second)
    assert Invoice.objects.count() == 1


def test_rejected_invoice_number_cannot_be_reused(world) -> None:  # type: ignore[no-untyped-def]
    deposit(world, Sample(SUPPLIER, PUBLIC_FREE_SIRET).cii())
    Invoice.objects.update(status=InvoiceStatus.REJETEE)
    flux = deposit(world, Sample(SUPPLIER, PUBLIC_FREE_SIRET, price="50.00").cii())
    item = flux.report["items"][0]
    assert item["errors"][0]["rule_id"] == "CHOEUR-DOUBLON-01"
    assert "nouveau numéro" in item["errors"][0]["message"]


def test_same_number_another_year_is_not_a_duplicate(world) -> None:  # type: ignore[no-untyped-def]
    deposit(world, Sample(SUPPLIER, PUBLIC_FREE_SIRET).cii())
    flux = deposit(world, Sample(SUPPLIER, PUBLIC_FREE_SIRET, issue=date(2025, 3, 1)).cii())
    assert flux.status == FluxStatus.IN_INTEGRE


def test_idempotency_key_returns_the_first_flux(world) -> None:  # type: ignore[no-untyped-def]
    data = Sample(SUPPLIER, PUBLIC_FREE_SIRET).cii()
    first = flux_deposit(
        user=world.user,
        supplier=world.supplier,
        upload=Upload("a.xml", data),
        idempotency_key="k-1",
    )
    again = flux_deposit(
        user=world.user,
        supplier=world.supplier,
        upload=Upload("a.xml", data),
        idempotency_key="k-1",
    )
    assert again.pk == first.pk
    assert Flux.objects.count() == 1
    flux_integrate(flux_id=first.pk)
    flux_integrate(flux_id=again.pk)
    assert Invoice.objects.count() == 1


def test_integration_runs_twice_without_a_second_invoice(world) -> None:  # type: ignore[no-untyped-def]
    flux = deposit(world, Sample(SUPPLIER, PUBLIC_FREE_SIRET).cii())
    Flux.objects.filter(pk=flux.pk).update(  # a worker killed three minutes ago
        status=FluxStatus.IN_EN_COURS_TRAITEMENT_CPP,
        status_changed_at=timezone.now() - dt.timedelta(minutes=3),
    )
    flux_integrate(flux_id=flux.pk)
    flux.refresh_from_db()
    assert flux.status == FluxStatus.IN_INTEGRE
    assert Invoice.objects.count() == 1
    assert flux.report["items"][0]["invoice_id"] == Invoice.objects.get().pk


def test_sweeper_requeues_stuck_flux(world, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    data = Sample(SUPPLIER, PUBLIC_FREE_SIRET).cii()
    with django_capture_on_commit_callbacks(execute=False):  # the task is lost
        flux = flux_deposit(user=world.user, supplier=world.supplier, upload=Upload("a.xml", data))
    an_hour_ago = timezone.now() - dt.timedelta(hours=1)  # longer than the « lost » delay
    Flux.objects.filter(pk=flux.pk).update(status_changed_at=an_hour_ago, queued_at=an_hour_ago)
    with django_capture_on_commit_callbacks(execute=True):
        swept = flux_sweep()
    assert swept == [flux.pk]
    flux.refresh_from_db()
    assert flux.status == FluxStatus.IN_INTEGRE
    assert flux_sweep() == []


def test_engine_failure_keeps_the_flux_waiting_then_rejects_it(
    world, monkeypatch, settings
) -> None:  # type: ignore[no-untyped-def]
    from choeur.einvoice.validation.report import EngineError

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise EngineError("saxonche", "artefact manquant")

    monkeypatch.setattr("choeur.einvoice.validate", broken)
    settings.INVOICES_INTEGRATION_MAX_ATTEMPTS = 2
    flux = deposit(world, Sample(SUPPLIER, PUBLIC_FREE_SIRET).cii())
    assert flux.status == FluxStatus.IN_EN_ATTENTE_RETRAITEMENT_CPP
    assert "CHOEUR-MOTEUR-01" in rules(flux)
    assert not Invoice.objects.exists()
    flux_integrate(flux_id=flux.pk)
    flux.refresh_from_db()
    assert flux.status == FluxStatus.IN_REJETE  # never accepted unchecked
    assert "CHOEUR-MOTEUR-01" in rules(flux)
    assert not Invoice.objects.exists()


def test_archive_with_good_and_bad_invoices_is_partially_integrated(world) -> None:  # type: ignore[no-untyped-def]
    files = {
        "a.xml": Sample(SUPPLIER, PUBLIC_FREE_SIRET, number="A-1").cii(),
        "b.xml": Sample(SUPPLIER, PUBLIC_SIRET, number="A-2").cii(),  # service missing
        "c.xml": Sample(SUPPLIER, PUBLIC_FREE_SIRET, number="A-3").cii(),
    }
    flux = deposit(world, zip_of(files), name="lot.zip")
    assert flux.status == FluxStatus.IN_INTEGRE_PARTIEL
    outcomes = [(i["file"], i["outcome"]) for i in flux.report["items"]]
    assert outcomes == [("a.xml", "INTEGREE"), ("b.xml", "REJETEE"), ("c.xml", "INTEGREE")]
    assert sorted(Invoice.objects.values_list("number", flat=True)) == ["A-1", "A-3"]


def test_tar_gz_archive(world) -> None:  # type: ignore[no-untyped-def]
    files = {
        f"f{i}.xml": Sample(SUPPLIER, PUBLIC_FREE_SIRET, number=f"T-{i}").cii() for i in range(3)
    }
    flux = deposit(world, targz_of(files), name="lot.tar.gz")
    assert flux.status == FluxStatus.IN_INTEGRE
    assert Invoice.objects.count() == 3


def test_duplicate_inside_one_archive(world) -> None:  # type: ignore[no-untyped-def]
    data = Sample(SUPPLIER, PUBLIC_FREE_SIRET).cii()
    flux = deposit(world, zip_of({"a.xml": data, "b.xml": data}), name="lot.zip")
    assert flux.status == FluxStatus.IN_INTEGRE_PARTIEL
    assert "CHOEUR-DOUBLON-01" in rules(flux)


def test_depositor_needs_modification_on_factures_emises(world) -> None:  # type: ignore[no-untyped-def]
    reader = member(world.supplier, mode=AccessMode.CONSULTATION)
    with pytest.raises(DepositRefused):
        flux_deposit(user=reader, supplier=world.supplier, upload=Upload("a.xml", b"<x/>"))
    assert not Flux.objects.exists()


def test_depositor_may_send_for_another_structure_he_acts_for(world) -> None:  # type: ignore[no-untyped-def]
    from tests.invoices.factories import StructureFactory

    other = StructureFactory(identifier="51234567900017", raison_sociale="LAMBERT")
    member(other, world.user)
    flux = deposit(world, Sample("51234567900017", PUBLIC_FREE_SIRET).cii())
    assert flux.status == FluxStatus.IN_INTEGRE
    assert Invoice.objects.get().supplier == other


def test_attachments_rules_apply_to_deposited_attachments(world) -> None:  # type: ignore[no-untyped-def]
    data = Sample(SUPPLIER, PUBLIC_FREE_SIRET).cii()
    flux = deposit(
        world,
        data,
        attachments=[
            Upload("un-nom-de-fichier-beaucoup-trop-long-pour-chorus-pro.pdf", b"x"),
            Upload("virus.exe", b"x"),
            Upload("vide.pdf", b""),
        ],
    )
    found = rules(flux)
    assert {"CHOEUR-PJ-01", "CHOEUR-PJ-02", "CHOEUR-PJ-03"} <= set(found)
    assert not Invoice.objects.exists()


def test_good_attachment_follows_the_invoice(world) -> None:  # type: ignore[no-untyped-def]
    data = Sample(SUPPLIER, PUBLIC_FREE_SIRET).cii()
    deposit(world, data, attachments=[Upload("bon-de-livraison.pdf", b"%PDF-1.4 bl")])
    invoice = Invoice.objects.get()
    assert [a.name for a in invoice.attachments.all()] == ["bon-de-livraison.pdf"]


def test_credit_note_type(world) -> None:  # type: ignore[no-untyped-def]
    deposit(world, Sample(SUPPLIER, PUBLIC_FREE_SIRET, type_code="381").cii())
    assert Invoice.objects.get().type == "AVOIR"


def _pivot_bytes(world, writer: str) -> bytes:  # type: ignore[no-untyped-def]
    import datetime as dt
    from decimal import Decimal

    import choeur.einvoice as einvoice
    from choeur.invoices.services.drafts import Saisie, SaisieLine, build_pivot

    saisie = Saisie(
        recipient=world.recipient,
        number=f"{writer.upper()}-1",
        issue_date=dt.date(2026, 11, 2),
        due_date=dt.date(2026, 12, 2),
        service_code="SERVICE_DEST_SERV_OBL",
        lines=[SaisieLine("Conseil", Decimal("2"), "HUR", Decimal("80"), Decimal("20"))],
    )
    pivot = build_pivot(supplier=world.supplier, saisie=saisie)
    data: bytes = getattr(einvoice, f"write_{writer}")(pivot)
    return data


def test_ubl_flux_with_its_declared_syntax(world) -> None:  # type: ignore[no-untyped-def]
    from choeur.invoices.enums import SyntaxeFlux

    data = _pivot_bytes(world, "ubl")
    flux = deposit(world, data, declared_syntax=SyntaxeFlux.IN_DP_E1_UBL_INVOICE)
    assert flux.status == FluxStatus.IN_INTEGRE, flux.report
    invoice = Invoice.objects.get()
    assert invoice.syntax == SyntaxeFlux.IN_DP_E1_UBL_INVOICE
    assert invoice.main_document is None and invoice.xml.read() == data


def test_facturx_flux_keeps_the_pdf_and_its_xml(world) -> None:  # type: ignore[no-untyped-def]
    import choeur.einvoice as einvoice

    data = _pivot_bytes(world, "facturx")
    flux = deposit(world, data, name="facture.pdf")
    assert flux.status == FluxStatus.IN_INTEGRE, flux.report
    invoice = Invoice.objects.get()
    assert invoice.main_document.read() == data
    assert invoice.fingerprint == invoice.main_document.sha256
    assert einvoice.read(invoice.xml.read()).number == "FACTURX-1"


def test_a_crashing_integration_leaves_the_flux_for_the_sweeper(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from choeur.invoices.tasks import flux_integrate_task

    flux = flux_deposit(
        user=world.user,
        supplier=world.supplier,
        upload=Upload("a.xml", Sample(SUPPLIER, PUBLIC_FREE_SIRET).cii()),
    )

    def boom(**kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("database went away")

    monkeypatch.setattr("choeur.invoices.tasks.flux_integrate", boom)
    assert flux_integrate_task(flux.pk) is None
    flux.refresh_from_db()
    assert flux.status == FluxStatus.IN_RECU  # not final: flux_sweep will queue it again


def test_database_constraint_stops_a_duplicate_the_check_missed(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Two workers integrating the same invoice at once both pass the duplicate check; the unique
    # constraint (supplier, number, year) lets only one invoice exist.
    data = Sample(SUPPLIER, PUBLIC_FREE_SIRET).cii()
    deposit(world, data)
    monkeypatch.setattr(
        "choeur.invoices.services.integration._duplicate", lambda routing, pivot: None
    )
    flux = deposit(world, data)
    assert flux.status == FluxStatus.IN_REJETE
    assert "CHOEUR-DOUBLON-01" in rules(flux)
    assert Invoice.objects.count() == 1


def test_encrypted_zip_member_and_tar_bomb_are_refused(world, settings) -> None:  # type: ignore[no-untyped-def]
    import io
    import zipfile

    from tests.invoices.samples import targz_of

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.xml", b"<x/>")
    raw = bytearray(buffer.getvalue())
    # Set the "encrypted" flag bit in the local header and the central directory entry.
    raw[6] |= 0x1
    central = raw.find(b"PK\x01\x02")
    raw[central + 8] |= 0x1
    flux = deposit(world, bytes(raw), name="chiffre.zip")
    assert flux.status == FluxStatus.IN_REJETE and "CHOEUR-ARCH-04" in rules(flux)

    settings.INVOICES_ARCHIVE_MAX_FILE_BYTES = 1024 * 1024
    bomb = targz_of({"big.xml": bytes(2 * 1024 * 1024)})
    flux = deposit(world, bomb, name="bombe.tar.gz")
    assert flux.status == FluxStatus.IN_REJETE and "CHOEUR-ARCH-03" in rules(flux)
    assert not Invoice.objects.exists()


def test_flux_sweep_command(world, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    import io

    from django.core.management import call_command

    with django_capture_on_commit_callbacks(execute=False):
        flux = flux_deposit(
            user=world.user,
            supplier=world.supplier,
            upload=Upload("a.xml", Sample(SUPPLIER, PUBLIC_FREE_SIRET).cii()),
        )
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("flux_sweep", "--older-than", "0", stdout=out)
    assert "1 flux relancé" in out.getvalue()
    flux.refresh_from_db()
    assert flux.status == FluxStatus.IN_INTEGRE


@pytest.mark.parametrize(
    ("count", "subject"),
    [(1, "1 nouvelle facture reçue de"), (2, "2 nouvelles factures reçues de")],
)
def test_the_recipients_email_says_how_many_invoices_in_french(world, count, subject) -> None:  # type: ignore[no-untyped-def]
    from choeur.notifications.models import OutboxEmail

    world.free_recipient.email = "factures@commune.test"
    world.free_recipient.save()
    files = {
        f"f{i}.xml": Sample(
            world.supplier.identifier, world.free_recipient.identifier, number=f"N-{i}"
        ).cii()
        for i in range(count)
    }
    flux = flux_deposit(
        user=world.user, supplier=world.supplier, upload=Upload("lot.zip", zip_of(files))
    )
    flux_integrate(flux_id=flux.pk)
    sent = [e for e in OutboxEmail.objects.all() if "factures@commune.test" in e.to]
    assert [e.subject.startswith(subject) for e in sent] == [True]
