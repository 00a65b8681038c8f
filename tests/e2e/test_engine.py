"""Aria's engine tables: cron job schedules, and LLM model keys that never reach the page."""

import re

import pytest
from playwright.sync_api import expect

from engine_app.models import EngineCronJob, LlmModelEntry

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CRON_JOBS = "/admin/engine_app/enginecronjob/"
LLM_MODELS = "/admin/engine_app/llmmodelentry/"
RAW_KEY = "sk-or-v1-5f2b9c0e7d4a41e8b3c6d9f0a1b2c3d4cafe"


def test_cron_job_schedule_error_then_plain_english_and_next_runs(admin_user_page):
    page = admin_user_page

    page.goto(f"{CRON_JOBS}add/")
    page.locator("#id_id").fill("nightly_digest")
    page.locator("#id_name").fill("Nightly digest")
    page.locator("#id_schedule").fill("every day at 6")
    page.locator("#id_payload").fill("Summarise yesterday's activity for Najia.")
    page.get_by_role("button", name="Save", exact=True).click()

    # The form's own error, by id: the live preview may render its own list beside it at any moment.
    expect(page.locator("#id_schedule_error")).to_contain_text("'every day at 6' is not a schedule Aria accepts")
    # One form error; the live preview beside the field names the same refusal.
    expect(page.locator(".errorlist:not(#aria-schedule-preview .errorlist)")).to_have_count(1)
    expect(page.locator("#aria-schedule-preview .errorlist")).to_contain_text("is not a schedule Aria accepts")
    expect(page.locator("#id_schedule")).to_have_value("every day at 6")
    expect(page.locator("#id_payload")).to_have_value("Summarise yesterday's activity for Najia.")
    assert not EngineCronJob.objects.exists()

    page.locator("#id_schedule").fill("0 18 */2 * *")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    row = page.locator("#result_list tbody tr", has_text="Nightly digest")
    expect(row.locator(".field-schedule_display")).to_contain_text("At 18:00, every 2 days (UTC)")
    next_runs = row.locator(".field-next_run_times time")
    expect(next_runs).to_have_count(3)
    for n in range(3):
        # Compact in the cell, the full UTC time in its title.
        expect(next_runs.nth(n)).to_have_text(re.compile(r"^in \d+ (d|h|min)"))
        expect(next_runs.nth(n)).to_have_attribute("title", re.compile(r"^\d{4}-\d\d-\d\d 18:00:00 UTC$"))
    assert EngineCronJob.objects.get(pk="nightly_digest").schedule == "0 18 */2 * *"


def test_llm_model_raw_key_never_reaches_the_page(admin_user_page):
    LlmModelEntry.objects.create(
        id="kimi-k2", name="Kimi K2", provider="openrouter", litellm_model="openrouter/moonshotai/kimi-k2",
        litellm_api_key=RAW_KEY,
    )
    page = admin_user_page

    page.goto(LLM_MODELS)
    expect(page.locator("#result_list")).to_contain_text("Kimi K2")
    assert RAW_KEY not in page.content()

    page.get_by_role("link", name="Kimi K2").click()
    expect(page.locator(".field-api_key .readonly")).to_have_text("set (ends ...cafe)")
    expect(page.locator("#id_replace_api_key")).to_have_value("")
    assert RAW_KEY not in page.content()

    # Saving the form untouched keeps the stored key, still unseen.
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    assert RAW_KEY not in page.content()
    assert LlmModelEntry.objects.get(pk="kimi-k2").litellm_api_key == RAW_KEY
