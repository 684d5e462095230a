"""The works circuit end to end through its services: deposit, MOE, MOA, paying service."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from choeur.core.models import AuditLog
from choeur.invoices.enums import FluxStatus, InvoiceStatus
from choeur.invoices.models import Invoice, InvoiceStatusChange
from choeur.lifecycle.services import invoice_apply_action
from choeur.notifications.models import Notification, OutboxEmail
from choeur.structures.models import EngagementJuridique
from choeur.works.models import WorksDocument, WorksInvoice
from choeur.works.services import (
    DocumentInput,
    WorksRefused,
    contract_create,
    tacit_procedures_run,
    works_act,
    works_document_issue,
)
from tests.works.conftest import rules

pytestmark = pytest.mark.django_db


def _history(invoice: Invoice) -> list[str]:
    return list(
        InvoiceStatusChange.objects.filter(invoice=invoice)
        .order_by("pk")
        .values_list("to_status", flat=True)
    )


def _titles(user) -> list[str]:  # type: ignore[no-untyped-def]
    return list(Notification.objects.filter(user=user).values_list("title", flat=True))


def test_projet_de_decompte_mensuel_goes_from_moe_to_moa_to_payment(works) -> None:  # type: ignore[no-untyped-def]
    invoice = works.invoice(cadre="A4")
    assert invoice.cadre == "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR"
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION_MOE
    record = WorksInvoice.objects.get(invoice=invoice)
    assert record.moe == works.moe and record.moa == works.moa
    assert record.type_facture_travaux == "PROJET_DECOMPTE_MENSUEL"
    assert "Facture de travaux à traiter : PDM-2026-01" in _titles(works.moe_user)
    assert _titles(works.moa_user) == []

    works_act(works=record, user=works.moe_user, role="MOE", to_status="PRISE_EN_COMPTE_MOE")
    document = works_document_issue(
        works=record,
        user=works.moe_user,
        role="MOE",
        document=DocumentInput(
            cadre="A16_ETAT_ACOMPTE_VALIDE_MOE",
            number="EA-01",
            amount_ht="300.00",
            amount_ttc="360,00",
            upload=("etat-acompte.pdf", b"%PDF-1.4 etat"),
        ),
    )
    assert document.amount_ttc == document.amount_ttc.__class__("360.00")
    assert document.file is not None and document.file.read() == b"%PDF-1.4 etat"
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.TRANSMISE_MOA
    assert "Facture de travaux à traiter : PDM-2026-01" in _titles(works.moa_user)

    works_act(works=record, user=works.moa_user, role="MOA", to_status="PRISE_EN_COMPTE_MOA")
    works_document_issue(
        works=record,
        user=works.moa_user,
        role="MOA",
        document=DocumentInput(
            cadre="A19_ETAT_ACOMPTE_VALIDE_MOA", number="EAV-01", amount_ht="300", amount_ttc="360"
        ),
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION
    # then the ordinary processing by the paying service, up to the payment
    invoice_apply_action(
        invoice=invoice,
        to_status="MISE_EN_PAIEMENT",
        actor_user=works.payer_user,
        actor_kind="RECIPIENT",
    )
    assert _history(invoice) == [
        "DEPOSEE",
        "MISE_A_DISPOSITION_MOE",
        "PRISE_EN_COMPTE_MOE",
        "TRANSMISE_MOA",
        "PRISE_EN_COMPTE_MOA",
        "MISE_A_DISPOSITION",
        "MISE_EN_PAIEMENT",
    ]
    # the supplier was told at every step, by email too
    supplier_titles = _titles(works.supplier_user)
    for label in ("Prise en compte par la MOE", "Transmise à la MOA", "Mise à disposition"):
        assert f"Votre facture de travaux PDM-2026-01 : {label}" in supplier_titles
    queued = [
        address
        for to in OutboxEmail.objects.filter(subject__contains="PDM-2026-01").values_list(
            "to", flat=True
        )
        for address in to
    ]
    assert {"conducteur@martin.test", "architecte@leroy.test"} <= set(queued)
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"works.contract_create", "works.deposit", "works.document", "invoice.status"} <= actions


def test_a_deposit_under_an_engagement_without_fiche_is_rejected_clearly(works) -> None:  # type: ignore[no-untyped-def]
    EngagementJuridique.objects.create(
        structure=works.payer, number="EJ-SANS-FICHE", amount_ht="100", date=dt.date(2026, 1, 1)
    )
    flux = works.deposit(engagement="EJ-SANS-FICHE")
    assert flux.status == FluxStatus.IN_REJETE
    assert "CHOEUR-TRAVAUX-03" in rules(flux)
    assert "fiche identité du marché" in str(flux.report)
    assert not Invoice.objects.exists() and not WorksInvoice.objects.exists()


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"engagement": ""}, "CHOEUR-TRAVAUX-02"),
        ({"cadre": "A15"}, "CHOEUR-TRAVAUX-01"),
        ({"cadre": "A19_ETAT_ACOMPTE_VALIDE_MOA"}, "CHOEUR-TRAVAUX-01"),
    ],
)
def test_bad_works_deposits_are_rejected(works, changes, rule) -> None:  # type: ignore[no-untyped-def]
    flux = works.deposit(**changes)
    assert flux.status == FluxStatus.IN_REJETE
    assert rule in rules(flux)
    assert not Invoice.objects.exists()


def test_only_the_titulaire_deposits_under_the_contract(works) -> None:  # type: ignore[no-untyped-def]
    from tests.lifecycle import factories as f

    other = f.structure("84211943000028", "AUTRE ENTREPRISE")
    works.contract.supplier = other
    works.contract.save()
    flux = works.deposit()
    assert "CHOEUR-TRAVAUX-04" in rules(flux)


def test_a_plain_invoice_under_the_same_engagement_is_untouched(works) -> None:  # type: ignore[no-untyped-def]
    invoice = works.invoice(cadre="")
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION
    assert not WorksInvoice.objects.exists()


@pytest.mark.parametrize(
    ("cadre", "status"),
    [
        ("A5", "MISE_A_DISPOSITION_MOA"),
        ("A22", "MISE_A_DISPOSITION_MOA"),
        ("A7", "MISE_A_DISPOSITION_MOE"),
        ("A8", "MISE_A_DISPOSITION"),
    ],
)
def test_each_supplier_cadre_reaches_its_party(works, cadre, status) -> None:  # type: ignore[no-untyped-def]
    assert works.invoice(cadre=cadre).status == status


def test_a_contract_without_moe_sends_the_projet_to_the_moa(works) -> None:  # type: ignore[no-untyped-def]
    works.contract.moe = None
    works.contract.save()
    assert works.invoice().status == InvoiceStatus.MISE_A_DISPOSITION_MOA


def test_completion_request_then_completed_comes_back_to_the_moe(works) -> None:  # type: ignore[no-untyped-def]
    invoice = works.invoice()
    record = invoice.works
    with pytest.raises(WorksRefused) as refused:
        works_act(works=record, user=works.moe_user, role="MOE", to_status="A_COMPLETER")
    assert refused.value.code == "REASON_REQUIRED"
    works_act(
        works=record,
        user=works.moe_user,
        role="MOE",
        to_status="A_COMPLETER",
        reason="Joindre le métré",
    )
    works_act(
        works=record,
        user=works.supplier_user,
        role="FOURNISSEUR",
        to_status="A_VALIDER_MOE",
        reason="Métré joint",
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.A_VALIDER_MOE
    assert "Facture de travaux à traiter : PDM-2026-01" in _titles(works.moe_user)


def test_refusals_and_wrong_parties_change_nothing(works) -> None:  # type: ignore[no-untyped-def]
    invoice = works.invoice()
    record = invoice.works
    before = _history(invoice)
    for user, role in (
        (works.moa_user, "MOE"),
        (works.outsider, "MOE"),
        (works.supplier_user, "MOE"),
        (works.moa_reader, "MOA"),
    ):
        with pytest.raises(WorksRefused) as refused:
            works_act(works=record, user=user, role=role, to_status="PRISE_EN_COMPTE_MOE")
        assert refused.value.code == "FORBIDDEN"
    # the MOA cannot act before the MOE transmits
    with pytest.raises(WorksRefused) as refused:
        works_act(works=record, user=works.moa_user, role="MOA", to_status="PRISE_EN_COMPTE_MOA")
    assert refused.value.code == "NOT_ALLOWED"
    # a document before taking it into account, a wrong cadre, a bad amount
    for document, code in (
        (DocumentInput("A16_ETAT_ACOMPTE_VALIDE_MOE", "EA", "1", "1"), "NOT_ALLOWED"),
        (DocumentInput("A17_PROJET_DECOMPTE_GENERAL_MOE", "EA", "1", "1"), "CADRE"),
        (DocumentInput("A16_ETAT_ACOMPTE_VALIDE_MOE", "EA", "-5", "1"), "AMOUNT"),
        (DocumentInput("A16_ETAT_ACOMPTE_VALIDE_MOE", "EA", "abc", "1"), "AMOUNT"),
        (DocumentInput("A16_ETAT_ACOMPTE_VALIDE_MOE", "EA", "10", "5"), "AMOUNT"),
        (DocumentInput("A16_ETAT_ACOMPTE_VALIDE_MOE", "", "1", "1"), "NUMBER"),
    ):
        with pytest.raises(WorksRefused) as refused:
            works_document_issue(works=record, user=works.moe_user, role="MOE", document=document)
        assert refused.value.code == code
        assert refused.value.message
    assert _history(invoice) == before
    assert not WorksDocument.objects.exists()
    # the paying service has nothing to do yet
    from choeur.lifecycle.services import ActionRefused

    with pytest.raises(ActionRefused):
        invoice_apply_action(
            invoice=invoice,
            to_status="MISE_EN_PAIEMENT",
            actor_user=works.payer_user,
            actor_kind="RECIPIENT",
        )


def test_refusal_by_the_moa_is_final(works) -> None:  # type: ignore[no-untyped-def]
    invoice = works.invoice(cadre="A5")
    record = invoice.works
    works_act(
        works=record, user=works.moa_user, role="MOA", to_status="REFUSEE_MOA", reason="Doublon"
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.REFUSEE_MOA
    with pytest.raises(WorksRefused):
        works_act(works=record, user=works.moa_user, role="MOA", to_status="PRISE_EN_COMPTE_MOA")


def test_tacit_procedures_run_after_the_regulatory_delays(works, settings) -> None:  # type: ignore[no-untyped-def]
    settings.WORKS_MOE_DELAY_DAYS_FINAL = 30
    settings.WORKS_MOA_DELAY_DAYS = 10
    invoice = works.invoice(cadre="A7", number="PDF-2026-01")
    record = invoice.works
    start = record.stage_started_at
    assert tacit_procedures_run(now=start + dt.timedelta(days=29, hours=23)) == 0
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION_MOE
    day_30 = start + dt.timedelta(days=30)
    assert tacit_procedures_run(now=day_30) == 1
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION_MOA
    assert _history(invoice)[-2:] == [
        "ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE",
        "MISE_A_DISPOSITION_MOA",
    ]
    tacit_doc = WorksDocument.objects.get(works_invoice=record)
    assert tacit_doc.cadre == "A22_PROJET_DECOMPTE_GENERAL_FOURNISSEUR_PROCEDURE_TACITE"
    assert tacit_doc.tacit
    # the MOA's delay starts when the projet reaches it (now, in the database)
    record.refresh_from_db()
    moa_start = record.stage_started_at
    assert tacit_procedures_run(now=moa_start + dt.timedelta(days=9)) == 0
    assert tacit_procedures_run(now=moa_start + dt.timedelta(days=10)) == 1
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION
    assert WorksDocument.objects.filter(
        works_invoice=record, cadre="A23_DECOMPTE_GENERAL_DEFINITIF_TACITE_FOURNISSEUR"
    ).exists()
    assert "Facture de travaux à traiter : PDF-2026-01" in _titles(works.payer_user)
    assert tacit_procedures_run(now=timezone.now() + dt.timedelta(days=400)) == 0


def test_fiche_identite_rules(works) -> None:  # type: ignore[no-untyped-def]
    from tests.lifecycle import factories as f

    engagement = EngagementJuridique.objects.create(
        structure=works.payer, number="EJ-2", amount_ht="10", date=dt.date(2026, 1, 1)
    )
    not_moa = f.structure("21690123500013", "COMMUNE SANS MOA", public=True)
    cases = [
        ({"moa": not_moa}, "NOT_MOA"),
        ({"moe": works.supplier}, "MOE_SUPPLIER"),
        ({"label": "  "}, "LABEL"),
    ]
    for changes, code in cases:
        kwargs = {
            "user": works.payer_user,
            "engagement": engagement,
            "label": "Marché 2",
            "supplier": works.supplier,
            "moe": works.moe,
            "moa": works.moa,
            **changes,
        }
        with pytest.raises(WorksRefused) as refused:
            contract_create(**kwargs)
        assert refused.value.code == code
    with pytest.raises(WorksRefused) as refused:
        contract_create(
            user=works.outsider,
            engagement=engagement,
            label="Marché 2",
            supplier=works.supplier,
            moe=works.moe,
            moa=works.moa,
        )
    assert refused.value.code == "FORBIDDEN"
    with pytest.raises(WorksRefused) as refused:
        contract_create(
            user=works.payer_user,
            engagement=works.engagement,
            label="Doublon",
            supplier=works.supplier,
            moe=works.moe,
            moa=works.moa,
        )
    assert refused.value.code == "EXISTS"
    # a « MOA uniquement » structure pays nothing
    moa_only_ej = EngagementJuridique.objects.create(
        structure=works.moa, number="EJ-3", amount_ht="10", date=dt.date(2026, 1, 1)
    )
    with pytest.raises(WorksRefused) as refused:
        contract_create(
            user=works.moa_user,
            engagement=moa_only_ej,
            label="Marché 3",
            supplier=works.supplier,
            moe=works.moe,
            moa=works.moa,
        )
    assert refused.value.code == "PAYER_MOA_ONLY"


def test_the_periodic_task_moves_a_monthly_projet_past_the_moe_delay(works) -> None:  # type: ignore[no-untyped-def]
    from choeur.works.tasks import tacit_procedures as task

    invoice = works.invoice(cadre="A4")
    assert task.apply().get() == 0  # within the 7 days: nothing moves
    WorksInvoice.objects.filter(invoice=invoice).update(
        stage_started_at=timezone.now() - dt.timedelta(days=7, minutes=1)
    )
    assert task.apply().get() == 1
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION_MOA
    # a monthly projet records no tacit projet de décompte général
    assert not WorksDocument.objects.exists()
    assert "Facture de travaux à traiter : PDM-2026-01" in _titles(works.moa_user)
