"""Production serving and security settings, as an operator would run them."""

import re
import subprocess
import sys
import tempfile

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.gunicorn_process import ROOT, STRONG_TEST_KEY, fetch, gunicorn, production_env

# The documented production environment (docs/production.md), minus the database.
DOCUMENTED_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": STRONG_TEST_KEY,
    "ALLOWED_HOSTS": "admin.aria.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://admin.aria.example.org",
    "ARIA_BEHIND_PROXY": "true",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    # Never contacted by these checks.
    "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/unused",
}


def manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env=production_env(**env), capture_output=True, text=True, timeout=120,
    )


def test_check_deploy_is_clean_with_the_documented_environment():
    result = manage("check", "--deploy", **DOCUMENTED_ENV)

    assert result.returncode == 0, result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "key, problem",
    [
        ("", "SECRET_KEY is not set"),
        ("too-short-key", "SECRET_KEY is too short"),
        ("ab" * 30, "SECRET_KEY has only 2 distinct characters"),
        ("aria-admin-insecure-development-key-change-me-in-production", "development key"),
    ],
)
def test_a_missing_or_weak_secret_key_is_refused_in_one_line(key, problem):
    result = manage("check", "--deploy", **{**DOCUMENTED_ENV, "SECRET_KEY": key})

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and problem in lines[0]
    assert "Traceback" not in result.stderr


def test_gunicorn_refuses_to_start_without_a_secret_key():
    result = subprocess.run(
        [f"{sys.prefix}/bin/gunicorn", "--config", "gunicorn.conf.py"],
        cwd=ROOT, env=production_env(SECRET_KEY="", **{"BIND": "127.0.0.1:1"}),
        capture_output=True, text=True, timeout=60,
    )

    assert result.returncode == 2
    assert result.stderr.strip() == result.stderr.strip().splitlines()[0]
    assert "SECRET_KEY is not set" in result.stderr


def test_gunicorn_serves_the_admin_and_hashed_compressed_static_files_with_debug_off():
    with tempfile.TemporaryDirectory(prefix="aria-static-") as static_root:
        env = production_env(STATIC_ROOT=static_root)
        collected = subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )
        assert collected.returncode == 0, collected.stderr

        with gunicorn(env) as base:
            status, headers, page = fetch(f"{base}/admin/login/", timeout=30)
            assert status == 200
            assert "Log in" in page
            stylesheet = re.search(r'href="(/static/admin/css/base\.[0-9a-f]{12}\.css)"', page)
            assert stylesheet, "the login page links the hashed base.css"

            status, headers, css = fetch(base + stylesheet[1], headers={"Accept-Encoding": "gzip"})
            assert status == 200
            assert headers["Content-Encoding"] == "gzip"
            assert "immutable" in headers["Cache-Control"]
            assert "#header" in css


# Headers and cookies -------------------------------------------------------

@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", "a-Strong-pass-123")


def inline_code_without_nonce(page, nonce):
    """Inline <script>/<style> blocks or style="" attributes the CSP would block."""
    problems = []
    for tag in re.findall(r"<(?:script|style)\b[^>]*>", page):
        if "src=" in tag:
            continue
        if f'nonce="{nonce}"' not in tag:
            problems.append(tag)
    problems += re.findall(r"<[^>]+\sstyle=\"[^\"]*\"[^>]*>", page)
    problems += re.findall(r"<[^>]+\son[a-z]+=\"[^\"]*\"[^>]*>", page)
    return problems


def csp_nonce(response):
    policy = response["Content-Security-Policy"]
    match = re.search(r"script-src 'self' 'nonce-([^']+)'", policy)
    return match[1] if match else None


def test_security_headers_on_the_login_page(client, db):
    response = client.get(reverse("admin:login"))

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    csrf = response.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]


def test_the_session_cookie_is_secure_httponly_and_expires(client, superuser, settings):
    response = client.post(
        reverse("admin:login"), {"username": "root", "password": "a-Strong-pass-123"}
    )

    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]
    assert session["max-age"] == settings.SESSION_COOKIE_AGE


