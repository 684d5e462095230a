"""The login as django-axes counts it: one spelling per account (issue 16).

The lookup is case-insensitive (`UserManager.get_by_natural_key`), so axes must count
NAME@Example.org and name@example.org as the same login, or every spelling gets its own 5 tries
and a locked account still logs in with capitals.
"""

from __future__ import annotations

from typing import Any


def login_normalize(value: object) -> str:
    return str(value or "").strip().lower()


def axes_username(request: Any, credentials: dict[str, Any] | None = None) -> str:
    """AXES_USERNAME_CALLABLE: the same normalised login for counting, lockout and reset."""
    from django.conf import settings

    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials and credentials.get(field) is not None:
        return login_normalize(credentials.get(field))
    data = getattr(request, "data", None) or getattr(request, "POST", {})
    return login_normalize(data.get(field, "") if data else "")
