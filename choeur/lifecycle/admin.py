from django.contrib import admin

from choeur.lifecycle.models import RecipientProcessing, StatusChangeDetail


@admin.register(RecipientProcessing)
class RecipientProcessingAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("invoice", "downloaded_at", "downloaded_by", "mandat_number")
    search_fields = ("invoice__number", "mandat_number")
    raw_id_fields = ("invoice", "downloaded_by")
    # Written only by the lifecycle services (each change has its audit row).
    readonly_fields = ("invoice", "downloaded_at", "downloaded_by", "mandat_number", "updated_at")


@admin.register(StatusChangeDetail)
class StatusChangeDetailAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("change", "actor_kind", "out_of_order", "mandat_number", "reason_code")
    list_filter = ("actor_kind", "out_of_order")
    search_fields = ("change__invoice__number", "mandat_number")
    readonly_fields = (
        "change",
        "actor_kind",
        "out_of_order",
        "skipped",
        "mandat_number",
        "reason_code",
    )

    def has_add_permission(self, request: object) -> bool:
        return False
