from __future__ import annotations

import pytest

from choeur.structures import perms
from choeur.structures.enums import AccessMode, Espace, RattachementStatus
from choeur.structures.models import StructureEspace
from tests.structures.factories import UserFactory, member_add, subscribe

pytestmark = pytest.mark.django_db


def test_consultation_reads_but_does_not_modify(supplier) -> None:
    structure, _ = supplier
    member = member_add(structure)
    subscribe(member.user, structure, Espace.FACTURES_EMISES, AccessMode.CONSULTATION)
    assert perms.has_espace(member.user, structure, Espace.FACTURES_EMISES, AccessMode.CONSULTATION)
    assert not perms.has_espace(
        member.user, structure, Espace.FACTURES_EMISES, AccessMode.MODIFICATION
    )
    subscribe(member.user, structure, Espace.FACTURES_EMISES, AccessMode.MODIFICATION)
    assert perms.has_espace(member.user, structure, Espace.FACTURES_EMISES, AccessMode.CONSULTATION)
    assert perms.has_espace(member.user, structure, Espace.FACTURES_EMISES, AccessMode.MODIFICATION)


def test_a_closed_espace_grants_nothing(supplier) -> None:
    structure, manager = supplier
    StructureEspace.objects.filter(structure=structure, espace=Espace.FACTURES_EMISES).update(
        is_open=False
    )
    assert not perms.has_espace(manager, structure, Espace.FACTURES_EMISES)


@pytest.mark.parametrize(
    "status",
    [
        RattachementStatus.EN_COURS_DE_VALIDATION,
        RattachementStatus.REFUSEE,
        RattachementStatus.DESACTIVEE,
        RattachementStatus.SUPPRIMEE,
    ],
)
def test_only_a_validated_rattachement_gives_access(supplier, status) -> None:
    structure, _ = supplier
    rattachement = member_add(structure, status=status)
    subscribe(rattachement.user, structure, Espace.FACTURES_EMISES)
    assert not perms.is_member(rattachement.user, structure)
    assert list(perms.user_structures(rattachement.user)) == []
    assert not perms.has_espace(rattachement.user, structure, Espace.FACTURES_EMISES)


def test_an_inactive_account_loses_every_right(supplier) -> None:
    structure, manager = supplier
    manager.is_active = False
    manager.save()
    assert not perms.is_member(manager, structure)
    assert not perms.can_manage_structure(manager, structure)
    assert list(perms.user_structures(manager)) == []


def test_only_the_manager_manages(supplier) -> None:
    structure, manager = supplier
    member = member_add(structure)
    assert perms.can_manage_structure(manager, structure)
    assert not perms.can_manage_structure(member.user, structure)
    assert not perms.can_manage_structure(UserFactory(), structure)
    assert perms.can_view_structure(member.user, structure)
    assert not perms.can_view_history(member.user, structure)


def test_a_technical_user_cannot_ask_for_a_rattachement() -> None:
    assert perms.can_request_rattachement(UserFactory())
    assert not perms.can_request_rattachement(UserFactory(is_technical=True))


def test_operators_appoint_managers() -> None:
    assert perms.can_appoint_manager(UserFactory(is_staff=True))
    assert not perms.can_appoint_manager(UserFactory())


def test_has_espace_costs_one_query(supplier, django_assert_num_queries) -> None:
    structure, manager = supplier
    with django_assert_num_queries(1):
        assert perms.has_espace(manager, structure, Espace.FACTURES_EMISES, AccessMode.MODIFICATION)
