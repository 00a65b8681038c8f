"""Bulk admin actions as ONE SQL UPDATE, with a count message and admin history.

Staff change many rows at once; a loop of saves would fire one UPDATE per
row and race with Aria's writers. Here the selected rows change in one
statement and each gets a history entry naming the changed fields.
"""

import json

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connections, router, transaction
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.text import capfirst


def bulk_update(modeladmin, request, queryset, changes, *, touch="updated_at"):
    """Apply ``changes`` to the selected rows in one UPDATE; return the count.

    ``touch`` names the row's own "updated at" column (set to now()), or None.
    """
    model = modeladmin.model
    with transaction.atomic():
        rows = history_rows(queryset, getattr(modeladmin, "history_fields", None))
        values = dict(changes)
        if touch:
            values[touch] = Now()
        count = model._default_manager.filter(pk__in=[r.pk for r in rows]).update(**values)
        labels = [capfirst(model._meta.get_field(f).verbose_name) for f in changes]
        log_history(request.user.pk, rows, CHANGE, [{"changed": {"fields": labels}}])
    return count


def history_rows(queryset, fields=None):
    """The rows of ``queryset``, enough of each for its history entry: the pk
    and str().

    With ``fields`` (what the model's __str__ reads; tests/test_bulk_history.py
    checks every admin's list) only those columns are loaded, into bare
    instances: Model.from_db() for 10,000 selected rows cost more than
    reading them. Without, whole model instances.
    """
    if not fields:
        return list(queryset)
    model = queryset.model
    names = [model._meta.pk.attname, *(model._meta.get_field(f).attname for f in fields)]
    rows = []
    for values in queryset.values_list(*names):
        row = model.__new__(model)
        row.__dict__.update(zip(names, values))
        rows.append(row)
    return rows


COPY_FROM = 50


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


def report(modeladmin, request, count, done):
    """'Enabled 3 cron jobs.' as an admin message."""
    opts = modeladmin.model._meta
    noun = opts.verbose_name if count == 1 else opts.verbose_name_plural
    modeladmin.message_user(request, f"{capfirst(done)} {count} {noun}.", messages.SUCCESS)


def update_action(name, description, changes, done, *, touch="updated_at"):
    """An admin action that sets fixed ``changes`` on the selected rows."""

    @admin.action(description=description, permissions=["change"])
    def action(modeladmin, request, queryset):
        count = bulk_update(modeladmin, request, queryset, changes, touch=touch)
        report(modeladmin, request, count, done)

    action.__name__ = name
    return action
