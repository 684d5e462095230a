"""Helpers shared by the structures services."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from choeur.structures.enums import AccessMode, Espace
from choeur.structures.errors import StructureError
from choeur.structures.models import EspaceSubscription, Structure, StructureEspace


def require(allowed: bool) -> None:
    """Services check the same predicates as views: a forged request still gets nothing."""
    if not allowed:
        raise PermissionDenied


@contextmanager
def unique_or_error(message: str, *, field: str | None = None) -> Iterator[None]:
    """A row created twice at the same moment (two tabs, a double click) hits a database
    constraint: the loser gets the same clear message as a duplicate found beforehand."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise StructureError(message, field=field) from exc


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that changed, for a compact audit row."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


def notify(
    *,
    to: Any,
    subject: str,
    template: str,
    context: dict[str, Any],
    kind: str = "RATTACHEMENT",
    url: str = "",
) -> None:
    """Tell a user: in his « Notifications » list, and by email as he chose (the
    notifications app's `notify`, in the caller's transaction)."""
    from choeur.notifications.services import notify as notifications_notify

    if to is not None:
        notifications_notify(
            users=[to], kind=kind, title=str(subject), template=template, context=context, url=url
        )


def subscriptions_check(structure: Structure, subscriptions: dict[str, str]) -> dict[str, str]:
    """Keep {espace: mode} pairs with a known mode, on espaces open on the structure."""
    open_espaces = set(
        StructureEspace.objects.filter(structure=structure, is_open=True).values_list(
            "espace", flat=True
        )
    )
    clean: dict[str, str] = {}
    for espace, mode in subscriptions.items():
        if not mode:
            continue
        if espace not in Espace.values:
            raise StructureError(_("Espace inconnu : %(espace)s.") % {"espace": espace})
        if mode not in AccessMode.values:
            raise StructureError(_("Mode d'accès inconnu : %(mode)s.") % {"mode": mode})
        if espace not in open_espaces:
            raise StructureError(
                _("L'espace « %(label)s » n'est pas ouvert sur cette structure.")
                % {"label": Espace(espace).label}
            )
        clean[espace] = mode
    return clean


def subscriptions_replace(
    *, user: Any, structure: Structure, subscriptions: dict[str, str]
) -> None:
    """Make the user's subscriptions on the structure exactly `subscriptions`."""
    EspaceSubscription.objects.filter(user=user, structure=structure).exclude(
        espace__in=list(subscriptions)
    ).delete()
    for espace, mode in subscriptions.items():
        EspaceSubscription.objects.update_or_create(
            user=user, structure=structure, espace=espace, defaults={"mode": mode}
        )


def subscriptions_as_dict(*, user: Any, structure: Structure) -> dict[str, str]:
    return dict(
        EspaceSubscription.objects.filter(user=user, structure=structure)
        .order_by("espace")
        .values_list("espace", "mode")
    )


def espace_open(structure: Structure, espace: str) -> None:
    StructureEspace.objects.update_or_create(
        structure=structure, espace=espace, defaults={"is_open": True}
    )
