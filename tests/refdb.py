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
    return psycopg.connect(dbname=dbname, **{"autocommit": True, **server(), **kwargs})


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
def catalog_of_dump(dump):
    """The catalog of a reference dump, loaded on this server, read once."""
    with loaded_database("reference", dump) as name:
        return catalog_of(name)


def reference_catalog():
    """The catalog of Aria main's reference dump that fits this server."""
    return catalog_of_dump(fitting_dump())


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


# Rows and migration records of a warehouse, to prove what a command changed --

def checksums(name, catalog=None):
    """Row count and md5 of every Aria table (of ``catalog``'s columns only,
    when given: an upgrade adds columns, and must keep every existing value)."""
    catalog = catalog or catalog_of(name)
    result = {}
    for table in sorted(catalog.tables):
        columns = ", ".join(f'"{c}"' for t, c in sorted(catalog.columns) if t == table)
        result[table] = sql(
            name,
            f"SELECT count(*), md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) "
            f"FROM (SELECT {columns} FROM {table}) r",
        )[0]
    return result


def recorded_migrations(name):
    if sql(name, "SELECT to_regclass('public.django_migrations')")[0][0] is None:
        return None
    return sql(name, "SELECT app, name FROM django_migrations ORDER BY id")


def warehouse_events(name):
    """(action, level_found) of every aria_bootstrap record, oldest first."""
    if sql(name, "SELECT to_regclass('public.aria_admin_warehouse_event')")[0][0] is None:
        return None
    return sql(name, "SELECT action, level_found FROM aria_admin_warehouse_event ORDER BY id")


def insert_like_aria(name, catalog):
    """One row in every table of ``catalog`` by a plain INSERT naming only
    the columns that catalog says are required (NOT NULL, no default), as
    the Aria whose shape ``catalog`` is writes; parents before children."""
    import re

    from .sample_rows import sql_literal

    parents = {}
    for (table, _), (kind, definition) in catalog.constraints.items():
        if kind == "foreign key":
            column, parent, parent_column = re.match(
                r"FOREIGN KEY \((\w+)\) REFERENCES ([\w.]+)\((\w+)\)", definition
            ).groups()
            parents[(table, column)] = (parent, parent_column)
    done, remaining, written = [], sorted(catalog.tables), {}
    while remaining:
        table = next(
            t for t in remaining
            if all(parents[k][0] in done or parents[k][0] == t
                   for k in parents if k[0] == t and _required(catalog, k))
        )
        columns, values, params = [], [], []
        for key in sorted(k for k in catalog.columns if k[0] == table and _required(catalog, k)):
            columns.append(f'"{key[1]}"')
            type_ = catalog.columns[key][0]
            if key in parents:
                parent, parent_column = parents[key]
                values.append("%s")  # the parent row this call wrote
                params.append(written[parent][parent_column])
            elif type_.startswith(("vector", "public.vector")):
                dims = int(re.search(r"\((\d+)\)", type_).group(1))
                values.append(f"'[{','.join(['0.25'] * dims)}]'::public.vector")
            else:
                value, extra = sql_literal(type_)
                values.append(value)
                params += extra
        rows = f"({', '.join(columns)}) VALUES ({', '.join(values)})" if columns else "DEFAULT VALUES"
        written[table] = sql(name, f"INSERT INTO {table} AS t {rows} RETURNING to_jsonb(t)", params)[0][0]
        done.append(table)
        remaining.remove(table)
    return done


def _required(catalog, key):
    _, notnull, default = catalog.columns[key]
    return notnull and default is None


# Aria's start-up DDL, replayed from a dump ---------------------------------

def replay_aria_startup(name, dump):
    """Run on ``name`` what Aria's start-up runs: ``CREATE SCHEMA IF NOT
    EXISTS litellm``, each of the dump's tables IF NOT EXISTS (a table it
    creates gets its keys), and each of its indexes IF NOT EXISTS (HNSW
    included). Returns the tables it created."""
    import re

    statements = [s.strip() for s in Path(dump).read_text().split(";\n")]
    statements = [re.sub(r"^(--.*\n|\s*\n)*", "", s) for s in statements]
    created = []
    with connect(name) as conn:
        conn.execute("CREATE SCHEMA IF NOT EXISTS litellm")
        for statement in statements:
            match = re.match(r"CREATE TABLE ([\w.]+) \(", statement)
            if match:
                exists = conn.execute("SELECT to_regclass(%s)", [match.group(1)]).fetchone()[0]
                if exists is None:
                    conn.execute(statement.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1))
                    created.append(match.group(1))
        for statement in statements:
            match = re.match(r"ALTER TABLE ONLY ([\w.]+)\s+ADD CONSTRAINT", statement)
            if match and match.group(1) in created:
                conn.execute(statement)
            if re.match(r"CREATE (UNIQUE )?INDEX ", statement):
                conn.execute(re.sub(r"INDEX ", "INDEX IF NOT EXISTS ", statement, count=1))
    return created
