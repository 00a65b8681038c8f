"""``aria_bootstrap`` on each known level of Aria's warehouse, and on later
or drifted ones.

- Aria v3.0.0 (its dump, with rows): upgraded additively to Aria main's
  level, every value kept, Aria v3.0.0's plain INSERTs still working;
- v3.0.0 on which Aria main has already started (archive tables and HNSW
  indexes there, the three columns not): only the columns are added;
- a later Aria's additions: accepted with a warning naming each;
- drift, before and after adoption: refused, named, nothing written;
- Aria holding a lock: the upgrade waits briefly, retries, says so.

The real command runs in a subprocess against a database of its own, loaded
from the dump that fits this server (pgvector or jsonb).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from aria_admin.catalog import compare

from . import refdb

V3_PIECES_PGVECTOR = [
    "  table aria_engine.chat_messages_archive with its keys and 6 indexes",
    "  table aria_engine.chat_sessions_archive with its keys and 5 indexes",
    "  column aria_engine.agent_state.app_managed boolean DEFAULT false NOT NULL",
    "  column aria_engine.cron_jobs.model character varying(200)",
    "  column aria_engine.llm_models.app_managed boolean DEFAULT false NOT NULL",
    "  index idx_semantic_embedding_hnsw on aria_data.semantic_memories (built CONCURRENTLY)",
    "  index idx_session_messages_embedding_hnsw on aria_engine.chat_messages "
    "(built CONCURRENTLY)",
]


def expected_pieces():
    pgvector = refdb.fitting_dump("v3") == refdb.V3_PGVECTOR_DUMP
    return V3_PIECES_PGVECTOR if pgvector else V3_PIECES_PGVECTOR[:5]


@pytest.fixture
def v3_warehouse():
    """Aria v3.0.0's warehouse with rows in every table, written as it writes."""
    with refdb.loaded_database("v3", refdb.fitting_dump("v3")) as name:
        v3 = refdb.catalog_of(name)
        assert len(refdb.insert_like_aria(name, v3)) == 37
        yield name, v3


def main_catalog():
    return refdb.reference_catalog()


def test_a_v3_warehouse_is_upgraded_additively_keeping_every_value(v3_warehouse):
    name, v3 = v3_warehouse
    rows = refdb.checksums(name, v3)

    check = refdb.manage("aria_bootstrap", "--check", database=name)
    assert (check.returncode, check.stderr) == (0, "")
    pieces = expected_pieces()
    assert check.stdout.splitlines() == [
        f"{name}: Aria v3.0.0; aria_bootstrap would add {len(pieces)} pieces of "
        "Aria main 2026-02-28, touching no row:",
        *pieces,
    ]
    assert compare(v3, refdb.catalog_of(name)) == []
    assert refdb.recorded_migrations(name) is None

    result = refdb.manage("aria_bootstrap", database=name)
    assert (result.returncode, result.stderr) == (0, ""), result.stdout
    assert f"{name}: upgraded Aria v3.0.0 to Aria main 2026-02-28 (added {len(pieces)} pieces, " \
        "no row changed)" in result.stdout
    if len(pieces) == 7:
        assert "building index idx_semantic_embedding_hnsw on aria_data.semantic_memories " \
            "(1 of 2)...done in " in result.stdout
    assert refdb.checksums(name, v3) == rows
    assert compare(main_catalog(), refdb.catalog_of(name)) == []
    assert refdb.sql(
        name, "SELECT app_managed, count(*) FROM aria_engine.llm_models GROUP BY 1"
    ) == [(False, 1)]
    assert ("engine_app", "0003_hnsw_indexes") in refdb.recorded_migrations(name)
    assert refdb.warehouse_events(name) == [("upgraded", "v3.0.0")]

    # Aria v3.0.0 goes on writing as it did, on every one of its tables.
    assert len(refdb.insert_like_aria(name, v3)) == 37

    again = refdb.manage("aria_bootstrap", database=name)
    assert (again.returncode, again.stderr) == (0, "")
    assert again.stdout.strip() == f"{name}: managed and up to date; nothing to do."
    assert refdb.warehouse_events(name) == [("upgraded", "v3.0.0")]


