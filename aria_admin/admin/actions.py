"""Bulk admin actions: one UPDATE for the selected rows, a count, history.

Built on aria_admin.bulk_update (one UPDATE + one LogEntry per row). These
factories add what most tables need: the row's ``updated_at`` is touched
only where the table has one, and rows a rule does not apply to are
skipped and counted.
"""

from django.contrib import admin, messages

from aria_admin.bulk_update import bulk_update, report


def touch_column(model):
    """The column a change should stamp with now(), if the table has one."""
    names = {f.name for f in model._meta.concrete_fields}
    return "updated_at" if "updated_at" in names else None


def apply_changes(modeladmin, request, queryset, changes, *, done, only=None):
    """Set ``changes`` on the selected rows matching ``only`` (a dict of
    lookups) in one UPDATE; report the count and how many were skipped."""
    eligible = queryset.filter(**only) if only else queryset
    count = bulk_update(modeladmin, request, eligible, changes, touch=touch_column(modeladmin.model))
    report(modeladmin, request, count, done)
    if only:
        skipped = queryset.count() - count
        if skipped:
            rule = ", ".join(f"{k.split('__')[0]} {v}" for k, v in only.items())
            modeladmin.message_user(
                request, f"Skipped {skipped} selected row(s): the action applies only to {rule}.", messages.WARNING
            )
    return count


def changes_action(name, description, changes, done, *, only=None):
    """An action setting fixed ``changes`` (values or expressions)."""

    @admin.action(description=description, permissions=["change"])
    def action(modeladmin, request, queryset):
        apply_changes(modeladmin, request, queryset, changes, done=done, only=only)

    action.__name__ = name
    return action


def set_value_actions(field, values, *, noun=None):
    """One "Set <field> to <value>" action per value (no intermediate page)."""
    noun = noun or field.replace("_", " ")
    return [
        changes_action(
            f"set_{field}_{value}",
            f"Set {noun} to “{value}”",
            {field: value},
            f"set {noun} “{value}” on",
        )
        for value in values
    ]


def enable_disable_actions(field="enabled", *, on=True, off=False, noun="selected"):
    """The pair of enable / disable actions (field = on / off)."""
    return [
        changes_action("enable_selected", f"Enable {noun}", {field: on}, "enabled"),
        changes_action("disable_selected", f"Disable {noun}", {field: off}, "disabled"),
    ]
