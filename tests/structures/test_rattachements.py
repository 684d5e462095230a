from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from choeur.core.models import AuditLog
from choeur.notifications.models import OutboxEmail
from choeur.structures import perms, services
from choeur.structures.enums import AccessMode, Espace, RattachementStatus, Role
from choeur.structures.errors import StructureError
from choeur.structures.models import EspaceSubscription, Rattachement
from choeur.structures.navigation import user_espaces
from tests.structures.factories import (
    ServiceFactory,
    StructureFactory,
    UserFactory,
    member_add,
    structure_with_manager,
    subscribe,
)

pytestmark = pytest.mark.django_db


def _emails_to(address: str) -> list[OutboxEmail]:
    return [e for e in OutboxEmail.objects.all() if address in e.to]


def test_request_creates_pending_rattachements_and_emails_each_manager(supplier) -> None:
    structure, manager = supplier
    other, other_manager = structure_with_manager()
    user = UserFactory()
    made = services.rattachement_request(user=user, structures=[structure, other])
    assert [r.status for r in made] == [RattachementStatus.EN_COURS_DE_VALIDATION] * 2
    assert not perms.is_member(user, structure)
    assert len(_emails_to(manager.email)) == 1
    assert "demande à être rattaché" in _emails_to(other_manager.email)[0].body_text
    assert AuditLog.objects.filter(action="rattachement.request").count() == 2


def test_a_second_request_while_one_is_pending_is_refused_for_the_whole_batch(supplier) -> None:
    structure, _ = supplier
    other, _ = structure_with_manager()
    user = UserFactory()
    services.rattachement_request(user=user, structures=[structure])
    with pytest.raises(StructureError, match="déjà en cours"):
        services.rattachement_request(user=user, structures=[other, structure])
    assert not Rattachement.objects.filter(user=user, structure=other).exists()


def test_manager_approves_with_espaces_and_services_and_the_user_is_told(supplier) -> None:
    structure, manager = supplier
    service = ServiceFactory(structure=structure)
    user = UserFactory()
    (rattachement,) = services.rattachement_request(user=user, structures=[structure])
    services.rattachement_approve(
        actor=manager,
        rattachement=rattachement,
        subscriptions={Espace.FACTURES_EMISES: AccessMode.MODIFICATION},
        services=[service],
    )
    rattachement.refresh_from_db()
    assert rattachement.status == RattachementStatus.VALIDEE
    assert rattachement.decided_by == manager
    assert list(rattachement.services.all()) == [service]
    assert perms.has_espace(user, structure, Espace.FACTURES_EMISES, AccessMode.MODIFICATION)
    assert user_espaces(user) == [Espace.FACTURES_EMISES]
    (email,) = _emails_to(user.email)
    assert "est validé" in email.subject
    row = AuditLog.objects.get(action="rattachement.approve")
    assert row.actor == manager
    assert "FACTURES_EMISES:MODIFICATION" in row.after["espaces"]


def test_approving_twice_is_refused_and_changes_nothing(supplier) -> None:
    structure, manager = supplier
    rattachement = member_add(structure, status=RattachementStatus.EN_COURS_DE_VALIDATION)
    services.rattachement_approve(actor=manager, rattachement=rattachement)
    audit_count = AuditLog.objects.count()
    with pytest.raises(StructureError, match="déjà été traitée"):
        services.rattachement_approve(
            actor=manager,
            rattachement=rattachement,
            subscriptions={Espace.FACTURES_EMISES: AccessMode.MODIFICATION},
        )
    assert AuditLog.objects.count() == audit_count
    assert not EspaceSubscription.objects.filter(user=rattachement.user).exists()


