"""Skill health (skill_status) and skill invocations."""

from django.contrib import admin

from aria_admin.admin_base import AriaModelAdmin, DateRangeFieldListFilter, changes_action, set_value_actions, values_filter
from data_app import domain
from data_app.models import SkillInvocation, SkillStatusRecord


@admin.register(SkillStatusRecord)
class SkillStatusRecordAdmin(AriaModelAdmin):
    list_display = ["skill_name", "canonical_name", "layer", "status", "use_count", "error_count", "last_execution", "updated_at"]
    list_filter = [
        ("status", values_filter(domain.SKILL_STATUSES + domain.SKILL_RUNTIME_STATUSES)),
        ("layer", values_filter([])),
    ]
    search_fields = ["skill_name", "canonical_name", "layer", "status", "metadata_json", "=id"]
    ordering = ["-updated_at"]
    server_fields = ["use_count", "error_count", "last_execution", "last_health_check"]
    actions = [
        *set_value_actions("status", domain.SKILL_STATUSES),
        changes_action("reset_error_count", "Reset error count of selected skills", {"error_count": 0}, "reset the error count of"),
    ]


@admin.register(SkillInvocation)
class SkillInvocationAdmin(AriaModelAdmin):
    list_display = ["skill_name", "tool_name", "duration_ms", "success", "error_type", "tokens_used", "model_used", "created_at"]
    list_filter = [
        "success",
        ("skill_name", values_filter([])),
        ("error_type", values_filter([])),
        ("created_at", DateRangeFieldListFilter),
    ]
    search_fields = ["skill_name", "tool_name", "error_type", "model_used", "=id"]
    ordering = ["-created_at"]
