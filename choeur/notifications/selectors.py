"""Reads of a user's own notifications: another user's are simply not found."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet

from choeur.notifications.enums import NotificationKind
from choeur.notifications.models import Notification, NotificationPreference
from choeur.notifications.perms import KindRule, effective_choice, kind_rule, managed_user_ids


def notification_list_for_user(*, user: Any) -> QuerySet[Notification]:
    """Unread first, then the newest."""
    return Notification.objects.filter(user=user).order_by(
        F("read_at").desc(nulls_first=True), "-created_at", "-pk"
    )


def notification_unread_count(*, user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def preferences_for_user(*, user: Any) -> list[tuple[KindRule, str]]:
    """Each kind with its rule and the choice that applies now."""
    stored = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "choice"))
    is_manager = bool(managed_user_ids([user.pk]))
    return [
        (rule, effective_choice(rule.kind, stored.get(rule.kind), is_manager=is_manager).value)
        for rule in (kind_rule(kind, is_manager=is_manager) for kind in NotificationKind)
    ]