@pytest.mark.parametrize(
    "url",
    [
        lambda: reverse("admin:index"),
        lambda: reverse("admin:auth_user_changelist"),
        lambda: reverse("admin:auth_user_add"),
        lambda: reverse("admin:data_app_goal_changelist"),
        lambda: reverse("admin:data_app_goal_add"),
        lambda: reverse("recent-changes"),
    ],
)
def test_admin_pages_carry_a_nonce_and_no_inline_code_without_it(client, superuser, url):
    client.force_login(superuser)

    response = client.get(url())

    assert response.status_code == 200
    nonce = csp_nonce(response)
    page = response.content.decode()
    assert nonce and f'nonce="{nonce}"' in page  # the admin's own tags carry it
    assert inline_code_without_nonce(page, nonce) == []


# Login throttling -----------------------------------------------------------

def failed_login(client, username="root", address="10.0.0.1"):
    return client.post(
        reverse("admin:login"), {"username": username, "password": "wrong"}, REMOTE_ADDR=address
    )


def right_login(client, username="root", address="10.0.0.1"):
    return client.post(
        reverse("admin:login"), {"username": username, "password": "a-Strong-pass-123"}, REMOTE_ADDR=address
    )


def test_repeated_failed_logins_lock_that_user_name_at_that_address_with_a_clear_message(client, superuser, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert failed_login(client).status_code == 200  # the form again, with its error

    locked = failed_login(client)

    assert locked.status_code == 429
    assert "Too many failed login attempts" in locked.content.decode()
    assert locked["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    # Even the right password is refused now from that address...
    assert right_login(client).status_code == 429
    assert "_auth_user_id" not in client.session
    # ... but not from another one.
    assert right_login(client, address="10.9.9.9").status_code == 302


def test_failures_for_other_user_names_at_one_address_lock_nobody_else_out(client, superuser, settings):
    """Behind one proxy every colleague shares an address: one guesser must not lock them all."""
    for attempt in range(settings.AXES_FAILURE_LIMIT * 2):
        failed_login(client, username=f"guess{attempt % 2}", address="10.0.0.7")
    assert failed_login(client, username="guess0", address="10.0.0.7").status_code == 429

    assert right_login(client, address="10.0.0.7").status_code == 302  # the superuser, same address


def test_slow_guessing_of_one_user_name_from_many_addresses_locks_it_everywhere(client, superuser, settings):
    settings.ARIA_USERNAME_FAILURE_LIMIT = 12
    for attempt in range(settings.ARIA_USERNAME_FAILURE_LIMIT - 1):
        assert failed_login(client, address=f"10.1.0.{attempt}").status_code == 200  # each under the pair limit
    assert failed_login(client, address="10.1.1.1").status_code == 429

    locked = right_login(client, address="10.2.0.1")

    assert locked.status_code == 429
    assert "Retry-After" in locked
    assert right_login(client, username="someone-else", address="10.2.0.1").status_code != 429


def registered_aria_models():
    from django.contrib import admin

    from aria_admin.aria_tables import aria_models

    return [m for m in aria_models() if m in admin.site._registry]


def test_every_aria_list_add_and_change_page_and_the_board_pass_the_csp(client, superuser):
    from tests.sample_rows import insert_as_aria

    client.force_login(superuser)
    urls = [reverse("admin:data_app_goal_board")]
    for model in registered_aria_models():
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:%s_%s_changelist" % info))
        urls.append(reverse("admin:%s_%s_change" % info, args=[insert_as_aria(model)]))
        if client.get(reverse("admin:%s_%s_add" % info)).status_code == 200:
            urls.append(reverse("admin:%s_%s_add" % info))

    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        nonce = csp_nonce(response) or "no nonce"
        assert inline_code_without_nonce(response.content.decode(), nonce) == [], url
