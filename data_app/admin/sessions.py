"""Agent sessions and what hangs off them: session messages, sentiment
events and model usage. The session page reads its messages as a
conversation (oldest first, 50 a page, full text); it lists the latest
sentiment events and model usage."""

from django.contrib import admin
from django.core.paginator import Paginator

from aria_admin.admin.display import admin_url, related_table
from aria_admin.admin_base import AriaModelAdmin, DateRangeFieldListFilter, set_value_actions, values_filter
from data_app import domain
from data_app.models import AgentSession, ModelUsage, SentimentEvent, SessionMessage

SINCE_UNTIL = ("created_at", DateRangeFieldListFilter)
MESSAGES_PER_PAGE = 50
MESSAGES_PAGE_PARAM = "messages_page"
# A message longer than this opens in place (<details>) from its first words.
MESSAGE_PREVIEW_CHARS = 200


def session_messages_page(session, number):
    """Page ``number`` (any text; a bad one gives the nearest page) of the
    session's messages, oldest first, as a conversation reads."""
    messages = session.messages.order_by("created_at", "id").only("role", "content", "created_at", "source_channel")
    return Paginator(messages, MESSAGES_PER_PAGE).get_page(number)


@admin.register(AgentSession)
class AgentSessionAdmin(AriaModelAdmin):
    list_display = ["id", "agent_id", "session_type", "status", "messages_count", "tokens_used", "cost_usd", "started_at", "ended_at"]
    list_filter = ["status", ("session_type", values_filter([])), ("agent_id", values_filter([])), ("started_at", DateRangeFieldListFilter)]
    search_fields = ["agent_id", "session_type", "status", "metadata_json", "=id"]
    ordering = ["-started_at"]
    server_fields = ["messages_count", "tokens_used", "cost_usd"]
    actions = set_value_actions("status", domain.AGENT_SESSION_STATUSES)

    change_page_fields = ["latest_sentiment", "latest_model_usage"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The change page, with one page of the session's messages below the form."""
        extra_context = dict(extra_context or {})
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context.update(
                session_messages=session_messages_page(obj, request.GET.get(MESSAGES_PAGE_PARAM)),
                messages_page_param=MESSAGES_PAGE_PARAM,
                message_preview_chars=MESSAGE_PREVIEW_CHARS,
                messages_list_url=f"{admin_url(SessionMessage, 'changelist')}?session={obj.pk}",
            )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="sentiment events (latest 50)")
    def latest_sentiment(self, obj):
        return related_table(
            obj.sentiment_events.order_by("-created_at"),
            [
                ("label", lambda e: e.sentiment_label),
                ("emotion", lambda e: e.primary_emotion or "-"),
                ("valence", lambda e: f"{e.valence:.2f}"),
                ("created", lambda e: e.created_at),
            ],
            see_all=(SentimentEvent, {"session": obj.pk}),
        )

    @admin.display(description="model usage (latest 50)")
    def latest_model_usage(self, obj):
        return related_table(
            obj.model_usage.order_by("-created_at"),
            [
                ("model", lambda u: u.model),
                ("tokens in/out", lambda u: f"{u.input_tokens}/{u.output_tokens}"),
                ("cost USD", lambda u: u.cost_usd),
                ("created", lambda u: u.created_at),
            ],
            see_all=(ModelUsage, {"session": obj.pk}),
        )


@admin.register(SessionMessage)
class SessionMessageAdmin(AriaModelAdmin):
    list_display = ["role", "content", "content_hash", "session", "external_session_id", "agent_id", "source_channel", "created_at"]
    list_display_links = ["role"]
    list_filter = [("role", values_filter(["user", "assistant", "system"])), ("source_channel", values_filter([])), SINCE_UNTIL]
    # Each =field is OR-ed with the text search: only indexed columns there,
    # or PostgreSQL reads the million-row table (agent and hash are words).
    search_fields = ["content", "agent_id", "content_hash", "metadata_json", "=external_session_id", "=id"]
    raw_id_fields = ["session"]
    ordering = ["-created_at"]


@admin.register(SentimentEvent)
class SentimentEventAdmin(AriaModelAdmin):
    list_display = [
        "sentiment_label",
        "primary_emotion",
        "speaker",
        "valence",
        "arousal",
        "dominance",
        "confidence",
        "message",
        "session",
        "created_at",
    ]
    list_display_links = ["sentiment_label"]
    list_filter = ["sentiment_label", "speaker", ("primary_emotion", values_filter([])), SINCE_UNTIL]
    search_fields = ["primary_emotion", "agent_id", "external_session_id", "metadata_json", "=id"]
    raw_id_fields = ["message", "session"]
    ordering = ["-created_at"]


@admin.register(ModelUsage)
class ModelUsageAdmin(AriaModelAdmin):
    list_display = ["model", "provider", "input_tokens", "output_tokens", "cost_usd", "latency_ms", "success", "session", "created_at"]
    list_display_links = ["model"]
    list_filter = ["success", ("provider", values_filter([])), ("model", values_filter([])), SINCE_UNTIL]
    search_fields = ["model", "provider", "error_message", "=id"]
    raw_id_fields = ["session"]
    ordering = ["-created_at"]
