from typing import Any

from django.contrib import admin

from choeur.notifications.models import (
    Notification,
    NotificationPreference,
    OutboxEmail,
    ReceivedInvoices,
)
from choeur.notifications.webhook_models import WebhookDelivery, WebhookEndpoint


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["created_at", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "template"]
    search_fields = ["subject", "to"]
    readonly_fields = [f.name for f in OutboxEmail._meta.fields]


@admin.register(ReceivedInvoices)
class ReceivedInvoicesAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The counts waiting for the recipients' « nouvelles factures reçues » email (read only:
    the beat task sends and deletes them)."""

    list_display = ["created_at", "email", "supplier", "count"]
    search_fields = ["email", "supplier"]
    readonly_fields = [f.name for f in ReceivedInvoices._meta.fields]

    def has_add_permission(self, request: Any) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["created_at", "user", "kind", "title", "delivery", "read_at", "digested_at"]
    list_filter = ["kind", "delivery"]
    search_fields = ["title", "user__email"]
    readonly_fields = [f.name for f in Notification._meta.fields]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["user", "kind", "choice", "updated_at"]
    list_filter = ["kind", "choice"]
    search_fields = ["user__email"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["url", "structure", "active", "failing_since", "disabled_at"]
    list_filter = ["active"]
    search_fields = ["url", "structure__raison_sociale", "structure__identifier"]
    # The signing secret is never shown again, not even here.
    exclude = ["secret"]
    readonly_fields = [f.name for f in WebhookEndpoint._meta.fields if f.name != "secret"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["pk", "endpoint", "event", "status", "attempts", "last_status_code"]
    list_filter = ["status", "event"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
