"""The operators' admin: search, filters, and each object's audit history on its page.

Changes made here write audit rows too; the gestionnaire principal is appointed by an action
that calls the same service as everywhere else (reference A.3: when the manager has left, only
the support appoints a new one).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from choeur.core.audit import audit_log_write
from choeur.structures import selectors, services
from choeur.structures.errors import StructureError
from choeur.structures.models import (
    BankAccount,
    EngagementJuridique,
    EspaceSubscription,
    Rattachement,
    Service,
    Structure,
    StructureEspace,
    TechnicalAccount,
)


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Shows the audit history on the change page and audits the operator's own changes."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "audit_history"] if obj is not None else fields

    @admin.display(description=_("Historique (journal d'audit)"))
    def audit_history(self, obj: Model) -> str:
        rows = list(selectors.audit_history(obj)[:100])
        if not rows:
            return "—"
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    f"{row.created_at:%d/%m/%Y %H:%M}",
                    row.actor_label,
                    row.action,
                    row.before or "",
                    row.after or "",
                )
                for row in rows
            ),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            _("Date"),
            _("Auteur"),
            _("Action"),
            _("Avant"),
            _("Après"),
            body,
        )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before: dict[str, Any] = {}
        if change and form.changed_data:
            for name in form.changed_data:
                before[name] = form.initial.get(name)
        super().save_model(request, obj, form, change)
        if change and not form.changed_data:
            return
        audit_log_write(
            actor=request.user,
            action="admin.change" if change else "admin.create",
            obj=obj,
            before=before or None,
            after={name: form.cleaned_data.get(name) for name in form.changed_data} or None,
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_log_write(
            actor=request.user, action="admin.delete", obj=obj, before={"objet": str(obj)}
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            audit_log_write(
                actor=request.user, action="admin.delete", obj=obj, before={"objet": str(obj)}
            )
        super().delete_queryset(request, queryset)


class ServiceInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Service
    extra = 0
    fields = ["code", "name", "is_active", "engagement_required"]
    show_change_link = True


class RattachementInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Rattachement
    extra = 0
    fk_name = "structure"
    fields = ["user", "role", "status", "created_at"]
    readonly_fields = ["user", "role", "status", "created_at"]
    show_change_link = True
    can_delete = False


class StructureEspaceInline(admin.TabularInline):  # type: ignore[type-arg]
    model = StructureEspace
    extra = 0


@admin.register(Structure)
class StructureAdmin(AuditedAdmin):
    list_display = [
        "raison_sociale",
        "identifier_type",
        "identifier",
        "kind",
        "is_public",
        "is_active",
        "ville",
    ]
    list_filter = [
        "is_public",
        "is_active",
        "identifier_type",
        "kind",
        "code_service_required",
        "engagement_required",
        "engagement_or_service_required",
    ]
    search_fields = ["raison_sociale", "identifier", "ville", "code_postal", "email"]
    readonly_fields = ["created_at", "updated_at", "insee_updated_at"]
    inlines = [RattachementInline, ServiceInline, StructureEspaceInline]


@admin.register(Service)
class ServiceAdmin(AuditedAdmin):
    list_display = ["code", "name", "structure", "is_active", "engagement_required"]
    list_filter = ["is_active", "engagement_required"]
    search_fields = ["code", "name", "structure__raison_sociale", "structure__identifier"]
    autocomplete_fields = ["structure"]


@admin.register(Rattachement)
class RattachementAdmin(AuditedAdmin):
    list_display = ["user", "structure", "role", "status", "created_at", "decided_at"]
    list_filter = ["status", "role"]
    search_fields = [
        "user__email",
        "user__last_name",
        "structure__raison_sociale",
        "structure__identifier",
    ]
    autocomplete_fields = ["structure"]
    raw_id_fields = ["user", "decided_by"]
    readonly_fields = ["created_at"]
    actions = ["appoint_manager"]

    @admin.action(description=_("Nommer gestionnaire principal de sa structure"))
    def appoint_manager(self, request: HttpRequest, queryset: QuerySet[Rattachement]) -> None:
        if queryset.count() != 1:
            self.message_user(
                request, _("Sélectionnez exactement un rattachement."), level=messages.ERROR
            )
            return
        rattachement = queryset.select_related("user", "structure").get()
        try:
            services.rattachement_appoint_manager(actor=request.user, rattachement=rattachement)
        except StructureError as exc:
            self.message_user(request, exc.message, level=messages.ERROR)
            return
        self.message_user(
            request,
            _("%(user)s est désormais gestionnaire principal de %(structure)s.")
            % {"user": rattachement.user.email, "structure": rattachement.structure.raison_sociale},
            level=messages.SUCCESS,
        )


@admin.register(EspaceSubscription)
class EspaceSubscriptionAdmin(AuditedAdmin):
    list_display = ["user", "structure", "espace", "mode"]
    list_filter = ["espace", "mode"]
    search_fields = ["user__email", "structure__raison_sociale", "structure__identifier"]
    autocomplete_fields = ["structure"]
    raw_id_fields = ["user"]


@admin.register(BankAccount)
class BankAccountAdmin(AuditedAdmin):
    list_display = ["label", "structure", "iban", "bic", "bank_name", "is_factor", "is_active"]
    list_filter = ["is_active", "is_factor"]
    search_fields = [
        "label",
        "holder",
        "iban",
        "bic",
        "structure__raison_sociale",
        "structure__identifier",
    ]
    autocomplete_fields = ["structure"]
    readonly_fields = ["iban", "bic", "bank_name", "created_at", "updated_at"]


@admin.register(TechnicalAccount)
class TechnicalAccountAdmin(AuditedAdmin):
    list_display = ["login", "structure", "is_active", "password_expires_at"]
    list_filter = ["is_active"]
    search_fields = ["user__email", "structure__raison_sociale", "structure__identifier"]
    date_hierarchy = "password_expires_at"
    readonly_fields = [
        "structure",
        "number",
        "user",
        "application",
        "password_changed_at",
        "password_expires_at",
        "reminder_sent_for",
        "created_by",
        "created_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Created by the gestionnaire principal only, who is shown the secrets once.
        return False


@admin.register(EngagementJuridique)
class EngagementJuridiqueAdmin(AuditedAdmin):
    list_display = ["number", "structure", "kind", "service", "amount_ht", "state", "date"]
    list_filter = ["state", "kind"]
    search_fields = [
        "number",
        "structure__raison_sociale",
        "structure__identifier",
        "supplier_identifier",
    ]
    autocomplete_fields = ["structure", "service"]
    date_hierarchy = "date"
