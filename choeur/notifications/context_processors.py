"""The unread count shown in the header, next to « Mon compte »."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest

from choeur.notifications.selectors import notification_unread_count


def unread(request: HttpRequest) -> dict[str, Any]:
    """A callable the template calls only when it shows the header, once (one COUNT)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def count() -> int:
        return notification_unread_count(user=user)

    return {"notifications_unread": count}
