"""Which delivery choices a user may make for each kind of notification, and why not."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from choeur.notifications.enums import (
    ALWAYS_IMMEDIATE_KINDS,
    INVOICING_KINDS,
    Delivery,
    NotificationKind,
)

MANAGER_REASON = _(
    "En tant que gestionnaire principal d'une structure, vous ne pouvez pas désactiver les "
    "courriels de facturation ; vous pouvez les recevoir en un résumé par jour."
)
ACCOUNT_REASON = _(
    "Les courriels liés à votre compte et à sa sécurité sont toujours envoyés immédiatement."
)


@dataclass(frozen=True)
class KindRule:
    kind: NotificationKind
    allowed: frozenset[Delivery]
    reason: str  # why some choices are not allowed; empty when all are

    @property
    def locked(self) -> bool:
        """Only one choice: the whole question is shown disabled."""
        return len(self.allowed) == 1


def managed_user_ids(user_ids: Iterable[int]) -> set[int]:
    """Those of `user_ids` who are gestionnaire principal of a structure (validated)."""
    from choeur.structures.enums import RattachementStatus, Role
    from choeur.structures.models import Rattachement

    return set(
        Rattachement.objects.filter(
            user_id__in=list(user_ids),
            role=Role.GESTIONNAIRE_PRINCIPAL,
            status=RattachementStatus.VALIDEE,
        ).values_list("user_id", flat=True)
    )


def kind_rule(kind: str, *, is_manager: bool) -> KindRule:
    """Reference A.2: a gestionnaire principal cannot turn off « Notification Facturation »;
    account and security emails are never optional nor delayed."""
    kind = NotificationKind(kind)
    if kind in ALWAYS_IMMEDIATE_KINDS:
        return KindRule(kind, frozenset({Delivery.IMMEDIATE}), str(ACCOUNT_REASON))
    if kind in INVOICING_KINDS and is_manager:
        return KindRule(
            kind, frozenset({Delivery.IMMEDIATE, Delivery.DAILY_DIGEST}), str(MANAGER_REASON)
        )
    return KindRule(kind, frozenset(Delivery), "")


def effective_choice(kind: str, stored: str | None, *, is_manager: bool) -> Delivery:
    """The stored choice when still allowed, else immediate delivery: a user made gestionnaire
    principal after turning invoicing emails off gets them again."""
    rule = kind_rule(kind, is_manager=is_manager)
    if stored is not None and Delivery(stored) in rule.allowed:
        return Delivery(stored)
    return Delivery.IMMEDIATE
