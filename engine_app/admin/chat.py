"""Engine chat sessions and their messages (embeddings summarised)."""

from django.contrib import admin

from aria_admin.admin.display import related_table
from aria_admin.admin.neighbours import NearestNeighboursMixin
from aria_admin.admin_base import AriaModelAdmin, DateRangeFieldListFilter, set_value_actions, values_filter
from aria_admin.text import truncate
from engine_app import domain
from engine_app.models import EngineChatMessage, EngineChatSession


@admin.register(EngineChatSession)
class EngineChatSessionAdmin(AriaModelAdmin):
    list_display = ["title", "agent_id", "session_type", "model", "temperature", "status", "message_count", "total_cost", "created_at", "updated_at"]
    list_display_links = ["title", "agent_id"]
    list_filter = ["status", "session_type", ("agent_id", values_filter(["aria"])), ("model", values_filter([]))]
    search_fields = ["title", "agent_id", "model", "metadata_json", "=id"]
    ordering = ["-updated_at"]
    server_fields = ["message_count", "total_tokens", "total_cost"]
    actions = set_value_actions("status", domain.CHAT_SESSION_STATUSES)

    change_page_fields = ["latest_messages"]

    @admin.display(description="messages (latest 50)")
    def latest_messages(self, obj):
        return related_table(
            obj.messages.defer("embedding").order_by("-created_at"),
            [
                ("message", lambda m: f"{m.role}: {truncate(m.content, 80)}"),
                ("model", lambda m: m.model or "-"),
                ("created", lambda m: m.created_at),
            ],
            see_all=(EngineChatMessage, {"session": obj.pk}),
        )


@admin.register(EngineChatMessage)
class EngineChatMessageAdmin(NearestNeighboursMixin, AriaModelAdmin):
    list_display = [
        "role",
        "content",
        "thinking",
        "tool_calls",
        "session",
        "agent_id",
        "model",
        "tokens_input",
        "tokens_output",
        "cost",
        "embedding",
        "created_at",
    ]
    list_display_links = ["role"]
    list_filter = [("role", values_filter(["user", "assistant", "system", "tool"])), ("model", values_filter([])), ("created_at", DateRangeFieldListFilter)]
    search_fields = ["content", "thinking", "agent_id", "model", "tool_calls", "tool_results", "metadata_json", "=id"]
    raw_id_fields = ["session"]
    ordering = ["-created_at"]
    neighbour_label = ("role", "content")
