"""Our migrations build exactly the schema Aria's own bootstrap builds.

The test database (migrated by pytest-django) is compared with a fresh
database holding the reference dump Aria made on this kind of server: the
pgvector dump on the embedded PostgreSQL 18, the jsonb dump on the
PostgreSQL 15 service. Then every single removal of a default, a NOT NULL,
an ON DELETE rule, a constraint or an index is shown to be reported, so
that the zero above means something.
"""

import copy
import re

import pytest
from django.core.management import call_command
from django.db import connection

from aria_admin.catalog import ACCEPTED_EQUIVALENCES, compare, read_catalog

from . import refdb

# The only differences between Aria's spelling and ours that are accepted.
EQUIVALENCES = [
    "serial integer keys (nextval of an owned sequence) == identity columns",
    "uuid_generate_v4() (uuid-ossp, or Aria's stand-in function) == gen_random_uuid()",
    "now() == statement_timestamp() == transaction_timestamp() == CURRENT_TIMESTAMP",
]


@pytest.fixture(scope="module")
def reference():
    return refdb.reference_catalog()


@pytest.fixture
def migrated(db):
    with connection.cursor() as cursor:
        return read_catalog(cursor)


def test_the_accepted_equivalences_are_exactly_the_three():
    assert ACCEPTED_EQUIVALENCES == EQUIVALENCES


def test_migrated_database_matches_the_reference_dump(reference, migrated, vector_installed):
    assert compare(reference, migrated) == []
    assert len(migrated.tables) == 39
    embedding = migrated.columns[("aria_data.semantic_memories", "embedding")][0]
    assert embedding == ("vector(768)" if vector_installed else "jsonb")
    assert (refdb.fitting_dump() == refdb.PGVECTOR_DUMP) == vector_installed


