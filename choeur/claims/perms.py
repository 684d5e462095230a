"""Who deposits, reads and processes mémoires de frais de justice and demandes de remboursement
TIC (reference B.4, C.3). Each kind has its espace: the depositor works in it on his own
structure, the recipient on a public structure flagged as receiving that kind. Processing a
request is processing a received invoice: the recipient also needs « Factures reçues » (the
lifecycle's rule, with its services). Anyone else: the request does not exist (404)."""

from __future__ import annotations

from typing import Any

from choeur.claims.enums import ESPACE_OF_KIND, RECIPIENT_FLAG
from choeur.invoices import perms as invoice_perms
from choeur.structures import perms as structure_perms
from choeur.structures.enums import AccessMode
from choeur.structures.models import Structure


def _active(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def _with_espace(user: Any, kind: str, mode: str) -> list[Structure]:
    if not _active(user):
        return []
    espace = ESPACE_OF_KIND[kind]
    return [
        s
        for s in structure_perms.user_structures(user).order_by("raison_sociale")
        if structure_perms.has_espace(user, s, espace, mode)
    ]


def depositor_structures(
    user: Any, kind: str, mode: str = AccessMode.CONSULTATION
) -> list[Structure]:
    """The structures whose requests of `kind` the user reads (Consultation) or deposits
    (Modification): the kind's espace on them. Public structures receiving the kind are on the
    other side of the espace, not depositors."""
    return [s for s in _with_espace(user, kind, mode) if not getattr(s, RECIPIENT_FLAG[kind])]


def recipient_structures(
    user: Any, kind: str, mode: str = AccessMode.CONSULTATION
) -> list[Structure]:
    """The public structures flagged as receiving `kind` where the user has the kind's espace."""
    return [
        s
        for s in _with_espace(user, kind, mode)
        if s.is_public and getattr(s, RECIPIENT_FLAG[kind])
    ]


def can_deposit(user: Any, structure: Structure, kind: str) -> bool:
    """Depositing a request of `kind` for a structure needs its espace in Modification, and, as
    every deposit makes a flux, the structure's right to deposit payment requests (« Factures
    émises » in Modification, invoices.perms.can_deposit)."""
    return structure in depositor_structures(
        user, kind, AccessMode.MODIFICATION
    ) and invoice_perms.can_deposit(user, structure)


def can_process(user: Any, structure: Structure, kind: str) -> bool:
    """Processing needs the kind's espace in Modification on the recipient structure (the
    lifecycle then checks « Factures reçues » in Modification and the services)."""
    return structure in recipient_structures(user, kind, AccessMode.MODIFICATION)
