from django.contrib import admin

from choeur.notifications.models import Notification, NotificationPreference, OutboxEmail


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["created_at", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "template"]
    search_fields = ["subject", "to"]
    readonly_fields = [f.name for f in OutboxEmail._meta.fields]


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