def test_refusal_needs_a_reason_which_is_emailed(supplier) -> None:
    structure, manager = supplier
    rattachement = member_add(structure, status=RattachementStatus.EN_COURS_DE_VALIDATION)
    with pytest.raises(StructureError, match="motif"):
        services.rattachement_refuse(actor=manager, rattachement=rattachement, reason="  ")
    rattachement.refresh_from_db()
    assert rattachement.status == RattachementStatus.EN_COURS_DE_VALIDATION
    services.rattachement_refuse(
        actor=manager, rattachement=rattachement, reason="Personne inconnue du service."
    )
    rattachement.refresh_from_db()
    assert rattachement.status == RattachementStatus.REFUSEE
    (email,) = _emails_to(rattachement.user.email)
    assert "Personne inconnue du service." in email.body_text


def test_a_refused_user_may_ask_again(supplier) -> None:
    structure, manager = supplier
    rattachement = member_add(structure, status=RattachementStatus.REFUSEE)
    (again,) = services.rattachement_request(user=rattachement.user, structures=[structure])
    assert again.pk == rattachement.pk
    assert again.status == RattachementStatus.EN_COURS_DE_VALIDATION


def test_a_simple_member_cannot_approve(supplier) -> None:
    structure, _ = supplier
    member = member_add(structure)
    pending = member_add(structure, status=RattachementStatus.EN_COURS_DE_VALIDATION)
    with pytest.raises(PermissionDenied):
        services.rattachement_approve(actor=member.user, rattachement=pending)


def test_approving_an_espace_closed_on_the_structure_is_refused(supplier) -> None:
    structure, manager = supplier
    pending = member_add(structure, status=RattachementStatus.EN_COURS_DE_VALIDATION)
    with pytest.raises(StructureError, match="n'est pas ouvert"):
        services.rattachement_approve(
            actor=manager,
            rattachement=pending,
            subscriptions={Espace.FACTURES_RECUES: AccessMode.CONSULTATION},
        )
    pending.refresh_from_db()
    assert pending.status == RattachementStatus.EN_COURS_DE_VALIDATION


def test_detach_removes_the_member_rights(supplier) -> None:
    structure, manager = supplier
    member = member_add(structure)
    subscribe(member.user, structure, Espace.FACTURES_EMISES)
    services.rattachement_detach(actor=manager, rattachement=member)
    member.refresh_from_db()
    assert member.status == RattachementStatus.DESACTIVEE
    assert not perms.is_member(member.user, structure)
    assert user_espaces(member.user) == []
    assert AuditLog.objects.filter(action="rattachement.detach", object_id=str(member.pk)).exists()


def test_the_last_gestionnaire_principal_cannot_be_removed(supplier) -> None:
    structure, manager = supplier
    own = Rattachement.objects.get(user=manager, structure=structure)
    with pytest.raises(StructureError, match="transmettre son rôle"):
        services.rattachement_detach(actor=manager, rattachement=own)
    with pytest.raises(StructureError, match="transmettre son rôle"):
        services.rattachement_withdraw(user=manager, rattachement=own)
    own.refresh_from_db()
    assert own.status == RattachementStatus.VALIDEE
    assert own.role == Role.GESTIONNAIRE_PRINCIPAL


def test_handover_swaps_the_roles_and_the_manager_espace(supplier) -> None:
    structure, manager = supplier
    member = member_add(structure)
    services.rattachement_handover(actor=manager, target=member)
    assert perms.can_manage_structure(member.user, structure)
    assert not perms.can_manage_structure(manager, structure)
    assert perms.is_member(manager, structure)
    assert perms.has_espace(member.user, structure, Espace.ACTIVITES_GESTIONNAIRE)
    assert not perms.has_espace(manager, structure, Espace.ACTIVITES_GESTIONNAIRE)
    assert "gestionnaire principal" in _emails_to(member.user.email)[0].subject


def test_handover_to_a_pending_or_inactive_user_is_refused(supplier) -> None:
    structure, manager = supplier
    pending = member_add(structure, status=RattachementStatus.EN_COURS_DE_VALIDATION)
    with pytest.raises(StructureError):
        services.rattachement_handover(actor=manager, target=pending)
    inactive = member_add(structure, is_active=False)
    with pytest.raises(StructureError, match="actif"):
        services.rattachement_handover(actor=manager, target=inactive)
    assert perms.can_manage_structure(manager, structure)


