"""Goals (aria_data.goals): the changelist, its bulk actions and the sprint board.

Every bulk action is one UPDATE whose values (Aria's column/status and
archive rules) come from data_app.services.goals; the admin reports how many
goals changed, and each goal gets a history entry. The board lives at board/ under the goals changelist.
"""

from django import forms
from django.contrib import admin, messages
from django.urls import path
from django.views.decorators.http import require_POST

from aria_admin.admin_base import ActionFieldsForm, AriaModelAdmin
from aria_admin.admin.actions import report
from aria_admin.bulk_update import bulk_update
from aria_admin.imports.admin import ImportAdminMixin
from data_app import domain
from data_app.admin.board.views import GoalBoard
from data_app.models import Goal
from data_app.services import goals


def blank_choice(values):
    return [("", "---------")] + list(values)


class GoalActionForm(ActionFieldsForm):
    """The changelist's action bar, with the value the chosen action sets."""

    action_fields = {
        "set_status": ["status"],
        "move_to_column": ["column"],
        "set_sprint": ["sprint"],
        "set_priority": ["priority"],
    }

    status = forms.ChoiceField(required=False, choices=blank_choice(domain.choices(domain.GOAL_STATUSES)))
    column = forms.ChoiceField(required=False, choices=blank_choice(domain.choices(domain.BOARD_COLUMNS)))
    sprint = forms.CharField(required=False, max_length=100)
    priority = forms.ChoiceField(
        required=False, choices=blank_choice((str(k), f"{k} {v}") for k, v in domain.PRIORITIES.items())
    )


@admin.register(Goal)
class GoalAdmin(ImportAdminMixin, AriaModelAdmin):
    list_display = [
        "goal_id",
        "title",
        "status",
        "board_column",
        "priority",
        "progress",
        "sprint",
        "assigned_to",
        "due_date",
        "created_at",
        "updated_at",
    ]
    list_display_links = ["goal_id", "title"]
    list_filter = ["status", "board_column", "priority", "sprint", "assigned_to"]
    search_fields = ["goal_id", "title", "description", "assigned_to", "sprint", "tags", "=id"]
    ordering = ["-created_at"]
    readonly_fields = ["created_at", "updated_at"]
    action_form = GoalActionForm
    history_fields = goals.HISTORY_FIELDS  # what Goal.__str__ reads: bulk actions load only these
    actions = ["set_status", "move_to_column", "set_sprint", "set_priority", "archive", "unarchive"]

    def get_urls(self):
        board = GoalBoard(self)
        view = self.admin_site.admin_view
        return [
            path("board/", view(board.view), name="data_app_goal_board"),
            path("board/move/", view(require_POST(board.move)), name="data_app_goal_board_move"),
            path("board/archive/", view(require_POST(board.archive)), name="data_app_goal_board_archive"),
            path(
                "board/archive-goal/",
                view(require_POST(board.archive_goal)),
                name="data_app_goal_board_archive_goal",
            ),
            path(
                "board/unarchive/",
                view(require_POST(board.unarchive)),
                name="data_app_goal_board_unarchive",
            ),
        ] + super().get_urls()

    def save_model(self, request, obj, form, change):
        """The change form's save, with the status <-> column rule applied."""
        if change:
            goals.complete_form_edit(obj, form.changed_data, form.initial.get("board_column"))
        super().save_model(request, obj, form, change)

    def _chosen(self, request, field):
        form = self.action_form(request.POST)
        form.fields["action"].choices = self.get_action_choices(request)  # as the changelist does
        value = form.cleaned_data.get(field) if form.is_valid() else None
        if not value:
            self.message_user(request, f"Choose a {field} for this action first.", messages.WARNING)
        return value

    @admin.action(description="Set status of selected goals (status -> column rule)", permissions=["change"])
    def set_status(self, request, queryset):
        status = self._chosen(request, "status")
        if status:
            changes = goals.status_values(status)
            report(self, request, bulk_update(self, request, queryset, changes), f"set status {status} on")

    @admin.action(description="Move selected goals to column (column -> status rule)", permissions=["change"])
    def move_to_column(self, request, queryset):
        column = self._chosen(request, "column")
        if column:
            changes = goals.column_values(column)
            report(self, request, bulk_update(self, request, queryset, changes), f"moved to {column}")

    @admin.action(description="Set sprint of selected goals", permissions=["change"])
    def set_sprint(self, request, queryset):
        sprint = self._chosen(request, "sprint")
        if sprint:
            count = bulk_update(self, request, queryset, {"sprint": sprint})
            report(self, request, count, f"set sprint {sprint} on")

    @admin.action(description="Set priority of selected goals", permissions=["change"])
    def set_priority(self, request, queryset):
        priority = self._chosen(request, "priority")
        if priority:
            count = bulk_update(self, request, queryset, {"priority": int(priority)})
            report(self, request, count, f"set priority {priority} on")

    @admin.action(description="Archive selected goals finished over 24 hours ago", permissions=["change"])
    def archive(self, request, queryset):
        report(self, request, len(goals.archive(queryset, user_id=request.user.pk)), "archived")

    @admin.action(description="Un-archive selected goals (column from status)", permissions=["change"])
    def unarchive(self, request, queryset):
        report(self, request, len(goals.unarchive(queryset, user_id=request.user.pk)), "un-archived")
