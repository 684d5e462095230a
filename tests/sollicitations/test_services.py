from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from choeur.core.models import AuditLog
from choeur.sollicitations import services
from choeur.sollicitations.enums import MessageKind, Status
from choeur.sollicitations.errors import SollicitationError
from choeur.sollicitations.models import Attachment, Message, Sollicitation
from tests.sollicitations import factories as f

pytestmark = pytest.mark.django_db


def _create(sender: Any, supplier: Any, subcategory: Any, **kwargs: Any) -> Sollicitation:
    arguments: dict[str, Any] = {
        "user": sender,
        "structure": supplier,
        "subcategory": subcategory,
        "title": "Facture rejetée",
        "description": "Pourquoi ma facture a-t-elle été rejetée ?",
        "recipient_identifier": f.PUBLIC_SIRET,
    }
    arguments.update(kwargs)
    return services.sollicitation_create(**arguments)


def test_a_draft_gets_a_number_and_an_audit_row_and_sends_no_email(
    sender: Any, supplier: Any, public: Any, to_structure: Any, commit: Any
) -> None:
    sollicitation = commit(_create, sender=sender, supplier=supplier, subcategory=to_structure)
    assert re.fullmatch(r"SOL-\d{4}-\d{7}", sollicitation.number)
    assert sollicitation.status == Status.BROUILLON
    assert sollicitation.recipient_structure == public
    assert AuditLog.objects.filter(
        action="sollicitation.create", object_id=str(sollicitation.pk)
    ).exists()
    assert mail.outbox == []


def test_sending_puts_it_in_the_queue_and_emails_the_recipients_agents(
    sender: Any, supplier: Any, public: Any, agent: Any, reader: Any, to_structure: Any, commit: Any
) -> None:
    sollicitation = commit(
        _create, sender=sender, supplier=supplier, subcategory=to_structure, send=True
    )
    assert sollicitation.status == Status.NOUVEAU
    assert sollicitation.sent_at is not None
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    # Only the agents who can take it (Modification) are told.
    assert email.to == ["agent@commune.test"]
    assert sollicitation.number in email.subject
    assert f"/sollicitations/{sollicitation.number}/" in email.body


def test_a_support_subcategory_sends_the_ticket_to_support(
    sender: Any, supplier: Any, operator: Any, to_support: Any, commit: Any
) -> None:
    sollicitation = commit(
        _create,
        sender=sender,
        supplier=supplier,
        subcategory=to_support,
        recipient_identifier="",
        send=True,
    )
    assert sollicitation.to_support
    assert sollicitation.recipient_structure is None
    assert mail.outbox[0].to == ["support@choeur.test"]


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"recipient_identifier": ""}, "recipient_identifier", "Indiquez le SIRET"),
        ({"recipient_identifier": "99999999999999"}, "recipient_identifier", "Aucune structure"),
        ({"recipient_identifier": "84211943000010"}, "recipient_identifier", "Aucune structure"),
        ({"recipient_service_code": "INCONNU"}, "recipient_service_code", "pas de service actif"),
        ({"recipient_service_code": "ANCIEN"}, "recipient_service_code", "pas de service actif"),
        ({"title": "   "}, "title", "Le titre est obligatoire"),
        ({"description": ""}, "description", "La description est obligatoire"),
    ],
)
def test_bad_input_is_refused_clearly_and_writes_nothing(
    sender: Any,
    supplier: Any,
    public: Any,
    to_structure: Any,
    kwargs: Any,
    field: str,
    message: str,
) -> None:
    f.service(public, "ANCIEN", active=False)
    with pytest.raises(SollicitationError) as error:
        _create(sender, supplier, to_structure, **kwargs)
    assert error.value.field == field
    assert message in error.value.message
    assert not Sollicitation.objects.exists()


def test_an_inactive_public_structure_is_refused(
    sender: Any, supplier: Any, public: Any, to_structure: Any
) -> None:
    public.is_active = False
    public.save()
    with pytest.raises(SollicitationError, match="inactive"):
        _create(sender, supplier, to_structure)


def test_a_user_without_the_espace_in_modification_cannot_send(
    supplier: Any, public: Any, to_structure: Any
) -> None:
    user = f.grant(f.UserFactory(), supplier, "SOLLICITATIONS_EMISES", "CONSULTATION")
    with pytest.raises(SollicitationError):
        _create(user, supplier, to_structure)
    assert not Sollicitation.objects.exists()


