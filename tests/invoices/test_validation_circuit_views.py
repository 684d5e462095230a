"""The validator circuit through the pages: a subcontractor's A9 invoice typed in « Saisir une
facture », validated by the prime contractor in « Factures à valider », then received by the
buyer; refusals, the wrong validator and its correction; outsiders get 404."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from choeur.invoices.enums import InvoiceStatus
from choeur.invoices.models import Invoice, InvoiceValidation, ValidationDecision
from choeur.structures.enums import AccessMode, Espace
from choeur.structures.models import StructureEspace
from tests.invoices.factories import StructureFactory, UserFactory, member
from tests.invoices.test_saisie_views import form_data

pytestmark = pytest.mark.django_db

PRIME_SIRET = "55210055400013"
OTHER_SIRET = "73282932000074"


@pytest.fixture
def prime(world):  # type: ignore[no-untyped-def]
    structure = StructureFactory(identifier=PRIME_SIRET, raison_sociale="BTP TITULAIRE SA")
    user = member(
        structure, UserFactory(email="titulaire@btp.test"), espace=Espace.FACTURES_A_VALIDER
    )
    return structure, user


def _deposit(client, world, captured, **overrides):  # type: ignore[no-untyped-def]
    client.force_login(world.user)
    values = {"action": "submit", "cadre": "A9_FACTURE_SOUSTRAITANT", "valideur_1": PRIME_SIRET}
    data = form_data(world, **{**values, **overrides})
    with captured(execute=True):
        return client.post(reverse("invoices:saisie"), data)


def test_a9_invoice_goes_to_the_validator_then_to_the_buyer(
    client, world, prime, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    response = _deposit(client, world, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    invoice = Invoice.objects.get()
    assert invoice.cadre == "A9_FACTURE_SOUSTRAITANT"
    assert invoice.status == InvoiceStatus.A_VALIDER_1
    assert invoice.validation.validator_1 == prime[0]
    assert invoice.validation.started_at is not None
    # The validator is told, the buyer not yet.
    assert any("Facture à valider" in m.subject for m in mail.outbox)
    assert not any("nouvelle facture reçue" in m.subject.lower() for m in mail.outbox)

    structure, validator = prime
    client.force_login(validator)
    listing = client.get(reverse("validation:list"))
    assert listing.status_code == 200
    assert invoice.number in listing.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            reverse("validation:detail", args=[invoice.pk]),
            {
                "action": "VALIDATION",
                "motif": "",
                "commentaire": "Conforme",
                "statut_vu": "A_VALIDER_1",
            },
        )
    assert done.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION
    statuses = list(invoice.status_changes.values_list("to_status", flat=True))
    assert statuses == ["DEPOSEE", "A_VALIDER_1", "VALIDEE_1", "MISE_A_DISPOSITION"]
    assert ValidationDecision.objects.get(invoice=invoice).action == "VALIDATION"
    assert InvoiceValidation.objects.get(invoice=invoice).validated_1_at is not None
    # The buyer now receives it, with the circuit's history.
    buyer = member(world.recipient, UserFactory(), espace=Espace.FACTURES_RECUES)
    client.force_login(buyer)
    page = client.get(reverse("lifecycle:detail", args=[invoice.pk])).content.decode()
    assert "Circuit de validation" in page and "BTP TITULAIRE SA" in page
    assert "Conforme" in page
    # The supplier sees where it stands.
    client.force_login(world.user)
    sent = client.get(reverse("invoices:detail", args=[invoice.pk])).content.decode()
    assert reverse("validation:supplier", args=[invoice.pk]) in sent


def test_saisie_refuses_a_missing_or_wrong_validator(
    client, world, prime, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    page = _deposit(client, world, django_capture_on_commit_callbacks, valideur_1="")
    assert page.status_code == 200
    assert "demande un valideur" in page.content.decode()
    unknown = _deposit(client, world, django_capture_on_commit_callbacks, valideur_1=OTHER_SIRET)
    assert "inscrite sur Chœur" in unknown.content.decode()
    StructureFactory(identifier=OTHER_SIRET, raison_sociale="SANS ESPACE")
    closed = _deposit(client, world, django_capture_on_commit_callbacks, valideur_1=OTHER_SIRET)
    assert "Factures à valider" in closed.content.decode()
    itself = _deposit(
        client, world, django_capture_on_commit_callbacks, valideur_1=world.supplier.identifier
    )
    assert "ne peut pas être la structure qui émet" in itself.content.decode()
    not_a9 = _deposit(
        client, world, django_capture_on_commit_callbacks, cadre="A1_FACTURE_FOURNISSEUR"
    )
    assert "ne se renseigne que pour" in not_a9.content.decode()
    assert Invoice.objects.count() == 0


def test_outsiders_get_404_and_consultation_cannot_decide(
    client, world, prime, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    _deposit(client, world, django_capture_on_commit_callbacks)
    invoice = Invoice.objects.get()
    outsider = StructureFactory(identifier=OTHER_SIRET, raison_sociale="AUTRE BTP")
    stranger = member(outsider, UserFactory(), espace=Espace.FACTURES_A_VALIDER)
    client.force_login(stranger)
    assert client.get(reverse("validation:detail", args=[invoice.pk])).status_code == 404
    assert (
        client.post(
            reverse("validation:detail", args=[invoice.pk]), {"action": "VALIDATION"}
        ).status_code
        == 404
    )
    assert client.get(reverse("validation:supplier", args=[invoice.pk])).status_code == 404
    # The buyer does not see it before validation.
    buyer = member(world.recipient, UserFactory(), espace=Espace.FACTURES_RECUES)
    client.force_login(buyer)
    assert client.get(reverse("lifecycle:detail", args=[invoice.pk])).status_code == 404
    # A validator's colleague in Consultation reads but cannot decide.
    reader = member(
        prime[0], UserFactory(), espace=Espace.FACTURES_A_VALIDER, mode=AccessMode.CONSULTATION
    )
    client.force_login(reader)
    page = client.get(reverse("validation:detail", args=[invoice.pk]))
    assert page.status_code == 200
    assert "en modification" in page.content.decode()
    client.post(reverse("validation:detail", args=[invoice.pk]), {"action": "VALIDATION"})
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.A_VALIDER_1


def test_refusal_needs_a_reason_and_is_final(
    client, world, prime, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    _deposit(client, world, django_capture_on_commit_callbacks)
    invoice = Invoice.objects.get()
    client.force_login(prime[1])
    url = reverse("validation:detail", args=[invoice.pk])
    page = client.post(url, {"action": "REFUS", "motif": ""})
    assert "motif de refus est obligatoire" in page.content.decode()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.A_VALIDER_1
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url, {"action": "REFUS", "motif": "MONTANT_ERRONE", "commentaire": "Part dépassée"}
        )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.REFUSEE_1
    last = invoice.status_changes.last()
    assert last.reason == "Montant erroné ou supérieur à la part prévue au marché : Part dépassée"
    assert any("Refusée (1)" in m.subject for m in mail.outbox)  # the supplier is told


def test_wrong_validator_corrected_by_the_supplier_then_accepted(
    client, world, prime, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    _deposit(client, world, django_capture_on_commit_callbacks)
    invoice = Invoice.objects.get()
    client.force_login(prime[1])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("validation:detail", args=[invoice.pk]),
            {"action": "REFUS", "motif": "ERREUR_VALIDEUR"},
        )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ERREUR_FOURNISSEUR_SUR_VALIDEUR
    right = StructureFactory(identifier=OTHER_SIRET, raison_sociale="VRAI TITULAIRE")
    right_user = member(right, UserFactory(), espace=Espace.FACTURES_A_VALIDER)
    client.force_login(world.user)
    page = client.get(reverse("validation:supplier", args=[invoice.pk]))
    assert "Corriger le valideur" in page.content.decode()
    bad = client.post(reverse("validation:supplier", args=[invoice.pk]), {"valideur": "123"})
    assert "inscrite sur Chœur" in bad.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("validation:supplier", args=[invoice.pk]), {"valideur": OTHER_SIRET})
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.A_VALIDER_1
    # the first validator no longer sees it; the right one does, and accepts
    client.force_login(prime[1])
    assert client.get(reverse("validation:detail", args=[invoice.pk])).status_code == 404
    client.force_login(right_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("validation:detail", args=[invoice.pk]), {"action": "VALIDATION"})
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION


def test_two_levels_subcontractor_of_a_co_contractor(
    client, world, prime, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    mandataire = StructureFactory(identifier=OTHER_SIRET, raison_sociale="MANDATAIRE SAS")
    mandataire_user = member(mandataire, UserFactory(), espace=Espace.FACTURES_A_VALIDER)
    _deposit(client, world, django_capture_on_commit_callbacks, valideur_2=OTHER_SIRET)
    invoice = Invoice.objects.get()
    # the mandataire sees nothing before level 2
    client.force_login(mandataire_user)
    assert client.get(reverse("validation:detail", args=[invoice.pk])).status_code == 404
    client.force_login(prime[1])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("validation:detail", args=[invoice.pk]), {"action": "VALIDATION"})
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.A_VALIDER_2
    client.force_login(mandataire_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("validation:detail", args=[invoice.pk]), {"action": "VALIDATION"})
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION
    assert list(invoice.status_changes.values_list("to_status", flat=True))[1:] == [
        "A_VALIDER_1",
        "VALIDEE_1",
        "A_VALIDER_2",
        "VALIDEE_2",
        "MISE_A_DISPOSITION",
    ]


def test_a12_has_one_level_only(client, world, prime, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    StructureFactory(identifier=OTHER_SIRET, raison_sociale="MANDATAIRE SAS")
    StructureEspace.objects.create(
        structure=StructureFactory(identifier=OTHER_SIRET), espace=Espace.FACTURES_A_VALIDER
    )
    page = _deposit(
        client,
        world,
        django_capture_on_commit_callbacks,
        cadre="A12_FACTURE_COTRAITANT",
        valideur_2=OTHER_SIRET,
    )
    assert "Un second valideur ne se renseigne que pour" in page.content.decode()
    assert Invoice.objects.count() == 0


def test_refusal_with_an_attachment_and_a_bad_one(
    client, world, prime, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    _deposit(client, world, django_capture_on_commit_callbacks)
    invoice = Invoice.objects.get()
    client.force_login(prime[1])
    url = reverse("validation:detail", args=[invoice.pk])
    bad = client.post(
        url,
        {
            "action": "REFUS",
            "motif": "PIECES_MANQUANTES",
            "piece_jointe": SimpleUploadedFile("constat.exe", b"MZ", "application/octet-stream"),
        },
    )
    assert bad.status_code == 200
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.A_VALIDER_1
    assert not invoice.attachments.filter(name="constat.exe").exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url,
            {
                "action": "REFUS",
                "motif": "PIECES_MANQUANTES",
                "commentaire": "Le PV de réception manque.",
                "piece_jointe": SimpleUploadedFile(
                    "constat.pdf", b"%PDF-1.4 constat", "application/pdf"
                ),
            },
        )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.REFUSEE_1
    decision = ValidationDecision.objects.get(invoice=invoice)
    assert decision.attachment is not None and decision.attachment.name == "constat.pdf"
    assert decision.reason_code == "PIECES_MANQUANTES"
    client.force_login(world.user)
    page = client.get(reverse("validation:supplier", args=[invoice.pk])).content.decode()
    assert "constat.pdf" in page and "Le PV de réception manque." in page


def test_pdf_deposit_of_a_subcontractor_goes_to_the_validator(
    client, world, prime, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    from choeur.invoices.enums import ModeDepot
    from tests.invoices.test_saisie_views import text_pdf

    client.force_login(world.user)
    pdf = text_pdf("Facture n° ST-PDF-1 du 05/11/2026<br>Total HT : 1 000,00 €")
    response = client.post(
        reverse("invoices:upload_pdf"),
        {"supplier": world.supplier.pk, "file": SimpleUploadedFile("st.pdf", pdf)},
    )
    data = form_data(
        world,
        action="submit",
        number="ST-PDF-1",
        issue_date="2026-11-05",
        cadre="A9_FACTURE_SOUSTRAITANT",
        valideur_1=PRIME_SIRET,
    )
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
        client.post(response["Location"], data)
    invoice = Invoice.objects.get()
    assert invoice.mode_depot == ModeDepot.DEPOT_PDF_PORTAIL
    assert invoice.status == InvoiceStatus.A_VALIDER_1
    assert invoice.validation.validator_1 == prime[0]
