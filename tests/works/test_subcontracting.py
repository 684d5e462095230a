"""A10/A11 (a first-rank subcontractor's projets de décompte) and A13/A14 (a co-contractor's):
validated first by the titulaire, resp. the mandataire (the validator circuit, two levels for a
co-contractor's subcontractor), routed by the fiche identité du marché, then through MOE and
MOA to the paying service; and nobody hears of an invoice before it reaches him."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from django.core import mail

from choeur.invoices.models import InvoiceStatusChange, ValidationDecision
from choeur.invoices.services.validation_circuit import (
    ValidationRefused,
    invoice_validation_treat,
    tacit_validations_run,
    validators_check,
)
from choeur.notifications.models import Notification
from choeur.works.models import WorksInvoice
from choeur.works.services import (
    DocumentInput,
    WorksRefused,
    contract_member_add,
    works_act,
    works_document_issue,
)
from tests.lifecycle import factories as f
from tests.works.conftest import Subcontracting, WorksWorld, rules

pytestmark = pytest.mark.django_db


def _titles(user) -> list[str]:  # type: ignore[no-untyped-def]
    return list(Notification.objects.filter(user=user).values_list("title", flat=True))


def _to_payer(works: WorksWorld, invoice) -> None:  # type: ignore[no-untyped-def]
    w = WorksInvoice.objects.get(invoice=invoice)
    works_act(works=w, user=works.moe_user, role="MOE", to_status="PRISE_EN_COMPTE_MOE")
    works_document_issue(
        works=w,
        user=works.moe_user,
        role="MOE",
        document=DocumentInput("A15_ETAT_ACOMPTE_MOE", "EA-1", "300.00", "360.00"),
    )
    works_act(works=w, user=works.moa_user, role="MOA", to_status="PRISE_EN_COMPTE_MOA")
    works_document_issue(
        works=w,
        user=works.moa_user,
        role="MOA",
        document=DocumentInput("A19_ETAT_ACOMPTE_VALIDE_MOA", "EAV-1", "300.00", "360.00"),
    )


def test_subcontractor_projet_validated_by_titulaire_then_moe_moa_payer(
    works: WorksWorld, subcontracting: Subcontracting, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invoice = subcontracting.invoice(works, "sub", cadre="A10", number="ST-2026-01")
    assert invoice.status == "A_VALIDER_1"
    assert invoice.validation.validator_1 == works.supplier  # from the fiche, not re-typed
    assert invoice.validation.validator_2 is None
    # the titulaire's validator is told; the MOE and the payer are not, yet
    assert _titles(subcontracting.prime_validator) == [
        "Facture à valider : ST-2026-01 de ÉLECTRICITÉ PETIT"
    ]
    assert _titles(works.moe_user) == [] and _titles(works.payer_user) == []
    # nor do they find it: the MOE's list and page wait for the titulaire's answer
    from django.http import Http404

    from choeur.works import selectors

    assert not selectors.works_list(works.moe_user, "MOE").exists()
    with pytest.raises(Http404):
        selectors.works_get(user=works.moe_user, invoice_id=invoice.pk)
    assert selectors.works_list(subcontracting.sub_user, "FOURNISSEUR").count() == 1
    assert not [m for m in mail.outbox if "villebois" in ",".join(m.to)]
    with django_capture_on_commit_callbacks(execute=True):
        invoice_validation_treat(
            invoice=invoice, user=subcontracting.prime_validator, action="VALIDATION"
        )
    invoice.refresh_from_db()
    assert invoice.status == "MISE_A_DISPOSITION_MOE"
    assert _titles(works.moe_user) == ["Facture de travaux à traiter : ST-2026-01"]
    assert _titles(works.payer_user) == []
    _to_payer(works, invoice)
    invoice.refresh_from_db()
    assert invoice.status == "MISE_A_DISPOSITION"
    assert _titles(works.payer_user) == ["Facture de travaux à traiter : ST-2026-01"]
    path = list(
        InvoiceStatusChange.objects.filter(invoice=invoice)
        .order_by("created_at", "pk")
        .values_list("to_status", flat=True)
    )
    assert path[path.index("A_VALIDER_1") :] == [
        "A_VALIDER_1",
        "VALIDEE_1",
        "MISE_A_DISPOSITION_MOE",
        "PRISE_EN_COMPTE_MOE",
        "TRANSMISE_MOA",
        "PRISE_EN_COMPTE_MOA",
        "MISE_A_DISPOSITION",
    ]


def test_cocontractor_subcontractor_goes_through_two_levels(
    works: WorksWorld, subcontracting: Subcontracting, django_capture_on_commit_callbacks
) -> None:
    invoice = subcontracting.invoice(works, "sub_of_co", cadre="A11", number="STC-2026-01")
    assert invoice.status == "A_VALIDER_1"
    assert invoice.validation.validator_1 == subcontracting.co
    assert invoice.validation.validator_2 == works.supplier
    # the titulaire cannot validate level 1
    with pytest.raises(ValidationRefused) as refused:
        invoice_validation_treat(
            invoice=invoice, user=subcontracting.prime_validator, action="VALIDATION"
        )
    assert refused.value.code == "FORBIDDEN"
    invoice_validation_treat(invoice=invoice, user=subcontracting.co_user, action="VALIDATION")
    invoice.refresh_from_db()
    assert invoice.status == "A_VALIDER_2"
    invoice_validation_treat(
        invoice=invoice, user=subcontracting.prime_validator, action="VALIDATION"
    )
    invoice.refresh_from_db()
    assert invoice.status == "MISE_A_DISPOSITION_MOE"
    assert WorksInvoice.objects.get(invoice=invoice).type_facture_travaux == (
        "PROJET_DECOMPTE_FINAL"
    )


def test_cocontractor_projet_tacit_after_fifteen_days(
    works: WorksWorld, subcontracting: Subcontracting
) -> None:
    invoice = subcontracting.invoice(works, "co", cadre="A13", number="CO-2026-01")
    assert invoice.status == "A_VALIDER_1"
    assert invoice.validation.validator_1 == works.supplier  # the mandataire
    started = invoice.validation.started_at
    assert tacit_validations_run(now=started + dt.timedelta(days=15) - dt.timedelta(minutes=1)) == 0
    assert tacit_validations_run(now=started + dt.timedelta(days=15)) == 1
    invoice.refresh_from_db()
    assert invoice.status == "MISE_A_DISPOSITION_MOE"
    # the MOE's own delay starts now, not at the deposit
    w = WorksInvoice.objects.get(invoice=invoice)
    assert w.stage_started_at > started


def test_refused_by_titulaire_never_reaches_the_moe(
    works: WorksWorld, subcontracting: Subcontracting
) -> None:
    invoice = subcontracting.invoice(works, "sub", cadre="A10", number="ST-2026-02")
    invoice_validation_treat(
        invoice=invoice,
        user=subcontracting.prime_validator,
        action="REFUS",
        reason_code="MONTANT_ERRONE",
        comment="Le lot 3 n'est pas achevé.",
    )
    invoice.refresh_from_db()
    assert invoice.status == "REFUSEE_1"
    decision = ValidationDecision.objects.get(invoice=invoice)
    assert "Le lot 3 n'est pas achevé." in decision.comment
    assert _titles(works.moe_user) == []
    w = WorksInvoice.objects.get(invoice=invoice)
    with pytest.raises(WorksRefused):
        works_act(works=w, user=works.moe_user, role="MOE", to_status="PRISE_EN_COMPTE_MOE")


def test_deposit_refused_for_a_firm_not_on_the_fiche(
    works: WorksWorld, subcontracting: Subcontracting
) -> None:
    # the co-contractor cannot deposit a subcontractor's cadre, nor the sub a co-contractor's
    flux = _flux(works, subcontracting, "co", "A10", "CO-X-1")
    assert "CHOEUR-TRAVAUX-05" in rules(flux)
    flux = _flux(works, subcontracting, "sub", "A13", "ST-X-1")
    assert "CHOEUR-TRAVAUX-05" in rules(flux)
    # and a subcontractor cannot deposit the titulaire's own projet
    flux = _flux(works, subcontracting, "sub", "A4", "ST-X-2")
    assert "CHOEUR-TRAVAUX-04" in rules(flux)


def _flux(works, subcontracting, who, cadre, number):  # type: ignore[no-untyped-def]
    from choeur.invoices.models import Flux, Invoice

    before = set(Invoice.objects.values_list("pk", flat=True))
    with contextlib.suppress(Invoice.DoesNotExist):
        subcontracting.invoice(works, who, cadre=cadre, number=number)
    assert set(Invoice.objects.values_list("pk", flat=True)) == before
    return Flux.objects.order_by("-pk").first()


def test_validator_named_with_a_works_projet_is_refused_clearly() -> None:
    with pytest.raises(ValidationRefused) as refused:
        validators_check(
            cadre="A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT",
            supplier=None,
            identifier_1="84211943000010",
        )
    assert refused.value.code == "VALIDATOR_FROM_CONTRACT"
    assert "fiche identité du marché" in refused.value.message


def test_member_add_rules(works: WorksWorld, subcontracting: Subcontracting) -> None:
    with pytest.raises(WorksRefused) as refused:
        contract_member_add(
            user=works.payer_user,
            contract=works.contract,
            structure=subcontracting.sub,
            kind="SOUSTRAITANT",
        )
    assert refused.value.code == "EXISTS"
    with pytest.raises(WorksRefused) as refused:
        contract_member_add(
            user=works.payer_user, contract=works.contract, structure=works.moe, kind="COTRAITANT"
        )
    assert refused.value.code == "ALREADY_PARTY"
    with pytest.raises(WorksRefused) as refused:
        contract_member_add(
            user=works.outsider,
            contract=works.contract,
            structure=f.structure("54234567800016", "MAÇONNERIE BLANC"),
            kind="COTRAITANT",
        )
    assert refused.value.code == "FORBIDDEN"


def test_recipient_email_and_webhook_wait_for_the_invoice_to_reach_him(
    works: WorksWorld, subcontracting: Subcontracting, django_capture_on_commit_callbacks
) -> None:
    """Would fail before: the flux's « nouvelle facture reçue » email and the recipient's
    facture.recue webhook named works projets still at the MOE or the validator."""
    from choeur.notifications.webhook_models import WebhookDelivery, WebhookEndpoint

    works.payer.email = "factures@villebois.test"
    works.payer.save(update_fields=["email"])
    WebhookEndpoint.objects.create(
        structure=works.payer,
        url="https://hooks.villebois.test/choeur",
        secret="ab" * 32,
        events=["facture.recue"],
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        works.invoice(number="PDM-NOTIF-1")  # A4: at the MOE
        subcontracting.invoice(works, "sub", cadre="A10", number="ST-NOTIF-1")  # at the titulaire
    assert not [m for m in mail.outbox if "factures@villebois.test" in m.to]
    assert not WebhookDelivery.objects.filter(
        endpoint__structure=works.payer, event="facture.recue"
    ).exists()
    # nor the buyer's flow of the reform's Flow Service
    from choeur.api.afnor.enums import FlowType
    from choeur.api.afnor.models import Flow

    assert not Flow.objects.filter(flow_type=FlowType.SUPPLIER_INVOICE).exists()
    # once the MOA transmits it, the paying service hears of it, by webhook and flow too
    from choeur.invoices.models import Invoice

    projet = Invoice.objects.get(number="PDM-NOTIF-1")
    with django_capture_on_commit_callbacks(execute=True):
        _to_payer(works, projet)
    assert WebhookDelivery.objects.filter(
        endpoint__structure=works.payer, event="facture.recue", payload__numeroFacture="PDM-NOTIF-1"
    ).exists()
    assert Flow.objects.filter(flow_type=FlowType.SUPPLIER_INVOICE, invoice=projet).exists()


def test_wrong_validator_corrected_then_the_projet_goes_on_to_the_moe(
    works: WorksWorld, subcontracting: Subcontracting
) -> None:
    from choeur.invoices.services.validation_circuit import invoice_validator_correct

    invoice = subcontracting.invoice(works, "sub", cadre="A10", number="ST-2026-03")
    invoice_validation_treat(
        invoice=invoice,
        user=subcontracting.prime_validator,
        action="REFUS",
        reason_code="ERREUR_VALIDEUR",
        comment="Le lot relève du cotraitant.",
    )
    invoice.refresh_from_db()
    assert invoice.status == "ERREUR_FOURNISSEUR_SUR_VALIDEUR"
    invoice_validator_correct(
        invoice=invoice, user=subcontracting.sub_user, identifier=subcontracting.co.identifier
    )
    invoice.refresh_from_db()
    assert invoice.status == "A_VALIDER_1"
    invoice_validation_treat(invoice=invoice, user=subcontracting.co_user, action="VALIDATION")
    invoice.refresh_from_db()
    assert invoice.status == "MISE_A_DISPOSITION_MOE"


def test_contract_without_moe_sends_the_validated_projet_to_the_moa(
    works: WorksWorld, subcontracting: Subcontracting, django_capture_on_commit_callbacks
) -> None:
    works.contract.moe = None
    works.contract.save(update_fields=["moe"])
    invoice = subcontracting.invoice(works, "co", cadre="A14", number="CO-2026-02")
    with django_capture_on_commit_callbacks(execute=True):
        invoice_validation_treat(
            invoice=invoice, user=subcontracting.prime_validator, action="VALIDATION"
        )
    invoice.refresh_from_db()
    assert invoice.status == "MISE_A_DISPOSITION_MOA"
    assert _titles(works.moa_user) == ["Facture de travaux à traiter : CO-2026-02"]
