"""Who may do what on a structure. Each predicate answers one business question (reference A.3,
B). Views and services both call them; other apps use `is_member`, `has_espace` and
`user_structures`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from choeur.structures.enums import AccessMode, Espace, RattachementStatus, Role
from choeur.structures.models import EspaceSubscription, Rattachement, Structure, StructureEspace


def _is_active_user(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def _validated_rattachement(user: Any, structure: Structure) -> Rattachement | None:
    if not _is_active_user(user):
        return None
    return Rattachement.objects.filter(
        user=user, structure=structure, status=RattachementStatus.VALIDEE
    ).first()


def user_structures(user: Any) -> QuerySet[Structure]:
    """The structures a user acts for: only those where his rattachement is validated.

    « Tout utilisateur doit être rattaché à sa structure pour utiliser les fonctionnalités »
    (A.3): a pending, refused or removed request gives access to nothing.
    """
    if not _is_active_user(user):
        return Structure.objects.none()
    return Structure.objects.filter(
        rattachements__user=user, rattachements__status=RattachementStatus.VALIDEE
    ).distinct()


def is_member(user: Any, structure: Structure) -> bool:
    """A user sees a structure's objects only once his rattachement to it is validated (A.3)."""
    return _validated_rattachement(user, structure) is not None


def can_manage_structure(user: Any, structure: Structure) -> bool:
    """Only the validated gestionnaire principal modifies the structure, approves rattachements,
    and manages users, espaces, services, bank details and technical accounts (A.3: « un
    utilisateur peut modifier et/ou consulter toutes les fonctionnalités sauf la modification de
    la structure »)."""
    rattachement = _validated_rattachement(user, structure)
    return rattachement is not None and rattachement.role == Role.GESTIONNAIRE_PRINCIPAL


def has_espace(
    user: Any, structure: Structure, espace: str, mode: str = AccessMode.CONSULTATION
) -> bool:
    """A user works in an espace of a structure only if the espace is open on the structure and he
    subscribes to it (B.4); Modification is needed to change anything, Consultation to read."""
    if not _is_active_user(user):
        return False
    # One query: a validated rattachement, the espace open, a subscription in the right mode.
    subscriptions = EspaceSubscription.objects.filter(
        user=user,
        structure=structure,
        espace=espace,
        structure__espaces__espace=espace,
        structure__espaces__is_open=True,
        structure__rattachements__user=user,
        structure__rattachements__status=RattachementStatus.VALIDEE,
    )
    if mode == AccessMode.MODIFICATION:
        subscriptions = subscriptions.filter(mode=AccessMode.MODIFICATION)
    return subscriptions.exists()


def can_view_structure(user: Any, structure: Structure) -> bool:
    """Every validated member consults his structure's record, services and bank details."""
    return is_member(user, structure)


def can_request_rattachement(user: Any) -> bool:
    """Any active person may ask to join structures; a technical (API) account may not, it belongs
    to the structure that created it (A.3)."""
    return _is_active_user(user) and not getattr(user, "is_technical", False)


def can_decide_rattachement(user: Any, rattachement: Rattachement) -> bool:
    """A simple user's request is approved or refused by the structure's gestionnaire principal
    (« Approbations », A.3)."""
    return can_manage_structure(user, rattachement.structure)


def can_withdraw_rattachement(user: Any, rattachement: Rattachement) -> bool:
    """A user may withdraw his own pending request, or leave a structure he is a simple member
    of; the gestionnaire principal must hand over his role first."""
    return (
        _is_active_user(user)
        and rattachement.user_id == user.pk
        and rattachement.status
        in (RattachementStatus.EN_COURS_DE_VALIDATION, RattachementStatus.VALIDEE)
        and not (
            rattachement.role == Role.GESTIONNAIRE_PRINCIPAL
            and rattachement.status == RattachementStatus.VALIDEE
        )
    )


def can_self_subscribe(user: Any, structure: Structure, espace: str) -> bool:
    """« Tout utilisateur peut ajouter ou retirer l'espace Factures émises sans validation »
    (B.4, v2.0); the other espaces are granted by the gestionnaire principal."""
    return (
        espace == Espace.FACTURES_EMISES
        and is_member(user, structure)
        and StructureEspace.objects.filter(
            structure=structure, espace=espace, is_open=True
        ).exists()
    )


def can_manage_technical_accounts(user: Any, structure: Structure) -> bool:
    """The compte technique is created, listed and renewed by the gestionnaire principal only:
    « seul le gestionnaire principal peut réinitialiser le mot de passe » (A.3)."""
    return can_manage_structure(user, structure)


def can_manage_bank_accounts(user: Any, structure: Structure) -> bool:
    """Bank details decide where the structure is paid: only its gestionnaire principal changes
    them (B.3)."""
    return can_manage_structure(user, structure)


def can_edit_public_parameters(user: Any, structure: Structure) -> bool:
    """Only a public structure has recipient parameters (code service, engagement, either one:
    C.5), and only its gestionnaire principal changes what suppliers must provide."""
    return structure.is_public and can_manage_structure(user, structure)


def can_view_engagements(user: Any, structure: Structure) -> bool:
    """Engagements juridiques are published by public structures; their members read them."""
    return structure.is_public and is_member(user, structure)


def can_manage_engagements(user: Any, structure: Structure) -> bool:
    """A public structure's buyers publish engagements: its gestionnaire principal, or a member
    with the « Engagements » espace in Modification (B.4)."""
    return structure.is_public and (
        can_manage_structure(user, structure)
        or has_espace(user, structure, Espace.ENGAGEMENTS, AccessMode.MODIFICATION)
    )


def can_view_history(user: Any, structure: Structure) -> bool:
    """The audit history (who changed what) of a structure's objects is shown to its managers."""
    return can_manage_structure(user, structure)


def can_appoint_manager(user: Any) -> bool:
    """When the gestionnaire principal has left, only the platform's support appoints a new one
    (A.3): a staff operator."""
    return _is_active_user(user) and bool(getattr(user, "is_staff", False))
