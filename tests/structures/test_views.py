from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, reverse

from choeur.core.models import AuditLog
from choeur.notifications.webhook_models import WebhookDelivery, WebhookEndpoint
from choeur.structures import services, urls
from choeur.structures.enums import AccessMode, Espace, RattachementStatus, Role
from choeur.structures.models import (
    BankAccount,
    EngagementJuridique,
    EspaceSubscription,
    Rattachement,
    Service,
)
from tests.structures.factories import (
    IBAN_CA,
    BankAccountFactory,
    EngagementFactory,
    ServiceFactory,
    UserFactory,
    member_add,
    structure_with_manager,
)

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world() -> dict[str, Any]:
    """A public structure with one object of every kind, and its manager."""
    structure, manager = structure_with_manager(public=True)
    member = member_add(structure)
    pending = member_add(structure, status=RattachementStatus.EN_COURS_DE_VALIDATION)
    service = ServiceFactory(structure=structure)
    bank = BankAccountFactory(structure=structure)
    engagement = EngagementFactory(structure=structure)
    technical = services.technical_account_create(actor=manager, structure=structure).account
    endpoint = WebhookEndpoint.objects.create(
        structure=structure,
        url="https://erp.example.org/hook",
        secret="ab" * 32,
        events=["flux.rejete"],
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event="flux.rejete", payload={}, status="FAILED", attempts=10
    )
    return {
        "structure": structure,
        "manager": manager,
        "member": member,
        "kwargs": {
            "structure_id": structure.pk,
            "rattachement_id": pending.pk,
            "service_id": service.pk,
            "bank_account_id": bank.pk,
            "technical_account_id": technical.pk,
            "engagement_id": engagement.pk,
            "endpoint_id": endpoint.pk,
            "delivery_id": delivery.pk,
        },
    }


def _urls(kwargs: dict[str, int]) -> list[tuple[str, str, bool]]:
    """(name, path, scoped to a structure) for every URL of the app."""
    found = []
    for pattern in urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        names = list(pattern.pattern.converters)
        path = reverse(f"structures:{pattern.name}", kwargs={n: kwargs[n] for n in names})
        found.append(
            (str(pattern.name), path, "structure_id" in names or "rattachement_id" in names)
        )
    return found


def test_an_outsider_finds_none_of_another_structure_pages(world) -> None:
    """Walks every URL of the app, GET and POST, as a user of another structure."""
    _, outsider = structure_with_manager()
    client = _client(outsider)
    audit_before = AuditLog.objects.count()
    walked = 0
    for name, path, scoped in _urls(world["kwargs"]):
        statuses = []
        for method in ("get", "post"):
            response = getattr(client, method)(
                path, {"active": "0", "action": "approve", "structure": world["structure"].pk}
            )
            statuses.append(response.status_code)
            assert world["structure"].raison_sociale not in response.content.decode(), name
            walked += 1
        if scoped:
            # 405 only for the method the page does not take; the one it takes answers 404.
            assert set(statuses) <= {404, 405} and 404 in statuses, (name, statuses)
        else:
            assert set(statuses) <= {200, 302, 404, 405}, (name, statuses)
    assert walked == 2 * len(urls.urlpatterns) >= 60
    assert AuditLog.objects.count() == audit_before
    assert Rattachement.objects.get(pk=world["kwargs"]["rattachement_id"]).status == (
        RattachementStatus.EN_COURS_DE_VALIDATION
    )


def test_anonymous_visitors_are_sent_to_the_login_page(world) -> None:
    client = Client()
    for _name, path, _scoped in _urls(world["kwargs"]):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


MANAGER_ONLY = {
    "edit",
    "insee_update",
    "set_active",
    "parameters",
    "espaces",
    "history",
    "member",
    "member_detach",
    "handover",
    "copy_rights",
    "approvals",
    "approval",
    "service_create",
    "bank_account_create",
    "bank_account",
    "technical_accounts",
    "technical_account_create",
    "technical_account",
    "technical_account_set_active",
    "engagement_create",
    "engagement",
    "engagement_import",
    "webhooks",
    "webhook_create",
    "webhook",
    "webhook_delete",
    "webhook_reactivate",
    "webhook_resend",
}
# Webhook actions are POST only (« Raccordement API »).
WEBHOOK_POSTS = {"webhook_create", "webhook_delete", "webhook_reactivate", "webhook_resend"}


def test_a_simple_member_is_refused_the_manager_pages(world) -> None:
    client = _client(world["member"].user)
    for name, path, _scoped in _urls(world["kwargs"]):
        if name in MANAGER_ONLY:
            method = (
                "get"
                if name
                not in {
                    "insee_update",
                    "set_active",
                    "member_detach",
                    "technical_account_create",
                    "technical_account_set_active",
                    *WEBHOOK_POSTS,
                }
                else "post"
            )
            response = getattr(client, method)(path)
            assert response.status_code == 403, (name, response.status_code)
    for name in ("detail", "members", "services", "bank_accounts", "engagements", "service"):
        path = reverse(
            f"structures:{name}",
            kwargs={
                k: v
                for k, v in world["kwargs"].items()
                if k in ("structure_id", "service_id")
                and (k == "structure_id" or name == "service")
            },
        )
        assert client.get(path).status_code == 200, name


