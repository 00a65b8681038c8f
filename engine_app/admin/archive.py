"""Aria main's chat archives: read-only pages.

Aria moves ended sessions and their messages here and never edits them
again; nobody else should either. Only a superuser may delete an archive
(its messages go with it, by the database's ON DELETE CASCADE).
"""

from django.contrib import admin

from aria_admin.admin_base import AriaModelAdmin, DateRangeFieldListFilter, values_filter
from engine_app.models import EngineChatMessageArchive, EngineChatSessionArchive


class ArchiveAdmin(AriaModelAdmin):
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


@admin.register(EngineChatSessionArchive)
class EngineChatSessionArchiveAdmin(ArchiveAdmin):
    list_display = ["title", "agent_id", "session_type", "status", "model", "message_count", "total_cost", "created_at", "ended_at", "archived_at"]
    list_display_links = ["title", "agent_id"]
    list_filter = [
        ("agent_id", values_filter(["aria"])),
        "session_type",
        "status",
        ("archived_at", DateRangeFieldListFilter),
    ]
    search_fields = ["title", "agent_id", "model", "=id"]
    ordering = ["-archived_at"]


@admin.register(EngineChatMessageArchive)
class EngineChatMessageArchiveAdmin(ArchiveAdmin):
    list_display = ["role", "content", "session", "agent_id", "model", "tokens_input", "tokens_output", "cost", "embedding", "created_at", "archived_at"]
    list_display_links = ["role"]
    list_filter = [("role", values_filter(["user", "assistant", "system", "tool"])), ("created_at", DateRangeFieldListFilter)]
    search_fields = ["content", "agent_id", "model", "=id"]
    ordering = ["-archived_at"]
