"""Where the benchmark databases live, and how child processes reach them.

With BENCH_DATABASE_URL the bench databases are created on that server;
without it they go on the embedded server of aria_admin.settings (the one in
ARIA_PGDATA), next to aria_warehouse but under their own names, so the
benchmark never touches the warehouse a developer works in.
"""

import os
from urllib.parse import urlsplit


# BENCH_DB / BENCH_DB_10K: run on copies of the shared bench databases.
BENCH_DB = os.environ.get("BENCH_DB", "aria_bench")
BENCH_DB_10K = os.environ.get("BENCH_DB_10K", "aria_bench_10k")


def server_params():
    """psycopg keyword arguments for the bench server (any database)."""
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if url:
        parts = urlsplit(url)
        return {
            "host": parts.hostname or "127.0.0.1",
            "port": parts.port or 5432,
            "user": parts.username or "postgres",
            "password": parts.password or "",
        }
    from pathlib import Path

    from aria_admin import embedded

    base = Path(__file__).resolve().parent.parent
    pgdata = Path(os.environ.get("ARIA_PGDATA", str(base / "var" / "pgdata")))
    database = embedded.start(pgdata)
    return {
        "host": database["HOST"],
        "port": int(database["PORT"]),
        "user": database["USER"],
        "password": database["PASSWORD"],
    }


def connect(dbname, **kwargs):
    import psycopg

    return psycopg.connect(dbname=dbname, **server_params(), **kwargs)


def ensure_database(name, *, recreate=False):
    """Create database ``name`` on the bench server (drop it first if asked)."""
    with connect("postgres", autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists and recreate:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def child_env(dbname, **extra):
    """Environment for manage.py / gunicorn serving database ``dbname``."""
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    if os.environ.get("BENCH_DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    env["BENCH_DB_NAME"] = dbname
    env["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    env.update(extra)
    return env
