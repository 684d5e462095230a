"""The lifecycle's notifications go through `notify`: in the list, by email as each chose."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from choeur.lifecycle.services import invoice_apply_action
from choeur.notifications.enums import Delivery, NotificationKind
from choeur.notifications.models import Notification, NotificationPreference
from choeur.notifications.services import digest_send_all
from tests.lifecycle import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def _apply(invoice: Any, to: str, user: Any, kind: str = "RECIPIENT", **kwargs: Any) -> Any:
    return invoice_apply_action(
        invoice=invoice, to_status=to, actor_user=user, actor_kind=kind, **kwargs
    )


def test_a_suspension_is_in_the_suppliers_list_with_the_reason_and_a_link(world, mad_invoice):
    _apply(mad_invoice, "SUSPENDUE", world.agent, reason="Bon de livraison manquant")
    [notification] = Notification.objects.all()
    assert notification.user == world.supplier_user
    assert notification.kind == NotificationKind.INVOICE_STATUS
    assert notification.title == f"Votre facture {mad_invoice.number} : Suspendue"
    assert notification.url == f"/factures/{mad_invoice.pk}/"
    assert "Bon de livraison manquant" in notification.body
    assert "COMMUNE DE TEST" in notification.body
    [message] = mail.outbox
    assert message.to == ["fournisseur@dupont.test"]


def test_a_supplier_who_chose_the_digest_gets_no_email_now_and_one_digest_later(world, mad_invoice):
    NotificationPreference.objects.create(
        user=world.supplier_user, kind=NotificationKind.INVOICE_STATUS, choice=Delivery.DAILY_DIGEST
    )
    _apply(mad_invoice, "SUSPENDUE", world.agent, reason="Pièce manquante")
    _apply(mad_invoice, "REJETEE", world.agent, reason="Doublon", expected_status="SUSPENDUE")
    assert mail.outbox == []
    assert Notification.objects.filter(user=world.supplier_user).count() == 2
    assert digest_send_all() == 1
    [digest] = mail.outbox
    assert digest.to == ["fournisseur@dupont.test"]
    assert "Suspendue" in digest.body and "Rejetée" in digest.body
    assert f"/factures/{mad_invoice.pk}/" in digest.body


def test_making_available_tells_each_recipient_user_who_may_read_it(world):
    invoice = f.invoice(
        supplier=world.supplier, recipient=world.recipient, service=world.travaux, status="DEPOSEE"
    )
    _apply(invoice, "MISE_A_DISPOSITION", None, "SYSTEM")
    told = Notification.objects.filter(kind=NotificationKind.INVOICE_RECEIVED)
    assert sorted(n.user.email for n in told) == ["dgs@commune.test", "travaux@commune.test"]
    assert {n.url for n in told} == {f"/factures-recues/{invoice.pk}/"}
    assert {n.title for n in told} == {f"Nouvelle facture reçue : {invoice.number}"}


def test_a_recipient_user_who_turned_it_off_is_only_told_in_the_application(world):
    NotificationPreference.objects.create(
        user=world.other_agent, kind=NotificationKind.INVOICE_RECEIVED, choice=Delivery.NONE
    )
    invoice = f.invoice(
        supplier=world.supplier, recipient=world.recipient, service=world.travaux, status="DEPOSEE"
    )
    _apply(invoice, "MISE_A_DISPOSITION", None, "SYSTEM")
    [message] = [m for m in mail.outbox if "Nouvelle facture" in m.subject]
    assert message.to == ["dgs@commune.test"]
    assert Notification.objects.filter(user=world.other_agent).count() == 1


def test_an_api_deposit_tells_the_suppliers_structure_address_not_the_technical_login(world):
    technical = f.user("TECH_1_84211943000010@cpro.fr", is_technical=True)
    invoice = f.invoice(
        supplier=world.supplier,
        recipient=world.recipient,
        service=world.achats,
        depositor=technical,
    )
    _apply(invoice, "SUSPENDUE", world.agent, reason="Pièce manquante")
    [message] = mail.outbox
    assert message.to == ["compta@dupont.test"]
    assert f"/factures/{invoice.pk}/" in message.body
    assert not Notification.objects.exists()
