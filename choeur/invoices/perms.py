"""Who may do what with invoices. Each predicate answers one business question (reference B.4, C)."""

from __future__ import annotations

from typing import Any

from choeur.structures import perms as structure_perms
from choeur.structures.enums import AccessMode, Espace
from choeur.structures.models import Structure


def can_deposit(user: Any, structure: Structure) -> bool:
    """Depositing for a structure needs the espace « Factures émises » in Modification on it (B.4),
    or being the structure's own compte technique (the API's depositor, A.3)."""
    if structure_perms.has_espace(user, structure, Espace.FACTURES_EMISES, AccessMode.MODIFICATION):
        return True
    return _is_technical_account_of(user, structure)


def can_view_sent(user: Any, structure: Structure) -> bool:
    """« Factures émises » and « Suivi des flux » of a structure are read by its members who
    subscribe to the espace, in Consultation or Modification."""
    if structure_perms.has_espace(user, structure, Espace.FACTURES_EMISES, AccessMode.CONSULTATION):
        return True
    return _is_technical_account_of(user, structure)


def can_act_on_sent(user: Any, structure: Structure) -> bool:
    """Compléter, Recycler and Traiter le rejet change an invoice: Modification is needed (B.4)."""
    return can_deposit(user, structure)


def _is_technical_account_of(user: Any, structure: Structure) -> bool:
    if user is None or not getattr(user, "is_technical", False) or not user.is_active:
        return False
    from choeur.structures.models import TechnicalAccount

    return TechnicalAccount.objects.filter(user=user, structure=structure, is_active=True).exists()


def sendable_structures(user: Any) -> list[Structure]:
    """The structures the user may deposit for (the « structure émettrice » choices)."""
    return [
        s
        for s in structure_perms.user_structures(user).order_by("raison_sociale")
        if can_deposit(user, s)
    ]


def readable_structures(user: Any) -> list[Structure]:
    """The structures whose sent invoices the user may read."""
    return [
        s
        for s in structure_perms.user_structures(user).order_by("raison_sociale")
        if can_view_sent(user, s)
    ]
