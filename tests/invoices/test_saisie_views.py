"""Saisie web and PDF deposit through the pages: errors in the form, drafts, submission."""

from __future__ import annotations

import io
import re

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import choeur.einvoice as einvoice
from choeur.invoices.enums import FluxStatus, InvoiceStatus, ModeDepot
from choeur.invoices.models import Flux, Invoice, InvoiceDraft
from choeur.invoices.services.integration import flux_integrate
from choeur.structures.enums import Espace
from choeur.structures.models import Service, Structure, StructureEspace
from tests.invoices.factories import (
    PUBLIC_EJ_SIRET,
    PUBLIC_SIRET,
    StructureFactory,
    public_recipient,
)
from tests.shared import CORPUS

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_in(client, world):  # type: ignore[no-untyped-def]
    client.force_login(world.user)
    return client


def form_data(world, **overrides) -> dict[str, str]:  # type: ignore[no-untyped-def]
    data = {
        "supplier": str(world.supplier.pk),
        "recipient": PUBLIC_SIRET,
        "service_code": "SERVICE_DEST_SERV_OBL",
        "engagement_number": "",
        "cadre": "A1_FACTURE_FOURNISSEUR",
        "type": "FACTURE",
        "number": "WEB-001",
        "preceding_number": "",
        "issue_date": "2026-11-02",
        "due_date": "2026-12-02",
        "currency": "EUR",
        "tva_regime": "TVA_SUR_DEBIT",
        "exemption_reason": "",
        "bank_account": "",
        "comment": "",
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "200",
        "idem": "abc",
    }
    rows = [
        ("Conseil", "3", "HUR", "33.333", "1.50", "20.00"),
        ("Livre", "2", "C62", "10", "", "5.50"),
        ("Frais", "1", "C62", "7.77", "", "0.00"),
    ]
    for i, (designation, quantity, unit, price, discount, rate) in enumerate(rows):
        data.update(
            {
                f"lines-{i}-designation": designation,
                f"lines-{i}-quantity": quantity,
                f"lines-{i}-unit": unit,
                f"lines-{i}-unit_price": price,
                f"lines-{i}-discount": discount,
                f"lines-{i}-vat_rate": rate,
            }
        )
    data.update(overrides)
    return data


def test_saisie_page_renders(client_in) -> None:  # type: ignore[no-untyped-def]
    page = client_in.get(reverse("invoices:saisie"))
    assert page.status_code == 200
    assert "Déposer la facture" in page.content.decode()


