"""The dashboard checks the live warehouse against the models while serving.

In-process: the check on the test database (zero drift), the type
spelling, the classification. Then real warehouses of their own (reference
dumps on the test server) served by a ``manage.py shell`` process with
Django's test client: drift after adoption, a v3.0.0 warehouse not yet
upgraded, a later Aria's extra column. No page may answer 500.
"""

import json
import textwrap

import pytest

from aria_admin import schema_health

from . import refdb


def test_the_migrated_database_fits_the_models_with_no_warning(db):
    state = schema_health.check()

    assert state.level == schema_health.LEVEL_MAIN
    assert state.problems == {} and state.warnings == []
    assert not state.upgrade_pending and state.ok


def test_every_model_column_is_spelled_as_postgresql_spells_it(db, vector_installed):
    from django.db import connection

    expected = schema_health.expected_catalog(schema_health.aria_models(), vector_installed)
    with connection.cursor() as cursor:
        live = schema_health.live_catalog(cursor)
    assert len(expected.columns) == len(live.columns) > 400
    for key, (type_, notnull, _) in expected.columns.items():
        assert live.columns[key][:2] == (type_, notnull), key


@pytest.mark.parametrize(
    "db_type, spelled",
    [
        ("varchar(100)", "character varying(100)"),
        ("numeric(10, 6)", "numeric(10,6)"),
        ("serial", "integer"),
        ("timestamp with time zone", "timestamp with time zone"),
        ("vector(768)", "vector(768)"),
    ],
)
def test_catalog_type(db_type, spelled):
    assert schema_health.catalog_type(db_type) == spelled


# Real warehouses, served by a process of their own ---------------------------

SERVE = textwrap.dedent(
    """
    import json
    from django.contrib.auth.models import User
    from django.test import Client
    from aria_admin import schema_health

    schema_health.check_at_startup()
    client = Client()
    user = User.objects.filter(username="boss").first() or User.objects.create_superuser("boss", None, None)
    client.force_login(user)
    pages = {}
    for path in PATHS:
        response = client.get(path)
        pages[path] = [response.status_code, response.content.decode()]
    print("PAGES" + json.dumps(pages))
    """
)

GOALS = "/admin/data_app/goal/"
MEMORIES = "/admin/data_app/memory/"
LLM = "/admin/engine_app/llmmodelentry/"
CRON = "/admin/engine_app/enginecronjob/"
ARCHIVE = "/admin/engine_app/enginechatsessionarchive/"
INDEX = "/admin/"
HEALTH = "/healthz"


def serve(name, *paths):
    """{path: (status, body)} as a superuser, from a process serving ``name``."""
    code = f"PATHS = {list(paths)!r}\n{SERVE}"
    result = refdb.manage("shell", "-c", code, database=name, env={"ALLOWED_HOSTS": "testserver"})
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("PAGES"))
    return {path: tuple(page) for path, page in json.loads(line.removeprefix("PAGES")).items()}


@pytest.fixture
def adopted_main():
    with refdb.loaded_database("served", refdb.fitting_dump("main")) as name:
        result = refdb.manage("aria_bootstrap", database=name)
        assert result.returncode == 0, result.stderr
        yield name


def test_drift_after_adoption_is_a_page_naming_it_and_the_other_tables_work(adopted_main):
    name = adopted_main
    refdb.sql(name, "ALTER TABLE aria_data.goals DROP COLUMN sprint")

    pages = serve(name, GOALS, MEMORIES, INDEX, HEALTH, f"{GOALS}board/")

    status, body = pages[GOALS]
    assert status == 503
    assert "missing column aria_data.goals.sprint" in body
    assert "aria_bootstrap --check" in body
    assert pages[MEMORIES][0] == 200
    status, body = pages[INDEX]
    assert status == 200 and "1 table with drift" in body and "schema drift" in body
    assert "Aria main 2026-02-28</strong> (adopted on " in body
    assert json.loads(pages[HEALTH][1])["schema"] == "drift"
    assert all(status < 500 or status == 503 for status, _ in pages.values())
    assert pages[f"{GOALS}board/"][0] != 500


