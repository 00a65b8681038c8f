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
