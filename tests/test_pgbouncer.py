"""The dashboard's flows through a real PgBouncer in transaction mode
(DATABASE_POOLER=pgbouncer), each followed by a look at PgBouncer's server
connections: no prepared statement, no open cursor and no session setting
(the statement time limit) may be left on them for the next client.

FLOWS is the list to extend: one Flow per step a user takes. A flow's URL
and data may name the rows of ``flow_rows`` ({goal}, {activity}); ``data``
may also be a function of (client, rows) for forms read from their page;
a streamed answer (an export) is read whole before ``shows`` is checked.
"""

import csv
import io
from dataclasses import dataclass
from typing import Callable

import psycopg
import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client

from data_app.models import ActivityLog, Goal
from tests.html_forms import form_data
from tests.sample_rows import insert_as_aria

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass(frozen=True)
class Flow:
    """One request a user makes, and what they must get."""

    name: str
    method: str  # "GET" or "POST"
    url: str  # may name {goal}, {activity}
    data: dict | Callable[[Client, dict], dict] | None = None
    status: int = 200
    shows: str = ""  # text the answer contains
    then: Callable[[dict], None] | None = None  # a check of the database afterwards


def goal_form(title):
    def data(client, rows):
        form = form_data(client.get(f"/admin/data_app/goal/{rows['goal']}/change/").content.decode(), "goal_form")
        return {**form, "title": title}

    return data


def board_move(client, rows):
    goal = Goal.objects.get(pk=rows["goal"])
    return {"goal": rows["goal"], "version": goal.updated_at.isoformat(), "column": "doing", "position": "0", "sprint": "sprint-1"}


def goal_is(**expected):
    def check(rows):
        goal = Goal.objects.get(pk=rows["goal"])
        assert {name: getattr(goal, name) for name in expected} == expected

    return check


def import_goal(title, *, commit):
    """The goals list exported as CSV, the flow's goal retitled, previewed or imported."""

    def data(client, rows):
        exported = b"".join(client.get("/admin/data_app/goal/export/", {"format": "csv"}).streaming_content)
        header, *table = csv.reader(io.StringIO(exported.decode(), newline=""))
        row = next(r for r in table if r[header.index("id")] == rows["goal"])
        row[header.index("title")] = title
        out = io.StringIO(newline="")
        csv.writer(out).writerows([header, row])
        if commit:
            return {"csv_text": out.getvalue(), "import": "Import"}
        return {"file": SimpleUploadedFile("goals.csv", out.getvalue().encode(), content_type="text/csv"), "preview": "Preview"}

    return data


FLOWS = [
    Flow("dashboard", "GET", "/admin/", shows="Dashboard"),
    Flow("list", "GET", "/admin/data_app/activitylog/", shows="pgbouncer flow action"),
    Flow("search", "GET", "/admin/data_app/activitylog/?q=pgbouncer", shows="pgbouncer flow action"),
    Flow("filtered list", "GET", "/admin/data_app/goal/?status__exact=pending", shows="pgbouncer flow goal"),
    Flow("record", "GET", "/admin/data_app/activitylog/{activity}/change/", shows="pgbouncer flow action"),
    Flow("change form", "GET", "/admin/data_app/goal/{goal}/change/", shows="pgbouncer flow goal"),
    Flow("save", "POST", "/admin/data_app/goal/{goal}/change/", data=goal_form("renamed through pgbouncer"), status=302,
         then=goal_is(title="renamed through pgbouncer")),
    Flow("bulk action", "POST", "/admin/data_app/goal/",
         data={"action": "set_priority", "_selected_action": ["{goal}"], "priority": "1"}, status=302,
         then=goal_is(priority=1)),
    Flow("board", "GET", "/admin/data_app/goal/board/?sprint=sprint-1", shows="pgbouncer flow goal"),
    Flow("board move", "POST", "/admin/data_app/goal/board/move/", data=board_move, status=302,
         then=goal_is(board_column="doing")),
    Flow("history", "GET", "/admin/data_app/goal/{goal}/history/"),
    Flow("health", "GET", "/healthz", shows='"status": "ok"'),
    Flow("export csv", "GET", "/admin/data_app/activitylog/export/?q=pgbouncer&format=csv", shows="pgbouncer flow action"),
    Flow("export jsonl", "GET", "/admin/data_app/goal/export/?format=jsonl", shows="pgbouncer flow goal"),
    Flow("insights", "GET", "/admin/insights/", shows="Insights"),
    Flow("insights llm", "GET", "/admin/insights/llm/?range=24h", shows="Insights"),
    Flow("insights activity csv", "GET", "/admin/insights/activity/?range=30d&format=csv", shows="pgbouncer"),
    Flow("import preview", "POST", "/admin/data_app/goal/import/", data=import_goal("imported through pgbouncer", commit=False),
         shows="imported through pgbouncer", then=goal_is(title="pgbouncer flow goal")),
    Flow("import", "POST", "/admin/data_app/goal/import/", data=import_goal("imported through pgbouncer", commit=True),
         status=302, then=goal_is(title="imported through pgbouncer")),
]


