from django.contrib import admin

from choeur.notifications.models import OutboxEmail


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["created_at", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "template"]
    search_fields = ["subject", "to"]
    readonly_fields = [f.name for f in OutboxEmail._meta.fields]
