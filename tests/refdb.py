"""Extra databases next to the test database, for parity and adoption tests.

They live on the server of settings.DATABASES['default'] (the embedded one or
the 127.0.0.1:5432 service) and are created, loaded and dropped with plain
psycopg in autocommit, outside Django's test transaction.
"""

import functools
import importlib
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import psycopg
from django.conf import settings

from aria_admin.catalog import read_catalog

# Aria's reference material: shared/ beside the checkout (as in CI), or ARIA_REFERENCE_DIR.
REFERENCE = Path(
    os.environ.get("ARIA_REFERENCE_DIR") or Path(settings.BASE_DIR).parent / "shared" / "reference"
)
# Aria main (2026-02-28) is the shape we create; v3.0.0 is the older level we adopt and upgrade.
PGVECTOR_DUMP = REFERENCE / "aria_warehouse_main_2026-02-28_pgvector.sql"
JSONB_DUMP = REFERENCE / "aria_warehouse_main_2026-02-28_jsonb.sql"
V3_PGVECTOR_DUMP = REFERENCE / "aria_warehouse_v3_pgvector.sql"
V3_JSONB_DUMP = REFERENCE / "aria_warehouse_v3_jsonb.sql"

# The seed's ForeignKey summary, plus Aria main's archive key: (table, column) -> (referenced, ON DELETE).
FK_SUMMARY = {
    ("aria_data.social_posts", "reply_to"): ("aria_data.social_posts(post_id)", "SET NULL"),
    ("aria_data.knowledge_relations", "from_entity"): ("aria_data.knowledge_entities(id)", "CASCADE"),
    ("aria_data.knowledge_relations", "to_entity"): ("aria_data.knowledge_entities(id)", "CASCADE"),
    ("aria_data.skill_graph_relations", "from_entity"): ("aria_data.skill_graph_entities(id)", "CASCADE"),
    ("aria_data.skill_graph_relations", "to_entity"): ("aria_data.skill_graph_entities(id)", "CASCADE"),
    ("aria_data.session_messages", "session_id"): ("aria_data.agent_sessions(id)", "SET NULL"),
    ("aria_data.sentiment_events", "message_id"): ("aria_data.session_messages(id)", "CASCADE"),
    ("aria_data.sentiment_events", "session_id"): ("aria_data.agent_sessions(id)", "SET NULL"),
    ("aria_data.model_usage", "session_id"): ("aria_data.agent_sessions(id)", "SET NULL"),
    ("aria_engine.chat_messages", "session_id"): ("aria_engine.chat_sessions(id)", "CASCADE"),
    # Aria main (2026-02-28):
    ("aria_engine.chat_messages_archive", "session_id"): (
        "aria_engine.chat_sessions_archive(id)", "CASCADE"),
}


def server():
    """host, port, user, password of the server the test database is on."""
    db = settings.DATABASES["default"]
    options = db.get("OPTIONS", {})
    return {
        "host": db.get("HOST") or options.get("host") or "localhost",
        "port": str(db.get("PORT") or options.get("port") or 5432),
        "user": db.get("USER") or "postgres",
        "password": db.get("PASSWORD") or "",
    }


def connect(dbname, **kwargs):
    return psycopg.connect(dbname=dbname, autocommit=True, **server(), **kwargs)


def database_name(suffix):
    """A name unique to this test run (several runs share the 5432 service)."""
    db = settings.DATABASES["default"]
    base = (db.get("TEST") or {}).get("NAME") or db["NAME"]
    if not base.startswith("test_"):
        base = f"test_{base}"
    return f"{base}_{suffix}"[:63]


def vector_available_on_server():
    with connect("postgres") as conn:
        row = conn.execute(
            "SELECT 1 FROM pg_available_extensions WHERE name = 'vector'"
        ).fetchone()
    return row is not None


def fitting_dump(level="main"):
    """The reference dump of Aria ``level`` ("main" or "v3") that this server
    can load: Aria made each on its kind."""
    if level == "v3":
        return V3_PGVECTOR_DUMP if vector_available_on_server() else V3_JSONB_DUMP
    return PGVECTOR_DUMP if vector_available_on_server() else JSONB_DUMP


def create_database(name):
    with connect("postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')


def drop_database(name):
    with connect("postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def load_dump(name, dump):
    """Load a schema dump as pg_restore would (it empties search_path)."""
    with connect(name) as conn:
        conn.execute(Path(dump).read_text())


@contextmanager
def loaded_database(suffix, dump=None):
    """A fresh database holding a reference dump, dropped afterwards."""
    name = database_name(suffix)
    create_database(name)
    try:
        load_dump(name, dump or fitting_dump())
        yield name
    finally:
        drop_database(name)


def catalog_of(name):
    with connect(name) as conn, conn.cursor() as cursor:
        return read_catalog(cursor)


def sql(name, statement, params=None):
    """Run one statement in a fresh connection; rows if it returns any."""
    with connect(name) as conn, conn.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


def database_url(name):
    """A DATABASE_URL for ``name`` (socket folders go in the path, as
    django-environ reads ``postgresql://user@:port//socket/dir/name``)."""
    s = server()
    auth = s["user"] + (f":{s['password']}" if s["password"] else "")
    if s["host"].startswith("/"):
        return f"postgresql://{auth}@:{s['port']}/{s['host']}/{name}"
    return f"postgresql://{auth}@{s['host']}:{s['port']}/{name}"


def manage(*args, database=None, env=None):
    """Run ``manage.py`` in a subprocess, optionally against another database."""
    environment = {**os.environ, **(env or {})}
    if database:
        environment["DATABASE_URL"] = database_url(database)
    return subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=settings.BASE_DIR,
        timeout=300,
    )


@functools.cache
def reference_catalog():
    """The catalog of the reference dump that fits this server, read once."""
    with loaded_database("reference") as name:
        return catalog_of(name)


def catalog_built_from_models():
    """The catalog of the 39 tables created straight from the current models.

    No migration file is involved: on schema-qualified tables, Django's
    migrations drop an index by its bare name (DROP INDEX IF EXISTS, so
    nothing happens) and look foreign keys up in search_path (so an
    on_delete change is a no-op); a model change whose migration silently
    does nothing still shows up here. The bootstrap, trigram and HNSW steps are
    the migrations' own functions. Needs database access (django_db_blocker).
    """
    from django.apps import apps
    from django.db import connections

    bootstrap = importlib.import_module("data_app.migrations.0001_bootstrap")
    trigram = importlib.import_module("data_app.migrations.0003_thoughts_trigram")
    hnsw = importlib.import_module("engine_app.migrations.0003_hnsw_indexes")
    name = database_name("models")
    alias = "aria_built_from_models"
    create_database(name)
    connections.settings[alias] = {**connections["default"].settings_dict, "NAME": name}
    try:
        with connections[alias].schema_editor() as editor:
            bootstrap.create_schemas_and_extensions(apps, editor)
            for app in ("data_app", "engine_app"):
                for model in apps.get_app_config(app).get_models():
                    editor.create_model(model)
            # Foreign keys last: reply_to needs post_id's unique constraint.
            editor.deferred_sql.sort(key=lambda sql: "FOREIGN KEY" in str(sql))
        with connections[alias].schema_editor() as editor:
            trigram.create_trigram_index(apps, editor)
        with connections[alias].schema_editor(atomic=False) as editor:
            hnsw.create_hnsw_indexes(apps, editor)
        with connections[alias].cursor() as cursor:
            return read_catalog(cursor)
    finally:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]
        drop_database(name)
