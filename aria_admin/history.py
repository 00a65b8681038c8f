"""Admin history: the one "changed fields" message and the one LogEntry writer.

Every write the dashboard makes records who changed what in Django's admin
history (LogEntry), which the record's History page and "Recent changes"
show. The change form, the bulk actions, the board's service
(data_app.services.goals) and the YAML imports all build their message with
``changed_message`` and write it with ``log_history``, so that the same
change reads the same wherever it was made.
"""

import json

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import connections, router
from django.utils import timezone
from django.utils.text import capfirst

# From this many rows on, the entries go in with one COPY.
COPY_FROM = 50


def field_labels(model, names, form=None):
    """The labels history shows for the fields ``names`` of ``model``.

    A form's own label where the form has the field (as Django's change
    form writes it), else the model field's capitalised verbose name, else
    the name itself.
    """
    labels = []
    for name in names:
        if form is not None and name in form.fields:
            labels.append(form.fields[name].label or name)
            continue
        try:
            labels.append(capfirst(model._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:
            labels.append(name)
    return labels


def changed_message(model, names, form=None):
    """The change message naming the changed fields ``names`` (a list for
    LogEntry.change_message, as Django's construct_change_message builds)."""
    return [{"changed": {"fields": field_labels(model, names, form)}}]


def log_history(user_id, rows, action_flag, change_message):
    """One admin history entry per row, as LogEntry.objects.log_actions would.

    For many rows the entries go in with one COPY: 10,000 goals changed by a
    bulk action would otherwise spend most of its second inserting history.
    """
    rows = list(rows)
    if len(rows) < COPY_FROM:
        if rows:
            LogEntry.objects.log_actions(user_id, rows, action_flag, change_message)
        return
    if isinstance(change_message, list):
        change_message = json.dumps(change_message)
    content_type = ContentType.objects.get_for_model(rows[0], for_concrete_model=False)
    now = timezone.now()
    table = LogEntry._meta.db_table
    columns = "action_time, user_id, content_type_id, object_id, object_repr, action_flag, change_message"
    using = router.db_for_write(LogEntry)
    with connections[using].cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    (now, user_id, content_type.pk, str(row.pk), str(row)[:200],
                     action_flag, change_message)
                )


class ChangeHistoryAdminMixin:
    """ModelAdmin mixin: the change form's history names the changed fields
    with ``changed_message``; with inline formsets (none today) Django's own
    message, which also names the inline rows."""

    def construct_change_message(self, request, form, formsets, add=False):
        if add or formsets:
            return super().construct_change_message(request, form, formsets, add)
        return changed_message(self.model, form.changed_data, form)
