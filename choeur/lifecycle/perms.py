"""Who may see and process a received invoice (reference B.2, B.4, C.10).

Each predicate answers one business question. Selectors use `received_scope` to filter lists,
the service uses `can_process` before any write.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from choeur.invoices.models import Invoice
from choeur.structures import perms as structure_perms
from choeur.structures.enums import AccessMode, Espace, RattachementStatus, Role
from choeur.structures.models import Rattachement, Service, Structure


def _active(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def structure_uses_services(structure: Structure) -> bool:
    """A structure « uses services » once it has declared at least one (B.2: services are
    optional). Then each user works only on the invoices of the services he is attached to."""
    return Service.objects.filter(structure=structure).exists()


def _service_condition(user: Any, structure: Structure) -> Q | None:
    """None: every invoice of the structure. Otherwise the invoices the user's services cover.

    The gestionnaire principal manages every service, so he sees them all (A.3). Invoices that
    name no service belong to the whole structure.
    """
    if not structure_uses_services(structure):
        return None
    rattachement = Rattachement.objects.filter(
        user=user, structure=structure, status=RattachementStatus.VALIDEE
    ).first()
    if rattachement is None:
        return Q(pk__in=[])
    if rattachement.role == Role.GESTIONNAIRE_PRINCIPAL:
        return None
    service_ids = list(rattachement.services.values_list("pk", flat=True))
    return Q(service__isnull=True) | Q(service_id__in=service_ids)


def _technical_structure_id(user: Any) -> int | None:
    """The structure whose compte technique `user` is (None for a person). A technical account
    acts for its whole structure (A.3): it receives what the structure receives, every service
    included, those created after it too, without being attached to each of them."""
    if not _active(user) or not getattr(user, "is_technical", False):
        return None
    from choeur.structures.models import TechnicalAccount

    return (
        TechnicalAccount.objects.filter(user=user, is_active=True)
        .values_list("structure_id", flat=True)
        .first()
    )


def received_scope(user: Any, mode: str = AccessMode.CONSULTATION) -> Q:
    """The received invoices `user` may see (or, in Modification, process): those of the
    structures where he has the espace « Factures reçues », restricted to his services; for a
    compte technique, every invoice its own structure receives."""
    if not _active(user):
        return Q(pk__in=[])
    condition = Q(pk__in=[])
    technical = _technical_structure_id(user)
    if technical is not None:
        condition |= Q(recipient_id=technical)
    for structure in structure_perms.user_structures(user):
        if not structure_perms.has_espace(user, structure, Espace.FACTURES_RECUES, mode):
            continue
        services = _service_condition(user, structure)
        part = Q(recipient=structure)
        condition |= part if services is None else part & services
    return condition


def recipient_structures(user: Any) -> list[Structure]:
    """The structures whose received invoices the user reads (espace « Factures reçues »; for a
    compte technique, its own structure when it is a public one, the only ones receiving)."""
    if not _active(user):
        return []
    technical = _technical_structure_id(user)
    return [
        s
        for s in structure_perms.user_structures(user).order_by("raison_sociale")
        if (s.pk == technical and s.is_public)
        or structure_perms.has_espace(user, s, Espace.FACTURES_RECUES, AccessMode.CONSULTATION)
    ]


def _covers(user: Any, invoice: Invoice, mode: str) -> bool:
    if not _active(user):
        return False
    if _technical_structure_id(user) == invoice.recipient_id:
        return True
    if not structure_perms.has_espace(user, invoice.recipient, Espace.FACTURES_RECUES, mode):
        return False
    services = _service_condition(user, invoice.recipient)
    return services is None or Invoice.objects.filter(services, pk=invoice.pk).exists()


def can_view_received(user: Any, invoice: Invoice) -> bool:
    """A received invoice is read by the recipient's users with « Factures reçues » (Consultation
    or Modification), attached to its service when the structure uses services."""
    return _covers(user, invoice, AccessMode.CONSULTATION)


def can_process(user: Any, invoice: Invoice) -> bool:
    """Changing a received invoice's status needs « Factures reçues » in Modification (B.4) on
    the recipient structure, and the invoice's service when the structure uses services. The
    accountant's statuses, when sent through a technical account of the recipient, pass the
    same check."""
    return _covers(user, invoice, AccessMode.MODIFICATION)


def can_act_as_supplier(user: Any, invoice: Invoice) -> bool:
    """« Compléter » and « Recycler » are the supplier's: espace « Factures émises » in
    Modification on the supplier structure, or its compte technique (the invoices app's rule)."""
    from choeur.invoices import perms as invoice_perms

    return _active(user) and invoice_perms.can_act_on_sent(user, invoice.supplier)
