"""Aria main's chat archives: read-only pages.

Aria moves ended sessions and their messages here and never edits them
again; nobody else should either: no add or change forms (a POST to one is
refused), and only a superuser may delete an archive (its messages go with
it, by the database's ON DELETE CASCADE). An archived session's page lists
its messages oldest first, a page at a time, each linked to its own page
with the full text.
"""

from django.contrib import admin
from django.core.paginator import Paginator

from aria_admin.admin.display import admin_url
from aria_admin.admin_base import AriaModelAdmin, DateRangeFieldListFilter, values_filter
from aria_admin.text import truncate
from engine_app.models import EngineChatMessageArchive, EngineChatSessionArchive

MESSAGES_PER_PAGE = 50
MESSAGE_PREVIEW_CHARS = 300


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
    search_fields = ["title", "agent_id", "model", "metadata_json", "=id"]
    ordering = ["-archived_at"]
    change_form_template = "admin/engine_app/enginechatsessionarchive/change_form.html"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["archived_messages"] = self.messages_page(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def messages_page(self, request, session):
        """One page (``?page=N``) of the session's messages, oldest first,
        as (page, rows): rows carry a preview and the link to the full text."""
        messages = (
            EngineChatMessageArchive.objects.filter(session=session)
            .order_by("created_at", "id")
            .only("id", "role", "content", "model", "tokens_input", "tokens_output", "created_at")
        )
        page = Paginator(messages, MESSAGES_PER_PAGE).get_page(request.GET.get("page"))
        rows = [
            {
                "message": message,
                "preview": truncate(message.content, MESSAGE_PREVIEW_CHARS),
                "cut": len(message.content) > MESSAGE_PREVIEW_CHARS,
                "url": admin_url(message),
            }
            for message in page
        ]
        return {"page": page, "rows": rows}


@admin.register(EngineChatMessageArchive)
class EngineChatMessageArchiveAdmin(ArchiveAdmin):
    list_display = ["role", "content", "session", "agent_id", "model", "tokens_input", "tokens_output", "cost", "embedding", "created_at", "archived_at"]
    list_display_links = ["role"]
    list_filter = [("role", values_filter(["user", "assistant", "system", "tool"])), ("created_at", DateRangeFieldListFilter)]
    search_fields = ["content", "thinking", "agent_id", "model", "tool_calls", "tool_results", "metadata_json", "=id"]
    ordering = ["-archived_at"]
