"""Aria keeps writing to a database our migrations created.

Its API inserts rows giving no id, no timestamps and no jsonb defaults, and
deletes parents relying on the database's own ON DELETE rules. Both must
work with plain SQL, and the rows must then load through the ORM.
"""

import uuid
from datetime import datetime

import pytest
from django.contrib.postgres.functions import RandomUUID
from django.db import connection
from django.db.models.functions import Now

from .sample_rows import aria_models, insert_as_aria, required_columns, table_name, unique_text
from .refdb import FK_SUMMARY


def _loaded_defaults(instance):
    """(field, loaded value, declared db_default) for each server-defaulted field."""
    return [
        (field, getattr(instance, field.attname), field.db_default)
        for field in instance._meta.concrete_fields
        if field.has_db_default()
    ]


@pytest.mark.parametrize("model", aria_models(), ids=lambda m: m.__name__)
def test_a_row_inserted_as_aria_does_loads_with_the_defaults_filled(db, model):
    pk = insert_as_aria(model)
    given = set(required_columns(model))
    if model._meta.db_table.endswith('_archive"'):
        # An archive row is a copy: Aria gives the original's id and times.
        assert {"id", "created_at"} <= given
    else:
        # Ids (other than Aria's string keys), timestamps and jsonb: the server's.
        assert not {"created_at", "updated_at"} & given
        pk_given = model._meta.pk.column in given
        assert pk_given == (model._meta.pk.get_internal_type() == "CharField")
    instance = model._default_manager.get(pk=pk)
    for field, value, default in _loaded_defaults(instance):
        assert value is not None, field.name
        if field.column in given:
            continue
        if isinstance(default, RandomUUID):
            assert isinstance(value, uuid.UUID), field.name
        elif isinstance(default, Now):
            assert isinstance(value, datetime), field.name
        else:
            assert value == default, field.name


def test_every_table_has_a_model_and_every_model_was_written():
    assert len(aria_models()) == 39


def _exists(model, pk):
    return model._default_manager.filter(pk=pk).exists()


def _model_for(table):
    return next(m for m in aria_models() if table_name(m) == table)


@pytest.mark.parametrize("fk", FK_SUMMARY, ids=lambda key: f"{key[0]}.{key[1]}")
def test_deleting_a_parent_with_plain_sql_follows_the_fk_summary(db, fk):
    child_table, column = fk
    referenced, rule = FK_SUMMARY[fk]
    child_model = _model_for(child_table)
    field = next(f for f in child_model._meta.concrete_fields if f.column == column)
    parent_model = field.related_model
    target_field = field.target_field
    # A post is replied to by its post_id, which Aria gives when it has one.
    given = {} if target_field.primary_key else {target_field.column: unique_text()}
    parent_pk = insert_as_aria(parent_model, **given)
    target = parent_model._default_manager.filter(pk=parent_pk).values_list(
        target_field.attname, flat=True
    ).get()
    child_pk = insert_as_aria(child_model, **{column: target})
    child = child_model._default_manager.get(pk=child_pk)
    assert target is not None and getattr(child, field.attname) == target
    assert referenced == f"{table_name(parent_model)}({target_field.column})"

    with connection.cursor() as cursor:
        cursor.execute(
            f'DELETE FROM {parent_model._meta.db_table} WHERE "{parent_model._meta.pk.column}" = %s',
            [parent_pk],
        )
    assert not _exists(parent_model, parent_pk)
    if rule == "CASCADE":
        assert not _exists(child_model, child_pk)
    else:
        child = child_model._default_manager.get(pk=child_pk)
        assert getattr(child, field.attname) is None
