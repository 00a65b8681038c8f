"""Every one of the 39 tables: its admin pages answer, to whom, and stay cheap."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from aria_admin.admin.filters import DateRangeFieldListFilter
from tests.test_admin_support import ARIA_MODELS, READ_ONLY_MODELS, admin_url, aria_rows, model_id, superuser_client  # noqa: F401

pytestmark = pytest.mark.parametrize("model", ARIA_MODELS, ids=model_id)


def first_choice_urls(changelist):
    """For each list filter, the URL of its first lookup (date ranges: a range and a preset)."""
    urls = []
    for spec in changelist.filter_specs:
        if isinstance(spec, DateRangeFieldListFilter):
            urls.append(f"?{spec.since_kwarg}=2000-01-01&{spec.until_kwarg}=2999-12-31")
            urls.append(f"?{spec.last_kwarg}=24h")
            continue
        choices = [c for c in spec.choices(changelist) if not c["selected"]]
        assert choices, f"filter {spec.title} offers no value"
        urls.append(choices[0]["query_string"])
    return urls


def test_changelist_empty_with_aria_rows_filtered_and_searched(superuser_client, aria_rows, model):
    url = admin_url(model, "changelist")
    empty = superuser_client.get(url)
    assert empty.status_code == 200
    assert empty.context["cl"].result_count == 0

    pks = [aria_rows(model) for _ in range(3)]
    response = superuser_client.get(url)
    assert response.status_code == 200
    assert {obj.pk for obj in response.context["cl"].result_list} == set(pks)

    for query in first_choice_urls(response.context["cl"]):
        filtered = superuser_client.get(url + query)
        assert filtered.status_code == 200, query
        assert "?e=1" not in filtered.get("Location", ""), query

    if response.context["cl"].search_fields:
        assert superuser_client.get(url, {"q": "t1"}).status_code == 200


def test_add_change_delete_and_history_pages_answer_a_superuser(superuser_client, aria_rows, model):
    pk = aria_rows(model)
    read_only = model in READ_ONLY_MODELS
    for view, args in [("add", []), ("change", [pk]), ("delete", [pk]), ("history", [pk])]:
        response = superuser_client.get(admin_url(model, view, *args))
        expected = 403 if read_only and view == "add" else 200
        assert response.status_code == expected, view
        if view == "change":
            assert ('name="_save"' in response.content.decode()) != read_only


def test_pages_refuse_anonymous_and_non_staff_users(db, aria_rows, model):
    pk = aria_rows(model)
    plain = Client()
    plain.force_login(User.objects.create_user("someone", password=None))
    for client in (Client(), plain):
        for view, args in [("changelist", []), ("add", []), ("change", [pk]), ("delete", [pk]), ("history", [pk])]:
            response = client.get(admin_url(model, view, *args))
            assert response.status_code in (302, 403), view
            if response.status_code == 302:
                assert "/login/" in response["Location"], view


def test_changelist_query_count_does_not_grow_with_rows(superuser_client, aria_rows, model):
    url = admin_url(model, "changelist")

    def queries_for(total):
        while model._default_manager.count() < total:
            aria_rows(model)
        with CaptureQueriesContext(connection) as captured:
            assert superuser_client.get(url).status_code == 200
        return len(captured)

    assert queries_for(5) == queries_for(50)


def test_nul_characters_in_urls_are_refused_not_a_server_error(superuser_client, model):
    """PostgreSQL rejects NUL in any parameter: the admin must not send one."""
    superuser_client.raise_request_exception = False
    listing = superuser_client.get(admin_url(model, "changelist"), {"q": "a\x00b"})
    assert listing.status_code == 400 and "NUL character" in listing.content.decode()
    for view in ("change", "history", "delete"):
        response = superuser_client.get(admin_url(model, view, "a\x00b"))
        assert response.status_code == 302, view


def test_every_sortable_column_sorts(superuser_client, aria_rows, model):
    aria_rows(model)
    url = admin_url(model, "changelist")
    headers = superuser_client.get(url).context["cl"].list_display
    for index in range(1, len(headers)):
        response = superuser_client.get(url, {"o": str(index)})
        assert response.status_code == 200, headers[index]
