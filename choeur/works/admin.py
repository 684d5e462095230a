from django.contrib import admin

from choeur.works.models import WorksContract, WorksContractMember, WorksDocument, WorksInvoice


class WorksContractMemberInline(admin.TabularInline):  # type: ignore[type-arg]
    """Read-only: members are added through `contract_member_add` (checks, audit row)."""

    model = WorksContractMember
    fk_name = "contract"
    extra = 0
    can_delete = False
    readonly_fields = ("structure", "kind", "under", "created_at")

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(WorksContract)
class WorksContractAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: a fiche is recorded through `contract_create` (its checks, its audit row)."""

    inlines = (WorksContractMemberInline,)

    list_display = ("label", "engagement", "supplier", "moe", "moa", "created_at")
    search_fields = ("label", "contract_number", "engagement__number", "supplier__identifier")
    raw_id_fields = ("engagement", "supplier", "moe", "moa")
    readonly_fields = (
        "engagement",
        "label",
        "contract_number",
        "supplier",
        "moe",
        "moe_service",
        "moa",
        "moa_service",
        "payer_service",
        "created_by",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(WorksInvoice)
class WorksInvoiceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("invoice", "cadre", "type_facture_travaux", "moe", "moa", "stage_started_at")
    list_filter = ("cadre", "type_facture_travaux")
    search_fields = ("invoice__number",)
    readonly_fields = (
        "invoice",
        "contract",
        "cadre",
        "type_facture_travaux",
        "moe",
        "moa",
        "stage_started_at",
        "downloaded_by_moe_at",
        "downloaded_by_moa_at",
        "created_at",
    )

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(WorksDocument)
class WorksDocumentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("number", "cadre", "role", "structure", "amount_ttc", "tacit", "created_at")
    list_filter = ("role", "tacit")
    search_fields = ("number", "works_invoice__invoice__number")
    readonly_fields = (
        "works_invoice",
        "cadre",
        "type_facture_travaux",
        "role",
        "structure",
        "number",
        "amount_ht",
        "amount_ttc",
        "comment",
        "file",
        "file_name",
        "tacit",
        "created_by",
        "created_at",
    )

    def has_add_permission(self, request: object) -> bool:
        return False
