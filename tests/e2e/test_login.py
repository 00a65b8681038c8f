"""Logging in and out through the real forms."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_log_in_and_out(anonymous_page):
    make_user("lin", superuser=True, password=PASSWORD)
    page = anonymous_page

    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/\?next=/admin/$"))
    page.get_by_label("Username").fill("lin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("#user-tools")).to_contain_text("lin")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Logged out")).to_be_visible()
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))


def test_wrong_password_shows_the_error_and_keeps_the_username(anonymous_page):
    make_user("lin", superuser=True, password=PASSWORD)
    page = anonymous_page

    page.goto("/admin/login/")
    page.get_by_label("Username").fill("lin")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()

    expect(page.locator(".errornote")).to_contain_text("Please enter the correct username and password")
    expect(page.get_by_label("Username")).to_have_value("lin")
