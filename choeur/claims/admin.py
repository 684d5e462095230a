from django.contrib import admin

from choeur.claims.models import Claim, TicQuantity


class TicQuantityInline(admin.TabularInline):  # type: ignore[type-arg]
    model = TicQuantity
    extra = 0
    readonly_fields = ["product", "quantity", "unit", "rate", "rate_unit", "amount"]
    can_delete = False


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["number", "kind", "supplier", "recipient", "created_at"]
    list_filter = ["kind"]
    search_fields = ["number", "supplier__raison_sociale", "recipient__raison_sociale"]
    raw_id_fields = ["flux", "invoice", "supplier", "recipient", "created_by"]
    inlines = [TicQuantityInline]
