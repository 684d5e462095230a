from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from choeur.sollicitations import services
from choeur.sollicitations.enums import Status
from choeur.sollicitations.models import Attachment, Sollicitation
from choeur.sollicitations.views import ACTION_SLUGS
from tests.sollicitations import factories as f

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


@pytest.fixture
def ticket(sender: Any, supplier: Any, public: Any, to_structure: Any) -> Sollicitation:
    return services.sollicitation_create(
        user=sender,
        structure=supplier,
        subcategory=to_structure,
        title="Facture F2026-001 rejetée",
        description="Pourquoi ?",
        recipient_identifier=f.PUBLIC_SIRET,
        files=[f.upload("justificatif.pdf")],
        send=True,
    )


@pytest.fixture
def draft(sender: Any, supplier: Any, public: Any, to_structure: Any) -> Sollicitation:
    return services.sollicitation_create(
        user=sender,
        structure=supplier,
        subcategory=to_structure,
        title="Brouillon",
        description="Pas encore envoyé",
        recipient_identifier=f.PUBLIC_SIRET,
        files=[f.upload("brouillon.pdf")],
    )


def _urls(s: Sollicitation) -> list[tuple[str, str]]:
    attachment = s.attachments.first()
    assert attachment is not None
    return [
        ("get", reverse("sollicitations:detail", args=[s.number])),
        ("get", reverse("sollicitations:edit", args=[s.number])),
        ("get", reverse("sollicitations:attachment", args=[s.number, attachment.pk])),
    ] + [("post", reverse("sollicitations:action", args=[s.number, slug])) for slug in ACTION_SLUGS]


def test_outsiders_get_a_404_on_every_page_of_a_ticket(ticket: Any, outsider: Any) -> None:
    client = login(outsider)
    for method, url in _urls(ticket):
        response = getattr(client, method)(url, {"repondre-body": "x"} if method == "post" else {})
        assert response.status_code == 404, url
    ticket.refresh_from_db()
    assert ticket.status == Status.NOUVEAU
    assert ticket.messages.count() == 1


def test_a_staff_operator_does_not_see_a_structures_ticket(ticket: Any, operator: Any) -> None:
    client = login(operator)
    for method, url in _urls(ticket):
        assert getattr(client, method)(url).status_code == 404, url


def test_the_recipient_never_sees_a_draft(draft: Any, agent: Any) -> None:
    client = login(agent)
    for method, url in _urls(draft):
        assert getattr(client, method)(url).status_code == 404, url
    assert draft.number not in client.get(reverse("sollicitations:received")).content.decode()


def test_a_member_who_lost_his_rattachement_no_longer_sees_the_ticket(
    ticket: Any, sender: Any
) -> None:
    sender.rattachements.update(status="DESACTIVEE")
    client = login(sender)
    assert client.get(reverse("sollicitations:detail", args=[ticket.number])).status_code == 404


