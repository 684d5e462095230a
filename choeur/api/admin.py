from django.contrib import admin

from choeur.api.models import UploadedPiece


@admin.register(UploadedPiece)
class UploadedPieceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "user", "created_at"]
    search_fields = ["name", "user__email"]
    raw_id_fields = ["user", "file"]
    readonly_fields = ["user", "file", "name", "content_type", "created_at"]
