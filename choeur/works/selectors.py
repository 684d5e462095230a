"""Reads of « Factures de travaux »: a user sees the works invoices of his roles only; any
other answers 404."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from choeur.structures.enums import AccessMode
from choeur.works import perms
from choeur.works.enums import WorksRole
from choeur.works.models import WorksContract, WorksInvoice


def visible(user: Any) -> Q:
    condition = Q(pk__in=[])
    for role in WorksRole:
        condition |= perms.scope(user, role)
    return condition


def works_list(user: Any, role: str, *, status: str = "") -> QuerySet[WorksInvoice]:
    rows = (
        WorksInvoice.objects.filter(perms.scope(user, role))
        .select_related("invoice", "invoice__supplier", "invoice__recipient", "contract")
        .order_by("-invoice__created_at", "-pk")
    )
    if status:
        rows = rows.filter(invoice__status=status)
    return rows


def works_get(*, user: Any, invoice_id: int) -> WorksInvoice:
    found = (
        WorksInvoice.objects.filter(visible(user), invoice_id=invoice_id)
        .select_related(
            "invoice",
            "invoice__supplier",
            "invoice__recipient",
            "invoice__service",
            "contract",
            "contract__engagement",
            "moe",
            "moa",
        )
        .first()
    )
    if found is None:
        raise Http404("Facture de travaux introuvable.")
    return found


def roles_available(user: Any) -> list[str]:
    """The roles whose tab the user sees: those of the structures of his espace."""
    structures = perms.works_structures(user, AccessMode.CONSULTATION)
    if not structures:
        return []
    ids = [s.pk for s in structures]
    roles = [WorksRole.FOURNISSEUR.value]
    if WorksContract.objects.filter(moe_id__in=ids).exists():
        roles.append(WorksRole.MOE.value)
    if any(s.is_moa or s.is_moa_only for s in structures) or (
        WorksContract.objects.filter(moa_id__in=ids).exists()
    ):
        roles.append(WorksRole.MOA.value)
    return roles


def contracts_of(user: Any) -> QuerySet[WorksContract]:
    ids = [s.pk for s in perms.works_structures(user)]
    return (
        WorksContract.objects.filter(
            Q(supplier_id__in=ids)
            | Q(moe_id__in=ids)
            | Q(moa_id__in=ids)
            | Q(engagement__structure_id__in=ids)
            | Q(members__structure_id__in=ids)
        )
        .select_related("engagement", "engagement__structure", "supplier", "moe", "moa")
        .distinct()
    )