@pytest.fixture
def flow_rows(empty_aria_tables):
    activity = insert_as_aria(ActivityLog, action="pgbouncer flow action", skill="pgbouncer")
    goal = insert_as_aria(Goal, goal_id="G-pool", title="pgbouncer flow goal", sprint="sprint-1", board_column="todo", status="pending")
    return {"goal": str(goal), "activity": str(activity)}


def fill(value, rows):
    if isinstance(value, str):
        return value.format(**rows)
    if isinstance(value, list):
        return [fill(item, rows) for item in value]
    return value


def server_connection_state(bouncer, default_timeout):
    """What each of PgBouncer's server connections still holds: two clients
    in open transactions at once occupy both of the pool's connections."""
    clients = [psycopg.connect(**bouncer.params, prepare_threshold=None) for _ in range(2)]
    try:
        left = []
        for conn in clients:
            left.append(conn.execute(
                "SELECT current_setting('statement_timeout'), "
                "(SELECT count(*) FROM pg_prepared_statements), (SELECT count(*) FROM pg_cursors), pg_backend_pid()"
            ).fetchone())
        return [(timeout == default_timeout, prepared, cursors) for timeout, prepared, cursors, _ in left]
    finally:
        for conn in clients:
            conn.close()


@pytest.mark.parametrize("flow", FLOWS, ids=[flow.name for flow in FLOWS])
def test_flow_through_pgbouncer(flow, through_pgbouncer, flow_rows):
    default_timeout = through_pgbouncer.server_setting("statement_timeout")
    client = Client()
    client.force_login(User.objects.create_superuser("pooled", "p@example.org", "x-Strong-pass-1"))
    data = flow.data(client, flow_rows) if callable(flow.data) else {k: fill(v, flow_rows) for k, v in (flow.data or {}).items()}
    url = fill(flow.url, flow_rows)
    response = client.get(url) if flow.method == "GET" else client.post(url, data)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == flow.status, body.decode()[:500]
    assert flow.shows in body.decode()
    if flow.then:
        flow.then(flow_rows)
    # Through PgBouncer indeed, and nothing left behind on its server connections.
    assert connection.connection.info.port == through_pgbouncer.port
    assert connections["default"].settings_dict["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert server_connection_state(through_pgbouncer, default_timeout) == [(True, 0, 0), (True, 0, 0)]


def test_aria_bootstrap_runs_through_pgbouncer(pgbouncer_server):
    """No DATABASE_DIRECT_URL needed: the bootstrap (migrations, CREATE INDEX
    CONCURRENTLY, transaction-level advisory locks) works in transaction mode."""
    from aria_admin.catalog import compare
    from tests import refdb

    name = refdb.database_name("pooled")
    refdb.create_database(name)
    try:
        url = f"postgresql://{pgbouncer_server.primary['user']}@127.0.0.1:{pgbouncer_server.port}/{name}"
        result = refdb.manage("aria_bootstrap", env={"DATABASE_URL": url, "DATABASE_POOLER": "pgbouncer"})
        assert result.returncode == 0, result.stderr
        assert f"{name}: created schemas, extensions" in result.stdout
        assert compare(refdb.reference_catalog(), refdb.catalog_of(name)) == []
        again = refdb.manage("aria_bootstrap", "--check", env={"DATABASE_URL": url, "DATABASE_POOLER": "pgbouncer"})
        assert again.returncode == 0, again.stderr
    finally:
        refdb.drop_database(name)


def test_migrations_may_bypass_the_pooler_with_a_direct_url(db):
    """DATABASE_DIRECT_URL serves migrate and aria_bootstrap only: here the
    pooled URL leads nowhere, and the check still reads the database (the
    test database, built by migrate, is not all Aria's schema: the check's
    verdict is not the point)."""
    from tests import refdb

    name = connection.settings_dict["NAME"]
    env = {"DATABASE_URL": "postgresql://aria@127.0.0.1:1/nowhere", "DATABASE_POOLER": "pgbouncer",
           "DATABASE_DIRECT_URL": refdb.database_url(name)}
    result = refdb.manage("aria_bootstrap", "--check", env=env)
    output = result.stdout + result.stderr
    assert "cannot connect" not in output and name in output  # it read the database
    elsewhere = refdb.manage("ensure_superuser", env=env)  # any other command uses DATABASE_URL
    assert elsewhere.returncode != 0 and "127.0.0.1:1" in elsewhere.stderr
