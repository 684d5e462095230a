"""Who sees and acts on a works invoice (reference B.4, C.3): the users of the supplier, of the
MOE and of the MOA named by the invoice's « fiche identité du marché », each through the espace
« Factures de travaux » of his structure (Consultation to read, Modification to act). A
structure's compte technique acts for it (A.3). Anyone else: the invoice does not exist (404).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from choeur.lifecycle.transitions import VALIDATION_LEVELS, Status
from choeur.structures import perms as structure_perms
from choeur.structures.enums import AccessMode, Espace
from choeur.structures.models import Structure, TechnicalAccount
from choeur.works.enums import WorksRole
from choeur.works.models import WorksInvoice

ROLE_FIELD = {
    WorksRole.FOURNISSEUR: "invoice__supplier_id",
    WorksRole.MOE: "moe_id",
    WorksRole.MOA: "moa_id",
}


def _active(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def works_structures(user: Any, mode: str = AccessMode.CONSULTATION) -> list[Structure]:
    """The structures whose « Factures de travaux » the user works in."""
    if not _active(user):
        return []
    found = [
        s
        for s in structure_perms.user_structures(user).order_by("raison_sociale")
        if structure_perms.has_espace(user, s, Espace.FACTURES_TRAVAUX, mode)
    ]
    own_id = _technical_of(user)
    if own_id is not None and all(s.pk != own_id for s in found):
        # A compte technique acts for its structure in the works circuit when the structure
        # has the espace open, or is a party of a works contract.
        own = Structure.objects.filter(pk=own_id).first()
        if own is not None and _works_party(own):
            found.append(own)
    return found


def _works_party(structure: Structure) -> bool:
    from choeur.structures.models import StructureEspace
    from choeur.works.models import WorksContract

    if StructureEspace.objects.filter(
        structure=structure, espace=Espace.FACTURES_TRAVAUX, is_open=True
    ).exists():
        return True
    return WorksContract.objects.filter(
        Q(supplier=structure) | Q(moe=structure) | Q(moa=structure)
    ).exists()


def _technical_of(user: Any) -> int | None:
    if not _active(user) or not getattr(user, "is_technical", False):
        return None
    return (
        TechnicalAccount.objects.filter(user=user, is_active=True)
        .values_list("structure_id", flat=True)
        .first()
    )


# A subcontractor's or co-contractor's projet still before its validators (the titulaire, the
# mandataire): not the MOE's nor the MOA's yet (nor the paying service's).
IN_VALIDATION: frozenset[str] = frozenset(
    status.value for statuses in VALIDATION_LEVELS.values() for status in statuses
) | {Status.DEPOSEE.value}


def scope(user: Any, role: str, mode: str = AccessMode.CONSULTATION) -> Q:
    """The works invoices `user` reads (or acts on, in Modification) in `role`."""
    ids = [s.pk for s in works_structures(user, mode)]
    if not ids:
        return Q(pk__in=[])
    condition = Q(**{f"{ROLE_FIELD[WorksRole(role)]}__in": ids})
    if role != WorksRole.FOURNISSEUR:
        condition &= ~Q(invoice__status__in=IN_VALIDATION)
    return condition


def roles_of(user: Any, works: WorksInvoice, mode: str = AccessMode.CONSULTATION) -> list[str]:
    """The roles in which `user` reads (or acts on) this works invoice."""
    ids = {s.pk for s in works_structures(user, mode)}
    roles = []
    if works.invoice.supplier_id in ids:
        roles.append(WorksRole.FOURNISSEUR.value)
    if works.invoice.status in IN_VALIDATION:
        return roles
    if works.moe_id is not None and works.moe_id in ids:
        roles.append(WorksRole.MOE.value)
    if works.moa_id in ids:
        roles.append(WorksRole.MOA.value)
    return roles


def can_act(user: Any, works: WorksInvoice, role: str) -> bool:
    """Acting in a role needs « Factures de travaux » in Modification on that party's structure."""
    return role in roles_of(user, works, AccessMode.MODIFICATION)


def can_manage_contracts(user: Any, structure: Structure) -> bool:
    """A fiche identité du marché is recorded by the paying structure or the MOA: « Factures de
    travaux » in Modification on it."""
    return structure_perms.has_espace(
        user, structure, Espace.FACTURES_TRAVAUX, AccessMode.MODIFICATION
    )
