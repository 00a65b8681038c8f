"""The Content-Security-Policy, as Chromium enforces it: the admin's own
scripts and styles run, and no page triggers a single violation."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from data_app.models import Goal
from tests.e2e.conftest import logged_in_page, make_user
from tests.sample_rows import insert_as_aria

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(event.violatedDirective + ' ' + (event.blockedURI || 'inline'));
});
"""


def test_admin_pages_run_under_the_policy_without_violations(browser, server):
    goal = insert_as_aria(Goal, goal_id="csp-1", title="Under the policy", board_column="todo")
    page = logged_in_page(browser, server, make_user("csp", superuser=True))
    page.context.add_init_script(RECORD_VIOLATIONS)
    urls = [
        reverse("admin:index"),
        reverse("admin:data_app_goal_changelist"),
        reverse("admin:data_app_goal_change", args=[goal]),
        reverse("admin:data_app_goal_board"),
        reverse("admin:engine_app_enginecronjob_add"),
        reverse("recent-changes"),
    ]
    try:
        for url in urls:
            response = page.goto(url)
            assert response.status == 200, url
            assert "nonce-" in response.headers["content-security-policy"], url
            page.wait_for_load_state("load")
            assert page.evaluate("window.__cspViolations") == [], url

        # The admin's scripts ran: the date shortcuts are added by JavaScript.
        page.goto(reverse("admin:data_app_goal_change", args=[goal]))
        expect(page.locator(".datetimeshortcuts").first).to_be_visible()
        # And its stylesheets applied: the header has the admin's styling.
        assert page.evaluate("getComputedStyle(document.querySelector('#header')).display") == "flex"
    finally:
        page.context.close()
