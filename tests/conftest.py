"""Fixtures shared by the whole suite (real PostgreSQL, never mocked)."""

import pytest
from django.db import connection


@pytest.fixture
def vector_installed(db):
    """Whether this database stores embeddings as pgvector (else jsonb)."""
    from aria_admin.fields import vector_available

    return vector_available(connection)


@pytest.fixture
def run_sql(db):
    """Run plain SQL the way Aria's API would, outside the ORM."""

    def run(sql, params=None):
        with connection.cursor() as cursor:
            cursor.execute(sql, params or [])
            if cursor.description:
                return cursor.fetchall()
            return None

    return run


@pytest.fixture
def viewer_client(client, db):
    """A client logged in as a member of "Aria viewers"."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from aria_admin.roles import VIEWERS, ensure_groups

    ensure_groups()
    user = get_user_model().objects.create_user("viewer", password="x-Strong-pass-1", is_staff=True)
    user.groups.add(Group.objects.get(name=VIEWERS))
    client.force_login(user)
    return client


# A real streaming replica and a real PgBouncer (tests/pg_servers.py), one of
# each per test session, made once the test database exists. ------------------
REPLICA_ALIAS = "replica_1"


def primary_params():
    from django.db import connections

    params = connections["default"].get_connection_params()
    return {key: str(params[key]) for key in ("host", "port", "user", "dbname") if params.get(key)}


@pytest.fixture(scope="session")
def replica_server(django_db_setup, django_db_blocker):
    """A hot standby of the test server, registered as the ``replica_1``
    alias (a test mirror: Django neither creates nor flushes it). Tests turn
    it on with settings.ARIA_REPLICA_ALIASES."""
    from django.conf import settings
    from django.db import connections

    from tests.pg_servers import Replica, running

    with django_db_blocker.unblock(), running(lambda: Replica(primary_params()), "streaming replica") as replica:
        database = {
            **connections["default"].settings_dict,
            "HOST": str(replica.root),
            "PORT": str(replica.port),
            "OPTIONS": {**connections["default"].settings_dict.get("OPTIONS", {}), "connect_timeout": 2},
            "TEST": {"MIRROR": "default"},
        }
        settings.DATABASES[REPLICA_ALIAS] = database
        connections.settings[REPLICA_ALIAS] = database
        try:
            yield replica
        finally:
            connections[REPLICA_ALIAS].close()


@pytest.fixture(scope="session")
def pgbouncer_server(django_db_setup, django_db_blocker):
    """PgBouncer in transaction mode in front of the test server."""
    from tests.pg_servers import PgBouncer, running

    with django_db_blocker.unblock(), running(lambda: PgBouncer(primary_params()), "PgBouncer") as bouncer:
        yield bouncer


@pytest.fixture
def empty_aria_tables(transactional_db):
    """Aria's tables emptied before and after a test that commits rows
    (Django's flush leaves schema-qualified tables alone)."""
    from tests.sample_rows import truncate_aria_tables

    truncate_aria_tables()
    yield
    truncate_aria_tables()


@pytest.fixture
def through_pgbouncer(pgbouncer_server, transactional_db):
    """Django's default connection (and the health probes, which copy its
    settings) through PgBouncer, with DATABASE_POOLER=pgbouncer's settings."""
    from django.db import connections

    from aria_admin.replicas.config import pooler_settings

    database = connections["default"].settings_dict
    saved = {**database, "OPTIONS": dict(database.get("OPTIONS", {}))}
    connections["default"].close()
    pooler_settings(database, "pgbouncer")
    database.update(HOST="127.0.0.1", PORT=str(pgbouncer_server.port))
    yield pgbouncer_server
    connections["default"].close()
    database.clear()
    database.update(saved)