def test_a_v3_warehouse_aria_main_started_on_gets_only_the_columns(v3_warehouse):
    """Aria main's start-up creates the archive tables and HNSW indexes but
    never adds columns to existing tables."""
    name, v3 = v3_warehouse
    created = refdb.replay_aria_startup(name, refdb.fitting_dump("main"))
    assert created == ["aria_engine.chat_messages_archive", "aria_engine.chat_sessions_archive"]
    rows = refdb.checksums(name, v3)

    check = refdb.manage("aria_bootstrap", "--check", database=name)
    assert (check.returncode, check.stderr) == (0, "")
    assert check.stdout.splitlines()[1:] == expected_pieces()[2:5]

    result = refdb.manage("aria_bootstrap", database=name)
    assert (result.returncode, result.stderr) == (0, ""), result.stdout
    assert "(added 3 pieces, no row changed)" in result.stdout
    assert "building index" not in result.stdout
    assert refdb.checksums(name, v3) == rows
    assert compare(main_catalog(), refdb.catalog_of(name)) == []


def start_bootstrap(name, *args):
    return subprocess.Popen(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "aria_bootstrap", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "DATABASE_URL": refdb.database_url(name), "PYTHONUNBUFFERED": "1"},
        cwd=settings.BASE_DIR,
    )


def test_an_upgrade_waits_for_arias_lock_and_retries(v3_warehouse):
    name, v3 = v3_warehouse
    rows = refdb.checksums(name, v3)
    with refdb.connect(name, autocommit=False) as aria:
        # Aria in the middle of a transaction that read llm_models.
        aria.execute("SELECT count(*) FROM aria_engine.llm_models").fetchone()

        never = refdb.manage(
            "aria_bootstrap", "--lock-timeout", "0.5", "--lock-attempts", "2", database=name
        )
        assert never.returncode == 1
        assert "aria_engine.llm_models is locked (Aria is using it); nothing changed yet; " \
            "trying again in 0.5 s (attempt 2 of 2)..." in never.stdout
        assert never.stderr.strip() == (
            "CommandError: could not lock aria_engine.llm_models within 0.5 s in 2 attempts "
            "(Aria holds it); nothing was changed; run aria_bootstrap again when Aria is quieter."
        )
        assert compare(v3, refdb.catalog_of(name)) == []
        assert refdb.recorded_migrations(name) is None
        assert refdb.checksums(name, v3) == rows

        process = start_bootstrap(name, "--lock-timeout", "1", "--lock-attempts", "30")
        first = process.stdout.readline()
        while "building index" not in first and "is locked" not in first:
            assert first, process.stderr.read()
            first = process.stdout.readline()
        assert first.startswith("aria_engine.llm_models is locked (Aria is using it)")
        aria.rollback()  # Aria's transaction ends
    out, err = process.communicate(timeout=300)
    assert (process.returncode, err) == (0, ""), out
    assert "upgraded Aria v3.0.0 to Aria main 2026-02-28" in out
    assert compare(main_catalog(), refdb.catalog_of(name)) == []
    assert refdb.checksums(name, v3) == rows


# A later Aria, and drift ----------------------------------------------------

LATER_ARIA = [
    "ALTER TABLE aria_engine.llm_models ADD COLUMN notes text",
    "ALTER TABLE aria_engine.cron_jobs ADD COLUMN priority integer NOT NULL DEFAULT 0",
    "CREATE TABLE aria_engine.skills_v2 (id uuid PRIMARY KEY, name text NOT NULL)",
]
LATER_ARIA_WARNINGS = [
    "warning: extra table aria_engine.skills_v2",
    "warning: extra column aria_engine.cron_jobs.priority",
    "warning: extra column aria_engine.llm_models.notes",
]


def test_a_later_arias_additions_are_adopted_with_warnings():
    with refdb.loaded_database("later") as name:
        for statement in LATER_ARIA:
            refdb.sql(name, statement)
        rows = refdb.checksums(name)
        result = refdb.manage("aria_bootstrap", database=name)
        assert result.returncode == 0, result.stderr
        assert result.stderr.splitlines() == LATER_ARIA_WARNINGS
        assert f"{name}: adopted Aria's warehouse" in result.stdout
        assert refdb.checksums(name) == rows
        assert refdb.warehouse_events(name) == [("adopted", "main 2026-02-28")]

        again = refdb.manage("aria_bootstrap", "--check", database=name)
        assert again.returncode == 0
        assert again.stderr.splitlines() == LATER_ARIA_WARNINGS


