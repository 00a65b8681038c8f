"""Aria's log tables: activity, heartbeats, performance reviews, agent
performance and security events. Big and append-only: date-range filters,
no date hierarchy, no facets, estimated counts."""

from django.contrib import admin

from aria_admin.admin.display import badge_column
from aria_admin.admin_base import AriaModelAdmin, DateRangeFieldListFilter, values_filter
from data_app.admin.filters import ThreatLevelFilter
from data_app import domain
from data_app.models import ActivityLog, AgentPerformance, HeartbeatLog, PerformanceLog, SecurityEvent

SINCE_UNTIL = ("created_at", DateRangeFieldListFilter)


@admin.register(ActivityLog)
class ActivityLogAdmin(AriaModelAdmin):
    list_display = ["action", "skill", "details", "success", "error_message", "created_at"]
    list_filter = ["success", ("action", values_filter([])), ("skill", values_filter([])), SINCE_UNTIL]
    search_fields = ["action", "skill", "error_message", "details", "=id"]
    ordering = ["-created_at"]


@admin.register(HeartbeatLog)
class HeartbeatLogAdmin(AriaModelAdmin):
    list_display = ["beat_number", "job_name", badge_column("status", domain.STATUS_TONES), "details", "executed_at", "duration_ms", "created_at"]
    list_filter = [
        ("status", values_filter(domain.HEARTBEAT_STATUSES, failing=domain.FAILED_STATUSES)),
        ("job_name", values_filter([])),
        SINCE_UNTIL,
    ]
    search_fields = ["job_name", "status", "details", "=id"]
    ordering = ["-created_at"]


@admin.register(PerformanceLog)
class PerformanceLogAdmin(AriaModelAdmin):
    list_display = ["id", "review_period", "successes", "failures", "improvements", "created_at"]
    list_filter = [("review_period", values_filter([])), SINCE_UNTIL]
    search_fields = ["review_period", "successes", "failures", "improvements"]
    ordering = ["-created_at"]


@admin.register(AgentPerformance)
class AgentPerformanceAdmin(AriaModelAdmin):
    list_display = ["id", "agent_id", "task_type", "success", "duration_ms", "token_cost", "pheromone_score", "created_at"]
    list_filter = ["success", ("task_type", values_filter([])), ("agent_id", values_filter([])), SINCE_UNTIL]
    search_fields = ["agent_id", "task_type", "=id"]
    ordering = ["-created_at"]


@admin.register(SecurityEvent)
class SecurityEventAdmin(AriaModelAdmin):
    list_display = [
        "threat_level",
        "threat_type",
        "threat_patterns",
        "input_preview",
        "source",
        "user_id",
        "blocked",
        "created_at",
    ]
    list_display_links = ["threat_level", "threat_type"]
    list_filter = [
        ThreatLevelFilter,
        ("threat_type", values_filter(domain.THREAT_TYPES)),
        "blocked",
        ("source", values_filter([])),
        SINCE_UNTIL,
    ]
    search_fields = ["threat_level", "threat_type", "source", "user_id", "input_preview", "threat_patterns", "details", "=id"]
    ordering = ["-created_at"]