def test_copy_rights_replaces_the_target_rights_with_the_source(supplier) -> None:
    structure, manager = supplier
    service = ServiceFactory(structure=structure)
    source = member_add(structure)
    subscribe(source.user, structure, Espace.FACTURES_EMISES, AccessMode.CONSULTATION)
    subscribe(source.user, structure, Espace.SOLLICITATIONS_EMISES, AccessMode.MODIFICATION)
    source.services.add(service)
    target = member_add(structure)
    subscribe(target.user, structure, Espace.FACTURES_EMISES, AccessMode.MODIFICATION)
    services.rattachement_rights_copy(actor=manager, source=source, target=target)
    assert dict(
        EspaceSubscription.objects.filter(user=target.user).values_list("espace", "mode")
    ) == {
        Espace.FACTURES_EMISES: AccessMode.CONSULTATION,
        Espace.SOLLICITATIONS_EMISES: AccessMode.MODIFICATION,
    }
    assert list(target.services.all()) == [service]


def test_copy_rights_does_not_hand_out_the_manager_espace(supplier) -> None:
    structure, manager = supplier
    target = member_add(structure)
    own = Rattachement.objects.get(user=manager, structure=structure)
    services.rattachement_rights_copy(actor=manager, source=own, target=target)
    assert not perms.has_espace(target.user, structure, Espace.ACTIVITES_GESTIONNAIRE)
    assert perms.has_espace(target.user, structure, Espace.FACTURES_EMISES)


def test_operator_appoints_a_manager_when_the_previous_one_left(supplier) -> None:
    structure, manager = supplier
    manager.is_active = False
    manager.save()
    candidate = member_add(structure, status=RattachementStatus.EN_COURS_DE_VALIDATION)
    operator = UserFactory(is_staff=True)
    with pytest.raises(PermissionDenied):
        services.rattachement_appoint_manager(actor=candidate.user, rattachement=candidate)
    services.rattachement_appoint_manager(actor=operator, rattachement=candidate)
    candidate.refresh_from_db()
    assert candidate.role == Role.GESTIONNAIRE_PRINCIPAL
    assert candidate.status == RattachementStatus.VALIDEE
    assert Rattachement.objects.get(user=manager).role == Role.UTILISATEUR
    assert perms.can_manage_structure(candidate.user, structure)


def test_a_member_adds_factures_emises_himself_but_no_other_espace(supplier) -> None:
    structure, _ = supplier
    member = member_add(structure)
    services.espace_self_subscription_set(
        user=member.user,
        structure=structure,
        espace=Espace.FACTURES_EMISES,
        mode=AccessMode.MODIFICATION,
    )
    assert perms.has_espace(member.user, structure, Espace.FACTURES_EMISES, AccessMode.MODIFICATION)
    with pytest.raises(PermissionDenied):
        services.espace_self_subscription_set(
            user=member.user,
            structure=structure,
            espace=Espace.SOLLICITATIONS_EMISES,
            mode=AccessMode.MODIFICATION,
        )


def test_search_by_siret_part_or_exact_name_only(supplier) -> None:
    from choeur.structures.selectors import structure_search_for_rattachement

    structure, _ = supplier
    # Another identifier that shares all but the last digit (never the same one).
    last = "1" if structure.identifier.endswith("0") else "0"
    StructureFactory(
        raison_sociale="AUTRE", is_active=False, identifier=structure.identifier[:-1] + last
    )
    assert structure_search_for_rattachement(query=structure.identifier[2:8]) == [structure]
    assert structure_search_for_rattachement(query=structure.identifier[:2]) == []
    assert structure_search_for_rattachement(query=structure.raison_sociale.lower()) == [structure]
    assert structure_search_for_rattachement(query=structure.raison_sociale[:8]) == []
