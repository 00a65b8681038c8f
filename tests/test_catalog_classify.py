"""``classify``: the one rule for which schema difference is drift (refused,
named) and which is a warning (a later Aria's addition, accepted).

Each case changes one thing in the catalog of the reference dump that fits
this server (read from a real database), the way the DDL it names would.
The bootstrap tests show the same rule on real DDL.
"""

import copy

import pytest

from aria_admin.catalog import Catalog, classify

from . import refdb


@pytest.fixture(scope="module")
def reference():
    return refdb.reference_catalog()


def changed(catalog, change):
    mutated = copy.deepcopy(catalog)
    change(mutated)
    return mutated


def test_the_same_catalog_has_neither(reference):
    assert classify(reference, copy.deepcopy(reference)) == ([], [])


def drop_column(c):
    del c.columns[("aria_data.goals", "title")]


def retype_column(c):
    type_, notnull, default = c.columns[("aria_data.goals", "title")]
    c.columns[("aria_data.goals", "title")] = ("text", notnull, default)


def drop_not_null(c):
    type_, _, default = c.columns[("aria_data.goals", "title")]
    c.columns[("aria_data.goals", "title")] = (type_, False, default)


def set_default(c, default, key=("aria_data.memories", "category")):
    type_, notnull, _ = c.columns[key]
    c.columns[key] = (type_, notnull, default)


def drop_needed_default(c):
    set_default(c, None)


def add_required_column(c):
    c.columns[("aria_data.goals", "owner")] = ("text", True, None)


def drop_table(c):
    c.tables.discard("aria_data.memories")
    for key in [k for k in c.columns if k[0] == "aria_data.memories"]:
        del c.columns[key]


def drop_primary_key(c):
    del c.constraints[("aria_data.goals", "goals_pkey")]


def change_foreign_key(c):
    key = ("aria_engine.chat_messages", "chat_messages_session_id_fkey")
    kind, definition = c.constraints[key]
    c.constraints[key] = (kind, definition.removesuffix(" ON DELETE CASCADE"))


DRIFT = {
    "missing column": (drop_column, "missing column aria_data.goals.title"),
    "other type": (retype_column, "column aria_data.goals.title: type is text, "
                   "expected character varying(255)"),
    "other nullability": (drop_not_null, "column aria_data.goals.title: nullability is NULL, "
                          "expected NOT NULL"),
    "NOT NULL lost its default": (
        drop_needed_default,
        "column aria_data.memories.category: default is None, "
        "expected 'general'::character varying",
    ),
    "unknown NOT NULL column without default": (
        add_required_column,
        "extra column aria_data.goals.owner is NOT NULL without a default: "
        "inserts that do not name it fail",
    ),
    "missing table": (drop_table, "missing table aria_data.memories"),
    "missing primary key": (drop_primary_key, "missing constraint goals_pkey on aria_data.goals: "
                            "primary key PRIMARY KEY (id)"),
    "changed foreign key": (
        change_foreign_key,
        "constraint chat_messages_session_id_fkey on aria_engine.chat_messages is foreign key "
        "FOREIGN KEY (session_id) REFERENCES aria_engine.chat_sessions(id), expected foreign key "
        "FOREIGN KEY (session_id) REFERENCES aria_engine.chat_sessions(id) ON DELETE CASCADE",
    ),
}


@pytest.mark.parametrize("case", DRIFT)
def test_drift_is_named(reference, case):
    change, line = DRIFT[case]
    drift, warnings = classify(reference, changed(reference, change))
    assert line in drift
    assert line not in warnings


def add_nullable_column(c):
    c.columns[("aria_engine.llm_models", "notes")] = ("text", False, None)


def add_defaulted_column(c):
    c.columns[("aria_engine.llm_models", "priority")] = ("integer", True, "0")


def add_table(c):
    c.tables.add("aria_engine.skills_v2")
    c.columns[("aria_engine.skills_v2", "id")] = ("uuid", True, None)
    c.constraints[("aria_engine.skills_v2", "skills_v2_pkey")] = ("primary key", "PRIMARY KEY (id)")


def add_index(c):
    c.indexes[("aria_data.goals", "idx_goals_owner")] = (
        "CREATE INDEX idx_goals_owner ON aria_data.goals USING btree (title, sprint)"
    )


def drop_plain_index(c):
    del c.indexes[("aria_data.goals", "idx_goals_sprint")]


def change_a_default(c):
    set_default(c, "'other'::character varying")


WARNINGS = {
    "nullable column": (add_nullable_column, "extra column aria_engine.llm_models.notes"),
    "column with a default": (add_defaulted_column, "extra column aria_engine.llm_models.priority"),
    "new table": (add_table, "extra table aria_engine.skills_v2"),
    "new index": (add_index, "extra index idx_goals_owner on aria_data.goals: "
                  "CREATE INDEX idx_goals_owner ON aria_data.goals USING btree (title, sprint)"),
    "missing plain index": (drop_plain_index, "missing index idx_goals_sprint on aria_data.goals: "
                            "CREATE INDEX idx_goals_sprint ON aria_data.goals USING btree (sprint)"),
    "other default": (change_a_default, "column aria_data.memories.category: default is "
                      "'other'::character varying, expected 'general'::character varying"),
}


@pytest.mark.parametrize("case", WARNINGS)
def test_a_later_arias_additions_are_warnings(reference, case):
    change, line = WARNINGS[case]
    assert classify(reference, changed(reference, change)) == ([], [line])


def test_a_missing_unique_index_is_drift(reference):
    unique = sorted(
        key for key, definition in reference.indexes.items()
        if definition.startswith("CREATE UNIQUE") and key not in reference.constraints
    )
    assert unique, "the dump has unique indexes that are not constraints"
    table, name = unique[0]
    mutated = changed(reference, lambda c: c.indexes.pop((table, name)))
    drift, warnings = classify(reference, mutated)
    assert drift == [f"missing index {name} on {table}: {reference.indexes[(table, name)]}"]


def test_tables_and_columns_alone_are_checked_against_a_full_catalog(reference):
    """The dashboard's start-up check: expected built from the models has no
    keys or indexes, so those of the live catalog are neither drift nor warnings."""
    expected = Catalog(tables=set(reference.tables), columns=dict(reference.columns))
    assert classify(expected, copy.deepcopy(reference)) == ([], [])
    mutated = changed(reference, drop_column)
    add_nullable_column(mutated)
    mutated.indexes.clear()
    assert classify(expected, mutated) == (
        ["missing column aria_data.goals.title"],
        ["extra column aria_engine.llm_models.notes"],
    )
