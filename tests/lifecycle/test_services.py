from __future__ import annotations

import pytest
from django.core import mail

from choeur.core.models import AuditLog
from choeur.invoices.models import InvoiceStatusChange
from choeur.lifecycle.models import RecipientProcessing, StatusChangeDetail
from choeur.lifecycle.services import (
    ActionRefused,
    invoice_apply_action,
    invoice_apply_action_bulk,
    invoice_mark_downloaded,
)
from choeur.notifications.models import OutboxEmail
from tests.lifecycle import factories as f

pytestmark = pytest.mark.django_db(transaction=False)


def _apply(invoice, to, user, kind="RECIPIENT", **kwargs):
    return invoice_apply_action(
        invoice=invoice, to_status=to, actor_user=user, actor_kind=kind, **kwargs
    )


def _nothing_written(invoice, status="MISE_A_DISPOSITION"):
    invoice.refresh_from_db()
    assert invoice.status == status
    assert InvoiceStatusChange.objects.filter(invoice=invoice).count() == 1
    assert not StatusChangeDetail.objects.exists()
    assert not OutboxEmail.objects.exists()


def test_recipient_suspends_with_a_reason_history_audit_and_supplier_email(
    world, mad_invoice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        change = _apply(mad_invoice, "SUSPENDUE", world.agent, reason="Bon de livraison manquant")
    mad_invoice.refresh_from_db()
    assert mad_invoice.status == "SUSPENDUE"
    assert (change.from_status, change.to_status) == ("MISE_A_DISPOSITION", "SUSPENDUE")
    assert change.actor == world.agent and change.reason == "Bon de livraison manquant"
    assert change.detail.actor_kind == "RECIPIENT" and not change.detail.out_of_order
    audit = AuditLog.objects.get(action="invoice.status", object_id=str(mad_invoice.pk))
    assert audit.before == {"status": "MISE_A_DISPOSITION"} and audit.actor == world.agent
    # Sent after commit by the outbox task (eager here): the supplier's contact address.
    [message] = mail.outbox
    assert message.to == ["fournisseur@dupont.test"]
    assert "Suspendue" in message.subject and mad_invoice.number in message.subject
    assert "Bon de livraison manquant" in message.body
    assert f"/factures/{mad_invoice.pk}/" in message.body
    assert message.alternatives and "Bon de livraison manquant" in message.alternatives[0][0]


@pytest.mark.parametrize("to", ["SUSPENDUE", "REJETEE"])
def test_suspension_or_rejection_without_reason_is_refused_and_writes_nothing(
    world, mad_invoice, to
):
    with pytest.raises(ActionRefused) as refused:
        _apply(mad_invoice, to, world.agent, reason="  ")
    assert refused.value.code == "REASON_REQUIRED"
    _nothing_written(mad_invoice)


def test_rejection_reason_from_the_list_plus_free_text(world, mad_invoice):
    change = _apply(
        mad_invoice, "REJETEE", world.agent, reason_code="MONTANT_ERRONE", reason="TVA à 10 %"
    )
    assert change.reason == "Montant erroné : TVA à 10 %"
    assert change.detail.reason_code == "MONTANT_ERRONE"
    # A code alone is a reason.
    other = f.invoice(supplier=world.supplier, recipient=world.recipient, service=world.achats)
    assert _apply(other, "REJETEE", world.agent, reason_code="DOUBLON").reason.startswith(
        "Facture déjà reçue"
    )


def test_unknown_rejection_code_is_refused(world, mad_invoice):
    with pytest.raises(ActionRefused, match="Motif de rejet inconnu"):
        _apply(mad_invoice, "REJETEE", world.agent, reason_code="NIMPORTE", reason="x")
    _nothing_written(mad_invoice)


@pytest.mark.parametrize("who", ["reader", "other_agent", "outsider", "supplier_user"])
def test_users_without_the_right_cannot_process(world, mad_invoice, who):
    with pytest.raises(ActionRefused) as refused:
        _apply(mad_invoice, "SERVICE_FAIT", getattr(world, who))
    assert refused.value.code == "FORBIDDEN"
    assert "Factures reçues" in refused.value.message
    _nothing_written(mad_invoice)


def test_gestionnaire_principal_processes_every_service(world):
    invoice = f.invoice(supplier=world.supplier, recipient=world.recipient, service=world.travaux)
    _apply(invoice, "SERVICE_FAIT", world.manager)
    invoice.refresh_from_db()
    assert invoice.status == "SERVICE_FAIT"


def test_invoice_without_service_is_processed_by_any_agent(world):
    invoice = f.invoice(supplier=world.supplier, recipient=world.recipient, service=None)
    _apply(invoice, "SERVICE_FAIT", world.other_agent)
    invoice.refresh_from_db()
    assert invoice.status == "SERVICE_FAIT"


def test_structure_without_services_lets_every_agent_process(world):
    small = f.structure("21750001600019", "PETITE MAIRIE", public=True)
    agent = f.attach(f.user(), small)
    invoice = f.invoice(supplier=world.supplier, recipient=small)
    _apply(invoice, "MISE_EN_PAIEMENT", agent)
    invoice.refresh_from_db()
    assert invoice.status == "MISE_EN_PAIEMENT"


def test_mandatee_needs_and_keeps_the_mandat_number(world, mad_invoice):
    with pytest.raises(ActionRefused) as refused:
        _apply(mad_invoice, "MANDATEE", world.agent)
    assert refused.value.code == "MANDAT_NUMBER_REQUIRED"
    _nothing_written(mad_invoice)
    change = _apply(mad_invoice, "MANDATEE", world.agent, mandat_number=" 2026-000042 ")
    assert change.detail.mandat_number == "2026-000042"
    assert change.detail.skipped == ["SERVICE_FAIT"]
    assert RecipientProcessing.objects.get(invoice=mad_invoice).mandat_number == "2026-000042"


def test_skipping_optional_statuses_is_recorded(world, mad_invoice):
    change = _apply(mad_invoice, "MISE_EN_PAIEMENT", world.agent)
    assert change.detail.skipped == [
        "SERVICE_FAIT",
        "MANDATEE",
        "MISE_A_DISPOSITION_COMPTABLE",
        "COMPTABILISEE",
    ]


def test_late_update_is_recorded_without_moving_the_invoice_back(
    world, mad_invoice, django_capture_on_commit_callbacks
):
    _apply(mad_invoice, "MISE_EN_PAIEMENT", world.agent)
    OutboxEmail.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        change = _apply(mad_invoice, "MANDATEE", world.agent, mandat_number="M-7")
    mad_invoice.refresh_from_db()
    assert mad_invoice.status == "MISE_EN_PAIEMENT"
    assert (change.from_status, change.to_status) == ("MISE_EN_PAIEMENT", "MANDATEE")
    assert change.detail.out_of_order
    assert AuditLog.objects.filter(action="invoice.status_late").count() == 1
    assert mail.outbox == [] and not OutboxEmail.objects.exists()


def test_accountant_late_update_through_the_recipients_technical_account(world, mad_invoice):
    from choeur.structures.models import TechnicalAccount

    technical = f.user("tech@commune.test", is_technical=True)
    from oauth2_provider.models import get_application_model

    app = get_application_model().objects.create(
        name="helios", client_type="confidential", authorization_grant_type="client-credentials"
    )
    from django.utils import timezone

    TechnicalAccount.objects.create(
        structure=world.recipient,
        number=1,
        user=technical,
        application=app,
        password_changed_at=timezone.now(),
        password_expires_at=timezone.now(),
    )
    _apply(mad_invoice, "MISE_EN_PAIEMENT", technical, "ACCOUNTANT")
    change = _apply(mad_invoice, "COMPTABILISEE", technical, "ACCOUNTANT")
    assert change.detail.out_of_order and change.detail.actor_kind == "ACCOUNTANT"
    # The accountant never sets the ordonnateur's statuses.
    with pytest.raises(ActionRefused) as refused:
        _apply(mad_invoice, "MANDATEE", technical, "ACCOUNTANT", mandat_number="1")
    assert refused.value.code == "WRONG_ACTOR"


def test_a_changed_status_refuses_the_stale_action(world, mad_invoice):
    _apply(mad_invoice, "SERVICE_FAIT", world.agent)
    with pytest.raises(ActionRefused) as refused:
        _apply(
            mad_invoice,
            "SUSPENDUE",
            world.manager,
            reason="x",
            expected_status="MISE_A_DISPOSITION",
        )
    assert refused.value.code == "STALE"
    assert "« Service fait »" in refused.value.message
    assert InvoiceStatusChange.objects.filter(invoice=mad_invoice).count() == 2


def test_final_rejection_cannot_be_undone(world, mad_invoice):
    _apply(mad_invoice, "REJETEE", world.agent, reason="Doublon")
    with pytest.raises(ActionRefused) as refused:
        _apply(mad_invoice, "SERVICE_FAIT", world.agent)
    assert refused.value.code == "NOT_ALLOWED"
    assert "« Rejetée » ne peut pas passer au statut « Service fait »" in refused.value.message


def test_supplier_completes_and_the_recipients_users_of_the_service_are_told(
    world, mad_invoice, django_capture_on_commit_callbacks
):
    _apply(mad_invoice, "SUSPENDUE", world.agent, reason="Pièce manquante")
    with pytest.raises(ActionRefused):
        _apply(mad_invoice, "COMPLETEE", world.agent, "RECIPIENT")
    with django_capture_on_commit_callbacks(execute=True):
        _apply(mad_invoice, "COMPLETEE", world.supplier_user, "SUPPLIER", reason="Ajout du BL")
    mad_invoice.refresh_from_db()
    assert mad_invoice.status == "COMPLETEE"
    [message] = mail.outbox
    assert sorted(message.to) == ["achats@commune.test", "dgs@commune.test", "lecteur@commune.test"]
    assert "complétée" in message.subject
    assert f"/factures-recues/{mad_invoice.pk}/" in message.body


def test_supplier_of_another_structure_cannot_complete(world, mad_invoice):
    _apply(mad_invoice, "SUSPENDUE", world.agent, reason="Pièce manquante")
    stranger = f.attach(
        f.user(), f.structure("55210055400013", "AUTRE SA"), espace="FACTURES_EMISES"
    )
    with pytest.raises(ActionRefused) as refused:
        _apply(mad_invoice, "COMPLETEE", stranger, "SUPPLIER")
    assert refused.value.code == "FORBIDDEN"


def test_making_available_tells_the_recipient(world, django_capture_on_commit_callbacks):
    invoice = f.invoice(
        supplier=world.supplier, recipient=world.recipient, service=world.travaux, status="DEPOSEE"
    )
    with django_capture_on_commit_callbacks(execute=True):
        change = _apply(invoice, "MISE_A_DISPOSITION", None, "SYSTEM")
    assert change.detail.skipped == ["EN_COURS_ACHEMINEMENT"]
    recipient_mail = [m for m in mail.outbox if "Nouvelle facture" in m.subject]
    assert [sorted(m.to) for m in recipient_mail] == [["dgs@commune.test", "travaux@commune.test"]]


def test_a_person_cannot_act_as_the_platform(world, mad_invoice):
    with pytest.raises(ActionRefused):
        _apply(mad_invoice, "SERVICE_FAIT", world.agent, "SYSTEM")


def test_unknown_actor_and_too_long_inputs_are_refused(world, mad_invoice):
    with pytest.raises(ActionRefused, match="Rôle inconnu"):
        _apply(mad_invoice, "SERVICE_FAIT", world.agent, "BOSS")
    with pytest.raises(ActionRefused, match="trop long"):
        _apply(mad_invoice, "SUSPENDUE", world.agent, reason="x" * 2001)
    with pytest.raises(ActionRefused, match="50 caractères"):
        _apply(mad_invoice, "MANDATEE", world.agent, mandat_number="9" * 51)
    _nothing_written(mad_invoice)


def test_bulk_action_applies_what_it_can_and_says_what_it_could_not(world, mad_invoice):
    done = f.invoice(
        supplier=world.supplier, recipient=world.recipient, service=world.achats, status="REJETEE"
    )
    outcome = invoice_apply_action_bulk(
        invoices=[mad_invoice, done],
        to_status="SERVICE_FAIT",
        actor_user=world.agent,
        actor_kind="RECIPIENT",
    )
    assert outcome.done == [mad_invoice]
    [(invoice, message)] = outcome.refused
    assert invoice == done and "Rejetée" in message
    mad_invoice.refresh_from_db()
    assert mad_invoice.status == "SERVICE_FAIT"


def test_download_marks_once_and_audits_each_time(world, mad_invoice):
    first = invoice_mark_downloaded(invoice=mad_invoice, user=world.agent)
    stamp = first.downloaded_at
    assert stamp is not None and first.downloaded_by == world.agent
    again = invoice_mark_downloaded(invoice=mad_invoice, user=world.manager)
    assert again.downloaded_at == stamp and again.downloaded_by == world.agent
    assert AuditLog.objects.filter(action="invoice.download").count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_failure_after_commit_does_not_undo_or_fail_the_action(
    world, mad_invoice, monkeypatch, caplog
):
    """The email task runs after commit (in-process without a broker); if it breaks, the status
    change stands, the user is not told it failed, and the email waits in the outbox."""
    from choeur.notifications import tasks

    def broken(*args, **kwargs):
        raise RuntimeError("SMTP en panne")

    monkeypatch.setattr(tasks.outbox_send, "apply_async", broken)
    change = _apply(mad_invoice, "SUSPENDUE", world.agent, reason="Pièce manquante")
    assert change.to_status == "SUSPENDUE"
    mad_invoice.refresh_from_db()
    assert mad_invoice.status == "SUSPENDUE"
    assert OutboxEmail.objects.filter(status="PENDING").count() == 1
    assert "Effet après validation en échec" in caplog.text
