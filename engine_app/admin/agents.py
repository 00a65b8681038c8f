"""Agents (agent_state) and their tools."""

from django.contrib import admin
from django.utils.html import format_html

from aria_admin.admin.display import badge_column
from aria_admin.admin_base import AriaModelAdmin, changes_action, enable_disable_actions, values_filter
from engine_app import domain
from engine_app.admin.managed import AppManagedAdminMixin
from engine_app.models import EngineAgentState, EngineAgentTool


@admin.register(EngineAgentState)
class EngineAgentStateAdmin(AppManagedAdminMixin, AriaModelAdmin):
    sync_source = "Aria's agent definitions"
    list_display = [
        "agent_id",
        "display_name",
        "agent_type",
        "model",
        badge_column("status", domain.STATUS_TONES),
        "enabled",
        "pheromone",
        "consecutive_failures",
        "skills",
        "capabilities",
        "last_active_at",
        "created_at",
        "updated_at",
    ]
    list_filter = ["status", "agent_type", "enabled", ("focus_type", values_filter([])), ("model", values_filter([]))]
    search_fields = ["agent_id", "display_name", "model", "parent_agent_id", "current_task", "metadata_json"]
    ordering = ["-updated_at"]
    server_fields = ["consecutive_failures", "last_active_at", "current_session_id", "current_task"]
    actions = [
        *enable_disable_actions("selected agents", field="status", on="idle", off="disabled", name="agents"),
        changes_action(
            "reset_consecutive_failures",
            "Reset consecutive failures of selected agents",
            {"consecutive_failures": 0},
            "reset the consecutive failures of",
        ),
    ]

    @admin.display(description="pheromone", ordering="pheromone_score")
    def pheromone(self, agent):
        """Green >= 0.7, amber >= 0.4, else red (Aria's bands)."""
        score = agent.pheromone_score
        band = "green" if score >= 0.7 else "amber" if score >= 0.4 else "red"
        return format_html('<span class="aria-pheromone aria-{}">{}</span>', band, score)


@admin.register(EngineAgentTool)
class EngineAgentToolAdmin(AriaModelAdmin):
    list_display = ["agent_id", "skill_name", "function_name", "description", "enabled", "parameters", "created_at"]
    list_display_links = ["agent_id", "skill_name"]
    list_filter = ["enabled", ("agent_id", values_filter([])), ("skill_name", values_filter([]))]
    search_fields = ["agent_id", "skill_name", "function_name", "description", "=id"]
    ordering = ["-created_at"]
    actions = enable_disable_actions("selected agent tools")
