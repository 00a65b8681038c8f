"""Bulk admin actions: one UPDATE for the selected rows, a count, history.

Built on aria_admin.bulk_update (one UPDATE + one LogEntry per row). The
one factory, ``changes_action``, and its two shorthands add what every
table needs: the row's ``updated_at`` is touched only where the table has
one, and rows a rule does not apply to are skipped and counted. Actions
that need a value chosen on the page call ``apply_changes`` (or
bulk_update) and ``report`` themselves.
"""

import copy
from contextvars import ContextVar

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME, ActionForm
from django.core.exceptions import ValidationError
from django.db import models
from django.http import QueryDict
from django.utils.text import capfirst

from aria_admin.bulk_update import bulk_update

INT_RANGES = {
    models.SmallAutoField: 2**15,
    models.AutoField: 2**31,
    models.BigAutoField: 2**63,
    models.IntegerField: 2**31,
    models.BigIntegerField: 2**63,
}


def invalid_keys(model, values):
    """The selected values that cannot be a primary key of ``model``.

    A key that is well formed but names no row is not here: it simply
    matches nothing. One that is not (not a UUID, not an integer in the
    column's range, too long, a NUL) would make PostgreSQL fail the query.
    """
    pk = model._meta.pk
    limit = next((size for kind, size in INT_RANGES.items() if type(pk) is kind), None)
    invalid = []
    for value in values:
        try:
            key = pk.to_python(value)
        except ValidationError:
            invalid.append(value)
            continue
        if (
            (isinstance(key, str) and ("\x00" in key or (pk.max_length and len(key) > pk.max_length)))
            or (limit and isinstance(key, int) and not -limit <= key < limit)
        ):
            invalid.append(value)
    return invalid


# The selection and action-bar values of a refused action, while the list
# is shown again (keep_selection): the checkboxes and the bar read it.
KEPT_ACTION = ContextVar("kept_action", default=None)


class ActionFieldsForm(ActionForm):
    """An action bar whose extra fields belong to actions.

    ``action_fields`` maps an action's name to the fields it needs. Each
    field's box names its actions (data-aria-actions), so that
    static/aria_admin/action_fields.js shows only the chosen action's
    fields; without JavaScript all stay visible. A bar shown again after a
    refusal starts from the values that were sent.
    """

    action_fields = {}

    def __init__(self, *args, **kwargs):
        kept = KEPT_ACTION.get()
        if kept is not None and not args and "data" not in kwargs:
            kwargs.setdefault("initial", {name: kept.get(name) for name in ("action", *self.base_fields)})
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            users = [action for action, names in self.action_fields.items() if name in names]
            if users:
                field.widget.attrs["data-aria-actions"] = " ".join(users)

    def missing(self, action):
        """The labels of the fields ``action`` needs that were left empty (a bound form)."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return [
            str(self.fields[name].label or name).lower()
            for name in self.action_fields.get(action, ())
            if cleaned.get(name) in (None, "")
        ]


class SelectionCheckMixin:
    """Refuses a bulk action whose selection holds a value that is no key,
    or whose action bar lacks a value the action needs: nothing is run,
    and the list says why (in the second case with the selection kept)."""

    def response_action(self, request, queryset, **kwargs):
        if not request.POST.get("select_across"):
            invalid = invalid_keys(self.model, request.POST.getlist(ACTION_CHECKBOX_NAME))
            if invalid:
                example = invalid[0] if len(invalid[0]) <= 40 else invalid[0][:40] + "..."
                self.message_user(
                    request,
                    f"No action was run: {len(invalid)} selected value(s) are not keys of "
                    f"{self.model._meta.verbose_name_plural} (e.g. {example!r}). Reload the list and select again.",
                    messages.ERROR,
                )
                return None
        refused = self.missing_action_fields(request)
        if refused:
            self.message_user(request, refused, messages.ERROR)
            return self.keep_selection(request)
        return super().response_action(request, queryset, **kwargs)

    def missing_action_fields(self, request):
        """Why the chosen action cannot run (a value it needs is empty), or None."""
        if not issubclass(self.action_form, ActionFieldsForm):
            return None
        action = request.POST.get("action", "")
        form = self.action_form(request.POST)
        form.fields["action"].choices = self.get_action_choices(request)
        missing = form.missing(action)
        if not missing:
            return None
        description = dict(self.get_action_choices(request)).get(action, action)
        count = len(request.POST.getlist(ACTION_CHECKBOX_NAME))
        return (
            f"“{description}” needs a {' and a '.join(missing)}: choose one and run it again. "
            f"Nothing was changed; the {count} selected row(s) are still selected."
        )

    def keep_selection(self, request):
        """The list shown again, as a GET, with the selection and the action bar as sent."""
        shown = copy.copy(request)
        shown.method = "GET"
        shown.POST = QueryDict()
        token = KEPT_ACTION.set(request.POST)
        try:
            response = self.changelist_view(shown)
            if hasattr(response, "render"):
                response.render()
        finally:
            KEPT_ACTION.reset(token)
        return response

    def kept_selected(self):
        """The keys selected before a refusal (empty when none)."""
        kept = KEPT_ACTION.get()
        return frozenset(kept.getlist(ACTION_CHECKBOX_NAME)) if kept is not None else frozenset()


def report(modeladmin, request, count, done):
    """'Enabled 3 cron jobs.' as an admin message."""
    opts = modeladmin.model._meta
    noun = opts.verbose_name if count == 1 else opts.verbose_name_plural
    modeladmin.message_user(request, f"{capfirst(done)} {count} {noun}.", messages.SUCCESS)


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
    """The bulk-action factory: an action setting fixed ``changes`` (values
    or expressions) on the selected rows (those matching ``only``)."""

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


def enable_disable_actions(noun, *, field="enabled", on=True, off=False, name="selected"):
    """The pair of actions enable_<name> / disable_<name> (``field`` = on / off).

    Every table's enable and disable go through here; a field other than
    ``enabled`` is named in the description ("Enable selected agents
    (status idle)").
    """
    actions = []
    for verb, value in (("enable", on), ("disable", off)):
        detail = "" if field == "enabled" else f" ({field} {value})"
        description = f"{capfirst(verb)} {noun}{detail}"
        actions.append(changes_action(f"{verb}_{name}", description, {field: value}, f"{verb}d"))
    return actions
