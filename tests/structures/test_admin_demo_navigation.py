from __future__ import annotations

import io

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from choeur.core.models import AuditLog
from choeur.directory.demo import DEMO_PUBLIC_SIRET, DEMO_SUPPLIER_SIRET
from choeur.structures import demo, services
from choeur.structures.enums import AccessMode, Espace, RattachementStatus, Role
from choeur.structures.models import (
    BankAccount,
    EngagementJuridique,
    Rattachement,
    Service,
    StructureEspace,
)
from choeur.structures.navigation import espace_menu, user_espaces
from tests.structures.factories import (
    StructureFactory,
    UserFactory,
    member_add,
    structure_with_manager,
    subscribe,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator() -> Client:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_admin_lists_search_and_filter(operator, supplier) -> None:
    structure, _ = supplier
    for model in (
        "structure",
        "service",
        "rattachement",
        "espacesubscription",
        "bankaccount",
        "technicalaccount",
        "engagementjuridique",
    ):
        response = operator.get(reverse(f"admin:structures_{model}_changelist"), {"q": "x"})
        assert response.status_code == 200, model
    response = operator.get(
        reverse("admin:structures_structure_changelist"), {"q": structure.identifier}
    )
    assert structure.raison_sociale in response.content.decode()
    response = operator.get(
        reverse("admin:structures_rattachement_changelist"),
        {"status__exact": RattachementStatus.VALIDEE},
    )
    assert response.status_code == 200


def test_admin_change_page_shows_the_audit_history(operator, supplier) -> None:
    structure, manager = supplier
    services.structure_update(actor=manager, structure=structure, data={"telephone": "0102"})
    html = operator.get(
        reverse("admin:structures_structure_change", args=[structure.pk])
    ).content.decode()
    assert "Historique (journal d" in html
    assert "structure.update" in html


def test_admin_changes_are_audited(operator, supplier) -> None:
    structure, _ = supplier
    service = Service.objects.create(structure=structure, code="A", name="A")
    response = operator.post(
        reverse("admin:structures_service_change", args=[service.pk]),
        {"structure": structure.pk, "code": "A", "name": "Nouveau libellé", "description": ""},
    )
    assert response.status_code == 302
    row = AuditLog.objects.get(action="admin.change", object_id=str(service.pk))
    assert row.before["name"] == "A"
    assert row.after["name"] == "Nouveau libellé"


def test_admin_action_appoints_a_manager(operator, supplier) -> None:
    structure, manager = supplier
    candidate = member_add(structure)
    response = operator.post(
        reverse("admin:structures_rattachement_changelist"),
        {"action": "appoint_manager", "_selected_action": [candidate.pk]},
        follow=True,
    )
    assert "est désormais gestionnaire principal" in response.content.decode()
    candidate.refresh_from_db()
    assert candidate.role == Role.GESTIONNAIRE_PRINCIPAL
    assert Rattachement.objects.get(user=manager).role == Role.UTILISATEUR


def test_admin_action_needs_exactly_one_rattachement(operator, supplier) -> None:
    structure, _ = supplier
    a, b = member_add(structure), member_add(structure)
    response = operator.post(
        reverse("admin:structures_rattachement_changelist"),
        {"action": "appoint_manager", "_selected_action": [a.pk, b.pk]},
        follow=True,
    )
    assert "exactement un rattachement" in response.content.decode()
    assert not Rattachement.objects.filter(
        pk__in=[a.pk, b.pk], role=Role.GESTIONNAIRE_PRINCIPAL
    ).exists()


def test_demo_is_idempotent() -> None:
    supplier, _ = structure_with_manager(identifier=DEMO_SUPPLIER_SIRET)
    public = StructureFactory(public=True, identifier=DEMO_PUBLIC_SIRET)
    Service.objects.create(
        structure=public, code="TRAVAUX", name="Travaux", engagement_required=True
    )
    out = io.StringIO()
    demo.load(stdout=out)
    demo.load(stdout=out)
    pending = Rattachement.objects.get(user__email=demo.PENDING_EMAIL)
    assert pending.structure == supplier
    assert pending.status == RattachementStatus.EN_COURS_DE_VALIDATION
    assert BankAccount.objects.filter(structure=supplier).count() == 2
    assert BankAccount.objects.filter(structure=supplier, is_factor=True).count() == 1
    assert EngagementJuridique.objects.filter(structure=public).count() == 3
    assert EngagementJuridique.objects.get(number="EJ2026000001").service.code == "TRAVAUX"
    assert StructureEspace.objects.filter(structure=public, espace=Espace.FACTURES_RECUES).exists()


def test_menu_shows_only_the_espaces_a_user_has(supplier) -> None:
    structure, manager = supplier
    pending = member_add(structure, status=RattachementStatus.EN_COURS_DE_VALIDATION)
    subscribe(pending.user, structure, Espace.FACTURES_EMISES)
    assert user_espaces(pending.user) == []
    assert user_espaces(manager) == [Espace.FACTURES_EMISES, Espace.ACTIVITES_GESTIONNAIRE]
    request = RequestFactory().get("/factures/")
    request.user = manager
    menu = espace_menu(request)["espace_menu"]
    assert [item["label"] for item in menu] == ["Factures émises", "Activités du gestionnaire"]
    assert menu[0]["current"]
    member = member_add(structure)
    subscribe(member.user, structure, Espace.SOLLICITATIONS_EMISES, AccessMode.CONSULTATION)
    assert user_espaces(member.user) == [Espace.SOLLICITATIONS_EMISES]


def test_engagements_tab_leads_to_the_structure_engagements(public) -> None:
    structure, manager = public
    subscribe(manager, structure, Espace.ENGAGEMENTS)
    client = Client()
    client.force_login(manager)
    response = client.get("/structures/engagements/")
    assert response.status_code == 302
    assert response["Location"] == reverse("structures:engagements", args=[structure.pk])
    request = RequestFactory().get(response["Location"])
    request.user = manager
    current = [item["label"] for item in espace_menu(request)["espace_menu"] if item["current"]]
    assert current == ["Engagements"]


def test_platform_operators_get_the_support_queue_tab(db) -> None:  # type: ignore[no-untyped-def]
    from choeur.accounts.models import User

    operator = User.objects.create_user(email="support@choeur.example", password="x", is_staff=True)
    assert user_espaces(operator) == [Espace.SOLLICITATIONS_RECUES]
    simple = User.objects.create_user(email="simple@choeur.example", password="x")
    assert user_espaces(simple) == []