DRIFT = {
    "ALTER TABLE aria_data.goals DROP COLUMN title":
        "missing column aria_data.goals.title",
    "ALTER TABLE aria_data.memories ALTER COLUMN key TYPE text":
        "column aria_data.memories.key: type is text, expected character varying(255)",
    "ALTER TABLE aria_engine.llm_models ADD COLUMN owner text NOT NULL DEFAULT 'aria'; "
    "ALTER TABLE aria_engine.llm_models ALTER COLUMN owner DROP DEFAULT":
        "extra column aria_engine.llm_models.owner is NOT NULL without a default: "
        "inserts that do not name it fail",
    "DROP TABLE aria_data.heartbeat_log":
        "missing table aria_data.heartbeat_log",
    "ALTER TABLE aria_engine.cron_jobs DROP CONSTRAINT cron_jobs_pkey, "
    "ADD CONSTRAINT cron_jobs_pkey PRIMARY KEY (id, name)":
        "constraint cron_jobs_pkey on aria_engine.cron_jobs is primary key PRIMARY KEY (id, name), "
        "expected primary key PRIMARY KEY (id)",
}
# The changed key's unique index is named too.
DRIFT_LINES = [
    *DRIFT.values(),
    "index cron_jobs_pkey on aria_engine.cron_jobs is CREATE UNIQUE INDEX cron_jobs_pkey ON "
    "aria_engine.cron_jobs USING btree (id, name), expected CREATE UNIQUE INDEX cron_jobs_pkey "
    "ON aria_engine.cron_jobs USING btree (id)",
]


def assert_refused(name, rows, recorded, events):
    for args in (["--check"], []):
        result = refdb.manage("aria_bootstrap", *args, database=name)
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        lines = [line for line in result.stderr.splitlines() if not line.startswith("warning: ")]
        assert sorted(lines[:-1]) == sorted(DRIFT_LINES)
        assert lines[-1] == (
            f"CommandError: {name} differs from the models in 6 ways (listed above); "
            "nothing was changed."
        )
        assert refdb.checksums(name) == rows
        assert refdb.recorded_migrations(name) == recorded
        assert refdb.warehouse_events(name) == events


def test_drift_is_refused_before_adoption():
    with refdb.loaded_database("drift") as name:
        refdb.insert_like_aria(name, refdb.catalog_of(name))
        for statement in DRIFT:
            refdb.sql(name, statement)
        assert_refused(name, refdb.checksums(name), None, None)


def test_drift_is_refused_after_adoption_too():
    with refdb.loaded_database("drift_managed") as name:
        adopted = refdb.manage("aria_bootstrap", database=name)
        assert adopted.returncode == 0, adopted.stderr
        refdb.insert_like_aria(name, refdb.catalog_of(name))
        for statement in DRIFT:
            refdb.sql(name, statement)
        events = refdb.warehouse_events(name)
        assert_refused(name, refdb.checksums(name), refdb.recorded_migrations(name), events)


# The levels our migrations build ------------------------------------------

@pytest.fixture(scope="module")
def scratch_catalogs(django_db_setup, django_db_blocker):
    """Our migrations up to each level, in aria_bootstrap's scratch database,
    with the extensions this server offers (as Aria's dumps have them)."""
    from django.db import connection

    from data_app.management.commands.aria_bootstrap import ScratchSchema

    extensions = ["pg_trgm"] + (["vector"] if refdb.vector_available_on_server() else [])
    with django_db_blocker.unblock(), ScratchSchema(connection, extensions) as scratch:
        return scratch.catalogs()


def test_our_migrations_build_each_known_level(scratch_catalogs):
    v3 = refdb.catalog_of_dump(refdb.fitting_dump("v3"))
    assert compare(v3, scratch_catalogs["v3.0.0"]) == []
    assert compare(main_catalog(), scratch_catalogs["main 2026-02-28"]) == []
