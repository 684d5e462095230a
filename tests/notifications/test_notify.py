"""`notify`: the in-app row, then the email as each user's preference says; the daily digest."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from choeur.notifications.enums import Delivery, NotificationKind
from choeur.notifications.models import Notification, NotificationPreference, OutboxEmail
from choeur.notifications.services import digest_send_all, notify, preferences_save
from choeur.structures.enums import Espace, Role
from tests.lifecycle import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

TEMPLATE = "notifications/emails/test"


def _notify(users: list[Any], kind: str = NotificationKind.INVOICE_STATUS, **extra: Any) -> Any:
    return notify(
        users=users,
        kind=kind,
        title=extra.pop("title", "Votre facture F-1 : Suspendue"),
        template=TEMPLATE,
        context={"name": "Camille"},
        url=extra.pop("url", "/factures/1/"),
        **extra,
    )


def _prefer(user: Any, kind: str, choice: str) -> None:
    NotificationPreference.objects.create(user=user, kind=kind, choice=choice)


def _manager() -> Any:
    structure = f.structure("84211943000010", "MENUISERIE DUPONT")
    return f.attach(
        f.user("gp@dupont.test"),
        structure,
        espace=Espace.FACTURES_EMISES,
        role=Role.GESTIONNAIRE_PRINCIPAL,
    )


def test_by_default_the_user_gets_the_in_app_notification_and_an_email_at_his_contact_address():
    user = f.user("login@dupont.test", contact_email="contact@dupont.test")
    [notification] = _notify([user], body="Motif : pièce manquante")
    assert (notification.user, notification.url, notification.read_at) == (
        user,
        "/factures/1/",
        None,
    )
    assert notification.body == "Motif : pièce manquante"
    assert notification.delivery == Delivery.IMMEDIATE
    [message] = mail.outbox
    assert message.to == ["contact@dupont.test"]
    assert message.subject == "Votre facture F-1 : Suspendue"
    assert "Bonjour Camille" in message.body


def test_users_who_want_it_now_share_one_email_the_others_do_not_get_it():
    now_1, now_2, digest, nothing = (f.user() for _ in range(4))
    _prefer(digest, NotificationKind.INVOICE_STATUS, Delivery.DAILY_DIGEST)
    _prefer(nothing, NotificationKind.INVOICE_STATUS, Delivery.NONE)
    created = _notify([now_1, now_2, digest, nothing])
    assert len(created) == 4
    [message] = mail.outbox
    assert sorted(message.to) == sorted([now_1.email, now_2.email])
    assert {n.user_id: n.delivery for n in Notification.objects.all()} == {
        now_1.pk: Delivery.IMMEDIATE,
        now_2.pk: Delivery.IMMEDIATE,
        digest.pk: Delivery.DAILY_DIGEST,
        nothing.pk: Delivery.NONE,
    }


def test_a_preference_for_one_kind_leaves_the_other_kinds_alone():
    user = f.user()
    _prefer(user, NotificationKind.SOLLICITATION, Delivery.NONE)
    _notify([user], kind=NotificationKind.INVOICE_STATUS)
    assert len(mail.outbox) == 1


def test_nothing_is_written_or_sent_when_the_callers_change_rolls_back():
    user = f.user()
    with pytest.raises(RuntimeError), transaction.atomic():
        _notify([user])
        raise RuntimeError
    assert not Notification.objects.exists()
    assert not OutboxEmail.objects.exists()
    assert mail.outbox == []


def test_an_inactive_user_is_not_told():
    user = f.user(is_active=False)
    assert _notify([user]) == []
    assert not Notification.objects.exists() and mail.outbox == []


def test_the_link_must_be_a_path_of_the_site():
    user = f.user()
    with pytest.raises(ValueError, match="chemin"):
        _notify([user], url="https://ailleurs.example/")
    with pytest.raises(ValueError, match="chemin"):
        _notify([user], url="//ailleurs.example/")


def test_the_email_link_is_absolute(settings: Any):
    settings.SITE_URL = "https://choeur.example"
    user = f.user()
    notify(
        users=[user],
        kind=NotificationKind.INVOICE_STATUS,
        title="Votre facture F-1 : Suspendue",
        template="lifecycle/emails/status_changed",
        context={
            "number": "F-1",
            "recipient": "COMMUNE",
            "before": "Mise à disposition",
            "after": "Suspendue",
            "reason": "",
            "acknowledge": False,
            "total_ttc": 12,
        },
        url="/factures/1/",
    )
    assert "https://choeur.example/factures/1/" in mail.outbox[0].body


# --- what may be turned off ---------------------------------------------------------------------


def test_a_gestionnaire_principal_cannot_turn_off_invoicing_emails():
    manager = _manager()
    for kind in (NotificationKind.INVOICE_STATUS, NotificationKind.INVOICE_RECEIVED):
        with pytest.raises(ValueError, match="gestionnaire principal"):
            preferences_save(user=manager, choices={kind: Delivery.NONE})
    assert not NotificationPreference.objects.exists()
    # The digest is allowed, and the other kinds may be turned off.
    preferences_save(
        user=manager,
        choices={
            NotificationKind.INVOICE_STATUS: Delivery.DAILY_DIGEST,
            NotificationKind.SOLLICITATION: Delivery.NONE,
        },
    )
    assert NotificationPreference.objects.count() == 2


def test_a_user_made_gestionnaire_principal_after_turning_invoicing_off_gets_it_again():
    manager = _manager()
    _prefer(manager, NotificationKind.INVOICE_STATUS, Delivery.NONE)
    _notify([manager])
    assert Notification.objects.get().delivery == Delivery.IMMEDIATE
    assert len(mail.outbox) == 1


def test_a_simple_user_may_turn_invoicing_emails_off():
    user = f.user()
    preferences_save(user=user, choices={NotificationKind.INVOICE_STATUS: Delivery.NONE})
    _notify([user])
    assert Notification.objects.get().delivery == Delivery.NONE
    assert mail.outbox == []


def test_account_emails_are_never_optional_nor_delayed():
    user = f.user()
    for choice in (Delivery.NONE, Delivery.DAILY_DIGEST):
        with pytest.raises(ValueError, match="toujours envoyés"):
            preferences_save(user=user, choices={NotificationKind.ACCOUNT: choice})
    _prefer(user, NotificationKind.ACCOUNT, Delivery.NONE)  # written behind the rules' back
    _notify([user], kind=NotificationKind.ACCOUNT)
    assert len(mail.outbox) == 1


# --- the daily digest ---------------------------------------------------------------------------


def test_the_digest_groups_each_users_kept_notifications_into_one_email_sent_once():
    alice, bob, eager = f.user("alice@example.test"), f.user("bob@example.test"), f.user()
    for user in (alice, bob):
        _prefer(user, NotificationKind.INVOICE_STATUS, Delivery.DAILY_DIGEST)
        _prefer(user, NotificationKind.INVOICE_RECEIVED, Delivery.DAILY_DIGEST)
    _notify([alice, bob, eager], title="Votre facture F-1 : Suspendue", url="/factures/1/")
    _notify([alice], title="Votre facture F-2 : Rejetée", url="/factures/2/")
    _notify([bob], kind=NotificationKind.INVOICE_RECEIVED, title="Nouvelle facture reçue : F-9")
    assert len(mail.outbox) == 1  # only the eager user's email left at once
    mail.outbox.clear()

    assert digest_send_all() == 2
    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == ["alice@example.test", "bob@example.test"]
    alice_mail = by_address["alice@example.test"]
    assert alice_mail.subject == "Votre résumé du jour : 2 notifications"
    assert "Votre facture F-1 : Suspendue" in alice_mail.body
    assert "Votre facture F-2 : Rejetée" in alice_mail.body
    assert "/factures/2/" in alice_mail.body and "F-9" not in alice_mail.body
    assert "Rejetée" in alice_mail.alternatives[0][0]
    bob_mail = by_address["bob@example.test"]
    assert "F-9" in bob_mail.body and "F-2" not in bob_mail.body
    assert not Notification.objects.filter(
        delivery=Delivery.DAILY_DIGEST, digested_at__isnull=True
    ).exists()

    # Run again (a retried task, a second beat): nothing more leaves.
    mail.outbox.clear()
    assert digest_send_all() == 0
    assert mail.outbox == []


def test_the_digest_skips_immediate_and_silent_notifications_and_later_ones():
    user = f.user()
    _notify([user])  # immediate
    _prefer(user, NotificationKind.SOLLICITATION, Delivery.NONE)
    _notify([user], kind=NotificationKind.SOLLICITATION)
    mail.outbox.clear()
    assert digest_send_all() == 0 and mail.outbox == []

    _prefer(user, NotificationKind.RATTACHEMENT, Delivery.DAILY_DIGEST)
    _notify([user], kind=NotificationKind.RATTACHEMENT)
    assert digest_send_all(now=timezone.now() - dt.timedelta(hours=1)) == 0
    assert digest_send_all() == 1


def test_changing_the_preference_later_does_not_drop_what_waits_for_the_digest():
    user = f.user()
    _prefer(user, NotificationKind.INVOICE_STATUS, Delivery.DAILY_DIGEST)
    _notify([user])
    preferences_save(user=user, choices={NotificationKind.INVOICE_STATUS: Delivery.IMMEDIATE})
    assert digest_send_all() == 1
    assert mail.outbox[0].subject == "Votre résumé du jour : 1 notification"


def test_the_digest_task_is_registered_for_beat():
    from choeur.notifications.tasks import digest_send_task

    assert digest_send_task.name == "notifications.digest_send"
    user = f.user()
    _prefer(user, NotificationKind.INVOICE_STATUS, Delivery.DAILY_DIGEST)
    _notify([user])
    assert digest_send_task.delay().get() == 1


def test_the_digest_reaches_a_real_smtp_server(smtp_sink: Any):
    user = f.user("digest@example.test")
    _prefer(user, NotificationKind.INVOICE_STATUS, Delivery.DAILY_DIGEST)
    _notify([user])
    digest_send_all()
    message = smtp_sink.wait_for(lambda m: "résumé du jour" in smtp_sink.subject(m))
    assert message["To"] == "digest@example.test"
    assert "Votre facture F-1 : Suspendue" in smtp_sink.body(message)


def test_a_user_deactivated_before_the_digest_gets_no_email_and_nothing_waits_forever():
    user = f.user()
    _prefer(user, NotificationKind.INVOICE_STATUS, Delivery.DAILY_DIGEST)
    _notify([user])
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert digest_send_all() == 0
    assert mail.outbox == []
    assert Notification.objects.get().digested_at is not None