def test_a_question_about_an_invoice_goes_to_its_recipient_by_default(
    sender: Any, supplier: Any, public: Any, to_structure: Any
) -> None:
    achats = f.service(public, "ACHATS")
    invoice = f.make_invoice(supplier, public)
    invoice.service = achats
    invoice.save()
    sollicitation = _create(
        sender, supplier, to_structure, recipient_identifier="", invoice=invoice
    )
    assert sollicitation.invoice == invoice
    assert sollicitation.recipient_structure == public
    assert sollicitation.recipient_service == achats


def test_another_structures_invoice_cannot_be_linked(
    sender: Any, supplier: Any, public: Any, to_structure: Any
) -> None:
    other = f.StructureFactory(identifier=f.OTHER_SUPPLIER_SIRET, raison_sociale="AUTRE")
    invoice = f.make_invoice(other, public)
    with pytest.raises(SollicitationError, match="n'a pas été émise par votre structure"):
        _create(sender, supplier, to_structure, invoice=invoice)


def test_a_whole_conversation_runs_through_the_table(
    sender: Any, supplier: Any, public: Any, agent: Any, to_structure: Any, commit: Any
) -> None:
    s = commit(_create, sender=sender, supplier=supplier, subcategory=to_structure, send=True)
    mail.outbox.clear()

    s = commit(services.sollicitation_assign_to_self, user=agent, sollicitation=s)
    assert (s.status, s.assignee) == (Status.AFFECTE, agent)
    assert mail.outbox[-1].to == ["fournisseur@example.test"]
    assert "prise en charge" in mail.outbox[-1].subject

    s = commit(
        services.sollicitation_request_information,
        user=agent,
        sollicitation=s,
        body="Quel est le numéro de la facture ?",
    )
    assert s.status == Status.ATTENTE_COMPLEMENT
    assert "Quel est le numéro" in mail.outbox[-1].body

    s = commit(
        services.sollicitation_add_information,
        user=sender,
        sollicitation=s,
        body="La facture F2026-001.",
        files=[f.upload()],
    )
    assert (s.status, s.awaiting_agent) == (Status.AFFECTE, True)
    assert mail.outbox[-1].to == ["agent@commune.test"]

    s = commit(services.sollicitation_answer, user=agent, sollicitation=s, body="Elle est payée.")
    assert (s.status, s.awaiting_agent) == (Status.REPONDU, False)

    s = commit(services.sollicitation_send_back, user=sender, sollicitation=s, body="Pas reçu.")
    assert s.status == Status.RENVOYE
    s = commit(services.sollicitation_assign_to_self, user=agent, sollicitation=s)
    s = commit(services.sollicitation_answer, user=agent, sollicitation=s, body="Virement fait.")
    s = commit(services.sollicitation_close, user=agent, sollicitation=s)
    assert s.status == Status.CLOTURE
    assert s.closed_at is not None
    assert "clôturée" in mail.outbox[-1].subject
    assert mail.outbox[-1].to == ["fournisseur@example.test"]

    kinds = list(s.messages.values_list("kind", flat=True))
    assert kinds == [
        MessageKind.SENT,
        MessageKind.ASSIGNED,
        MessageKind.INFORMATION_REQUEST,
        MessageKind.INFORMATION,
        MessageKind.ANSWER,
        MessageKind.SENT_BACK,
        MessageKind.ASSIGNED,
        MessageKind.ANSWER,
        MessageKind.CLOSED,
    ]
    assert Attachment.objects.get().message.kind == MessageKind.INFORMATION
    assert (
        AuditLog.objects.filter(object_id=str(s.pk), action__startswith="sollicitation.").count()
        == 10
    )


def _sent(sender: Any, supplier: Any, to_structure: Any) -> Sollicitation:
    return _create(sender, supplier, to_structure, send=True)


def test_an_agent_cannot_answer_before_assigning_it_to_himself(
    sender: Any, supplier: Any, public: Any, agent: Any, to_structure: Any
) -> None:
    s = _sent(sender, supplier, to_structure)
    with pytest.raises(SollicitationError, match="pas possible"):
        services.sollicitation_answer(user=agent, sollicitation=s, body="Réponse")
    s.refresh_from_db()
    assert s.status == Status.NOUVEAU
    assert s.messages.count() == 1


