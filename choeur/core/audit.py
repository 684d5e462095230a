"""The audit log: services call `audit_log_write` in the transaction of the change."""

from __future__ import annotations

from typing import Any

from django.db import models

from choeur.core.models import AuditLog


def audit_log_write(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditLog:
    """Record one state change. `actor` is a user, or None for the platform itself."""
    entry = audit_log_entry(actor=actor, action=action, obj=obj, before=before, after=after)
    entry.save(force_insert=True)
    return entry


def audit_log_entry(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditLog:
    """The row `audit_log_write` saves, unsaved: for a service that writes many in one
    statement (`AuditLog.objects.bulk_create`), in the transaction of the changes."""
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditLog(
        actor=actor if is_user else None,
        actor_label=str(getattr(actor, "email", "") or actor or "système")[:254],
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        before=_jsonable(before),
        after=_jsonable(after),
    )


def _jsonable(data: dict[str, Any] | None) -> dict[str, Any] | None:
    if data is None:
        return None
    return {
        key: value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
        for key, value in data.items()
    }


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of `obj`, for the before/after of an audit row."""
    return {name: getattr(obj, name) for name in fields}
