"""Create, read, update and delete every one of the 37 models through the ORM.

Embeddings included: ``vector(N)`` columns on the embedded server (pgvector),
``jsonb`` on the PostgreSQL 15 service; the suite runs on both.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from aria_admin.fields import EmbeddingField

from .sample_rows import aria_models, orm_value, orm_values, table_name

EMBEDDINGS = {"SemanticMemory": 768, "EngineChatMessage": 1536}


def _updatable_field(model):
    """A plain editable field to change: text where there is one."""
    fields = [
        f
        for f in model._meta.concrete_fields
        if f.editable and not f.primary_key and not f.is_relation and not f.choices
        and not isinstance(f, EmbeddingField)
    ]
    for kind in ("TextField", "CharField", "IntegerField", "JSONField", "FloatField"):
        for field in fields:
            if field.get_internal_type() == kind and field.name != "schedule":
                return field
    raise AssertionError(f"nothing to update on {model.__name__}")


@pytest.mark.parametrize("model", aria_models(), ids=lambda m: m.__name__)
def test_create_read_update_delete(db, model):
    manager = model._default_manager
    obj = manager.create(**orm_values(model))
    obj.refresh_from_db()  # server defaults come back from the database
    obj.full_clean()
    assert str(obj)

    field = _updatable_field(model)
    new_value = orm_value(field)
    setattr(obj, field.attname, new_value)
    obj.save()
    assert getattr(manager.get(pk=obj.pk), field.attname) == new_value
    assert manager.filter(**{field.attname: new_value}).count() == 1

    obj.delete()
    assert not manager.filter(pk=obj.pk).exists()


def test_every_model_is_round_tripped():
    assert len(aria_models()) == 39
    assert {m.__name__ for m in aria_models()} >= set(EMBEDDINGS)


@pytest.mark.parametrize("name", EMBEDDINGS)
def test_embeddings_round_trip_on_this_servers_column_type(db, name, vector_installed):
    model = next(m for m in aria_models() if m.__name__ == name)
    dimensions = EMBEDDINGS[name]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attname = 'embedding'",
            [table_name(model)],
        )
        column_type = cursor.fetchone()[0]
    assert column_type == (f"vector({dimensions})" if vector_installed else "jsonb")

    embedding = [i / 8 for i in range(dimensions)]
    obj = model._default_manager.create(**{**orm_values(model), "embedding": embedding})
    assert model._default_manager.get(pk=obj.pk).embedding == embedding
    changed = [-0.5] * dimensions
    obj.embedding = changed
    obj.save()
    assert model._default_manager.get(pk=obj.pk).embedding == changed

    obj.embedding = [0.5] * (dimensions - 1)
    with pytest.raises(ValidationError) as error:
        obj.full_clean()
    assert error.value.message_dict["embedding"] == [
        f"Expected {dimensions} dimensions, got {dimensions - 1}."
    ]
    with pytest.raises(ValueError, match=f"Expected {dimensions} dimensions"):
        with transaction.atomic():
            obj.save()
    assert model._default_manager.get(pk=obj.pk).embedding == changed