def test_only_the_assigned_agent_answers_but_a_colleague_may_take_over(
    sender: Any, supplier: Any, public: Any, agent: Any, colleague: Any, to_structure: Any
) -> None:
    s = _sent(sender, supplier, to_structure)
    services.sollicitation_assign_to_self(user=agent, sollicitation=s)
    with pytest.raises(SollicitationError):
        services.sollicitation_answer(user=colleague, sollicitation=s, body="Réponse")
    services.sollicitation_assign_to_self(user=colleague, sollicitation=s)
    s = services.sollicitation_answer(user=colleague, sollicitation=s, body="Réponse")
    assert s.status == Status.REPONDU


def test_an_agent_in_consultation_cannot_take_a_ticket(
    sender: Any, supplier: Any, public: Any, reader: Any, to_structure: Any
) -> None:
    s = _sent(sender, supplier, to_structure)
    with pytest.raises(SollicitationError):
        services.sollicitation_assign_to_self(user=reader, sollicitation=s)


def test_a_message_is_required_to_answer(
    sender: Any, supplier: Any, public: Any, agent: Any, to_structure: Any
) -> None:
    s = _sent(sender, supplier, to_structure)
    services.sollicitation_assign_to_self(user=agent, sollicitation=s)
    with pytest.raises(SollicitationError, match="Le message est obligatoire"):
        services.sollicitation_answer(user=agent, sollicitation=s, body="  ")
    s.refresh_from_db()
    assert s.status == Status.AFFECTE


def test_transfer_hands_the_ticket_to_support_and_out_of_the_structure(
    sender: Any,
    supplier: Any,
    public: Any,
    agent: Any,
    operator: Any,
    to_structure: Any,
    commit: Any,
) -> None:
    from choeur.sollicitations import perms

    s = commit(_create, sender=sender, supplier=supplier, subcategory=to_structure, send=True)
    commit(services.sollicitation_assign_to_self, user=agent, sollicitation=s)
    mail.outbox.clear()
    s = commit(
        services.sollicitation_transfer_to_support,
        user=agent,
        sollicitation=s,
        body="Problème de plateforme.",
    )
    assert s.status == Status.TRANSFERE_SUPPORT
    assert (s.to_support, s.recipient_structure, s.assignee) == (True, None, None)
    assert s.transferred_from == public
    assert not perms.can_view(agent, s)
    assert perms.can_view(operator, s)
    assert {tuple(m.to) for m in mail.outbox} == {
        ("fournisseur@example.test",),
        ("support@choeur.test",),
    }
    s = services.sollicitation_assign_to_self(user=operator, sollicitation=s)
    with pytest.raises(SollicitationError):
        services.sollicitation_transfer_to_support(user=operator, sollicitation=s, body="Encore")
    s = services.sollicitation_answer(user=operator, sollicitation=s, body="Corrigé.")
    assert s.status == Status.REPONDU


def test_the_sender_closes_his_ticket(
    sender: Any, supplier: Any, public: Any, agent: Any, to_structure: Any, commit: Any
) -> None:
    s = commit(_create, sender=sender, supplier=supplier, subcategory=to_structure, send=True)
    mail.outbox.clear()
    s = commit(services.sollicitation_close, user=sender, sollicitation=s, body="Résolu.")
    assert s.status == Status.CLOTURE
    # Nobody took it yet: every agent able to is told.
    assert mail.outbox[-1].to == ["agent@commune.test"]
    with pytest.raises(SollicitationError):
        services.sollicitation_add_information(user=sender, sollicitation=s, body="Et aussi")


def test_outsiders_cannot_act(
    sender: Any, supplier: Any, public: Any, agent: Any, outsider: Any, to_structure: Any
) -> None:
    s = _sent(sender, supplier, to_structure)
    for call in (
        lambda: services.sollicitation_assign_to_self(user=outsider, sollicitation=s),
        lambda: services.sollicitation_close(user=outsider, sollicitation=s),
        lambda: services.sollicitation_add_information(user=outsider, sollicitation=s, body="x"),
    ):
        with pytest.raises(SollicitationError):
            call()


