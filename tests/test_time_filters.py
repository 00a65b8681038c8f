"""Log lists: one-click time ranges (UTC), a date the filter cannot read
named on the page, and a "Failed" choice that groups every failing value.

Nothing is frozen: rows sit a minute either side of each range's edge,
and the expected rows are read with SQL against the database's now()."""

import re
from html import unescape

import pytest
from django.db import connection

from data_app.models import (
    ActivityLog,
    HeartbeatLog,
    ModelUsage,
    SecurityEvent,
    SessionMessage,
    Thought,
)
from engine_app.models import EngineChatMessage, EngineCronJob
from tests.sample_rows import orm_values
from tests.test_admin_support import admin_url, superuser_client  # noqa: F401

LOG_MODELS = [ActivityLog, HeartbeatLog, ModelUsage, SecurityEvent, SessionMessage, Thought, EngineChatMessage]
PRESETS = {"1h": "1 hour", "24h": "24 hours", "7d": "7 days", "30d": "30 days"}


def make_rows(model, ages):
    """One row per age (an SQL interval back from now) in created_at."""
    rows = [model._default_manager.create(**orm_values(model)) for _ in ages]
    with connection.cursor() as cursor:
        for row, age in zip(rows, ages):
            cursor.execute(
                f"UPDATE {model._meta.db_table} SET created_at = now() - %s::interval WHERE id = %s", [age, row.pk]
            )
    return rows


def shown(response):
    return {obj.pk for obj in response.context["cl"].result_list}


def choice_url(response, title, display):
    """The link of one choice of the filter titled ``title``, as a person clicks it."""
    for spec in response.context["cl"].filter_specs:
        if str(spec.title) == title:
            for choice in spec.choices(response.context["cl"]):
                if choice.get("display") == display:
                    return choice["query_string"]
    raise AssertionError(f"no {display!r} in the {title!r} filter")


@pytest.mark.parametrize("model", LOG_MODELS, ids=lambda m: m._meta.model_name)
def test_presets_keep_the_rows_inside_each_range(superuser_client, model):
    ages = []
    for interval in PRESETS.values():
        ages += [f"{interval} - 1 minute", f"{interval} + 1 minute"]
    make_rows(model, ages)
    url = admin_url(model, "changelist")
    page = superuser_client.get(url)
    html = page.content.decode()
    assert "By created at (UTC)" in html and "Times are UTC" in html

    for key, interval in PRESETS.items():
        label = {"1h": "Last hour", "24h": "Last 24 hours", "7d": "Last 7 days", "30d": "Last 30 days"}[key]
        assert f'created_at__last={key}"' in html, key
        response = superuser_client.get(url, {"created_at__last": key})
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {model._meta.db_table} WHERE created_at >= now() - %s::interval", [interval]
            )
            expected = {row[0] for row in cursor.fetchall()}
        assert shown(response) == expected and len(expected) == 2 * list(PRESETS).index(key) + 1, key
        assert re.search(rf'<li class="selected"><a href="[^"]*">{label}</a>', response.content.decode()), key


@pytest.mark.parametrize(
    "params,message",
    [
        ({"created_at__since": "not a date"}, "created at since: 'not a date' is not a date"),
        ({"created_at__until": "2026-02-30"}, "created at until: '2026-02-30' is not a date"),
        ({"created_at__until": "9999-12-31"}, "created at until: '9999-12-31' is out of range"),
        ({"created_at__last": "2h"}, "created at: no such range '2h'"),
    ],
)
def test_a_date_the_filter_cannot_read_is_named_and_shows_no_rows(superuser_client, params, message):
    make_rows(ActivityLog, ["1 minute"])
    response = superuser_client.get(admin_url(ActivityLog, "changelist"), params)

    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert message in html
    said = [str(m) for m in response.context["messages"]]
    assert len(said) == 1 and said[0].startswith(message)  # once, though the filters are built twice
    assert shown(response) == set()
    for name, value in params.items():
        if name != "created_at__last":
            assert f'value="{value}"' in html  # the typed text is kept in its box


def test_since_until_still_filter_and_combine_with_a_preset(superuser_client, db):
    old, recent = make_rows(ActivityLog, ["400 days", "10 minutes"])
    url = admin_url(ActivityLog, "changelist")
    since = ActivityLog.objects.get(pk=old.pk).created_at.strftime("%Y-%m-%d")
    assert shown(superuser_client.get(url, {"created_at__since": since})) == {old.pk, recent.pk}
    assert shown(superuser_client.get(url, {"created_at__since": since, "created_at__last": "1h"})) == {recent.pk}


def test_heartbeat_failed_groups_error_and_failed_and_filters_by_job(superuser_client, db):
    beats = {
        status: HeartbeatLog.objects.create(status=status, job_name=f"job-{i % 2}")
        for i, status in enumerate(["healthy", "success", "error", "failed"])
    }
    url = admin_url(HeartbeatLog, "changelist")
    page = superuser_client.get(url)

    failed = superuser_client.get(url + choice_url(page, "status", "Failed (error or failed)"))
    assert shown(failed) == {beats["error"].pk, beats["failed"].pk}
    by_job = superuser_client.get(url + choice_url(page, "job name", "job-1"))
    assert shown(by_job) == {beats["success"].pk, beats["failed"].pk}


def test_cron_failed_groups_every_failing_last_status(superuser_client, db):
    jobs = {}
    for status in ["success", "failed", "error", "running"]:
        jobs[status] = EngineCronJob.objects.create(**{**orm_values(EngineCronJob), "last_status": status})
    url = admin_url(EngineCronJob, "changelist")
    page = superuser_client.get(url)
    failed = superuser_client.get(url + choice_url(page, "last status", "Failed (error or failed)"))
    assert shown(failed) == {jobs["failed"].pk, jobs["error"].pk}


@pytest.mark.parametrize("model", [ActivityLog, ModelUsage], ids=lambda m: m._meta.model_name)
def test_success_columns_offer_failed(superuser_client, model):
    good = model._default_manager.create(**{**orm_values(model), "success": True})
    bad = model._default_manager.create(**{**orm_values(model), "success": False})
    url = admin_url(model, "changelist")
    page = superuser_client.get(url)
    assert shown(superuser_client.get(url + choice_url(page, "success", "Failed"))) == {bad.pk}
    assert shown(superuser_client.get(url + choice_url(page, "success", "Succeeded"))) == {good.pk}
