"""Bulk admin actions as ONE SQL UPDATE, with a count message and admin history.

Staff change many rows at once; a loop of saves would fire one UPDATE per
row and race with Aria's writers. Here the selected rows change in one
statement and each gets a history entry naming the changed fields.
"""

from django.contrib.admin.models import CHANGE
from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.models.functions import Now
from django.db.models.sql import UpdateQuery

from aria_admin.history import changed_message, log_history


def bulk_update(modeladmin, request, queryset, changes, *, touch="updated_at", history=None):
    """Apply ``changes`` to the selected rows in one UPDATE; return the count.

    ``touch`` names the row's own "updated at" column (set to now()), or None.
    The admin's ``writes_mark`` (see AriaModelAdmin) goes into the same
    UPDATE, unless ``changes`` sets those columns itself. ``history`` is the
    history entries' message (default: the changed fields' names).
    With the admin's ``history_fields`` (what the model's __str__ reads) the
    UPDATE itself returns what the history entries need; otherwise the rows
    are read first.
    """
    model = modeladmin.model
    values = {**getattr(modeladmin, "writes_mark", {}), **changes}
    if touch:
        values[touch] = Now()
    fields = getattr(modeladmin, "history_fields", None)
    with transaction.atomic():
        if fields:
            rows = update_returning(queryset, values, fields)
            count = len(rows)
        else:
            rows = list(queryset)
            count = model._default_manager.filter(pk__in=[r.pk for r in rows]).update(**values)
        if history is None:
            history = changed_message(model, changes)
        log_history(request.user.pk, rows, CHANGE, history)
    return count


def update_returning(queryset, values, fields):
    """``queryset.update(**values)``, returning each changed row's pk and
    ``fields`` (new values) as bare instances, enough for str().

    One statement instead of a SELECT of the rows and an UPDATE by their
    pks; and bare instances because Model.from_db() for 10,000 rows cost
    more than the SELECT did. __str__ must read nothing but ``fields``
    (tests/test_bulk_history.py checks every admin's list).
    """
    model = queryset.model
    query = queryset.query.chain(UpdateQuery)
    query.add_update_values(values)
    query.annotations = {}
    query.clear_ordering(force=True)
    try:
        sql, params = query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:
        return []
    connection = connections[queryset.db]
    names = [model._meta.pk, *(model._meta.get_field(f) for f in fields)]
    returning = ", ".join(connection.ops.quote_name(f.column) for f in names)
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} RETURNING {returning}", params)
        returned = cursor.fetchall()
    attnames = [f.attname for f in names]
    rows = []
    for row_values in returned:
        row = model.__new__(model)
        row.__dict__.update(zip(attnames, row_values))
        rows.append(row)
    return rows
