"""Whether the live warehouse still fits the models, checked while serving.

``aria_bootstrap`` compares whole catalogs (defaults, keys, indexes) with a
scratch database built by our migrations. A running dashboard cannot build
one per request, and does not need to: its queries depend on the tables and
columns the models name, their types and nullability, and on no unknown
NOT NULL column lacking a default (our inserts would violate it). That is
what is read here, in one catalog query, at start-up, at most every
CHECK_INTERVAL seconds after, and at once when a query finds a table or
column missing. A table that no longer fits shows a page naming the
difference instead of a 500; the others go on working.

The level is what Aria main (2026-02-28) added to v3.0.0: a warehouse with
none of those columns is v3.0.0, served with a banner naming the command
that upgrades it, its untouched tables working normally.
"""

import logging
import re
import threading
import time
from dataclasses import dataclass, field

from django.db import connection as default_connection

from aria_admin.aria_tables import ARIA_SCHEMAS, aria_models
from aria_admin.catalog import Catalog, classify
from aria_admin.fields import EmbeddingField

logger = logging.getLogger("aria_admin.schema")

CHECK_INTERVAL = 60  # seconds between checks of a process's cached state
UPGRADE_COMMAND = "python manage.py aria_bootstrap"

LEVEL_MAIN = "Aria main 2026-02-28"
LEVEL_V3 = "Aria v3.0.0"
# What Aria main added to v3.0.0 that our models name.
MAIN_COLUMNS = (
    ("aria_engine.llm_models", "app_managed"),
    ("aria_engine.agent_state", "app_managed"),
    ("aria_engine.cron_jobs", "model"),
)
MAIN_TABLES = ("aria_engine.chat_sessions_archive", "aria_engine.chat_messages_archive")

_VARCHAR = re.compile(r"^varchar\((\d+)\)$")
_NUMERIC = re.compile(r"^numeric\((\d+),\s*(\d+)\)$")


def catalog_type(db_type):
    """PostgreSQL's ``format_type`` spelling of a Django column type."""
    if match := _VARCHAR.match(db_type):
        return f"character varying({match[1]})"
    if match := _NUMERIC.match(db_type):
        return f"numeric({match[1]},{match[2]})"
    return {"serial": "integer", "bigserial": "bigint", "smallserial": "smallint"}.get(db_type, db_type)


def table_of(model):
    return model._meta.db_table.replace('"', "")


def expected_catalog(models, vector, connection=default_connection):
    """Tables and columns (type, nullability) as the models name them, with
    embeddings as ``vector`` says the warehouse stores them.

    Defaults are left to ``aria_bootstrap``: they are filled in from the live
    catalog, so they never differ here.
    """
    catalog = Catalog()
    for model in models:
        table = table_of(model)
        catalog.tables.add(table)
        for f in model._meta.concrete_fields:
            if isinstance(f, EmbeddingField):
                type_ = f"vector({f.dimensions})" if vector else "jsonb"
            else:
                type_ = f.rel_db_type(connection) if f.is_relation else f.db_type(connection)
            catalog.columns[(table, f.column)] = (catalog_type(type_), not f.null, None)
    return catalog


def live_catalog(cursor):
    """Tables and columns of Aria's two schemas, in one query."""
    catalog = Catalog()
    cursor.execute(
        """
        SELECT n.nspname || '.' || c.relname, a.attname,
               format_type(a.atttypid, a.atttypmod), a.attnotnull,
               a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> ''
          FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace
          LEFT JOIN pg_attribute a
            ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
         WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p')
        """,
        [list(ARIA_SCHEMAS)],
    )
    for table, column, type_, notnull, has_default in cursor.fetchall():
        catalog.tables.add(table)
        if column is not None:
            catalog.columns[(table, column)] = (type_, notnull, "<default>" if has_default else None)
    return catalog


@dataclass
class SchemaState:
    """What the last check found. ``problems`` maps a model to its lines."""

    level: str
    problems: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    upgrade_pending: bool = False
    checked_at: float = field(default_factory=time.monotonic)

    @property
    def ok(self):
        return not self.problems

    def problems_for(self, model):
        return self.problems.get(model, [])


def detect_level(live):
    present = [key in live.columns for key in MAIN_COLUMNS]
    if all(present):
        return LEVEL_MAIN
    if not any(present):
        return LEVEL_V3
    return f"{LEVEL_V3}, partly upgraded"


def check():
    """Read the live catalog and compare it with the models, table by table.

    On a connection of its own: never a query inside a request's transaction
    (which may be the one a missing column just aborted), nor in its count.
    """
    import psycopg

    from aria_admin.health import probe_params

    models = aria_models()
    # One transaction: through a transaction pooler its statements (and
    # read_catalog's SET search_path) stay on one server connection.
    with psycopg.connect(**probe_params(), autocommit=True) as conn, conn.transaction(), conn.cursor() as cursor:
        live = live_catalog(cursor)
        cursor.execute("SELECT to_regtype('vector') IS NOT NULL")
        vector = cursor.fetchone()[0]
    expected = expected_catalog(models, vector)
    for key, (type_, notnull, default) in live.columns.items():
        if key in expected.columns:  # defaults are aria_bootstrap's to compare
            want = expected.columns[key]
            expected.columns[key] = (want[0], want[1], default)
    level = detect_level(live)
    state = SchemaState(level=level, upgrade_pending=level != LEVEL_MAIN)
    by_table = {table_of(m): m for m in models}
    for table in sorted(expected.tables | live.tables):
        drift, warnings = classify(_only(expected, table), _only(live, table))
        state.warnings += warnings
        if drift and table in by_table:
            state.problems[by_table[table]] = drift
    return state


def _only(catalog, table):
    part = Catalog()
    if table in catalog.tables:
        part.tables.add(table)
        part.columns = {k: v for k, v in catalog.columns.items() if k[0] == table}
    return part


_state = None
_lock = threading.Lock()


def current(max_age=CHECK_INTERVAL):
    """The cached state, checked again when older than ``max_age`` seconds."""
    global _state
    state = _state
    if state is None or time.monotonic() - state.checked_at > max_age:
        with _lock:
            state = _state = check()
        log(state)
    return state


def forget():
    global _state
    _state = None


def log(state):
    if state.upgrade_pending:
        logger.warning(
            "warehouse at level %s: run `%s` to upgrade it to %s", state.level, UPGRADE_COMMAND, LEVEL_MAIN
        )
    for model, lines in state.problems.items():
        for line in lines:
            logger.warning("schema drift on %s: %s", table_of(model), line)
    for line in state.warnings:
        logger.warning("schema warning: %s", line)


def check_at_startup():
    """Check once when a process starts serving; a database that is away
    now is the 503 page's business, not a start-up failure."""
    try:
        current(max_age=0)
    except Exception as exc:  # noqa: BLE001 - never stop a worker from starting
        logger.warning("schema check at start-up skipped: %s", type(exc).__name__)
