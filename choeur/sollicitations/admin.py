"""The referential of catégories and sous-catégories is edited by operators here; tickets are
shown read-only (they change only through their thread, in the pages)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from choeur.sollicitations.models import Category, Message, Sollicitation, SubCategory


class SubCategoryInline(admin.TabularInline):  # type: ignore[type-arg]
    model = SubCategory
    extra = 1
    fields = ["code", "label", "routing", "offered_logged_out", "is_active", "position"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["label", "code", "is_active", "position"]
    list_editable = ["is_active", "position"]
    search_fields = ["label", "code"]
    inlines = [SubCategoryInline]


@admin.register(SubCategory)
class SubCategoryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["label", "code", "category", "routing", "offered_logged_out", "is_active"]
    list_filter = ["category", "routing", "offered_logged_out", "is_active"]
    search_fields = ["label", "code"]


class MessageInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Message
    extra = 0
    fields = ("created_at", "kind", "side", "author_label", "body")
    readonly_fields = fields
    can_delete = False


@admin.register(Sollicitation)
class SollicitationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["number", "title", "status", "to_support", "recipient_structure", "created_at"]
    list_filter = ["status", "to_support", "subcategory__category"]
    search_fields = ["number", "title", "sender_email", "sender_user__email"]
    inlines = [MessageInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
