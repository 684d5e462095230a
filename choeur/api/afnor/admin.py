"""The Flow Service's flows and subscriptions in the admin, read-only (their deliveries are the
notifications app's, in its own admin)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from choeur.api.afnor.models import Flow, FlowWebhook


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Flow)
class FlowAdmin(ReadOnly):
    list_display = ("flow_id", "structure", "flow_type", "direction", "ack_status", "updated_at")
    list_filter = ("flow_type", "direction", "ack_status")
    search_fields = ("flow_id", "tracking_id", "structure__identifier")
    raw_id_fields = ("structure", "flux", "change", "invoice", "original")


@admin.register(FlowWebhook)
class FlowWebhookAdmin(ReadOnly):
    list_display = ("webhook_id", "account", "flow_direction", "ack_status", "created_at")
    raw_id_fields = ("endpoint", "account")
