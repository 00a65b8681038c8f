"""Real-browser fixtures: Debian's Chromium, driven by Playwright, against the
real app served by pytest-django's live server on a free localhost port.

Nothing here downloads a browser: Playwright launches /usr/bin/chromium
(apt-get install chromium chromium-driver; tests/e2e/install-chromium.sh).
Without it every e2e test is skipped with that instruction as the reason.
"""

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.sample_rows import truncate_aria_tables

CHROMIUM = Path("/usr/bin/chromium")
SKIP_REASON = (
    "e2e skipped: /usr/bin/chromium not installed; apt-get install chromium chromium-driver"
)
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI and containers run as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Playwright waits up to this long for a page to show what a test expects.
EXPECT_TIMEOUT_MS = 15_000
PASSWORD = "e2e-Password-1"
SCREENSHOTS_DIR_ENV = "ARIA_SCREENSHOTS_DIR"


@pytest.fixture(scope="package")
def playwright_driver():
    """Playwright's driver; the whole package shares one, like one browser."""
    if not CHROMIUM.exists():
        pytest.skip(SKIP_REASON)
    from playwright.sync_api import expect, sync_playwright

    # Playwright's sync API runs an event loop in this thread; the tests'
    # own ORM calls (setting up rows, reading them back) are still plain
    # synchronous code, so Django's async guard is lifted while it runs.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as driver:
        yield driver
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser(playwright_driver):
    browser = playwright_driver.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def server(live_server, transactional_db):
    """The app's base URL; Aria's tables are empty before and after each test."""
    truncate_aria_tables()
    yield live_server.url
    truncate_aria_tables()


def new_page(browser, server, *, javascript=True, **options):
    """A page in a new browser context; ``options`` override the context's
    (e.g. a phone: viewport, has_touch, is_mobile)."""
    context = browser.new_context(
        **{
            "base_url": server,
            "java_script_enabled": javascript,
            "viewport": {"width": 1366, "height": 900},
            "locale": "en-US",
            "timezone_id": "UTC",
            **options,
        }
    )
    context.set_default_timeout(EXPECT_TIMEOUT_MS)
    return context.new_page()


@pytest.fixture
def anonymous_page(browser, server):
    page = new_page(browser, server)
    yield page
    page.context.close()


def make_user(username, *, superuser=False, groups=(), password=None):
    """A staff user; with a password only for scenarios that use the login form
    (hashing one costs a noticeable fraction of a second)."""
    from aria_admin.roles import ensure_groups

    if superuser:
        user = User.objects.create_superuser(username, f"{username}@example.com", password)
    else:
        user = User.objects.create_user(username, password=password, is_staff=True)
    if groups:
        by_name = {group.name: group for group in ensure_groups()}
        user.groups.set(by_name[name] for name in groups)
    return user


def logged_in_page(browser, server, user, *, javascript=True, **options):
    """A page whose browser carries a session for ``user`` (``options``: new_page's).

    The session is made by Django's own login (Client.force_login), so tests
    that are not about logging in do not spend time on the login form.
    """
    from django.conf import settings

    client = Client()
    client.force_login(user)
    page = new_page(browser, server, javascript=javascript, **options)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": server,
            }
        ]
    )
    return page


@pytest.fixture
def admin_user_page(browser, server, transactional_db):
    page = logged_in_page(browser, server, make_user("ada", superuser=True))
    yield page
    page.context.close()


@pytest.fixture
def no_js_admin_page(browser, server, transactional_db):
    page = logged_in_page(browser, server, make_user("nojs", superuser=True), javascript=False)
    yield page
    page.context.close()


@pytest.fixture
def viewer_page(browser, server, transactional_db):
    from aria_admin.roles import VIEWERS

    page = logged_in_page(browser, server, make_user("vera", groups=[VIEWERS]))
    yield page
    page.context.close()


@pytest.fixture(scope="package")
def screenshots_dir(tmp_path_factory):
    """docs/screenshots when `make screenshots` asks for it; else a temporary
    directory, so ordinary test runs leave the committed images alone."""
    configured = os.environ.get(SCREENSHOTS_DIR_ENV)
    if configured:
        path = Path(configured)
        path.mkdir(parents=True, exist_ok=True)
        return path
    return tmp_path_factory.mktemp("screenshots")