def test_missing_service_code_is_shown_in_the_form(client_in, world) -> None:  # type: ignore[no-untyped-def]
    response = client_in.post(
        reverse("invoices:saisie"), form_data(world, service_code="", action="submit")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "code service est obligatoire" in page
    assert not Flux.objects.exists() and not Invoice.objects.exists()


def test_compute_shows_server_totals_without_errors(client_in, world) -> None:  # type: ignore[no-untyped-def]
    response = client_in.post(
        reverse("invoices:saisie"), form_data(world, number="", action="compute")
    )
    page = response.content.decode()
    assert "147,07" in page  # EN 16931 rounding, see test_saisie
    assert "corrigez les champs" not in page


def test_add_line(client_in, world) -> None:  # type: ignore[no-untyped-def]
    response = client_in.post(reverse("invoices:saisie"), form_data(world, action="add_line"))
    assert 'id="line-3"' in response.content.decode()


def test_draft_save_come_back_and_submit(
    client_in, world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    response = client_in.post(
        reverse("invoices:saisie"),
        form_data(world, action="save", attachments=SimpleUploadedFile("bon.pdf", b"%PDF-1.4 bon")),
    )
    draft = InvoiceDraft.objects.get()
    assert draft.status == InvoiceStatus.BROUILLON
    assert response["Location"] == reverse("invoices:draft_edit", args=[draft.pk])
    assert "WEB-001" in client_in.get(reverse("invoices:drafts")).content.decode()
    page = client_in.get(response["Location"]).content.decode()
    assert 'value="WEB-001"' in page and "Conseil" in page and "bon.pdf" in page
    with django_capture_on_commit_callbacks(execute=True):
        submitted = client_in.post(response["Location"], form_data(world, action="submit"))
    invoice = Invoice.objects.get()
    # Integration runs once the request's transaction commits: the page redirects to the invoice
    # when it is done by then (no broker), else to the flux (test transactions never commit).
    assert submitted["Location"] in (
        reverse("invoices:detail", args=[invoice.pk]),
        reverse("invoices:flux_detail", args=[invoice.flux_id]),
    )
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION
    assert invoice.mode_depot == ModeDepot.SAISIE_WEB
    assert str(invoice.total_ttc) == "147.07"
    assert invoice.lines.count() == 3
    assert [a.name for a in invoice.attachments.all()] == ["bon.pdf"]
    draft.refresh_from_db()
    assert draft.status == InvoiceStatus.DEPOSEE and draft.submitted_flux == invoice.flux
    pdf = client_in.get(reverse("invoices:pdf", args=[invoice.pk]))
    assert pdf.content.startswith(b"%PDF")
    assert einvoice.validate(pdf.content).is_valid
    # Coming back to a submitted draft shows its flux, never a second deposit.
    assert client_in.get(reverse("invoices:draft_edit", args=[draft.pk]))["Location"].endswith(
        f"/flux/{invoice.flux_id}/"
    )


def test_submit_twice_with_the_same_form_token_makes_one_flux(
    client_in, world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        client_in.post(reverse("invoices:saisie"), form_data(world, action="submit"))
        client_in.post(reverse("invoices:saisie"), form_data(world, action="submit"))
    assert Flux.objects.count() == 1
    assert Invoice.objects.count() == 1


def test_duplicate_number_is_shown_in_the_form(
    client_in, world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        client_in.post(reverse("invoices:saisie"), form_data(world, action="submit"))
    again = client_in.post(
        reverse("invoices:saisie"), form_data(world, action="submit", idem="other")
    )
    assert "existe déjà" in again.content.decode()
    assert Invoice.objects.count() == 1


def encrypted_pdf() -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(owner="o", user="u"))
    return out.getvalue()


def text_pdf(text: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<p>{text}</p>").write_pdf()


def test_pdf_deposit_refuses_a_protected_pdf(client_in, world) -> None:  # type: ignore[no-untyped-def]
    response = client_in.post(
        reverse("invoices:upload_pdf"),
        {"supplier": world.supplier.pk, "file": SimpleUploadedFile("f.pdf", encrypted_pdf())},
    )
    assert response.status_code == 200
    assert "mot de passe" in response.content.decode()
    assert not InvoiceDraft.objects.exists()


def test_pdf_deposit_prefills_and_keeps_the_pdf_as_main_document(
    client_in, world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    pdf = text_pdf(
        f"Facture n° PDF-77 du 05/11/2026<br>SIRET client : {PUBLIC_SIRET[:3]} {PUBLIC_SIRET[3:6]} "
        f"{PUBLIC_SIRET[6:9]} {PUBLIC_SIRET[9:]}<br>Total HT : 1 000,00 €<br>Total TTC : 1 200,00 €"
    )
    response = client_in.post(
        reverse("invoices:upload_pdf"),
        {"supplier": world.supplier.pk, "file": SimpleUploadedFile("f.pdf", pdf)},
    )
    draft = InvoiceDraft.objects.get()
    assert draft.data["recipient"] == PUBLIC_SIRET
    assert draft.data["number"] == "PDF-77"
    assert draft.data["issue_date"] == "2026-11-05"
    assert draft.data["lines"][0]["unit_price"] == "1000.00"
    assert draft.data["lines"][0]["vat_rate"] == "20.00"
    page = client_in.get(response["Location"]).content.decode()
    assert "f.pdf" in page and 'value="PDF-77"' in page
    data = form_data(world, action="submit", number="PDF-77", issue_date="2026-11-05")
    data.update(
        {
            "lines-TOTAL_FORMS": "1",
            "lines-0-designation": "Selon facture jointe",
            "lines-0-quantity": "1",
            "lines-0-unit_price": "1000.00",
            "lines-0-discount": "",
            "lines-0-vat_rate": "20.00",
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        client_in.post(response["Location"], data)
    invoice = Invoice.objects.get()
    assert invoice.mode_depot == ModeDepot.DEPOT_PDF_PORTAIL
    assert invoice.main_document.read() == pdf
    assert invoice.xml is not None and str(invoice.total_ttc) == "1200.00"
    assert invoice.flux.status == FluxStatus.IN_INTEGRE


def test_facturx_pdf_fills_the_form(client_in, world) -> None:  # type: ignore[no-untyped-def]

    from tests.invoices.factories import StructureFactory, member

    path = sorted((CORPUS / "zugferd-corpus/facturx/fnfe-examples").glob("*EN16931*.pdf"))[0]
    pivot = einvoice.read(path.read_bytes())
    # Deposited by its own seller (« Au bon moulin »): another company's is refused.
    assert pivot.seller.legal_registration_id is not None
    seller = StructureFactory(
        identifier=pivot.seller.legal_registration_id.value, raison_sociale=pivot.seller.name
    )
    member(seller, user=world.user)
    response = client_in.post(
        reverse("invoices:upload_pdf"),
        {"supplier": seller.pk, "file": SimpleUploadedFile(path.name, path.read_bytes())},
    )
    assert response.status_code == 302
    draft = InvoiceDraft.objects.get()
    assert draft.data["prefilled_from"] == "facturx"
    assert draft.data["number"] == pivot.number
    assert len(draft.data["lines"]) == len(pivot.lines)


def test_flux_integrate_is_reachable(world) -> None:  # type: ignore[no-untyped-def]
    assert flux_integrate(flux_id=999999) is None


def test_submit_with_attachments_at_once(
    client_in, world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    data = form_data(
        world, action="submit", attachments=SimpleUploadedFile("devis.pdf", b"%PDF-1.4 devis")
    )
    with django_capture_on_commit_callbacks(execute=True):
        client_in.post(reverse("invoices:saisie"), data)
    invoice = Invoice.objects.get()
    assert [a.name for a in invoice.attachments.all()] == ["devis.pdf"]
    assert InvoiceDraft.objects.get().status == InvoiceStatus.DEPOSEE


def test_bad_attachment_is_refused_in_the_form(client_in, world) -> None:  # type: ignore[no-untyped-def]
    data = form_data(world, action="submit", attachments=SimpleUploadedFile("programme.exe", b"MZ"))
    response = client_in.post(reverse("invoices:saisie"), data)
    assert "extension du fichier n" in response.content.decode()
    assert not Flux.objects.exists() and not Invoice.objects.exists()
    assert not InvoiceDraft.objects.exists()
    data["action"] = "save"
    data["attachments"] = SimpleUploadedFile("programme.exe", b"MZ")
    response = client_in.post(reverse("invoices:saisie"), data)
    assert "extension du fichier n" in response.content.decode()
    assert not InvoiceDraft.objects.exists()


# --- Choosing the recipient from the search results (issue 12) -------------------------------


@pytest.fixture
def directory(world):  # type: ignore[no-untyped-def]
    """Public structures around the world's: one that can receive with services, and three
    that cannot (inactive, private, « Factures reçues » closed)."""
    hopital = public_recipient(
        "26750045200011",
        raison_sociale="CENTRE HOSPITALIER DE SAINT-ÉTIENNE",
        ville="Saint-Étienne",
    )
    Service.objects.create(structure=hopital, code="PHARMA", name="Pharmacie centrale")
    Service.objects.create(
        structure=hopital, code="TRAVAUX", name="Services techniques", engagement_required=True
    )
    Service.objects.create(structure=hopital, code="ANCIEN", name="Ancien service", is_active=False)
    public_recipient(
        "26750045200029", raison_sociale="CENTRE HOSPITALIER DE SAINT-ÉTIENNE NORD", is_active=False
    )
    StructureFactory(identifier="44306184100047", raison_sociale="CLINIQUE DE SAINT-ÉTIENNE")
    closed = public_recipient(
        "26750045200037", raison_sociale="CENTRE HOSPITALIER SAINT-ÉTIENNE SUD"
    )
    StructureEspace.objects.update_or_create(
        structure=closed, espace=Espace.FACTURES_RECUES, defaults={"is_open": False}
    )
    return hopital


def results_of(page: str) -> str:
    """The markup of the search results (their text and their buttons' values)."""
    found = lxml.html.fromstring(page).xpath('//*[@id="recipient-results"]')
    assert found, "no search results on the page"
    return str(lxml.html.tostring(found[0], encoding="unicode"))


def test_search_by_name_lists_only_structures_that_can_receive(client_in, world, directory) -> None:  # type: ignore[no-untyped-def]
    response = client_in.post(
        reverse("invoices:saisie"),
        form_data(world, recipient="hospitalier saint etienne", action="check"),
    )
    results = results_of(response.content.decode())
    assert "CENTRE HOSPITALIER DE SAINT-ÉTIENNE" in results  # accents and case aside
    assert 'name="choose_recipient" value="26750045200011"' in results
    for cannot in ("NORD", "CLINIQUE", "SUD"):  # inactive, private, espace closed
        assert cannot not in results
    # Its active services, each one a choice; the inactive one is not offered.
    assert "PHARMA — Pharmacie centrale" in results and "ANCIEN" not in results
    assert "engagement obligatoire" in results
    assert "Code service et numéro d'engagement facultatifs." in results
    assert "corrigez les champs" not in response.content.decode()


def test_a_whole_name_names_the_recipient_a_part_of_it_only_searches(
    client_in, world, directory
) -> None:  # type: ignore[no-untyped-def]
    whole = client_in.post(
        reverse("invoices:saisie"),
        form_data(world, recipient="centre hospitalier de saint etienne", action="check"),
    ).content.decode()
    assert 'id="recipient-parameters"' in whole and 'id="recipient-results"' not in whole
    # One structure only matches « hospitalier saint etienne », yet it is offered, not chosen.
    part = client_in.post(
        reverse("invoices:saisie"),
        form_data(world, recipient="hospitalier saint etienne", action="submit"),
    ).content.decode()
    assert 'id="recipient-parameters"' not in part
    assert "Une structure correspond" in results_of(part)
    assert not Flux.objects.exists()


def test_search_by_service_code_or_name_or_siret(client_in, world, directory) -> None:  # type: ignore[no-untyped-def]
    for text in ("TRAVAUX", "pharmacie", "267500452"):
        response = client_in.post(
            reverse("invoices:saisie"), form_data(world, recipient=text, action="check")
        )
        results = results_of(response.content.decode())
        assert "26750045200011" in results, text
        assert "26750045200029" not in results, text  # inactive
    page = client_in.post(
        reverse("invoices:saisie"), form_data(world, recipient="pharmacie", action="check")
    ).content.decode()
    assert "correspond à la recherche" in results_of(page)


def test_search_shows_whether_the_service_code_is_mandatory(client_in, world) -> None:  # type: ignore[no-untyped-def]
    response = client_in.post(
        reverse("invoices:saisie"), form_data(world, recipient="commune a", action="check")
    )
    results = results_of(response.content.decode())
    assert "COMMUNE A SERVICE" in results and "COMMUNE A EJ" in results
    assert "Code service obligatoire." in results
    assert "Numéro d'engagement obligatoire." in results
    assert "SERVICE_DEST_SERV_OBL — Achats" in results


def test_choosing_a_result_fills_the_recipient_and_keeps_what_was_typed(
    client_in, world, directory
) -> None:  # type: ignore[no-untyped-def]
    data = form_data(world, recipient="saint etienne", service_code="")
    data["choose_recipient"] = "26750045200011"
    page = client_in.post(reverse("invoices:saisie"), data).content.decode()
    assert 'name="recipient" value="26750045200011"' in page
    assert 'id="recipient-parameters"' in page and 'id="recipient-results"' not in page
    assert 'value="WEB-001"' in page and "Conseil" in page  # the rest of the form is kept
    assert '<option value="PHARMA">' in page  # its services, offered in « Code service »
    assert not Flux.objects.exists() and not InvoiceDraft.objects.exists()


def test_choosing_a_service_fills_the_recipient_and_the_service_code(
    client_in, world, directory
) -> None:  # type: ignore[no-untyped-def]
    service = directory.services.get(code="TRAVAUX")
    data = form_data(world, recipient="TRAVAUX", service_code="")
    data["choose_service"] = str(service.pk)
    page = client_in.post(reverse("invoices:saisie"), data).content.decode()
    assert 'name="recipient" value="26750045200011"' in page
    assert 'name="service_code" value="TRAVAUX"' in page
    # The service asks for an engagement: the field says so with its marker.
    assert marked_required(page, "id_engagement_number")


def test_a_structure_that_cannot_receive_cannot_be_chosen(client_in, world, directory) -> None:  # type: ignore[no-untyped-def]
    inactive = Structure.objects.get(identifier="26750045200029")
    data = form_data(world, recipient="saint etienne")
    data["choose_recipient"] = inactive.identifier
    page = client_in.post(reverse("invoices:saisie"), data).content.decode()
    assert 'name="recipient" value="saint etienne"' in page
    data = form_data(world, recipient="saint etienne")
    data["choose_service"] = str(directory.services.get(code="ANCIEN").pk)  # inactive service
    page = client_in.post(reverse("invoices:saisie"), data).content.decode()
    assert 'name="recipient" value="saint etienne"' in page


def test_chosen_recipient_then_submitted(
    client_in, world, directory, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    data = form_data(world, recipient="saint etienne", service_code="")
    data["choose_service"] = str(directory.services.get(code="PHARMA").pk)
    client_in.post(reverse("invoices:saisie"), data)
    with django_capture_on_commit_callbacks(execute=True):
        client_in.post(
            reverse("invoices:saisie"),
            form_data(world, recipient="26750045200011", service_code="PHARMA", action="submit"),
        )
    invoice = Invoice.objects.get()
    assert invoice.recipient == directory and invoice.service.code == "PHARMA"


def test_submitting_an_ambiguous_name_asks_to_choose(client_in, world, directory) -> None:  # type: ignore[no-untyped-def]
    page = client_in.post(
        reverse("invoices:saisie"), form_data(world, recipient="commune a", action="submit")
    ).content.decode()
    assert "Choisissez le destinataire parmi les structures publiques trouvées" in page
    assert 'id="recipient-results"' in page
    assert not Flux.objects.exists()


# --- Required fields are marked, messages name the fields as labelled ------------------------


def marked_required(page: str, field_id: str) -> bool:
    """The DSFR marker « * » in the label of the field."""
    label = re.search(rf'<label for="{field_id}" class="fr-label">(.*?)</label>', page, re.S)
    assert label is not None, field_id
    return "fr-required-marker" in label.group(1)


def test_every_mandatory_field_of_the_saisie_is_marked(client_in, world) -> None:  # type: ignore[no-untyped-def]
    page = client_in.get(reverse("invoices:saisie")).content.decode()
    for field_id in (
        "id_supplier",
        "id_recipient",
        "id_cadre",
        "id_type",
        "id_number",
        "id_issue_date",
        "id_due_date",
        "id_currency",
        "id_tva_regime",
        "id_lines-0-designation",
        "id_lines-0-quantity",
        "id_lines-0-unit",
        "id_lines-0-unit_price",
        "id_lines-0-vat_rate",
    ):
        assert marked_required(page, field_id), field_id
    for field_id in ("id_service_code", "id_engagement_number", "id_lines-0-discount"):
        assert not marked_required(page, field_id), field_id


@pytest.mark.parametrize(
    ("siret", "field_id"),
    [(PUBLIC_SIRET, "id_service_code"), (PUBLIC_EJ_SIRET, "id_engagement_number")],
)
def test_what_the_recipient_makes_mandatory_is_marked(client_in, world, siret, field_id) -> None:  # type: ignore[no-untyped-def]
    page = client_in.post(
        reverse("invoices:saisie"), form_data(world, recipient=siret, action="check")
    ).content.decode()
    assert marked_required(page, field_id)
    free = client_in.post(
        reverse("invoices:saisie"),
        form_data(world, recipient=world.free_recipient.identifier, action="check"),
    ).content.decode()
    assert not marked_required(free, field_id)


def test_missing_service_code_message_names_the_field_as_labelled(client_in, world) -> None:  # type: ignore[no-untyped-def]
    page = client_in.post(
        reverse("invoices:saisie"), form_data(world, service_code="", action="submit")
    ).content.decode()
    assert "Le code service est obligatoire pour COMMUNE A SERVICE" in page
    assert "référence acheteur" not in page


def test_a_structure_with_many_services_shows_the_first_and_counts_the_others(
    client_in, world, directory
) -> None:  # type: ignore[no-untyped-def]
    for n in range(9):
        Service.objects.create(structure=directory, code=f"SCE{n}", name=f"Service {n}")
    page = client_in.post(
        reverse("invoices:saisie"), form_data(world, recipient="PHARMA", action="check")
    ).content.decode()
    results = results_of(page)
    assert "PHARMA — Pharmacie centrale" in results  # the service searched for comes first
    assert results.count('name="choose_service"') == 8
    assert "Et 3 autres services" in results  # 11 active services, 8 shown


# --- What the reform's French rules (BR-FR) ask the saisie ------------------------------------


def _deposited_xml(invoice: Invoice) -> bytes:
    assert invoice.xml is not None  # the XML of the Factur-X the platform wrote
    return invoice.xml.read()


def test_a_saisie_meets_the_french_rules_and_states_the_nature_of_the_operations(
    client_in, world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        client_in.post(reverse("invoices:saisie"), form_data(world, action="submit", nature="B"))
    invoice = Invoice.objects.get()
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION
    assert invoice.cadre == "A1_FACTURE_FOURNISSEUR"  # the reform's B1 is Chorus Pro's A1
    flux = invoice.flux
    assert flux.report["items"][0]["errors"] == [] and flux.report["items"][0]["warnings"] == []
    xml = _deposited_xml(invoice)
    report = einvoice.validate(xml, profile="AUTO")
    assert (report.profile, report.findings) == ("BR-FR", ())
    pivot = einvoice.read(xml)
    assert pivot.process_control.business_process_type == "B1"
    assert {n.subject_code for n in pivot.notes} >= {"PMT", "PMD", "AAB"}
    page = client_in.get(reverse("invoices:saisie")).content.decode()
    assert "Nature des opérations" in page and "Prestations de services" in page


def test_an_avoir_names_the_invoice_it_corrects_with_its_date(
    client_in, world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    page = client_in.post(
        reverse("invoices:saisie"),
        form_data(world, action="submit", type="AVOIR", preceding_number="WEB-000"),
    ).content.decode()
    assert "indiquez la date de la facture d&#x27;origine" in page
    assert Flux.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        client_in.post(
            reverse("invoices:saisie"),
            form_data(
                world,
                action="submit",
                type="AVOIR",
                preceding_number="WEB-000",
                preceding_date="2026-10-01",
            ),
        )
    invoice = Invoice.objects.get()
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION, invoice.flux.report
    [preceding] = einvoice.read(_deposited_xml(invoice)).preceding_invoices
    assert (preceding.number, str(preceding.issue_date)) == ("WEB-000", "2026-10-01")


def test_an_invoice_in_another_currency_gives_its_vat_in_euros(
    client_in, world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    page = client_in.post(
        reverse("invoices:saisie"), form_data(world, action="submit", currency="USD")
    ).content.decode()
    assert "indiquez le montant total de la TVA en euros" in page
    assert Flux.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        client_in.post(
            reverse("invoices:saisie"),
            form_data(world, action="submit", currency="USD", vat_amount_eur="19.45"),
        )
    invoice = Invoice.objects.get()
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION, invoice.flux.report
    pivot = einvoice.read(_deposited_xml(invoice))
    assert (pivot.vat_currency_code, str(pivot.totals.vat_total_amount_accounting)) == (
        "EUR",
        "19.45",
    )
