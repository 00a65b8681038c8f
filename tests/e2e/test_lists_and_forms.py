"""The cron list at 1440 px, the cron form's live preview, the column
chooser and the bulk-action bar, in Chromium."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from data_app.models import Goal, HeartbeatLog
from engine_app.models import EngineCronJob
from tests.e2e.test_list_widths import overflow, wide_page  # noqa: F401  (a fixture)
from tests.sample_rows import orm_values, realistic_row

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CRON_JOBS = "/admin/engine_app/enginecronjob/"


def test_the_cron_list_fits_1440_with_every_column_shown(wide_page):
    for n in range(3):
        realistic_row(EngineCronJob, n)
    EngineCronJob.objects.update(
        last_status="failed", last_run_at=timezone.now(), last_duration_ms=123456,
        run_count=123456, success_count=120000, fail_count=3456,
    )
    page = wide_page
    page.goto(CRON_JOBS)
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    assert overflow(page) == {"page": 0, "table": 0, "sidebar": True}
    # It fits by itself: the chooser hides nothing.
    expect(page.locator(".aria-columns summary")).to_have_text("Columns")
    expect(page.locator("#result_list .aria-col-hidden")).to_have_count(0)
    row = page.locator("#result_list tbody tr").first
    expect(row.locator(".field-last_run .aria-badge")).to_have_text("failed")
    expect(row.locator(".field-success_rate")).to_contain_text("97%")
    expect(row.locator(".field-success_rate")).to_contain_text("120000 of 123456, 3456 failed")
    expect(row.locator(".field-next_run_times time").first).to_have_text(re.compile(r"^in \d+ (s|min)"))


def test_the_cron_form_previews_the_schedule_while_it_is_typed(wide_page):
    page = wide_page
    page.goto(f"{CRON_JOBS}add/")
    preview = page.locator("#aria-schedule-preview")
    schedule = page.locator("#id_schedule")
    schedule.press_sequentially("0 18 */2 * *", delay=20)
    expect(preview.locator(".aria-meaning")).to_have_text("At 18:00, every 2 days (UTC)")
    runs = preview.locator(".aria-runs time")
    expect(runs).to_have_count(3)
    expect(runs.first).to_have_attribute("title", re.compile(r"^\d{4}-\d\d-\d\d 18:00:00 UTC$"))

    schedule.fill("")
    schedule.press_sequentially("61 * * * *", delay=20)
    expect(preview.locator(".errorlist")).to_have_text(
        "Schedule: '61 * * * *' is not a schedule Aria accepts: minute 61 is out of range 0-59."
    )
    expect(preview.locator(".aria-meaning")).to_have_count(0)

    schedule.fill("15m")
    expect(preview.locator(".aria-meaning")).to_have_text("Every 15 minutes")
    expect(runs).to_have_count(3)


def test_the_column_chooser_remembers_a_choice(wide_page):
    for n in range(3):
        realistic_row(HeartbeatLog, n)
    page = wide_page
    page.goto("/admin/data_app/heartbeatlog/")
    chooser = page.locator(".aria-columns")
    expect(chooser.locator("summary")).to_have_text(re.compile(r"^Columns"))
    hidden = page.locator("#result_list thead th.aria-col-hidden").count()  # fitted to 1440 px
    chooser.locator("summary").click()
    chooser.get_by_label("duration ms").uncheck()
    expect(page.locator("#result_list th.column-duration_ms")).to_be_hidden()
    expect(chooser.locator("summary")).to_have_text(f"Columns ({hidden + 1} hidden)")
    page.reload()
    expect(page.locator("#result_list th.column-duration_ms")).to_be_hidden()
    expect(page.locator("#result_list td.field-duration_ms").first).to_be_hidden()
    page.locator(".aria-columns summary").click()
    page.get_by_role("button", name="Fit to the screen").click()
    expect(page.locator("#result_list th.column-duration_ms")).to_be_visible()


def test_the_action_bar_shows_the_chosen_actions_fields_and_keeps_a_refused_selection(wide_page):
    goals = [Goal.objects.create(**{**orm_values(Goal), "title": f"Goal {n}"}) for n in range(3)]
    page = wide_page
    page.goto("/admin/data_app/goal/")
    bar = page.locator("#changelist-form div.actions").first
    status, sprint = bar.locator("select[name=status]"), bar.locator("input[name=sprint]")
    expect(status).to_be_hidden()
    expect(sprint).to_be_hidden()
    bar.locator("select[name=action]").select_option("set_sprint")
    expect(sprint).to_be_visible()
    expect(status).to_be_hidden()
    bar.locator("select[name=action]").select_option("set_status")
    expect(status).to_be_visible()
    expect(sprint).to_be_hidden()

    page.get_by_role("checkbox", name=re.compile("Goal 0")).check()
    page.get_by_role("checkbox", name=re.compile("Goal 2")).check()
    bar.get_by_role("button", name="Run").click()
    expect(page.locator(".messagelist .error")).to_contain_text("needs a status")
    expect(page.get_by_role("checkbox", name=re.compile("Goal 0"))).to_be_checked()
    expect(page.get_by_role("checkbox", name=re.compile("Goal 2"))).to_be_checked()
    expect(page.get_by_role("checkbox", name=re.compile("Goal 1"))).not_to_be_checked()
    expect(status).to_be_visible()  # the action stays chosen
    assert len(goals) == 3