def test_a_column_dropped_while_serving_is_found_by_the_failing_query(adopted_main):
    """The cached check said "ok"; the query that finds the column gone
    re-checks at once and answers the drift page, not a 500."""
    name = adopted_main
    code = textwrap.dedent(
        """
        from django.contrib.auth.models import User
        from django.db import connection
        from django.test import Client
        from aria_admin import schema_health

        assert schema_health.current().ok
        client = Client()
        client.force_login(User.objects.create_superuser("boss", None, None))
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE aria_data.memories DROP COLUMN category")
        response = client.get("/admin/data_app/memory/")
        print("STATUS", response.status_code, "missing column aria_data.memories.category" in response.content.decode())
        """
    )
    result = refdb.manage("shell", "-c", code, database=name, env={"ALLOWED_HOSTS": "testserver"})
    assert result.returncode == 0, result.stderr
    assert "STATUS 503 True" in result.stdout


def test_a_later_arias_additive_column_and_table_are_warnings_and_pages_work(adopted_main):
    name = adopted_main
    refdb.sql(name, "ALTER TABLE aria_data.goals ADD COLUMN mood text")
    refdb.sql(name, "ALTER TABLE aria_data.goals ADD COLUMN effort integer NOT NULL DEFAULT 1")
    refdb.sql(name, "CREATE TABLE aria_data.future_things (id serial PRIMARY KEY)")

    pages = serve(name, GOALS, INDEX, HEALTH)

    assert pages[GOALS][0] == 200
    index = pages[INDEX][1]
    for table in ("aria_data.goals.mood", "aria_data.goals.effort", "aria_data.future_things"):
        assert table in index
    assert json.loads(pages[HEALTH][1])["schema"] == "ok"


def test_a_not_null_column_without_default_is_drift(adopted_main):
    name = adopted_main
    refdb.sql(name, "ALTER TABLE aria_data.goals ADD COLUMN owner text")
    refdb.sql(name, "UPDATE aria_data.goals SET owner = 'x'")
    refdb.sql(name, "ALTER TABLE aria_data.goals ALTER COLUMN owner SET NOT NULL")

    pages = serve(name, GOALS, MEMORIES)

    assert pages[GOALS][0] == 503
    assert "extra column aria_data.goals.owner is NOT NULL without a default" in pages[GOALS][1]
    assert pages[MEMORIES][0] == 200


@pytest.fixture
def v3_not_upgraded():
    """A v3.0.0 warehouse an earlier Aria Admin adopted (our v3-level
    migrations recorded), served by this version before aria_bootstrap."""
    with refdb.loaded_database("served_v3", refdb.fitting_dump("v3")) as name:
        code = textwrap.dedent(
            """
            from django.core.management import call_command
            call_command("migrate", "data_app", "0003", fake=True, verbosity=0)
            call_command("migrate", "engine_app", "0001", fake=True, verbosity=0)
            for app in ("contenttypes", "auth", "admin", "sessions", "axes", "aria_admin_log"):
                call_command("migrate", app, verbosity=0)
            """
        )
        result = refdb.manage("shell", "-c", code, database=name)
        assert result.returncode == 0, result.stderr
        refdb.sql(name, "INSERT INTO aria_data.goals (goal_id, title) VALUES ('g-1', 'Keep serving')")
        yield name


def test_a_v3_warehouse_not_upgraded_is_served_with_the_command_named(v3_not_upgraded):
    pages = serve(v3_not_upgraded, INDEX, GOALS, MEMORIES, LLM, CRON, ARCHIVE, HEALTH)

    for path in (INDEX, GOALS, MEMORIES):
        status, body = pages[path]
        assert status == 200, path
        assert "This warehouse is at Aria v3.0.0" in body and "manage.py aria_bootstrap" in body
    assert "Keep serving" in pages[GOALS][1]
    for path, missing in ((LLM, "app_managed"), (CRON, "model"), (ARCHIVE, "missing table")):
        status, body = pages[path]
        assert status == 503, path
        assert "is still at Aria v3.0.0" in body and missing in body
    assert "needs upgrade" in pages[INDEX][1]
    assert json.loads(pages[HEALTH][1])["schema"] == "drift"


def test_an_upgraded_v3_warehouse_says_so_on_the_dashboard():
    with refdb.loaded_database("served_up", refdb.fitting_dump("v3")) as name:
        result = refdb.manage("aria_bootstrap", database=name)
        assert result.returncode == 0, result.stderr

        pages = serve(name, INDEX, LLM, HEALTH)

    status, body = pages[INDEX]
    assert status == 200
    assert "Aria main 2026-02-28</strong> (v3.0.0, upgraded on " in body
    assert "aria-upgrade-banner" not in body
    assert pages[LLM][0] == 200
    assert json.loads(pages[HEALTH][1])["schema"] == "ok"
