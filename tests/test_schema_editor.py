"""Later migrations must really change Aria's schema-qualified tables.

Django looks indexes and constraints up by bare table name; without the
backend's help, dropping an index or changing an ON DELETE rule on
'"aria_data"."goals"' would be a silent no-op.
"""

import pytest
from django.db import connection, models

from data_app.models import Goal, KnowledgeEntity, KnowledgeRelation


def _index_exists(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [name])
        return cursor.fetchone() is not None


def _fk_rule(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT confdeltype FROM pg_constraint WHERE conname = %s", [name])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_removing_and_renaming_an_index_reaches_the_database():
    index = next(i for i in Goal._meta.indexes if i.name == "idx_goals_sprint")
    with connection.schema_editor() as editor:
        editor.rename_index(Goal, index, models.Index(fields=["sprint"], name="idx_goals_sprint2"))
    assert not _index_exists("idx_goals_sprint") and _index_exists("idx_goals_sprint2")
    with connection.schema_editor() as editor:
        editor.remove_index(Goal, models.Index(fields=["sprint"], name="idx_goals_sprint2"))
    assert not _index_exists("idx_goals_sprint2")


@pytest.mark.django_db
def test_altering_a_foreign_key_reaches_the_database():
    old = KnowledgeRelation._meta.get_field("from_entity")
    new = models.ForeignKey(
        KnowledgeEntity,
        on_delete=models.DB_SET_NULL,
        db_column="from_entity",
        db_index=False,
        null=True,
        related_name="+",
    )
    new.set_attributes_from_name("from_entity")
    new.model = KnowledgeRelation
    assert _fk_rule("knowledge_relations_from_entity_fkey") == "c"
    with connection.schema_editor() as editor:
        editor.alter_field(KnowledgeRelation, old, new)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT confdeltype FROM pg_constraint WHERE conrelid = "
            "'aria_data.knowledge_relations'::regclass AND contype = 'f' "
            "AND conkey = ARRAY[(SELECT attnum FROM pg_attribute WHERE attrelid = "
            "'aria_data.knowledge_relations'::regclass AND attname = 'from_entity')]"
        )
        assert [row[0] for row in cursor.fetchall()] == ["n"]
