"""Operators' view of accounts. Secrets (password, security answer, link hashes) never show."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from choeur.accounts.models import AccountToken, PendingRegistration, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):  # type: ignore[type-arg]
    ordering = ["email"]
    list_display = ["email", "last_name", "first_name", "is_active", "activated_at", "last_login"]
    list_filter = ["is_active", "is_staff", "is_technical"]
    search_fields = ["email", "last_name", "first_name", "contact_email"]
    readonly_fields = ["activated_at", "last_login", "date_joined", "security_question"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            "Informations personnelles",
            {"fields": ("last_name", "first_name", "phone", "contact_email", "security_question")},
        ),
        ("État", {"fields": ("is_active", "activated_at", "last_login", "date_joined")}),
        ("Droits", {"fields": ("is_staff", "is_superuser", "is_technical", "groups")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class _ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PendingRegistration)
class PendingRegistrationAdmin(_ReadOnly):
    list_display = [
        "email",
        "identifier_type",
        "identifier",
        "created_at",
        "completed_at",
        "replaced_at",
    ]
    list_filter = ["identifier_type"]
    search_fields = ["email", "identifier"]
    exclude = ["data"]


@admin.register(AccountToken)
class AccountTokenAdmin(_ReadOnly):
    list_display = [
        "purpose",
        "user",
        "registration",
        "created_at",
        "expires_at",
        "used_at",
        "revoked_at",
    ]
    list_filter = ["purpose"]
    exclude = ["token_hash"]
