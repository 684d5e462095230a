"""Who may see and act on a sollicitation. Each predicate answers one business question
(reference D, B.4); views and services both call them. Espace checks come from
`choeur.structures.perms` (rattachement VALIDEE + espace open on the structure + subscription).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from choeur.sollicitations.enums import Action, Side, Status
from choeur.sollicitations.models import Sollicitation
from choeur.sollicitations.transitions import rule_for
from choeur.structures.enums import AccessMode, Espace, RattachementStatus, Role
from choeur.structures.models import Rattachement, Structure
from choeur.structures.perms import has_espace


def _is_active_user(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_support_agent(user: Any) -> bool:
    """Platform operators (staff) are the platform's support: they handle the tickets sent or
    transferred to support (reference D: « transférer au support Chorus Pro »)."""
    return _is_active_user(user) and bool(getattr(user, "is_staff", False))


def structures_with_espace(
    user: Any, espace: str, mode: str = AccessMode.CONSULTATION
) -> QuerySet[Structure]:
    """The structures where `user` works in `espace` (at least in `mode`): the queryset form of
    `has_espace`, for the list pages."""
    if not _is_active_user(user):
        return Structure.objects.none()
    modes = [AccessMode.MODIFICATION] if mode == AccessMode.MODIFICATION else list(AccessMode)
    return (
        Structure.objects.filter(
            pk__in=Structure.objects.filter(
                rattachements__user=user, rattachements__status=RattachementStatus.VALIDEE
            ).values("pk")
        )
        .filter(
            pk__in=Structure.objects.filter(espaces__espace=espace, espaces__is_open=True).values(
                "pk"
            )
        )
        .filter(
            pk__in=Structure.objects.filter(
                espace_subscriptions__user=user,
                espace_subscriptions__espace=espace,
                espace_subscriptions__mode__in=modes,
            ).values("pk")
        )
    )


def service_scope(user: Any, structure: Structure) -> Q:
    """The structure's tickets the user handles. As for received invoices (B.2), once a
    structure uses services each agent works on the tickets of his services and those addressed
    to no service; the gestionnaire principal covers them all."""
    everything = Q(recipient_structure=structure)
    if not structure.services.exists():
        return everything
    rattachement = Rattachement.objects.filter(
        user=user, structure=structure, status=RattachementStatus.VALIDEE
    ).first()
    if rattachement is None:
        return Q(pk__in=[])
    if rattachement.role == Role.GESTIONNAIRE_PRINCIPAL:
        return everything
    return everything & (
        Q(recipient_service__isnull=True)
        | Q(recipient_service__in=rattachement.services.values("pk"))
    )


def received_scope(user: Any, mode: str = AccessMode.CONSULTATION) -> Q:
    """Every ticket the user sees (or, in Modification, handles) on the receiving side: his
    structures' in « Sollicitations reçues », within his services, and support's for operators."""
    condition = Q(pk__in=[])
    for structure in structures_with_espace(user, Espace.SOLLICITATIONS_RECUES, mode):
        condition |= service_scope(user, structure)
    if is_support_agent(user):
        condition |= Q(to_support=True)
    return condition & ~Q(status=Status.BROUILLON)


def _covers(user: Any, sollicitation: Sollicitation, mode: str) -> bool:
    if sollicitation.status == Status.BROUILLON:
        return False
    if sollicitation.to_support:
        return is_support_agent(user)
    structure = sollicitation.recipient_structure
    if structure is None or not has_espace(user, structure, Espace.SOLLICITATIONS_RECUES, mode):
        return False
    return Sollicitation.objects.filter(
        service_scope(user, structure), pk=sollicitation.pk
    ).exists()


def can_create(user: Any, structure: Structure) -> bool:
    """A user sends sollicitations for a structure when he works there in « Sollicitations
    émises » in Modification (B.4: the espace is open to every new account)."""
    return has_espace(user, structure, Espace.SOLLICITATIONS_EMISES, AccessMode.MODIFICATION)


def can_view_as_sender(user: Any, sollicitation: Sollicitation) -> bool:
    """A ticket belongs to the structure that sent it: its members in « Sollicitations émises »
    follow it, the author included; a logged-out ticket is followed by email only."""
    structure = sollicitation.sender_structure
    return structure is not None and has_espace(user, structure, Espace.SOLLICITATIONS_EMISES)


def can_act_as_sender(user: Any, sollicitation: Sollicitation) -> bool:
    """Adding information, sending back or closing changes the ticket: Modification needed."""
    structure = sollicitation.sender_structure
    return structure is not None and has_espace(
        user, structure, Espace.SOLLICITATIONS_EMISES, AccessMode.MODIFICATION
    )


def can_view_as_recipient(user: Any, sollicitation: Sollicitation) -> bool:
    """The receiving side sees a sent ticket: support tickets the operators, others the members
    of the recipient structure in « Sollicitations reçues », within their services. A draft is
    the sender's alone."""
    return _covers(user, sollicitation, AccessMode.CONSULTATION)


def can_act_as_recipient(user: Any, sollicitation: Sollicitation) -> bool:
    """Reference D: an agent handles a ticket only with « Sollicitations reçues modification »."""
    return _covers(user, sollicitation, AccessMode.MODIFICATION)


def can_view(user: Any, sollicitation: Sollicitation) -> bool:
    """Outsiders never see a ticket: only its two sides do."""
    return can_view_as_sender(user, sollicitation) or can_view_as_recipient(user, sollicitation)


def can_take_action(user: Any, sollicitation: Sollicitation, action: str, side: str) -> bool:
    """The transition table allows `action` to `side` in the ticket's status, the user acts for
    that side, and, for the agent's answers, the ticket is assigned to him (reference D: « il
    faut d'abord s'affecter le ticket »)."""
    rule = rule_for(sollicitation.status, action, side)
    if rule is None:
        return False
    if side == Side.SENDER:
        return can_act_as_sender(user, sollicitation)
    if not can_act_as_recipient(user, sollicitation):
        return False
    if rule.assignee_only and sollicitation.assignee_id != user.pk:
        return False
    if (
        action == Action.ASSIGN
        and sollicitation.assignee_id == user.pk
        and (sollicitation.status == Status.AFFECTE)
    ):
        # Already his: taking it again would change nothing.
        return False
    # Support is the last stop: a support ticket cannot be transferred to support.
    return not (action == Action.TRANSFER and sollicitation.to_support)


def can_download_attachment(user: Any, sollicitation: Sollicitation) -> bool:
    """An attachment is as private as its ticket."""
    return can_view(user, sollicitation)