@pytest.fixture(scope="module")
def built_from_models(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return refdb.catalog_built_from_models()


def test_tables_built_from_the_models_match_the_reference_dump(reference, built_from_models):
    assert compare(reference, built_from_models) == []


def test_the_migrations_hold_every_model_change(db):
    # Otherwise the migrated database could match while the models do not.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_foreign_keys_follow_the_seed_summary(migrated):
    foreign_keys = {
        (table, re.search(r"FOREIGN KEY \((\w+)\)", definition).group(1)): definition
        for (table, _), (kind, definition) in migrated.constraints.items()
        if kind == "foreign key"
    }
    assert set(foreign_keys) == set(refdb.FK_SUMMARY)
    for key, (referenced, rule) in refdb.FK_SUMMARY.items():
        assert foreign_keys[key].endswith(f"REFERENCES {referenced} ON DELETE {rule}")


# Each single removal is reported ------------------------------------------

def _columns_with(catalog, position, wanted):
    return [key for key, value in sorted(catalog.columns.items()) if wanted(value[position])]


def test_removing_any_single_column_default_is_reported(reference, migrated):
    keys = _columns_with(migrated, 2, lambda default: default is not None)
    assert len(keys) > 100
    for table, column in keys:
        mutated = copy.deepcopy(migrated)
        type_, notnull, default = mutated.columns[(table, column)]
        mutated.columns[(table, column)] = (type_, notnull, None)
        assert compare(reference, mutated) == [
            f"column {table}.{column}: default is None, expected {default}"
        ]


def test_removing_any_single_not_null_is_reported(reference, migrated):
    keys = _columns_with(migrated, 1, bool)
    assert len(keys) > 100
    for table, column in keys:
        mutated = copy.deepcopy(migrated)
        type_, _, default = mutated.columns[(table, column)]
        mutated.columns[(table, column)] = (type_, False, default)
        assert compare(reference, mutated) == [
            f"column {table}.{column}: nullability is NULL, expected NOT NULL"
        ]


def test_removing_any_single_on_delete_rule_is_reported(reference, migrated):
    foreign_keys = [
        key for key, (kind, _) in sorted(migrated.constraints.items()) if kind == "foreign key"
    ]
    assert len(foreign_keys) == 11
    for table, name in foreign_keys:
        mutated = copy.deepcopy(migrated)
        kind, definition = mutated.constraints[(table, name)]
        plain = re.sub(r" ON DELETE (CASCADE|SET NULL)$", "", definition)
        assert plain != definition
        mutated.constraints[(table, name)] = (kind, plain)
        assert compare(reference, mutated) == [
            f"constraint {name} on {table} is {kind} {plain}, expected {kind} {definition}"
        ]


def test_removing_any_single_constraint_is_reported(reference, migrated):
    assert len(migrated.constraints) > 37
    for (table, name), (kind, definition) in sorted(migrated.constraints.items()):
        mutated = copy.deepcopy(migrated)
        del mutated.constraints[(table, name)]
        assert compare(reference, mutated) == [
            f"missing constraint {name} on {table}: {kind} {definition}"
        ]


def test_removing_any_single_index_is_reported(reference, migrated):
    assert len(migrated.indexes) > 100
    for (table, name), definition in sorted(migrated.indexes.items()):
        mutated = copy.deepcopy(migrated)
        del mutated.indexes[(table, name)]
        assert compare(reference, mutated) == [f"missing index {name} on {table}: {definition}"]


def test_a_duplicate_index_body_under_another_name_is_reported(reference, migrated):
    definition = migrated.indexes[("aria_data.goals", "idx_goals_sprint")]
    mutated = copy.deepcopy(migrated)
    mutated.indexes[("aria_data.goals", "goals_sprint_again")] = definition.replace(
        "idx_goals_sprint", "goals_sprint_again"
    )
    assert compare(reference, mutated) == [
        "extra index goals_sprint_again on aria_data.goals: "
        "CREATE INDEX goals_sprint_again ON aria_data.goals USING btree (sprint)",
        "index body present 2 times: CREATE INDEX ON aria_data.goals USING btree (sprint)",
    ]


# The same, made by real DDL on the migrated database (rolled back) ---------

REAL_CHANGES = {
    "default": (
        "ALTER TABLE aria_data.memories ALTER COLUMN category DROP DEFAULT",
        ["column aria_data.memories.category: default is None, "
         "expected 'general'::character varying"],
    ),
    "nullability": (
        "ALTER TABLE aria_data.goals ALTER COLUMN title DROP NOT NULL",
        ["column aria_data.goals.title: nullability is NULL, expected NOT NULL"],
    ),
    "on delete": (
        "ALTER TABLE aria_engine.chat_messages DROP CONSTRAINT chat_messages_session_id_fkey, "
        "ADD CONSTRAINT chat_messages_session_id_fkey FOREIGN KEY (session_id) "
        "REFERENCES aria_engine.chat_sessions(id)",
        ["constraint chat_messages_session_id_fkey on aria_engine.chat_messages is "
         "foreign key FOREIGN KEY (session_id) REFERENCES aria_engine.chat_sessions(id), "
         "expected foreign key FOREIGN KEY (session_id) REFERENCES "
         "aria_engine.chat_sessions(id) ON DELETE CASCADE"],
    ),
    "index": (
        "DROP INDEX aria_data.idx_goals_sprint",
        ["missing index idx_goals_sprint on aria_data.goals: "
         "CREATE INDEX idx_goals_sprint ON aria_data.goals USING btree (sprint)"],
    ),
    "duplicate index": (
        "CREATE INDEX goals_sprint_again ON aria_data.goals (sprint)",
        ["extra index goals_sprint_again on aria_data.goals: "
         "CREATE INDEX goals_sprint_again ON aria_data.goals USING btree (sprint)",
         "index body present 2 times: CREATE INDEX ON aria_data.goals USING btree (sprint)"],
    ),
}


@pytest.mark.parametrize("change", REAL_CHANGES)
def test_a_real_schema_change_is_reported(reference, db, change):
    statement, expected = REAL_CHANGES[change]
    with connection.cursor() as cursor:
        cursor.execute(statement)
        assert compare(reference, read_catalog(cursor)) == expected
