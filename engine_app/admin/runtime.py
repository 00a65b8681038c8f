"""Engine runtime tables: the schedule tick, rate limits, API key rotations
and the config key/value store."""

from django.contrib import admin

from aria_admin.admin_base import AriaModelAdmin, DateRangeFieldListFilter, values_filter
from engine_app.models import ApiKeyRotation, EngineConfigEntry, RateLimit, ScheduleTick


# The scheduler's own state: Aria rewrites it on every tick.
TICK_STATE = [
    "last_tick",
    "tick_count",
    "jobs_total",
    "jobs_successful",
    "jobs_failed",
    "last_job_name",
    "last_job_status",
    "next_job_at",
]


@admin.register(ScheduleTick)
class ScheduleTickAdmin(AriaModelAdmin):
    list_display = ["id", "enabled", "heartbeat_interval", *TICK_STATE, "updated_at"]
    list_filter = ["enabled", ("last_job_status", values_filter([]))]
    search_fields = ["last_job_name", "last_job_status"]
    ordering = ["-updated_at"]
    server_fields = TICK_STATE


@admin.register(RateLimit)
class RateLimitAdmin(AriaModelAdmin):
    list_display = ["skill", "action_count", "window_start", "last_action", "last_post", "created_at", "updated_at"]
    search_fields = ["skill"]
    ordering = ["-updated_at"]


@admin.register(ApiKeyRotation)
class ApiKeyRotationAdmin(AriaModelAdmin):
    list_display = ["service", "rotated_at", "rotated_by", "reason", "metadata_json"]
    list_filter = [
        ("service", values_filter([])),
        ("rotated_by", values_filter(["system"])),
        ("rotated_at", DateRangeFieldListFilter),
    ]
    search_fields = ["service", "rotated_by", "reason", "metadata_json", "=id"]
    ordering = ["-rotated_at"]


@admin.register(EngineConfigEntry)
class EngineConfigEntryAdmin(AriaModelAdmin):
    list_display = ["key", "value", "description", "updated_by", "updated_at"]
    list_filter = [("updated_by", values_filter(["system"]))]
    search_fields = ["key", "description", "value"]
    ordering = ["-updated_at"]
