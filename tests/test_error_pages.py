"""The error pages: one main landmark with a heading and what to do next
(templates/error_page.html; axe-core's landmark rules, issue 14)."""

import re

import pytest

from aria_admin.middleware import server_error


def main_of(response):
    match = re.search(r"<main>(.*)</main>", response.content.decode(), re.S)
    assert match, "no <main> landmark"
    return match.group(1)


@pytest.mark.django_db
def test_a_missing_page_is_our_404_page(admin_client):
    response = admin_client.get("/admin/no-such-page/")

    assert response.status_code == 404
    main = main_of(response)
    assert "<h1>Not found</h1>" in main and 'href="/admin/"' in main


@pytest.mark.django_db
def test_a_forbidden_action_is_our_403_page(admin_client):
    response = admin_client.get("/admin/engine_app/enginechatsessionarchive/add/")

    assert response.status_code == 403
    assert "<h1>Forbidden</h1>" in main_of(response)


def test_a_server_error_is_our_500_page(rf):
    try:
        raise ValueError("boom in a view")
    except ValueError:
        response = server_error(rf.get("/admin/"))

    assert response.status_code == 500
    main = main_of(response)
    assert "<h1>Server error</h1>" in main and "boom" not in main
