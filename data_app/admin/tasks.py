"""Aria's work items besides goals: hourly goals, complex tasks, improvement
proposals and lessons learned."""

from django.contrib import admin
from django.db.models.functions import Now

from aria_admin.admin.display import badge_column
from aria_admin.admin_base import AriaModelAdmin, apply_changes, set_value_actions, values_filter
from data_app import domain
from data_app.models import HourlyGoal, ImprovementProposal, LessonLearned, PendingComplexTask


@admin.register(HourlyGoal)
class HourlyGoalAdmin(AriaModelAdmin):
    list_display = ["id", "hour_slot", "goal_type", "description", badge_column("status", domain.STATUS_TONES), "completed_at", "created_at"]
    list_filter = ["status", ("goal_type", values_filter([]))]
    search_fields = ["goal_type", "description", "=id"]
    ordering = ["-created_at"]
    actions = set_value_actions("status", domain.HOURLY_GOAL_STATUSES)


@admin.register(PendingComplexTask)
class PendingComplexTaskAdmin(AriaModelAdmin):
    list_display = ["task_id", "task_type", "agent_type", "priority", badge_column("status", domain.STATUS_TONES), "description", "created_at", "completed_at"]
    list_filter = [
        "status",
        ("task_type", values_filter([])),
        ("agent_type", values_filter([])),
        ("priority", values_filter(["medium"])),
    ]
    search_fields = ["task_id", "task_type", "agent_type", "description", "result", "=id"]
    ordering = ["-created_at"]
    actions = set_value_actions("status", domain.PENDING_TASK_STATUSES)


@admin.register(ImprovementProposal)
class ImprovementProposalAdmin(AriaModelAdmin):
    list_display = [
        "title",
        "category",
        "risk_level",
        "file_path",
        badge_column("status", domain.STATUS_TONES),
        "reviewed_by",
        "reviewed_at",
        "created_at",
    ]
    list_filter = ["status", ("category", values_filter([])), ("risk_level", values_filter(["low"]))]
    search_fields = ["title", "description", "file_path", "category", "rationale", "=id"]
    ordering = ["-created_at"]
    server_fields = ["reviewed_by", "reviewed_at"]
    actions = ["approve", "reject", "mark_implemented"]

    def review(self, request, queryset, status, done):
        changes = {"status": status, "reviewed_by": request.user.get_username(), "reviewed_at": Now()}
        apply_changes(self, request, queryset, changes, done=done, only={"status": "proposed"})

    @admin.action(description="Approve selected proposals (only those proposed)", permissions=["change"])
    def approve(self, request, queryset):
        self.review(request, queryset, "approved", "approved")

    @admin.action(description="Reject selected proposals (only those proposed)", permissions=["change"])
    def reject(self, request, queryset):
        self.review(request, queryset, "rejected", "rejected")

    @admin.action(description="Mark selected proposals implemented (only those approved)", permissions=["change"])
    def mark_implemented(self, request, queryset):
        apply_changes(self, request, queryset, {"status": "implemented"}, done="marked implemented", only={"status": "approved"})


@admin.register(LessonLearned)
class LessonLearnedAdmin(AriaModelAdmin):
    list_display = ["error_pattern", "error_type", "skill_name", "resolution", "occurrences", "effectiveness", "last_occurred", "created_at"]
    list_filter = [("error_type", values_filter([])), ("skill_name", values_filter([]))]
    search_fields = ["error_pattern", "error_type", "skill_name", "resolution", "context", "=id"]
    ordering = ["-created_at"]
    server_fields = ["occurrences", "last_occurred"]
