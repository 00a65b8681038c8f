"""DATABASES entries for the read replicas and the connection pooler.

DATABASE_REPLICA_URLS (comma-separated) adds one alias per URL, ``replica_1``,
``replica_2``...; each copies the primary's engine and connection settings
but connects within REPLICA_CONNECT_TIMEOUT, so a replica that is down costs
a request at most that long before its reads fall back to the primary. In
tests a replica is a mirror of the default database (Django creates no test
database on it).

DATABASE_POOLER=pgbouncer (transaction pooling): consecutive transactions of
one Django connection may run on different server connections, so nothing
may outlive a transaction on the server:
- no server-side prepared statements: psycopg's prepare_threshold is None
  (Django's default too; set explicitly, and our own psycopg connections,
  aria_admin.health.probe_params, use it as well);
- no server-side cursors: Django's ``QuerySet.iterator()`` would DECLARE a
  cursor WITH HOLD in autocommit mode and FETCH from it in later
  transactions; DISABLE_SERVER_SIDE_CURSORS makes it a client-side cursor
  reading in chunks from one result set;
- no session-level SET: the statement time limit is SET LOCAL inside each
  transaction (aria_admin.timeouts).
"""

from urllib.parse import urlsplit

REPLICA_ALIAS = "replica_{number}"
POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql")
REPLICA_CONNECT_TIMEOUT = 2  # seconds; libpq's smallest honoured value
POOLERS = ("", "pgbouncer")
# What a replica alias copies from the primary's settings.
SHARED_KEYS = ("ENGINE", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "DISABLE_SERVER_SIDE_CURSORS")


class DatabaseConfigError(Exception):
    """A database variable cannot be used; the message is one line."""


def pooler_settings(database, pooler):
    """Adapt the primary's settings to ``pooler`` ("" for none), in place."""
    if pooler not in POOLERS:
        raise DatabaseConfigError(
            f"DATABASE_POOLER={pooler!r} is not supported; use 'pgbouncer' (transaction pooling) or leave it empty."
        )
    if pooler == "pgbouncer":
        database["DISABLE_SERVER_SIDE_CURSORS"] = True
        database.setdefault("OPTIONS", {})["prepare_threshold"] = None
    return database


def replica_databases(primary, urls, parse_url):
    """{alias: settings} for each replica URL; ``parse_url`` is
    django-environ's db_url_config."""
    replicas = {}
    for number, url in enumerate((u.strip() for u in urls if u.strip()), 1):
        if urlsplit(url).scheme not in POSTGRES_SCHEMES:
            raise DatabaseConfigError(
                f"DATABASE_REPLICA_URLS entry {number} is not a PostgreSQL URL (postgresql://user:password@host:port/database)."
            )
        database = parse_url(url)
        database.update({key: primary[key] for key in SHARED_KEYS if key in primary})
        options = database.setdefault("OPTIONS", {})
        options["connect_timeout"] = REPLICA_CONNECT_TIMEOUT
        if "prepare_threshold" in primary.get("OPTIONS", {}):
            options["prepare_threshold"] = primary["OPTIONS"]["prepare_threshold"]
        database["TEST"] = {"MIRROR": "default"}
        replicas[REPLICA_ALIAS.format(number=number)] = database
    return replicas
