"""Server errors leave a traceback in the log, one line per event."""

import logging
import re
import sys

import pytest

from tests import refdb
from tests.gunicorn_process import fetch, gunicorn, production_env


@pytest.fixture
def database_without_tables(db):
    """A real, empty database: every page that reads a table fails in it."""
    name = refdb.database_name("no_tables")
    refdb.create_database(name)
    yield name
    refdb.drop_database(name)


def test_a_server_error_is_logged_with_its_traceback_on_one_line_by_gunicorn(database_without_tables):
    output = []
    env = production_env(
        DATABASE_URL=refdb.database_url(database_without_tables), SECURE_HSTS_SECONDS="0", ARIA_MANIFEST_STATIC="false"
    )
    with gunicorn(env, output=output) as base:
        # The session is read from django_session, which this database lacks.
        status, _, page = fetch(f"{base}/admin/", timeout=30, headers={"Cookie": "sessionid=" + "a" * 32})
        assert status == 500
        assert "Traceback" not in page  # DEBUG is off: nothing leaks to the browser

    lines = [line for line in output[0].splitlines() if "ERROR django.request" in line]
    assert len(lines) == 1, output[0]
    line = lines[0]
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} ERROR django.request Internal Server Error: /admin/ ", line)
    assert "| Traceback (most recent call last):\\n" in line
    assert 'relation "django_session" does not exist' in line


def test_the_formatter_keeps_a_multi_line_message_and_its_traceback_in_one_line():
    from aria_admin.log_format import OneLineFormatter

    try:
        raise ValueError("first\nsecond")
    except ValueError:
        record = logging.LogRecord("aria_admin", logging.WARNING, __file__, 1, "a\nb", None, sys.exc_info())
    text = OneLineFormatter("%(levelname)s %(name)s %(message)s").format(record)

    assert "\n" not in text
    assert text.startswith("WARNING aria_admin a\\nb | Traceback (most recent call last):\\n")
    assert text.endswith("ValueError: first\\nsecond")
