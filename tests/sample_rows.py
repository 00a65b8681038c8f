"""Minimal rows for every one of Aria's 39 tables.

Two ways in: ``insert_as_aria`` writes plain SQL giving only the columns the
database requires (NOT NULL without a server default), as Aria's API does;
``orm_values`` gives the model fields a form would have to fill in.
"""

import itertools
import json
import re
import uuid
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from aria_admin.aria_tables import aria_models, table_name  # noqa: F401  (the tests import them from here)
from aria_admin.catalog import read_catalog
from aria_admin.fields import EmbeddingField

_serial = itertools.count(1)


def unique_text(length=100):
    return f"t{next(_serial)}"[:length]


# Plain SQL, the way Aria's API writes -------------------------------------

def sql_literal(type_):
    """A value (SQL text, parameters) for a required column of this type."""
    if type_.startswith(("character varying", "text")):
        match = re.search(r"\((\d+)\)", type_)
        return "%s", [unique_text(int(match.group(1)) if match else 100)]
    if type_ in ("integer", "bigint", "smallint"):
        return "%s", [1]
    if type_.startswith("numeric") or type_ in ("double precision", "real"):
        return "%s", [Decimal("0.5")]
    if type_ == "boolean":
        return "%s", [True]
    if type_ == "jsonb":
        return "%s::jsonb", ['{"from": "aria"}']
    if type_ == "timestamp with time zone":
        return "now()", []
    if type_ == "uuid":
        return "gen_random_uuid()", []
    raise AssertionError(f"no sample value for column type {type_}")


def database_catalog():
    with connection.cursor() as cursor:
        return read_catalog(cursor)


def required_columns(model, catalog=None):
    """Columns Aria must give: NOT NULL and no server default, per the database."""
    catalog = catalog or database_catalog()
    table = table_name(model)
    return [
        column
        for (t, column), (_, notnull, default) in sorted(catalog.columns.items())
        if t == table and notnull and default is None
    ]


def insert_as_aria(model, **values):
    """INSERT only the required columns (plus ``values``); return the row's pk.

    Required foreign keys get a parent row inserted the same way.
    """
    catalog = database_catalog()
    table = table_name(model)
    fields = {f.column: f for f in model._meta.concrete_fields}
    foreign_keys = {column: f for column, f in fields.items() if f.is_relation}
    columns, placeholders, params = [], [], []
    for column in [*required_columns(model, catalog), *values]:
        if column in columns:
            continue
        columns.append(column)
        if column in values:
            placeholders.append("%s")
            params.append(values[column])
        elif isinstance(fields.get(column), EmbeddingField):
            # A JSON array either way: vector and jsonb both read that text.
            type_ = catalog.columns[(table, column)][0]
            placeholders.append(f"%s::{'jsonb' if type_ == 'jsonb' else 'vector'}")
            params.append(json.dumps([0.25] * fields[column].dimensions))
        elif column in foreign_keys:
            field = foreign_keys[column]
            parent_pk = insert_as_aria(field.related_model)
            parent = field.related_model
            placeholders.append(
                f'(SELECT "{field.target_field.column}" FROM {parent._meta.db_table} '
                f'WHERE "{parent._meta.pk.column}" = %s)'
            )
            params.append(parent_pk)
        else:
            sql, extra = sql_literal(catalog.columns[(table, column)][0])
            placeholders.append(sql)
            params += extra
    pk = model._meta.pk.column
    if columns:
        names = ", ".join(f'"{c}"' for c in columns)
        rows = f"({names}) VALUES ({', '.join(placeholders)})"
    else:
        rows = "DEFAULT VALUES"
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {model._meta.db_table} {rows} RETURNING "{pk}"', params
        )
        return cursor.fetchone()[0]


# Through the ORM -----------------------------------------------------------

