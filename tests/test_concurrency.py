"""No lost updates: a change form opened before someone else's change is
refused on save, says what changed, and keeps the user's input."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.urls import reverse

from data_app.models import Goal
from engine_app.models import EngineAgentState, EngineCronJob, LlmModelEntry, ScheduledJob
from tests.html_forms import form_data
from tests.sample_rows import insert_as_aria


@pytest.fixture
def operator_client(client, db):
    user = get_user_model().objects.create_superuser("ops", "ops@example.org", "x-Strong-pass-1")
    client.force_login(user)
    return client


def open_change_form(client, model, pk):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk])
    response = client.get(url)
    assert response.status_code == 200
    data = form_data(response.content, f"{model._meta.model_name}_form")
    assert data.get("aria_row_version"), "the change form carries the row version"
    return url, data


def save(client, url, data):
    return client.post(url, {**data, "_save": "Save"})


def test_goal_changed_by_aria_after_the_form_opened_is_not_overwritten(operator_client, run_sql):
    pk = insert_as_aria(Goal, goal_id="g-lock", title="Original title")
    url, data = open_change_form(operator_client, Goal, pk)

    run_sql(
        'UPDATE aria_data.goals SET title = %s, updated_at = now() WHERE id = %s',
        ["Title Aria wrote", pk],
    )
    response = save(operator_client, url, {**data, "title": "My edit", "description": "my notes"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else changed this goal after you opened it" in page
    assert "title (now “Title Aria wrote”)" in page
    assert "updated at" in page
    assert 'value="My edit"' in page and "my notes" in page  # the input is kept
    assert Goal.objects.get(pk=pk).title == "Title Aria wrote"
    assert not LogEntry.objects.filter(object_id=str(pk)).exists()


def test_saving_again_after_the_warning_overwrites_knowingly(operator_client, run_sql):
    pk = insert_as_aria(Goal, goal_id="g-again", title="Original title")
    url, data = open_change_form(operator_client, Goal, pk)
    run_sql("UPDATE aria_data.goals SET title = 'Aria', updated_at = now() WHERE id = %s", [pk])
    refused = save(operator_client, url, {**data, "title": "Mine"})

    resubmitted = save(operator_client, url, form_data(refused.content, "goal_form"))

    assert resubmitted.status_code == 302
    assert Goal.objects.get(pk=pk).title == "Mine"


def test_an_unchanged_row_saves_normally(operator_client):
    pk = insert_as_aria(Goal, goal_id="g-free", title="Original title")
    url, data = open_change_form(operator_client, Goal, pk)

    response = save(operator_client, url, {**data, "title": "New title"})

    assert response.status_code == 302
    assert Goal.objects.get(pk=pk).title == "New title"


def test_llm_model_changed_meanwhile_is_refused(operator_client, run_sql):
    pk = insert_as_aria(LlmModelEntry, id="model-a", name="Model A", context_window=8192)
    url, data = open_change_form(operator_client, LlmModelEntry, pk)

    run_sql(
        "UPDATE aria_engine.llm_models SET context_window = 32768, updated_at = now() WHERE id = %s",
        [pk],
    )
    response = save(operator_client, url, {**data, "name": "Model A renamed"})

    assert response.status_code == 200
    assert "context window (now “32768”)" in response.content.decode()
    row = LlmModelEntry.objects.get(pk=pk)
    assert (row.name, row.context_window) == ("Model A", 32768)


def test_a_table_without_updated_at_is_protected_by_its_column_values(operator_client, run_sql):
    pk = insert_as_aria(ScheduledJob, id="job-1", name="digest", schedule_expr="0 * * * *")
    url, data = open_change_form(operator_client, ScheduledJob, pk)

    run_sql("UPDATE aria_engine.scheduled_jobs SET name = 'nightly digest' WHERE id = %s", [pk])
    response = save(operator_client, url, {**data, "name": "my digest"})

    assert response.status_code == 200
    assert "name (now “nightly digest”)" in response.content.decode()
    assert ScheduledJob.objects.get(pk=pk).name == "nightly digest"


def test_aria_run_state_written_meanwhile_is_kept_by_the_save(operator_client, run_sql):
    # Columns the form does not edit are not the user's: the save keeps
    # what Aria wrote to them and is not refused.
    pk = insert_as_aria(EngineCronJob, id="cron-1", name="digest", schedule="0 * * * *", payload="go")
    url, data = open_change_form(operator_client, EngineCronJob, pk)

    run_sql(
        "UPDATE aria_engine.cron_jobs SET run_count = 7, last_status = 'success', "
        "updated_at = now() WHERE id = %s",
        [pk],
    )
    response = save(operator_client, url, {**data, "name": "hourly digest"})

    assert response.status_code == 302
    job = EngineCronJob.objects.get(pk=pk)
    assert (job.name, job.run_count, job.last_status) == ("hourly digest", 7, "success")


def test_agent_state_changed_meanwhile_is_refused(operator_client, run_sql):
    pk = insert_as_aria(EngineAgentState, agent_id="analyst")
    url, data = open_change_form(operator_client, EngineAgentState, pk)

    run_sql(
        "UPDATE aria_engine.agent_state SET model = 'model-b', updated_at = now() WHERE agent_id = %s",
        [pk],
    )
    response = save(operator_client, url, {**data, "display_name": "Analyst"})

    assert response.status_code == 200
    assert "model (now “model-b”)" in response.content.decode()
    assert EngineAgentState.objects.get(pk=pk).model == "model-b"


def test_a_row_deleted_meanwhile_is_reported(operator_client, run_sql):
    pk = insert_as_aria(Goal, goal_id="g-gone", title="Soon gone")
    url, data = open_change_form(operator_client, Goal, pk)

    run_sql("DELETE FROM aria_data.goals WHERE id = %s", [pk])
    response = save(operator_client, url, {**data, "title": "Edited"})

    # The admin itself answers for a missing row: back to the list, with a message.
    assert response.status_code == 302
    assert not Goal.objects.filter(pk=pk).exists()


def test_a_tampered_version_is_refused(operator_client):
    pk = insert_as_aria(Goal, goal_id="g-tamper", title="Original title")
    url, data = open_change_form(operator_client, Goal, pk)

    response = save(operator_client, url, {**data, "aria_row_version": "forged", "title": "x"})

    assert response.status_code == 200
    assert "could not be checked against the saved row" in response.content.decode()
    assert Goal.objects.get(pk=pk).title == "Original title"


def test_a_change_the_save_would_keep_anyway_is_not_a_conflict(operator_client, run_sql):
    # Someone made the very change this user submits; only updated_at differs.
    pk = insert_as_aria(Goal, goal_id="g-same", title="Original title")
    url, data = open_change_form(operator_client, Goal, pk)

    run_sql("UPDATE aria_data.goals SET title = 'Same', updated_at = now() WHERE id = %s", [pk])
    response = save(operator_client, url, {**data, "title": "Same"})

    assert response.status_code == 302
    assert Goal.objects.get(pk=pk).title == "Same"


def test_an_untouched_field_changed_meanwhile_is_not_overwritten(operator_client, run_sql):
    # The form still holds the old status; saving it would undo Aria's change.
    pk = insert_as_aria(Goal, goal_id="g-status", title="T", status="pending")
    url, data = open_change_form(operator_client, Goal, pk)

    run_sql("UPDATE aria_data.goals SET status = 'completed' WHERE id = %s", [pk])
    response = save(operator_client, url, {**data, "title": "T2"})

    assert response.status_code == 200
    assert "status (now “completed”)" in response.content.decode()
    assert Goal.objects.get(pk=pk).status == "completed"


def test_a_form_posted_without_its_row_version_is_refused_like_a_stale_one(operator_client, run_sql):
    pk = insert_as_aria(Goal, goal_id="g-noversion", title="Original title")
    url, data = open_change_form(operator_client, Goal, pk)
    run_sql("UPDATE aria_data.goals SET title = 'Aria wrote this' WHERE id = %s", [pk])
    del data["aria_row_version"]

    response = save(operator_client, url, {**data, "title": "My edit"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "sent without the version of the row" in page
    assert 'value="My edit"' in page  # the input is re-shown
    assert Goal.objects.get(pk=pk).title == "Aria wrote this"
    assert not LogEntry.objects.filter(object_id=str(pk)).exists()
    # The re-shown form carries the current version: saving it again is deliberate.
    again = save(operator_client, url, form_data(response.content, "goal_form"))
    assert again.status_code == 302
    assert Goal.objects.get(pk=pk).title == "My edit"
