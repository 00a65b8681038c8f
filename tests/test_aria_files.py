"""Aria's own files beside the cron job and LLM model pages (ARIA_CRON_JOBS_YAML,
ARIA_MODELS_YAML): which rows the files own, the file's values beside the
fields, a confirmation before saving a change Aria will reset; and, with or
without the files, when a cron change takes effect."""

import json
import os

import pytest

from engine_app.models import EngineCronJob, LlmModelEntry
from tests.html_forms import form_data
from tests.sample_rows import insert_as_aria
from tests.test_admin_support import admin_url, superuser_client  # noqa: F401

CRON_LIST = "/admin/engine_app/enginecronjob/"
TAKES_EFFECT = "takes effect at Aria's next restart"
CRON_YAML = """
jobs:
  - name: work_cycle
    every: "15m"
    text: "Do the work cycle."
    agent: aria
    session: isolated
"""


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def cron_file(tmp_path, settings):
    path = tmp_path / "cron_jobs.yaml"
    path.write_text(CRON_YAML)
    settings.ARIA_CRON_JOBS_YAML = str(path)
    return path


def job(pk, **values):
    defaults = {"name": pk.replace("_", " ").title(), "schedule": "15m", "payload": "Do the work cycle.",
                "agent_id": "aria", "retry_count": 1}
    return insert_as_aria(EngineCronJob, id=pk, **{**defaults, **values})


def change_data(client, pk):
    url = admin_url(EngineCronJob, "change", pk)
    return url, form_data(client.get(url).content.decode().replace("&#x27;", "'"), "enginecronjob_form")


def test_without_the_file_cron_pages_say_changes_wait_for_a_restart(superuser_client):
    job("work_cycle")
    listing = superuser_client.get(CRON_LIST).content.decode().replace("&#x27;", "'")
    assert TAKES_EFFECT in listing and "set ARIA_CRON_JOBS_YAML" in listing
    assert "in cron_jobs.yaml" not in listing  # nothing known about the file
    form = superuser_client.get(admin_url(EngineCronJob, "change", "work_cycle")).content.decode().replace("&#x27;", "'")
    assert TAKES_EFFECT in form and "confirm_file_reset" not in form
    add = superuser_client.get(admin_url(EngineCronJob, "add")).content.decode().replace("&#x27;", "'")
    assert TAKES_EFFECT in add


def test_the_list_shows_and_filters_the_jobs_the_file_owns(superuser_client, cron_file):
    job("work_cycle")
    job("hand_made", name="Hand Made")
    listing = superuser_client.get(CRON_LIST).content.decode().replace("&#x27;", "'")
    assert TAKES_EFFECT in listing and "set ARIA_CRON_JOBS_YAML" not in listing
    assert "yes: Aria resets it" in listing
    owned = superuser_client.get(CRON_LIST + "?in_file=yes").content.decode().replace("&#x27;", "'")
    others = superuser_client.get(CRON_LIST + "?in_file=no").content.decode().replace("&#x27;", "'")
    assert "work_cycle" in owned and "hand_made" not in owned
    assert "hand_made" in others and "work_cycle" not in others


def test_a_file_owned_job_shows_the_file_values_and_asks_before_a_change_aria_resets(superuser_client, cron_file):
    job("work_cycle", schedule="30m")  # already edited here: the file says 15m
    url, data = change_data(superuser_client, "work_cycle")
    page = superuser_client.get(url).content.decode().replace("&#x27;", "'")
    assert "This job is listed in cron_jobs.yaml" in page and "cron_jobs.yaml: <code>15m</code>" in page
    assert 'name="confirm_file_reset"' in page

    data["schedule"] = "1h"
    refused = superuser_client.post(url, data)
    assert refused.status_code == 200
    errors = refused.context["adminform"].form.errors
    assert "confirm_file_reset" in errors and "Schedule" in str(errors["confirm_file_reset"])
    assert EngineCronJob.objects.get(pk="work_cycle").schedule == "30m"

    data["confirm_file_reset"] = "on"
    assert superuser_client.post(url, data).status_code == 302
    assert EngineCronJob.objects.get(pk="work_cycle").schedule == "1h"


def test_changes_the_file_does_not_control_or_that_match_it_need_no_confirmation(superuser_client, cron_file):
    job("work_cycle", schedule="30m")
    url, data = change_data(superuser_client, "work_cycle")
    data["metadata_json"] = '{"note": "ours"}'
    assert superuser_client.post(url, data).status_code == 302
    url, data = change_data(superuser_client, "work_cycle")
    data["schedule"] = "15m"  # back to the file's value: nothing for Aria to reset
    assert superuser_client.post(url, data).status_code == 302
    assert EngineCronJob.objects.get(pk="work_cycle").schedule == "15m"


def test_a_job_outside_the_file_saves_without_confirmation(superuser_client, cron_file):
    job("hand_made")
    url, data = change_data(superuser_client, "hand_made")
    assert "not in cron_jobs.yaml" in superuser_client.get(url).content.decode().replace("&#x27;", "'")
    data["schedule"] = "2h"
    assert superuser_client.post(url, data).status_code == 302


