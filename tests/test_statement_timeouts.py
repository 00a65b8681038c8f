"""Statement time limits, per transaction, directly and through a real
PgBouncer in transaction mode: a request that hits the limit answers the
503 page that names it, logged with its view and filters; the limit never
outlives the request's transactions."""

import logging
import time

import pytest
from django.contrib.auth.models import User
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)

LIMIT_MS = 400


@pytest.fixture(params=["direct", "pgbouncer"])
def route(request, settings):
    """The test's pages, straight to PostgreSQL and through PgBouncer."""
    settings.ROOT_URLCONF = "tests.db_urls"
    settings.ARIA_STATEMENT_TIMEOUT_MS = LIMIT_MS
    settings.ARIA_EXPORT_TIMEOUT_MS = 5000
    if request.param == "pgbouncer":
        request.getfixturevalue("through_pgbouncer")
    return request.param


def server_statement_timeout():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


def test_a_query_over_the_limit_answers_the_time_limit_page(route, client, caplog):
    before = server_statement_timeout()
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="aria_admin.timeouts"):
        response = client.get("/test-sleep/?seconds=5&status=failed&q=slow")
    assert time.monotonic() - started < 3  # stopped at the limit, not after 5 s
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "This query took longer than 0.4 s: narrow the filters" in response.content.decode()
    (record,) = [r for r in caplog.records if r.name == "aria_admin.timeouts"]
    assert "view=test-sleep" in record.getMessage() and "filters=seconds=5&status=failed&q=slow" in record.getMessage()
    # The limit was per transaction: nothing of it stays on the connection.
    assert client.get("/test-sleep/?seconds=0.1").status_code == 200
    assert server_statement_timeout() == before


def test_the_limit_applies_inside_a_transaction_too(route, client):
    response = client.get("/test-sleep/?seconds=5&atomic=1")
    assert response.status_code == 503
    assert "took longer than 0.4 s" in response.content.decode()


def test_exports_get_the_longer_limit_by_path(route, client):
    assert client.get("/admin/test/slow/export/?seconds=0.8").status_code == 200
    assert client.get("/test-sleep/?seconds=0.8").status_code == 503


def test_a_list_page_over_the_limit_is_a_503_naming_view_and_filters(route, settings, caplog):
    """The activity-log list while another session holds its table locked:
    the list's query waits past the limit; the person gets the time-limit
    page, never a 500."""
    import psycopg

    from django.test import Client

    from tests.conftest import primary_params

    settings.ROOT_URLCONF = "aria_admin.urls"
    client = Client()
    client.force_login(User.objects.create_superuser("op", "op@example.org", "x-Strong-pass-1"))
    with psycopg.connect(**primary_params()) as locker:  # not autocommit: the lock is held
        locker.execute("LOCK TABLE aria_data.activity_log IN ACCESS EXCLUSIVE MODE")
        with caplog.at_level(logging.WARNING, logger="aria_admin.timeouts"):
            response = client.get("/admin/data_app/activitylog/?q=anything&success__exact=1")
        locker.rollback()
    assert response.status_code == 503
    assert "This query took longer than 0.4 s: narrow the filters" in response.content.decode()
    message = " ".join(r.getMessage() for r in caplog.records if r.name == "aria_admin.timeouts")
    assert "view=admin:data_app_activitylog_changelist" in message and "q=anything" in message
    assert client.get("/admin/data_app/activitylog/?q=anything").status_code == 200