def orm_value(field):
    """A valid value for a field a person would have to fill in."""
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, EmbeddingField):
        return [0.5] * field.dimensions
    internal = field.get_internal_type()
    if internal in ("CharField", "TextField"):
        return unique_text(field.max_length or 100)
    if internal in ("IntegerField", "BigIntegerField", "SmallIntegerField"):
        return 10
    if internal == "DecimalField":
        return Decimal("0.5")
    if internal == "FloatField":
        return 0.5
    if internal == "BooleanField":
        return True
    if internal == "JSONField":
        return {"made": "by the ORM"}
    if internal == "DateTimeField":
        return timezone.now()
    if internal == "UUIDField":  # an archive copies the original row's id
        return uuid.uuid4()
    raise AssertionError(f"no sample value for {field}")


def orm_values(model):
    """Field values for the fields without any default, parents created."""
    values = {}
    for field in model._meta.concrete_fields:
        if field.has_default() or field.has_db_default() or field.null:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        if field.primary_key and field.get_internal_type() == "AutoField":
            continue
        if field.is_relation:
            parent = field.related_model
            values[field.name] = parent._default_manager.create(**orm_values(parent))
        elif field.name == "schedule" and model._meta.model_name == "enginecronjob":
            values[field.name] = "0 0 * * * *"
        else:
            values[field.name] = orm_value(field)
    return values


# Real-looking rows, for the layout audits ----------------------------------

# Words of the length Aria really writes: sentences in text, dotted or
# dashed identifiers in short columns. A layout that fits "t1" may not fit these.
SENTENCE = (
    "Reviewed the overnight heartbeat failures and retried the nightly digest after "
    "the rate limiter cooled down; the summary was posted to the operator channel "
    "with links to the three affected cron runs and the model usage of each."
)
IDENTIFIER = "aria-main.nightly_digest.operator-report"
SAMPLE_JSON = {"source": "telegram", "tags": ["ops", "nightly"], "score": 0.82, "retries": 2}


def realistic_value(field, n):
    """A value for ``field`` of the shape and length Aria writes (``n``: a row counter)."""
    if field.choices:
        return field.choices[n % len(field.choices)][0]
    if isinstance(field, EmbeddingField):
        return [0.125] * field.dimensions
    internal = field.get_internal_type()
    if internal == "CharField":
        limit = field.max_length or 100
        serial = next(_serial)  # unique columns stay unique
        text = f"{IDENTIFIER}-{serial}" if limit < 60 else f"{SENTENCE[:limit - 8]} #{serial}"
        return text[-limit:] if limit < len(text) else text
    if internal == "TextField":
        return f"{SENTENCE} {SENTENCE} #{n}"
    if internal in ("IntegerField", "BigIntegerField", "SmallIntegerField"):
        return 1234 + n
    if internal == "DecimalField":
        whole = field.max_digits - field.decimal_places
        return Decimal("9" * min(whole, 3) or "0") + Decimal("0.123456")
    if internal == "FloatField":
        return 0.8215
    if internal == "BooleanField":
        return bool(n % 2)
    if internal == "JSONField":
        return dict(SAMPLE_JSON, n=n)
    if internal == "DateTimeField":
        return timezone.now()
    if internal == "UUIDField":
        return uuid.uuid4()
    raise AssertionError(f"no sample value for {field}")


def realistic_row(model, n=1):
    """A saved row with every field filled as Aria would, parents included."""
    values = {}
    for field in model._meta.concrete_fields:
        if field.primary_key and field.get_internal_type() == "AutoField":
            continue
        if field.is_relation:
            parent = field.related_model
            # A row pointing at its own table (a reply) points nowhere if it may.
            if parent is not model or not field.null:
                values[field.name] = realistic_row(parent, n)
        elif field.name == "schedule" and model._meta.model_name in ("enginecronjob",):
            values[field.name] = "*/15 * * * *"
        elif field.name == "schedule_expr":
            values[field.name] = "0 18 */2 * *"
        else:
            values[field.name] = realistic_value(field, n)
    return model._default_manager.create(**values)


def truncate_aria_tables():
    """Empty Aria's 39 tables.

    Django's flush after a transactional test leaves them alone (their
    schema-qualified names are not in its list of tables), and rows the
    live server committed must not leak into the next test.
    """
    from django.db import connection

    tables = ", ".join(model._meta.db_table for model in aria_models())
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} CASCADE")