@pytest.mark.parametrize("content", [None, "jobs: [unclosed", "jobs:\n  - name: broken\n    text: no schedule\n", "\xff"])
def test_a_missing_or_bad_file_is_said_and_the_pages_work_on(superuser_client, tmp_path, settings, content):
    path = tmp_path / "cron_jobs.yaml"
    if content is not None:
        path.write_bytes(content.encode("latin-1") if content == "\xff" else content.encode())
    settings.ARIA_CRON_JOBS_YAML = str(path)
    job("work_cycle")
    for url in (CRON_LIST, admin_url(EngineCronJob, "change", "work_cycle")):
        response = superuser_client.get(url)
        assert response.status_code == 200
        assert any(m.startswith("cron_jobs.yaml: ") and "works on without it" in m for m in messages_of(response))
        assert TAKES_EFFECT in response.content.decode().replace("&#x27;", "'").replace("&#x27;", "'")
    url, data = change_data(superuser_client, "work_cycle")
    data["schedule"] = "1h"
    assert superuser_client.post(url, data).status_code == 302


def test_an_edited_file_is_read_again(superuser_client, cron_file):
    job("work_cycle")
    url = admin_url(EngineCronJob, "change", "work_cycle")
    assert "cron_jobs.yaml: <code>15m</code>" in superuser_client.get(url).content.decode().replace("&#x27;", "'")
    cron_file.write_text(CRON_YAML.replace('"15m"', '"20m"'))
    stat = cron_file.stat()
    os.utime(cron_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert "cron_jobs.yaml: <code>20m</code>" in superuser_client.get(url).content.decode().replace("&#x27;", "'")


# The model override -----------------------------------------------------------
def test_the_model_override_offers_enabled_models_and_refuses_unknown_ids(superuser_client):
    insert_as_aria(LlmModelEntry, id="kimi", name="Kimi", enabled=True)
    insert_as_aria(LlmModelEntry, id="old", name="Old", enabled=False)
    job("hand_made")
    url, data = change_data(superuser_client, "hand_made")
    page = superuser_client.get(url).content.decode().replace("&#x27;", "'")
    assert '<option value="kimi">' in page and 'value="old"' not in page
    assert data["model"] == ""  # the agent's default

    data["model"] = "no-such-model"
    refused = superuser_client.post(url, data)
    assert refused.status_code == 200 and "model" in refused.context["adminform"].form.errors
    assert EngineCronJob.objects.get(pk="hand_made").model is None

    data["model"] = "kimi"
    assert superuser_client.post(url, data).status_code == 302
    assert EngineCronJob.objects.get(pk="hand_made").model == "kimi"
    url, data = change_data(superuser_client, "hand_made")
    data["model"] = ""
    assert superuser_client.post(url, data).status_code == 302
    assert EngineCronJob.objects.get(pk="hand_made").model is None


def test_a_stored_model_no_longer_enabled_is_shown_and_kept(superuser_client):
    insert_as_aria(LlmModelEntry, id="old", name="Old", enabled=False)
    job("hand_made")
    EngineCronJob.objects.filter(pk="hand_made").update(model="old")
    url, data = change_data(superuser_client, "hand_made")
    assert data["model"] == "old"
    data["payload"] = "Another prompt."
    assert superuser_client.post(url, data).status_code == 302
    assert EngineCronJob.objects.get(pk="hand_made").model == "old"


# models.yaml --------------------------------------------------------------------
MODELS_YAML = {"models": {"kimi": {"name": "Kimi K2.5", "tier": "paid", "contextWindow": 256000,
                                   "litellm": {"api_key": "os.environ/MOONSHOT_KIMI_KEY"}}}}


@pytest.fixture
def models_file(tmp_path, settings):
    path = tmp_path / "models.yaml"
    path.write_text(json.dumps(MODELS_YAML))
    settings.ARIA_MODELS_YAML = str(path)
    return path


def llm_change(client, pk):
    url = admin_url(LlmModelEntry, "change", pk)
    return url, form_data(client.get(url).content.decode().replace("&#x27;", "'"), "llmmodelentry_form")


def test_a_model_following_models_yaml_shows_the_file_and_asks_before_leaving_it(superuser_client, models_file):
    insert_as_aria(LlmModelEntry, id="kimi", name="Kimi K2.5", tier="paid", context_window=256000,
                   litellm_api_key="os.environ/MOONSHOT_KIMI_KEY", app_managed=False)
    url, data = llm_change(superuser_client, "kimi")
    page = superuser_client.get(url).content.decode().replace("&#x27;", "'")
    assert "models.yaml: <code>256000</code>" in page and "models.yaml: os.environ/MOONSHOT_KIMI_KEY" in page

    data["context_window"] = "1000"
    refused = superuser_client.post(url, data)
    assert refused.status_code == 200 and "confirm_file_reset" in refused.context["adminform"].form.errors
    assert LlmModelEntry.objects.get(pk="kimi").context_window == 256000

    data["confirm_file_reset"] = "on"
    assert superuser_client.post(url, data).status_code == 302
    kimi = LlmModelEntry.objects.get(pk="kimi")
    assert (kimi.context_window, kimi.app_managed) == (1000, True)
    # Now managed by the dashboard: Aria's sync skips it, nothing left to confirm.
    url, data = llm_change(superuser_client, "kimi")
    assert "confirm_file_reset" not in data and "models.yaml: <code>" not in superuser_client.get(url).content.decode().replace("&#x27;", "'")
    data["context_window"] = "2000"
    assert superuser_client.post(url, data).status_code == 302


def test_a_bad_models_file_is_said_on_the_model_pages(superuser_client, tmp_path, settings):
    settings.ARIA_MODELS_YAML = str(tmp_path / "absent.yaml")
    insert_as_aria(LlmModelEntry, id="kimi", name="Kimi")
    for url in (admin_url(LlmModelEntry, "changelist"), admin_url(LlmModelEntry, "change", "kimi")):
        response = superuser_client.get(url)
        assert response.status_code == 200
        assert any(m.startswith("models.yaml: cannot read") for m in messages_of(response))