BIG = 10 * 1024 * 1024 + 1


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("virus.exe", b"MZ", "n'est pas accepté"),
        ("sans-extension", b"data", "n'a pas d'extension"),
        ("vide.pdf", b"", "est vide"),
        ("n" * 47 + ".pdf", b"data", "dépasse 50 caractères"),
        ("gros.pdf", b"x" * BIG, "10 Mo"),
    ],
)
def test_bad_attachments_are_refused_and_nothing_is_written(
    sender: Any,
    supplier: Any,
    public: Any,
    agent: Any,
    to_structure: Any,
    name: str,
    data: bytes,
    message: str,
) -> None:
    s = _sent(sender, supplier, to_structure)
    services.sollicitation_assign_to_self(user=agent, sollicitation=s)
    bad = SimpleUploadedFile(name, data)
    with pytest.raises(SollicitationError, match=message):
        services.sollicitation_answer(user=agent, sollicitation=s, body="Voir PJ", files=[bad])
    s.refresh_from_db()
    assert s.status == Status.AFFECTE
    assert not Message.objects.filter(kind=MessageKind.ANSWER).exists()
    assert not Attachment.objects.exists()
    with pytest.raises(SollicitationError, match=message):
        _create(sender, supplier, to_structure, files=[SimpleUploadedFile(name, data)])
    assert Sollicitation.objects.count() == 1


def test_a_file_whose_declared_size_lies_is_still_checked(
    sender: Any, supplier: Any, public: Any, to_structure: Any
) -> None:
    empty = SimpleUploadedFile("vide.pdf", b"")
    empty.size = 10  # declared, not real
    with pytest.raises(SollicitationError, match="est vide"):
        _create(sender, supplier, to_structure, files=[empty])
    assert not Sollicitation.objects.exists()


def test_a_draft_is_edited_then_sent(
    sender: Any, supplier: Any, public: Any, to_structure: Any, to_support: Any
) -> None:
    s = _create(sender, supplier, to_structure)
    s = services.sollicitation_update_draft(
        user=sender,
        sollicitation=s,
        subcategory=to_support,
        title="Autre titre",
        description="Autre",
        send=True,
    )
    assert (s.title, s.to_support, s.status) == ("Autre titre", True, Status.NOUVEAU)
    with pytest.raises(SollicitationError, match="Seul un brouillon"):
        services.sollicitation_update_draft(
            user=sender, sollicitation=s, subcategory=to_support, title="x", description="y"
        )


def test_the_logged_out_form_sends_to_support_and_confirms_by_email(
    to_support: Any, operator: Any, commit: Any
) -> None:
    s = commit(
        services.sollicitation_create_logged_out,
        email="Perdu@Example.test",
        subcategory=to_support,
        title="Compte bloqué",
        description="Je ne peux plus me connecter.",
    )
    assert (s.status, s.to_support, s.sender_email) == (
        Status.NOUVEAU,
        True,
        "perdu@example.test",
    )
    confirmation = next(m for m in mail.outbox if m.to == ["perdu@example.test"])
    assert s.number in confirmation.subject
    assert s.number in confirmation.body
    assert any(m.to == ["support@choeur.test"] for m in mail.outbox)
    # Support answers: the sender is told by email, without a link he could not open.
    s = commit(services.sollicitation_assign_to_self, user=operator, sollicitation=s)
    commit(services.sollicitation_answer, user=operator, sollicitation=s, body="Débloqué.")
    answer = mail.outbox[-1]
    assert answer.to == ["perdu@example.test"]
    assert "Débloqué." in answer.body
    assert "/sollicitations/" not in answer.body


def test_the_logged_out_form_refuses_a_subcategory_not_offered_there(
    to_structure: Any,
) -> None:
    with pytest.raises(SollicitationError, match="Choisissez une catégorie"):
        services.sollicitation_create_logged_out(
            email="a@example.test", subcategory=to_structure, title="x", description="y"
        )
    assert not Sollicitation.objects.exists()


def test_an_inactive_subcategory_cannot_be_chosen(sender: Any, supplier: Any, public: Any) -> None:
    old = f.subcategory(code="ANCIENNE", active=False)
    with pytest.raises(SollicitationError, match="n'est plus proposée"):
        _create(sender, supplier, old)


def test_a_structure_without_agents_gets_the_email_on_its_address_or_none(
    sender: Any, supplier: Any, public: Any, to_structure: Any, commit: Any
) -> None:
    from choeur.notifications.models import OutboxEmail

    commit(_create, sender=sender, supplier=supplier, subcategory=to_structure, send=True)
    assert not OutboxEmail.objects.exists()
    public.email = "courrier@commune.test"
    public.save()
    commit(_create, sender=sender, supplier=supplier, subcategory=to_structure, send=True)
    assert mail.outbox[-1].to == ["courrier@commune.test"]