def test_every_page_renders_for_the_manager_with_its_history(world) -> None:
    client = _client(world["manager"])
    for name, path, _scoped in _urls(world["kwargs"]):
        if name in {
            "insee_update",
            "set_active",
            "member_detach",
            "technical_account_create",
            "technical_account_set_active",
            "rattachement_withdraw",
            *WEBHOOK_POSTS,
        }:
            continue
        response = client.get(path)
        expected = 302 if name == "engagements_home" else 200
        assert response.status_code == expected, (name, response.status_code)
    # The technical account's page shows its creation in the history.
    html = client.get(
        reverse(
            "structures:technical_account",
            kwargs={k: world["kwargs"][k] for k in ("structure_id", "technical_account_id")},
        )
    ).content.decode()
    assert "Historique des modifications" in html
    assert "technical_account.create" in html


def test_a_member_does_not_see_the_history(world) -> None:
    client = _client(world["member"].user)
    html = client.get(reverse("structures:detail", args=[world["structure"].pk])).content.decode()
    assert "Historique des modifications" not in html


def test_request_and_approval_through_the_pages(supplier) -> None:
    structure, manager = supplier
    user = UserFactory()
    client = _client(user)
    response = client.get(
        reverse("structures:rattachement_request"), {"q": structure.identifier[3:9]}
    )
    assert structure.raison_sociale in response.content.decode()
    response = client.post(
        reverse("structures:rattachement_request"), {"structures": [structure.pk]}
    )
    assert response.status_code == 302
    rattachement = Rattachement.objects.get(user=user, structure=structure)
    assert rattachement.status == RattachementStatus.EN_COURS_DE_VALIDATION

    manager_client = _client(manager)
    approvals = manager_client.get(reverse("structures:approvals", args=[structure.pk]))
    assert user.email in approvals.content.decode()
    url = reverse("structures:approval", args=[structure.pk, rattachement.pk])
    response = manager_client.post(
        url, {"action": "approve", f"espace_{Espace.FACTURES_EMISES}": AccessMode.MODIFICATION}
    )
    assert response.status_code == 302
    assert EspaceSubscription.objects.get(user=user, structure=structure).mode == (
        AccessMode.MODIFICATION
    )
    # Approving again: a clear message, nothing changes.
    response = manager_client.post(url, {"action": "approve"}, follow=True)
    assert "déjà été traitée" in response.content.decode()
    assert EspaceSubscription.objects.filter(user=user, structure=structure).count() == 1
    # The new member now sees the espace in his menu.
    html = client.get(reverse("core:dashboard")).content.decode()
    assert "Factures émises" in html


def test_short_siret_search_gets_a_message(supplier) -> None:
    client = _client(UserFactory())
    html = client.get(reverse("structures:rattachement_request"), {"q": "12"}).content.decode()
    assert "au moins 3 chiffres" in html


def test_refusal_without_reason_shows_an_error(supplier) -> None:
    structure, manager = supplier
    pending = member_add(structure, status=RattachementStatus.EN_COURS_DE_VALIDATION)
    response = _client(manager).post(
        reverse("structures:approval", args=[structure.pk, pending.pk]),
        {"action": "refuse", "reason": ""},
    )
    assert response.status_code == 200
    assert "Ce champ est obligatoire" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == RattachementStatus.EN_COURS_DE_VALIDATION


def test_invalid_iban_is_shown_beside_the_field(supplier) -> None:
    structure, manager = supplier
    response = _client(manager).post(
        reverse("structures:bank_account_create", args=[structure.pk]),
        {"label": "X", "holder": "Y", "iban": "FR7630006000011234567890188"},
    )
    assert response.status_code == 200
    assert "IBAN invalide" in response.content.decode()
    assert not BankAccount.objects.exists()
    response = _client(manager).post(
        reverse("structures:bank_account_create", args=[structure.pk]),
        {"label": "Compte", "holder": "Y", "iban": IBAN_CA},
        follow=True,
    )
    assert "CREDIT AGRICOLE SA" in response.content.decode()


def test_duplicate_service_code_is_shown_beside_the_field(supplier) -> None:
    structure, manager = supplier
    ServiceFactory(structure=structure, code="ACHATS")
    response = _client(manager).post(
        reverse("structures:service_create", args=[structure.pk]),
        {"code": "ACHATS", "name": "Autre", "is_active": "on"},
    )
    assert response.status_code == 200
    assert "existe déjà" in response.content.decode()
    assert Service.objects.filter(structure=structure).count() == 1


def test_detaching_the_manager_through_the_page_is_refused(supplier) -> None:
    structure, manager = supplier
    own = Rattachement.objects.get(user=manager)
    response = _client(manager).post(
        reverse("structures:member_detach", args=[structure.pk, own.pk]), follow=True
    )
    assert "transmettre son rôle" in response.content.decode()
    own.refresh_from_db()
    assert own.role == Role.GESTIONNAIRE_PRINCIPAL and own.status == RattachementStatus.VALIDEE


