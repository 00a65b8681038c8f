"""Changelist URLs carry only the lookups the page itself offers.

A generated battery over every registered list of both apps: hostile
lookups on every column (secret ones included), odd transforms and relation
spans are a 400, never a 5xx and never a list they filtered; the lookups the
page offers still work, and invalid values for them are refused, never a 500.
"""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse

from engine_app.models import LlmModelEntry
from tests.sample_rows import orm_values

ARIA_ADMINS = sorted(
    (m for m in admin.site._registry if m._meta.app_label in ("data_app", "engine_app")),
    key=lambda m: m._meta.label,
)
HOSTILE = [
    ("regex", "("),
    ("startswith", "a"),
    ("contains", "a"),
    ("gt", "a"),
    ("len", "1"),
    ("unaccent", "a"),
    ("x__y__z", "1"),
]
# Values no lookup of a page should choke on.
BAD_VALUES = ["(", "not a number", "99999999999999999999999", "2026-02-30"]


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", "x-Strong-pass-1")


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    client.raise_request_exception = False
    return client


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def allowed(model, user):
    request = RequestFactory().get(changelist(model))
    request.user = user
    return admin.site._registry[model].allowed_lookups(request)


def hostile_lookups(model, allowed_names):
    """Lookups the page does not offer, on every column."""
    for field in model._meta.concrete_fields:
        for name in {field.name, field.attname}:
            if name not in allowed_names:
                yield name, "a"
            for suffix, value in HOSTILE:
                yield f"{name}__{suffix}", value
        if field.many_to_one:
            target = field.related_model._meta.concrete_fields[-1].name
            yield f"{field.name}__{target}__startswith", "a"


def test_every_aria_table_has_a_list():
    assert len(ARIA_ADMINS) == 39


@pytest.mark.parametrize("model", ARIA_ADMINS, ids=lambda m: m._meta.model_name)
def test_lookups_a_list_does_not_offer_are_a_400(superuser_client, superuser, model):
    allowed_names = allowed(model, superuser)
    url = changelist(model)
    answers = {}
    for lookup, value in hostile_lookups(model, allowed_names):
        response = superuser_client.get(url, {lookup: value})
        answers[lookup] = response.status_code
    refused = {lookup: status for lookup, status in answers.items() if status != 400}
    assert not refused, refused
    page = superuser_client.get(url, {f"{model._meta.pk.name}__regex": "("}).content.decode()
    assert "Bad request" in page and "does not offer" in page


@pytest.mark.parametrize("model", ARIA_ADMINS, ids=lambda m: m._meta.model_name)
def test_the_lookups_a_list_offers_take_any_value_without_a_server_error(superuser_client, superuser, model):
    url = changelist(model)
    answers = {}
    for lookup in sorted(allowed(model, superuser)):
        for value in BAD_VALUES:
            response = superuser_client.get(url, {lookup: value})
            answers[(lookup, value)] = response.status_code
    failed = {key: status for key, status in answers.items() if status not in (200, 302)}
    assert not failed, failed


def test_the_filters_and_links_a_list_shows_are_allowed(superuser_client, superuser):
    from data_app.models import AgentSession, SessionMessage

    allowed_names = allowed(SessionMessage, superuser)
    assert {"session", "role", "role__isnull", "created_at__since", "created_at__until"} <= allowed_names
    session = AgentSession.objects.create(**orm_values(AgentSession))
    # The "see all" link of a session's messages.
    assert superuser_client.get(changelist(SessionMessage), {"session": session.pk}).status_code == 200
    # An invalid value for an offered lookup: the whole list again, with a message.
    bad = superuser_client.get(changelist(SessionMessage), {"session": "not-a-uuid"}, follow=True)
    assert bad.status_code == 200
    assert "Those filter values are not valid" in bad.content.decode()


KEY = "sk-live-abcdefghijklmnop"


@pytest.mark.parametrize(
    "query",
    [
        {"litellm_api_key__regex": "^sk-live"},
        {"litellm_api_key__startswith": "sk-live"},
        {"litellm_api_key__contains": "live"},
        {"litellm_api_key__gt": "sk-a"},
        {"litellm_api_key": KEY},
        {"litellm_api_key__isnull": "False"},
        {"extra__api_key__startswith": "sk"},
    ],
)
def test_a_viewer_cannot_test_guesses_of_the_llm_key(viewer_client, query):
    viewer_client.raise_request_exception = False
    LlmModelEntry.objects.create(**{**orm_values(LlmModelEntry), "id": "m1", "litellm_api_key": KEY})

    response = viewer_client.get(changelist(LlmModelEntry), query)

    assert response.status_code == 400
    assert "m1" not in response.content.decode()


def test_secret_columns_are_never_sorted_or_searched(superuser):
    request = RequestFactory().get("/")
    request.user = superuser
    model_admin = admin.site._registry[LlmModelEntry]
    assert not any("api_key" in str(name) for name in model_admin.get_search_fields(request))
    assert not any("api_key" in str(name) for name in model_admin.get_sortable_by(request))
    assert not any("api_key" in name for name in model_admin.allowed_lookups(request))
