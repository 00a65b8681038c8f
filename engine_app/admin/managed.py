"""Rows Aria's start-up sync skips: ``app_managed`` on llm_models and agent_state.

At every start Aria upserts llm_models from models.yaml and agent_state
from its agent definitions, skipping rows whose ``app_managed`` is true
(Aria's own API sets it on every edit). So here every dashboard write sets
it too (``writes_mark``, applied by the shared save and bulk-update paths),
the lists say who manages each row, and "Hand back to Aria's files" sets
it false again after a confirmation page, with a history entry per row.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse

from aria_admin.admin.actions import touch_column
from aria_admin.admin.urls import cached_reverse
from aria_admin.bulk_update import bulk_update
from engine_app import domain

HAND_BACK_HISTORY = "Handed back to Aria's files (app_managed = false)"


class ManagedByFilter(admin.SimpleListFilter):
    title = "managed by"
    parameter_name = "managed_by"

    def lookups(self, request, model_admin):
        return [("dashboard", domain.MANAGED_BY[True]), ("files", domain.MANAGED_BY[False])]

    def queryset(self, request, queryset):
        if self.value() in ("dashboard", "files"):
            return queryset.filter(app_managed=self.value() == "dashboard")
        return queryset


@admin.action(description="Hand back to Aria's files", permissions=["change"])
def hand_back_to_files(modeladmin, request, queryset):
    """First a confirmation page listing the rows; on "yes", one UPDATE
    setting app_managed false (updated_at touched), a history entry each."""
    opts = modeladmin.model._meta
    if request.POST.get("post") == "yes":
        count = bulk_update(
            modeladmin, request, queryset, {"app_managed": False},
            touch=touch_column(modeladmin.model), history=HAND_BACK_HISTORY,
        )
        noun = opts.verbose_name if count == 1 else opts.verbose_name_plural
        modeladmin.message_user(
            request,
            f"Handed {count} {noun} back to Aria's files: Aria's next start overwrites them from "
            f"{modeladmin.sync_source}.",
            messages.SUCCESS,
        )
        return None
    rows = list(queryset)
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Hand back to Aria's files?",
        "opts": opts,
        "rows": rows,
        "sync_source": modeladmin.sync_source,
        "action_name": "hand_back_to_files",
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "changelist_url": cached_reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
    }
    return TemplateResponse(request, "admin/engine_app/hand_back_confirmation.html", context)


class AppManagedAdminMixin:
    """For an AriaModelAdmin of a table with ``app_managed``: the mark on
    every write, a "managed by" column, filter and read-only field, and the
    hand-back action."""

    writes_mark = domain.APP_MANAGED_MARK
    # Where Aria's sync takes the rows from (named on the hand-back page).
    sync_source = "Aria's files"

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        self.actions = [*(self.actions or []), hand_back_to_files]

    @admin.display(description="managed by", ordering="app_managed")
    def managed_by(self, obj):
        if obj is None or obj.pk is None or obj._state.adding:
            return f"{domain.MANAGED_BY[True]}, once saved"
        return domain.managed_by(obj.app_managed)

    def get_list_display(self, request):
        return [*super().get_list_display(request), self.list_cell_for("managed_by")]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), ManagedByFilter]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "managed_by"]

    def get_fields(self, request, obj=None):
        # "managed by" in words stands for the bare app_managed checkbox.
        return [name for name in super().get_fields(request, obj) if name not in self.writes_mark]
