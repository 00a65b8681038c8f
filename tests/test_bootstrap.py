"""``manage.py aria_bootstrap`` on an empty database, on a warehouse Aria
created (one of the reference dumps, rows included), on one that differs
from the models, and as a role that may not create databases.

Each case runs the real command in a subprocess with DATABASE_URL pointing
at a database of its own on the test server. ``ensure_superuser`` is at the end.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from aria_admin.catalog import compare

from . import refdb

REFERENCE = refdb.REFERENCE


checksums = refdb.checksums
recorded_migrations = refdb.recorded_migrations


def add_rows_as_aria(name):
    """A few rows written by plain SQL, relying on the server defaults."""
    refdb.sql(
        name,
        """
        INSERT INTO aria_data.memories (key, value) VALUES ('user.name', '"Ada"');
        INSERT INTO aria_data.goals (goal_id, title) VALUES ('g-1', 'Ship the dashboard');
        INSERT INTO aria_data.knowledge_entities (name, type) VALUES ('Ada', 'person');
        INSERT INTO aria_data.knowledge_entities (name, type) VALUES ('Aria', 'agent');
        INSERT INTO aria_data.knowledge_relations (from_entity, to_entity, relation_type)
            SELECT a.id, b.id, 'talks_to' FROM aria_data.knowledge_entities a,
            aria_data.knowledge_entities b WHERE a.name = 'Ada' AND b.name = 'Aria';
        INSERT INTO aria_engine.chat_sessions (agent_id) VALUES ('aria');
        INSERT INTO aria_engine.chat_messages (session_id, role, content)
            SELECT id, 'user', 'hello' FROM aria_engine.chat_sessions;
        INSERT INTO aria_engine.llm_models (id, name, provider) VALUES ('m1', 'Model one', 'x');
        """,
    )


@pytest.fixture
def aria_warehouse():
    """A database loaded from the reference dump that fits this server, with rows."""
    with refdb.loaded_database("adopt") as name:
        add_rows_as_aria(name)
        yield name


def test_bootstrap_creates_an_empty_database_and_imports_yaml():
    name = refdb.database_name("empty")
    refdb.create_database(name)
    try:
        check = refdb.manage("aria_bootstrap", "--check", database=name)
        assert check.returncode == 0, check.stderr
        assert f"{name}: empty; aria_bootstrap would apply" in check.stdout
        assert recorded_migrations(name) is None

        result = refdb.manage(
            "aria_bootstrap",
            "--models", str(REFERENCE / "models.yaml"),
            "--cron", str(REFERENCE / "cron_jobs.yaml"),
            database=name,
        )
        assert result.returncode == 0, result.stderr
        assert f"{name}: created schemas, extensions" in result.stdout
        assert "and 39 tables" in result.stdout
        assert compare(refdb.reference_catalog(), refdb.catalog_of(name)) == []
        assert refdb.sql(name, "SELECT to_regclass('public.auth_user')")[0][0] == "auth_user"
        assert refdb.sql(name, "SELECT count(*) FROM aria_engine.llm_models")[0][0] > 0
        assert refdb.sql(name, "SELECT count(*) FROM aria_engine.cron_jobs")[0][0] > 0

        before = (recorded_migrations(name), checksums(name))
        again = refdb.manage("aria_bootstrap", database=name)
        assert again.returncode == 0, again.stderr
        assert again.stdout.strip() == f"{name}: managed and up to date; nothing to do."
        assert (recorded_migrations(name), checksums(name)) == before
        assert refdb.warehouse_events(name) == [("created", "empty")]

        # Aria (either version) starting on it: its DDL IF NOT EXISTS is no drift.
        for dump in (refdb.fitting_dump("v3"), refdb.fitting_dump("main")):
            assert refdb.replay_aria_startup(name, dump) == []
        again = refdb.manage("aria_bootstrap", database=name)
        assert (again.returncode, again.stderr) == (0, "")
        assert again.stdout.strip() == f"{name}: managed and up to date; nothing to do."
        assert compare(refdb.reference_catalog(), refdb.catalog_of(name)) == []
        assert refdb.sql(name, "SELECT to_regnamespace('litellm')::text") == [("litellm",)]

        refdb.sql(name, "DELETE FROM django_migrations WHERE app = 'sessions'")
        before = (recorded_migrations(name), checksums(name))
        check = refdb.manage("aria_bootstrap", "--check", database=name)
        assert check.stdout.strip() == f"{name}: managed by Aria Admin; 1 unapplied migration."
        assert (recorded_migrations(name), checksums(name)) == before
    finally:
        refdb.drop_database(name)


def test_bootstrap_adopts_a_warehouse_aria_created_without_touching_a_row(aria_warehouse):
    name = aria_warehouse
    rows = checksums(name)
    catalog = refdb.catalog_of(name)
    assert rows["aria_data.knowledge_relations"][0] == 1

    check = refdb.manage("aria_bootstrap", "--check", database=name)
    assert check.returncode == 0, check.stderr
    assert check.stdout.strip() == (
        f"{name}: created by Aria and matches the models; "
        "aria_bootstrap would record the migrations as applied, touching no row."
    )
    assert recorded_migrations(name) is None

    result = refdb.manage("aria_bootstrap", database=name)
    assert result.returncode == 0, result.stderr
    assert f"{name}: adopted Aria's warehouse (39 tables match the models)" in result.stdout
    assert checksums(name) == rows
    assert compare(catalog, refdb.catalog_of(name)) == []
    recorded = recorded_migrations(name)
    assert refdb.warehouse_events(name) == [("adopted", "main 2026-02-28")]
    assert ("engine_app", "0003_hnsw_indexes") in recorded
    assert ("data_app", "0001_bootstrap") in recorded
    assert ("data_app", "0003_thoughts_trigram") in recorded
    assert ("engine_app", "0001_initial") in recorded
    assert ("auth", "0001_initial") in recorded
    # Our search indexes, built CONCURRENTLY after adoption: ours, not drift.
    ours = refdb.sql(
        name,
        "SELECT indexname FROM pg_indexes WHERE starts_with(indexname, 'aria_admin_') "
        "AND schemaname IN ('aria_data', 'aria_engine')",
    )
    assert len(ours) == 7, ours

    again = refdb.manage("aria_bootstrap", database=name)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == f"{name}: managed and up to date; nothing to do."
    assert recorded_migrations(name) == recorded
    assert checksums(name) == rows
    leftovers = refdb.sql(
        "postgres", "SELECT datname FROM pg_database WHERE datname LIKE %s", ["%_aria_check_%"]
    )
    assert leftovers == []


def test_bootstrap_refuses_a_warehouse_with_a_dropped_column(aria_warehouse):
    name = aria_warehouse
    refdb.sql(name, "ALTER TABLE aria_data.goals DROP COLUMN sprint")
    rows = checksums(name)

    for args in (["--check"], []):
        result = refdb.manage("aria_bootstrap", *args, database=name)
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        assert result.stderr.strip().splitlines() == [
            # The index went with the column: slower, not wrong, so a warning.
            "warning: missing index idx_goals_sprint on aria_data.goals: "
            "CREATE INDEX idx_goals_sprint ON aria_data.goals USING btree (sprint)",
            "warning: missing index idx_goals_sprint_column_position on aria_data.goals: "
            "CREATE INDEX idx_goals_sprint_column_position ON aria_data.goals "
            'USING btree (sprint, board_column, "position")',
            "missing column aria_data.goals.sprint",
            f"CommandError: {name} differs from the models in 1 way (listed above); "
            "nothing was changed.",
        ]
        assert recorded_migrations(name) is None
        assert refdb.warehouse_events(name) is None
        assert checksums(name) == rows
        assert refdb.sql(
            name,
            "SELECT count(*) FROM information_schema.columns "
            "WHERE table_schema = 'aria_data' AND table_name = 'goals' AND column_name = 'sprint'",
        ) == [(0,)]


def test_bootstrap_without_createdb_says_so_in_one_line(aria_warehouse):
    name = aria_warehouse
    role = refdb.database_name("nocreatedb")
    refdb.sql("postgres", f'DROP ROLE IF EXISTS "{role}"')
    refdb.sql("postgres", f'CREATE ROLE "{role}" LOGIN NOCREATEDB')
    try:
        url = refdb.database_url(name).replace("//postgres@", f"//{role}@", 1)
        result = refdb.manage("aria_bootstrap", env={"DATABASE_URL": url})
    finally:
        refdb.sql("postgres", f'DROP ROLE IF EXISTS "{role}"')
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"CommandError: cannot compare {name} with the models: the role {role!r} may not "
        "create the scratch database the comparison needs (grant it CREATEDB or use a "
        "role that has it); nothing was changed."
    )
    assert recorded_migrations(name) is None


def test_check_cannot_import(db):
    with pytest.raises(CommandError, match="--check changes nothing"):
        call_command("aria_bootstrap", "--check", "--models", "models.yaml")


# ensure_superuser -----------------------------------------------------------

def run_ensure_superuser(capsys):
    call_command("ensure_superuser")
    return capsys.readouterr().out.strip()


def test_ensure_superuser_generates_a_password_and_prints_it_once(db, capsys, monkeypatch):
    monkeypatch.delenv("ARIA_ADMIN_USER", raising=False)
    monkeypatch.delenv("ARIA_ADMIN_PASSWORD", raising=False)
    output = run_ensure_superuser(capsys)
    prefix = "Created superuser admin with password "
    assert output.startswith(prefix)
    password = output.removeprefix(prefix)
    assert len(password) >= 20
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.check_password(password)

    assert run_ensure_superuser(capsys) == "superuser exists"
    admin.refresh_from_db()
    assert admin.check_password(password)


def test_ensure_superuser_takes_name_and_password_from_the_environment(db, capsys, monkeypatch):
    monkeypatch.setenv("ARIA_ADMIN_USER", "staff")
    monkeypatch.setenv("ARIA_ADMIN_PASSWORD", "a long chosen passphrase")
    output = run_ensure_superuser(capsys)
    assert output == "Created superuser staff (password from ARIA_ADMIN_PASSWORD)"
    assert "passphrase" not in output
    staff = get_user_model().objects.get(username="staff")
    assert staff.is_superuser and staff.check_password("a long chosen passphrase")


def test_ensure_superuser_leaves_a_plain_user_of_that_name_alone(db, monkeypatch):
    monkeypatch.delenv("ARIA_ADMIN_USER", raising=False)
    plain = get_user_model().objects.create_user("admin", password="old password here")
    with pytest.raises(CommandError, match="user 'admin' exists but is not a superuser"):
        call_command("ensure_superuser")
    plain.refresh_from_db()
    assert not plain.is_superuser and plain.check_password("old password here")
