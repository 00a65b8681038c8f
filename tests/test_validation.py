"""Nonsense values are refused on the form: negative counts, durations,
costs, TTLs and token numbers, and text that arrived as invalid UTF-8."""

from urllib.parse import quote

import pytest
from django.apps import apps

from tests.html_forms import form_data
from tests.test_admin_support import admin_url, aria_rows, superuser_client  # noqa: F401

# Per table, the editable ones (agent sessions', skill status', semantic
# memories' and lessons' counters are read-only: Aria keeps them).
NON_NEGATIVE = {
    "data_app.goal": ["position"],
    "data_app.knowledgequerylog": ["result_count", "tokens_saved"],
    "data_app.heartbeatlog": ["duration_ms"],
    "data_app.modelusage": ["input_tokens", "output_tokens", "cost_usd", "latency_ms"],
    "data_app.agentperformance": ["duration_ms", "token_cost"],
    "data_app.workingmemory": ["ttl_hours", "access_count"],
    "data_app.skillinvocation": ["duration_ms", "tokens_used"],
    "engine_app.scheduledjob": ["last_duration_ms", "run_count", "success_count", "fail_count"],
    "engine_app.scheduletick": ["tick_count", "heartbeat_interval", "jobs_total", "jobs_successful", "jobs_failed"],
    "engine_app.ratelimit": ["action_count"],
    "engine_app.enginechatsession": ["max_tokens", "context_window", "message_count", "total_tokens", "total_cost"],
    "engine_app.enginechatmessage": ["tokens_input", "tokens_output", "cost", "latency_ms"],
    "engine_app.enginecronjob": ["max_duration_seconds", "retry_count", "last_duration_ms", "run_count"],
    "engine_app.engineagentstate": ["max_tokens", "consecutive_failures", "timeout_seconds"],
    "engine_app.llmmodelentry": ["context_window", "max_tokens", "cost_input", "cost_output", "cost_cache_read"],
}


def change_form(client, model, pk):
    url = admin_url(model, "change", pk)
    return url, form_data(client.get(url).content.decode(), f"{model._meta.model_name}_form")


@pytest.mark.parametrize("label", list(NON_NEGATIVE))
def test_negative_counts_durations_costs_ttls_and_tokens_are_form_errors(superuser_client, aria_rows, label):
    model = apps.get_model(label)
    pk = aria_rows(model)
    before = model._default_manager.filter(pk=pk).values().get()
    url, data = change_form(superuser_client, model, pk)
    editable = [name for name in NON_NEGATIVE[label] if name in data]  # others are read-only (Aria keeps them)
    assert editable
    for name in editable:
        response = superuser_client.post(url, {**data, name: "-1"})
        assert response.status_code == 200, name
        errors = response.context["adminform"].form.errors
        assert "greater than or equal to 0" in str(errors.get(name)), (name, errors)
        assert model._default_manager.filter(pk=pk).values().get() == before, name


def test_text_sent_as_invalid_utf8_is_an_error_on_its_field_never_stored(superuser_client, aria_rows):
    model = apps.get_model("data_app.goal")
    pk = aria_rows(model, title="Plain title")
    url, data = change_form(superuser_client, model, pk)
    body = "&".join(f"{quote(k)}={quote(v)}" for k, v in data.items() if k != "title") + "&title=caf%E9"
    response = superuser_client.post(url, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert "invalid UTF-8" in str(response.context["adminform"].form.errors["title"])
    assert model._default_manager.get(pk=pk).title == "Plain title"


@pytest.mark.parametrize("url", ["/admin/data_app/goal/", "/admin/data_app/goal/board/", "/admin/recent-changes/"])
def test_invalid_utf8_in_an_address_is_a_400_page(superuser_client, url):
    response = superuser_client.get(url, QUERY_STRING="q=caf%E9")
    assert response.status_code == 400
    assert "not valid UTF-8" in response.content.decode()


def test_invalid_utf8_posted_to_a_bulk_action_or_the_board_is_a_400_page(superuser_client, aria_rows):
    goal = aria_rows(apps.get_model("data_app.goal"))
    for url, body in [
        ("/admin/data_app/goal/", f"action=set_sprint&index=0&sprint=caf%E9&_selected_action={goal}"),
        ("/admin/data_app/goal/board/move/", f"goal={goal}&column=doing&position=0&sprint=caf%E9"),
    ]:
        response = superuser_client.post(url, body, content_type="application/x-www-form-urlencoded")
        assert response.status_code == 400, url
    assert apps.get_model("data_app.goal").objects.get(pk=goal).sprint != "caf\ufffd"