def test_technical_secrets_are_shown_once_and_not_cached(supplier) -> None:
    structure, manager = supplier
    client = _client(manager)
    response = client.post(reverse("structures:technical_account_create", args=[structure.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    secrets = re.findall(r'<code class="choeur-secret">([^<]+)</code>', html)
    assert len(secrets) == 2
    listing = client.get(reverse("structures:technical_accounts", args=[structure.pk]))
    for secret in secrets:
        assert secret not in listing.content.decode()
    assert f"TECH_1_{structure.identifier}@cpro.fr" in listing.content.decode()


def test_engagement_csv_import_page_lists_the_errors(public) -> None:
    structure, manager = public
    upload = SimpleUploadedFile(
        "ej.csv", b"numero;montant_ht;date\nEJ1;abc;05/01/2026\n", content_type="text/csv"
    )
    response = _client(manager).post(
        reverse("structures:engagement_import", args=[structure.pk]), {"file": upload}
    )
    html = response.content.decode()
    assert "Ligne 2 : montant HT invalide" in html
    assert not EngagementJuridique.objects.exists()


def test_engagement_by_form(public) -> None:
    structure, manager = public
    response = _client(manager).post(
        reverse("structures:engagement_create", args=[structure.pk]),
        {
            "number": "EJ42",
            "kind": "BON_DE_COMMANDE",
            "amount_ht": "1500.00",
            "state": "COMMANDE",
            "date": "2026-03-01",
        },
    )
    assert response.status_code == 302
    assert EngagementJuridique.objects.get(number="EJ42").amount_ht == Decimal("1500.00")


def test_engagements_pages_do_not_exist_for_a_private_structure(supplier) -> None:
    structure, manager = supplier
    response = _client(manager).get(reverse("structures:engagements", args=[structure.pk]))
    assert response.status_code == 404


def test_structure_edit_keeps_insee_fields_greyed(supplier) -> None:
    structure, manager = supplier
    client = _client(manager)
    html = client.get(reverse("structures:edit", args=[structure.pk])).content.decode()
    assert re.search(r'name="raison_sociale"[^>]*disabled', html)
    response = client.post(
        reverse("structures:edit", args=[structure.pk]),
        {"raison_sociale": "PIRATE", "telephone": "0611223344"},
    )
    assert response.status_code == 302
    structure.refresh_from_db()
    assert structure.raison_sociale != "PIRATE"
    assert structure.telephone == "0611223344"


def test_my_espaces_page_lets_a_member_add_factures_emises(supplier) -> None:
    structure, _ = supplier
    member = member_add(structure)
    client = _client(member.user)
    assert "Mettre à jour" in client.get(reverse("structures:my_espaces")).content.decode()
    client.post(
        reverse("structures:my_espaces"),
        {"structure": structure.pk, f"s{structure.pk}-mode": AccessMode.CONSULTATION},
    )
    assert EspaceSubscription.objects.get(user=member.user, espace=Espace.FACTURES_EMISES).mode == (
        AccessMode.CONSULTATION
    )


def test_withdraw_own_pending_request(supplier) -> None:
    structure, _ = supplier
    pending = member_add(structure, status=RattachementStatus.EN_COURS_DE_VALIDATION)
    _client(pending.user).post(reverse("structures:rattachement_withdraw", args=[pending.pk]))
    pending.refresh_from_db()
    assert pending.status == RattachementStatus.SUPPRIMEE


def test_structure_history_page_lists_changes_of_owned_objects(supplier) -> None:
    structure, manager = supplier
    services.service_create(actor=manager, structure=structure, code="X1", name="X")
    services.structure_set_active(actor=manager, structure=structure, active=False)
    html = _client(manager).get(reverse("structures:history", args=[structure.pk])).content.decode()
    assert "service.create" in html and "structure.deactivate" in html


def test_index_lists_only_my_structures(supplier) -> None:
    structure, manager = supplier
    other, _ = structure_with_manager()
    html = _client(manager).get(reverse("structures:index")).content.decode()
    assert structure.raison_sociale in html
    assert other.raison_sociale not in html


def test_a_second_request_through_the_page_says_it_is_pending(supplier) -> None:
    structure, _ = supplier
    client = _client(UserFactory())
    url = reverse("structures:rattachement_request") + f"?q={structure.identifier}"
    client.post(url, {"structures": [structure.pk]})
    response = client.post(url, {"structures": [structure.pk]})
    assert response.status_code == 200
    assert "est déjà en cours" in response.content.decode()
    assert Rattachement.objects.filter(structure=structure).count() == 2


def test_members_page_lists_the_manager_first(supplier) -> None:
    structure, manager = supplier
    member = member_add(structure, last_name="Aaron")
    html = _client(manager).get(reverse("structures:members", args=[structure.pk])).content.decode()
    assert html.index(manager.email) < html.index(member.user.email)