def test_logged_out_visitors_are_sent_to_the_login_page(ticket: Any) -> None:
    client = Client()
    for method, url in [
        *_urls(ticket),
        ("get", reverse("sollicitations:sent")),
        ("get", reverse("sollicitations:received")),
        ("get", reverse("sollicitations:create")),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert reverse("accounts:login") in response["Location"]


def test_outsiders_lists_do_not_show_the_ticket(ticket: Any, outsider: Any) -> None:
    client = login(outsider)
    for name in ("sollicitations:sent", "sollicitations:received"):
        for tab in ("", "en-cours", "a-traiter"):
            html = client.get(reverse(name), {"onglet": tab} if tab else {}).content.decode()
            assert ticket.number not in html


def test_both_sides_see_the_ticket_and_its_thread(ticket: Any, sender: Any, agent: Any) -> None:
    for user in (sender, agent):
        response = login(user).get(reverse("sollicitations:detail", args=[ticket.number]))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Facture F2026-001 rejetée" in html
        assert "justificatif.pdf" in html
        assert "COMMUNE DE TEST" in html


def test_both_sides_download_the_attachment(ticket: Any, sender: Any, agent: Any) -> None:
    attachment = ticket.attachments.get()
    url = reverse("sollicitations:attachment", args=[ticket.number, attachment.pk])
    for user in (sender, agent):
        response = login(user).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
        assert "justificatif.pdf" in response["Content-Disposition"]


def test_an_attachment_of_another_ticket_is_not_found_through_this_one(
    ticket: Any, sender: Any, supplier: Any, to_structure: Any
) -> None:
    other = services.sollicitation_create(
        user=f.supplier_user(f.StructureFactory(identifier=f.OTHER_SUPPLIER_SIRET)),
        structure=f.StructureFactory(identifier=f.OTHER_SUPPLIER_SIRET),
        subcategory=to_structure,
        title="Autre",
        description="Autre",
        recipient_identifier=f.PUBLIC_SIRET,
        files=[f.upload("secret.pdf")],
    )
    foreign = other.attachments.get()
    url = reverse("sollicitations:attachment", args=[ticket.number, foreign.pk])
    assert login(sender).get(url).status_code == 404


def test_the_queue_shows_new_tickets_and_the_agent_takes_one(ticket: Any, agent: Any) -> None:
    client = login(agent)
    html = client.get(reverse("sollicitations:received")).content.decode()
    assert "Tickets à traiter (1)" in html
    assert ticket.number in html
    detail = client.get(reverse("sollicitations:detail", args=[ticket.number])).content.decode()
    assert "Prendre en charge" in detail
    assert "Votre réponse" not in detail
    response = client.post(
        reverse("sollicitations:action", args=[ticket.number, "prendre-en-charge"])
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (Status.AFFECTE, agent)
    detail = client.get(reverse("sollicitations:detail", args=[ticket.number])).content.decode()
    for label in ("Votre réponse", "Demander un complément", "Transférer au support", "Clôturer"):
        assert label in detail
    assert (
        "Tickets à traiter (0)" in client.get(reverse("sollicitations:received")).content.decode()
    )


def test_an_agent_in_consultation_sees_but_cannot_take(ticket: Any, reader: Any) -> None:
    client = login(reader)
    detail = client.get(reverse("sollicitations:detail", args=[ticket.number])).content.decode()
    assert "Prendre en charge" not in detail
    response = client.post(
        reverse("sollicitations:action", args=[ticket.number, "prendre-en-charge"]), follow=True
    )
    assert "pas possible" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.NOUVEAU


def test_answer_without_message_is_refused_in_french(ticket: Any, agent: Any) -> None:
    services.sollicitation_assign_to_self(user=agent, sollicitation=ticket)
    response = login(agent).post(
        reverse("sollicitations:action", args=[ticket.number, "repondre"]), {"repondre-body": ""}
    )
    assert response.status_code == 400
    assert "Le message est obligatoire." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.AFFECTE


def test_a_bad_attachment_on_an_answer_is_refused_clearly(ticket: Any, agent: Any) -> None:
    services.sollicitation_assign_to_self(user=agent, sollicitation=ticket)
    response = login(agent).post(
        reverse("sollicitations:action", args=[ticket.number, "repondre"]),
        {
            "repondre-body": "Voir pièce jointe",
            "repondre-attachments": [SimpleUploadedFile("programme.exe", b"MZ")],
        },
    )
    assert response.status_code == 400
    assert "Le format « .exe » du fichier « programme.exe » n&#x27;est pas accepté" in (
        response.content.decode()
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.AFFECTE
    assert Attachment.objects.count() == 1


def test_the_sender_sees_unread_answers_until_he_opens_the_ticket(
    ticket: Any, sender: Any, agent: Any
) -> None:
    client = login(sender)
    client.get(reverse("sollicitations:detail", args=[ticket.number]))
    services.sollicitation_assign_to_self(user=agent, sollicitation=ticket)
    services.sollicitation_answer(user=agent, sollicitation=ticket, body="Réponse")
    html = client.get(
        reverse("sollicitations:sent"), {"onglet": "actions-requises"}
    ).content.decode()
    assert "Non lu" in html
    assert "1 non lu" in html
    client.get(reverse("sollicitations:detail", args=[ticket.number]))
    html = client.get(
        reverse("sollicitations:sent"), {"onglet": "actions-requises"}
    ).content.decode()
    assert "Non lu" not in html


def test_the_agent_sees_a_new_ticket_as_unread(ticket: Any, agent: Any) -> None:
    client = login(agent)
    assert "Non lu" in client.get(reverse("sollicitations:received")).content.decode()
    client.get(reverse("sollicitations:detail", args=[ticket.number]))
    assert "Non lu" not in client.get(reverse("sollicitations:received")).content.decode()


def test_the_sender_answers_a_request_and_the_ticket_is_back_in_the_queue(
    ticket: Any, sender: Any, agent: Any
) -> None:
    services.sollicitation_assign_to_self(user=agent, sollicitation=ticket)
    services.sollicitation_request_information(user=agent, sollicitation=ticket, body="Numéro ?")
    client = login(sender)
    html = client.get(reverse("sollicitations:sent")).content.decode()
    assert "Actions requises (1)" in html
    response = client.post(
        reverse("sollicitations:action", args=[ticket.number, "completer"]),
        {"completer-body": "F2026-001", "completer-attachments": [f.upload("facture.pdf")]},
    )
    assert response.status_code == 302
    queue = login(agent).get(reverse("sollicitations:received")).content.decode()
    assert ticket.number in queue
    assert ticket.attachments.filter(name="facture.pdf").exists()


def test_operators_see_the_support_queue(
    sender: Any, supplier: Any, to_support: Any, operator: Any, agent: Any
) -> None:
    s = services.sollicitation_create(
        user=sender,
        structure=supplier,
        subcategory=to_support,
        title="Rattachement",
        description="Aide",
        send=True,
    )
    assert s.number in login(operator).get(reverse("sollicitations:received")).content.decode()
    assert s.number not in login(agent).get(reverse("sollicitations:received")).content.decode()
    assert login(agent).get(reverse("sollicitations:detail", args=[s.number])).status_code == 404


def test_create_page_saves_a_draft_then_sends_it(
    sender: Any, public: Any, agent: Any, to_structure: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(sender)
    assert client.get(reverse("sollicitations:create")).status_code == 200
    data = {
        "structure": sender.rattachements.get().structure_id,
        "subcategory": str(to_structure.pk),
        "recipient_identifier": f.PUBLIC_SIRET,
        "title": "Paiement en retard",
        "description": "La facture n'est pas payée.",
        "submit_action": "draft",
    }
    response = client.post(reverse("sollicitations:create"), data)
    s = Sollicitation.objects.get()
    assert response["Location"] == reverse("sollicitations:detail", args=[s.number])
    assert s.status == Status.BROUILLON
    assert "Modifier le brouillon" in client.get(response["Location"]).content.decode()
    edit = reverse("sollicitations:edit", args=[s.number])
    assert client.get(edit).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit, {**data, "title": "Paiement en retard (2)", "submit_action": "send"})
    s.refresh_from_db()
    assert (s.status, s.title) == (Status.NOUVEAU, "Paiement en retard (2)")
    assert mail.outbox[-1].to == ["agent@commune.test"]
    # Sent: no more editing.
    assert client.get(edit).status_code == 404


def test_create_page_explains_a_wrong_siret(sender: Any, to_structure: Any) -> None:
    response = login(sender).post(
        reverse("sollicitations:create"),
        {
            "structure": sender.rattachements.get().structure_id,
            "subcategory": str(to_structure.pk),
            "recipient_identifier": "12345678900000",
            "title": "Question",
            "description": "Texte",
            "submit_action": "send",
        },
    )
    assert response.status_code == 200
    assert (
        "Aucune structure publique n&#x27;a le SIRET 12345678900000." in response.content.decode()
    )
    assert not Sollicitation.objects.exists()


def test_create_page_refuses_a_bad_attachment(sender: Any, public: Any, to_structure: Any) -> None:
    response = login(sender).post(
        reverse("sollicitations:create"),
        {
            "structure": sender.rattachements.get().structure_id,
            "subcategory": str(to_structure.pk),
            "recipient_identifier": f.PUBLIC_SIRET,
            "title": "Question",
            "description": "Texte",
            "attachments": [SimpleUploadedFile("vide.pdf", b"")],
            "submit_action": "send",
        },
    )
    assert response.status_code == 200
    assert "Le fichier « vide.pdf » est vide." in response.content.decode()
    assert not Sollicitation.objects.exists()


def test_create_page_offers_only_the_senders_invoices(
    sender: Any, supplier: Any, public: Any, to_structure: Any
) -> None:
    mine = f.make_invoice(supplier, public, "F-MIENNE")
    other = f.StructureFactory(identifier=f.OTHER_SUPPLIER_SIRET, raison_sociale="AUTRE")
    f.make_invoice(other, public, "F-AUTRE")
    html = login(sender).get(reverse("sollicitations:create")).content.decode()
    assert "F-MIENNE" in html
    assert "F-AUTRE" not in html
    response = login(sender).post(
        reverse("sollicitations:create"),
        {
            "structure": supplier.pk,
            "subcategory": str(to_structure.pk),
            "invoice": mine.pk,
            "title": "Rejet",
            "description": "Pourquoi ?",
            "submit_action": "send",
        },
    )
    assert response.status_code == 302
    s = Sollicitation.objects.get()
    assert (s.invoice, s.recipient_structure) == (mine, public)


def test_a_user_without_the_espace_cannot_open_the_create_page(outsider: Any, db: Any) -> None:
    user = f.UserFactory()
    assert login(user).get(reverse("sollicitations:create")).status_code == 403


def test_the_logged_out_form_gives_a_number_and_emails_it(
    client: Client, to_support: Any, operator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    url = reverse("sollicitations:logged_out")
    assert client.get(url).status_code == 200
    data = {
        "subcategory": str(to_support.pk),
        "email": "perdu@example.test",
        "email_confirmation": "perdu@example.test",
        "title": "Compte bloqué",
        "description": "Je ne peux plus me connecter.",
        "captcha_0": "x",
        "captcha_1": "PASSED",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data, follow=True)
    s = Sollicitation.objects.get()
    assert s.number in response.content.decode()
    assert any(m.to == ["perdu@example.test"] and s.number in m.body for m in mail.outbox)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"email_confirmation": "autre@example.test"}, "ne sont pas identiques"),
        ({"captcha_1": "FAUX"}, "ne correspondent pas à l&#x27;image"),
        ({"title": ""}, "Donnez un titre"),
    ],
)
def test_the_logged_out_form_refuses_bad_input(
    client: Client, to_support: Any, change: dict[str, str], message: str
) -> None:
    data = {
        "subcategory": str(to_support.pk),
        "email": "perdu@example.test",
        "email_confirmation": "perdu@example.test",
        "title": "Compte bloqué",
        "description": "Texte",
        "captcha_0": "x",
        "captcha_1": "PASSED",
        **change,
    }
    response = client.post(reverse("sollicitations:logged_out"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Sollicitation.objects.exists()


def test_the_logged_out_form_offers_only_its_categories(
    client: Client, to_support: Any, to_structure: Any
) -> None:
    html = client.get(reverse("sollicitations:logged_out")).content.decode()
    assert to_support.label in html
    assert to_structure.label not in html


def test_a_ticket_to_a_service_is_seen_by_that_services_agents_and_the_manager(
    sender: Any,
    supplier: Any,
    public: Any,
    to_structure: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    achats, travaux = f.service(public, "ACHATS"), f.service(public, "TRAVAUX")
    buyer = f.agent(public, email="achats@commune.test")
    buyer.rattachements.get().services.add(achats)
    builder = f.agent(public, email="travaux@commune.test")
    builder.rattachements.get().services.add(travaux)
    manager = f.agent(public, email="gp@commune.test")
    manager.rattachements.update(role="GESTIONNAIRE_PRINCIPAL")
    with django_capture_on_commit_callbacks(execute=True):
        s = services.sollicitation_create(
            user=sender,
            structure=supplier,
            subcategory=to_structure,
            title="Bon de commande",
            description="Question",
            recipient_identifier=f.PUBLIC_SIRET,
            recipient_service_code="ACHATS",
            send=True,
        )
    assert mail.outbox[-1].to == ["achats@commune.test", "gp@commune.test"]
    detail = reverse("sollicitations:detail", args=[s.number])
    assert login(buyer).get(detail).status_code == 200
    assert login(manager).get(detail).status_code == 200
    assert login(builder).get(detail).status_code == 404
    assert s.number not in login(builder).get(reverse("sollicitations:received")).content.decode()
    assert s.number in login(buyer).get(reverse("sollicitations:received")).content.decode()


def test_after_a_transfer_the_agent_is_sent_back_to_his_queue(
    ticket: Any, agent: Any, operator: Any
) -> None:
    services.sollicitation_assign_to_self(user=agent, sollicitation=ticket)
    response = login(agent).post(
        reverse("sollicitations:action", args=[ticket.number, "transferer"]),
        {"transferer-body": "Question sur la plateforme."},
    )
    assert response["Location"] == reverse("sollicitations:received")
    html = login(operator).get(reverse("sollicitations:received")).content.decode()
    assert ticket.number in html
    assert "Transféré au support" in html


def test_the_sender_sends_his_draft_from_its_page(draft: Any, sender: Any) -> None:
    client = login(sender)
    assert (
        "Envoyer"
        in client.get(reverse("sollicitations:detail", args=[draft.number])).content.decode()
    )
    client.post(reverse("sollicitations:action", args=[draft.number, "envoyer"]))
    draft.refresh_from_db()
    assert draft.status == Status.NOUVEAU


def test_an_overlong_message_is_refused(ticket: Any, agent: Any) -> None:
    services.sollicitation_assign_to_self(user=agent, sollicitation=ticket)
    response = login(agent).post(
        reverse("sollicitations:action", args=[ticket.number, "repondre"]),
        {"repondre-body": "x" * 20_001},
    )
    assert response.status_code == 400
    assert "au plus" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.AFFECTE
