from django.contrib import admin

from choeur.invoices.models import Attachment, Flux, Invoice, InvoiceDraft, InvoiceStatusChange


@admin.register(Flux)
class FluxAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["numero", "supplier", "mode_depot", "status", "created_at"]
    list_filter = ["status", "mode_depot"]
    search_fields = ["numero", "filename"]
    raw_id_fields = ["depositor", "supplier", "original", "form_data"]


class StatusChangeInline(admin.TabularInline):  # type: ignore[type-arg]
    model = InvoiceStatusChange
    extra = 0
    readonly_fields = ["from_status", "to_status", "actor", "actor_label", "reason", "created_at"]
    can_delete = False


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["number", "supplier", "recipient", "status", "total_ttc", "created_at"]
    list_filter = ["status", "cadre", "type"]
    search_fields = ["number", "supplier__identifier", "recipient__identifier"]
    raw_id_fields = [
        "flux",
        "supplier",
        "recipient",
        "service",
        "main_document",
        "xml",
        "deposited_by",
    ]
    inlines = [StatusChangeInline]


@admin.register(InvoiceDraft)
class InvoiceDraftAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["pk", "supplier", "number", "status", "updated_at"]
    raw_id_fields = ["supplier", "created_by", "submitted_flux"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "invoice", "kind", "created_at"]
    raw_id_fields = ["invoice", "draft", "flux", "file", "added_by"]
