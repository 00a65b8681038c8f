"""Cron jobs: Aria's schedule rules, next runs, the admin pages, payloads kept exactly."""

import re
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
import yaml
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from data_app.models import HeartbeatLog
from engine_app import domain
from engine_app.models import EngineCronJob, ScheduledJob
from tests.html_forms import form_data
from tests.refdb import REFERENCE

CRON_YAML = REFERENCE / "cron_jobs.yaml"
CHANGELIST = "/admin/engine_app/enginecronjob/"
UTC = dt_timezone.utc
INVALID_SCHEDULES = ["5m5", "@daily", "1d", "* * * *", "61 * * * *", "0 0 0 * * * *", "", "0m",
                     "every 5m", "15 m", "*/0 * * * *", "0 0 30 2 *", "a b c d e"]
PAYLOAD = "  \n\tLeading spaces, a tab,\n  inner  spacing, a trailing newline and blank lines\n\n  "


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def admin_client(client, db):
    client.force_login(User.objects.create_superuser("boss", "boss@example.com", "pw"))
    return client


def make_job(**fields):
    values = {"id": "work_cycle", "name": "Work Cycle", "schedule": "15m", "payload": PAYLOAD}
    values.update(fields)
    return EngineCronJob.objects.create(**values)


def test_every_schedule_in_the_real_cron_jobs_yaml_is_valid():
    jobs = yaml.safe_load(CRON_YAML.read_text())["jobs"]
    schedules = [job.get("every") or job.get("cron") for job in jobs]
    assert len(schedules) == 16 and all(schedules)
    for text in schedules:
        schedule = domain.parse_schedule(text)
        assert schedule.describe() and len(schedule.next_runs(3)) == 3


@pytest.mark.parametrize("text", INVALID_SCHEDULES)
def test_schedules_aria_rejects_are_rejected(text):
    with pytest.raises(ValidationError) as error:
        domain.parse_schedule(text)
    assert f"{text!r} is not a schedule Aria accepts" in " ".join(error.value.messages)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("61 * * * *", "minute 61 is out of range 0-59"),
        ("0 24 * * *", "hour 24 is out of range 0-23"),
        ("0 0 0 * *", "day of month 0 is out of range 1-31"),
        ("0 0 1 13 *", "month 13 is out of range 1-12"),
        ("0 0 * * 8", "day of week 8 is out of range 0-7"),
        ("60 0 * * * *", "second 60 is out of range 0-59"),
        ("*/0 * * * *", "minute step '0' must be a whole number of at least 1"),
        ("* * * *", "a cron has 5 fields (or 6, seconds first), this has 4"),
        ("0 0 30 2 *", "it never runs"),
        ("0m", "an interval must be at least 1"),
    ],
)
def test_a_refused_schedule_names_the_field_and_the_reason(text, reason):
    with pytest.raises(ValidationError) as error:
        domain.parse_schedule(text)
    assert error.value.messages == [f"{text!r} is not a schedule Aria accepts: {reason}."]


def test_text_that_is_no_cron_at_all_gets_the_accepted_formats():
    with pytest.raises(ValidationError) as error:
        domain.parse_schedule("every day at 6")
    assert "6-field cron with seconds first" in error.value.messages[0]


def test_next_runs_of_an_interval():
    after = utc(2026, 3, 1, 10, 0, 0)
    assert domain.parse_schedule("15m").next_runs(3, after=after) == [
        utc(2026, 3, 1, 10, 15), utc(2026, 3, 1, 10, 30), utc(2026, 3, 1, 10, 45)]
    assert domain.parse_schedule("2h").next_runs(2, after=after, last_run=utc(2026, 3, 1, 9, 30)) == [
        utc(2026, 3, 1, 11, 30), utc(2026, 3, 1, 13, 30)]
    assert domain.parse_schedule("45s").next_runs(2, after=after) == [
        utc(2026, 3, 1, 10, 0, 45), utc(2026, 3, 1, 10, 1, 30)]


def test_next_runs_of_a_five_field_cron():
    # 2026-01-01 is a Thursday; "30 6 * * 1" is Mondays 06:30.
    runs = domain.parse_schedule("30 6 * * 1").next_runs(3, after=utc(2026, 1, 1, 12, 0))
    assert runs == [utc(2026, 1, 5, 6, 30), utc(2026, 1, 12, 6, 30), utc(2026, 1, 19, 6, 30)]
    assert domain.parse_schedule("*/20 * * * *").next_runs(2, after=utc(2026, 1, 1, 0, 5)) == [
        utc(2026, 1, 1, 0, 20), utc(2026, 1, 1, 0, 40)]


def test_next_runs_of_a_six_field_cron_read_seconds_first():
    runs = domain.parse_schedule("15 0 */6 * * *").next_runs(3, after=utc(2026, 1, 1, 0, 0, 30))
    assert runs == [utc(2026, 1, 1, 6, 0, 15), utc(2026, 1, 1, 12, 0, 15), utc(2026, 1, 1, 18, 0, 15)]
    weekly = domain.parse_schedule("0 0 2 * * 1")  # from cron_jobs.yaml: Mondays 02:00:00
    assert weekly.next_runs(1, after=utc(2026, 1, 1)) == [utc(2026, 1, 5, 2, 0, 0)]
    assert weekly.describe() == "At 02:00, only on Monday (UTC)"


def test_changelist_shows_schedule_meaning_next_runs_and_rates(admin_client):
    make_job(run_count=4, success_count=3, fail_count=1, last_status="success",
             last_run_at=timezone.now() - timedelta(hours=3), last_duration_ms=1500)
    make_job(id="weekly_summary", name="Weekly Summary", schedule="0 0 2 * * 1", enabled=False)
    html = admin_client.get(CHANGELIST).content.decode()
    assert "Every 15 minutes" in html and "At 02:00, only on Monday (UTC)" in html
    assert re.search(r'<time datetime="[0-9T:-]+Z" title="\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC">3 h ago</time>', html)
    assert '<span class="aria-badge aria-badge-ok">success</span>' in html
    assert "75%<br><small>3 of 4, 1 failed</small>" in html and "1.5 s" in html
    # The next runs: compact, the full UTC time in the title.
    assert re.search(r'<div><time datetime="[0-9T:-]+Z" title="\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC">in \d+ (s|min)</time></div>', html)
    assert "<code>0\xa00\xa02\xa0*\xa0*\xa01</code>" in html
    for query in ("?enabled__exact=0", "?last_status=success", "?agent_id=aria",
                  "?payload_type=prompt", "?session_mode=isolated", "?q=weekly"):
        assert admin_client.get(CHANGELIST + query).status_code == 200
    assert "Weekly Summary" in admin_client.get(CHANGELIST + "?q=weekly").content.decode()


def test_change_form_keeps_the_payload_byte_for_byte(admin_client):
    job = make_job()
    url = f"{CHANGELIST}{job.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert "resets its name, schedule, agent, enabled, payload type, payload, session mode, max duration and retry count" in page
    data = form_data(page, "enginecronjob_form")
    assert data["payload"] == PAYLOAD
    data["name"] = "Work cycle (renamed)"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.payload == PAYLOAD and job.name == "Work cycle (renamed)"
    # A browser submits the textarea's newlines as CRLF: still the same payload.
    data = form_data(admin_client.get(url).content.decode(), "enginecronjob_form")
    assert data["payload"] == PAYLOAD
    data["payload"] = PAYLOAD.replace("\n", "\r\n")
    assert admin_client.post(url, data).status_code == 302
    job.refresh_from_db()
    assert job.payload == PAYLOAD


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("schedule", "@daily", "6-field cron with seconds first"),
        ("schedule", "0 0 0 * * * *", "a cron has 5 fields (or 6, seconds first), this has 7"),
        ("max_duration_seconds", "5", "greater than or equal to 10"),
        ("max_duration_seconds", "3601", "less than or equal to 3600"),
        ("retry_count", "6", "less than or equal to 5"),
        ("payload_type", "script", "Select a valid choice"),
        ("session_mode", "forever", "Select a valid choice"),
    ],
)
def test_change_form_rejects_out_of_range_values_on_the_field(admin_client, field, value, message):
    job = make_job()
    url = f"{CHANGELIST}{job.pk}/change/"
    data = form_data(admin_client.get(url).content.decode(), "enginecronjob_form")
    data[field] = value
    response = admin_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == [field] and message in " ".join(errors[field])
    assert value in response.content.decode()  # the user's input is kept
    job.refresh_from_db()
    assert job.schedule == "15m" and job.max_duration_seconds == 300 and job.payload == PAYLOAD


def test_change_page_shows_the_latest_runs_from_the_heartbeat_log(admin_client):
    job = make_job()
    now = timezone.now()
    HeartbeatLog.objects.bulk_create(
        [HeartbeatLog(job_name="Work Cycle", status="success" if n % 4 else "error",
                      executed_at=now - timedelta(minutes=15 * n), duration_ms=900 + n,
                      details={"note": f"<run {n}>"}) for n in range(30)]
        + [HeartbeatLog(job_name="Other Job", status="success", duration_ms=4242)]
    )
    html = admin_client.get(f"{CHANGELIST}{job.pk}/change/").content.decode()
    assert html.count("<td>900 ms</td>") == 1 and html.count("<td>919 ms</td>") == 1
    assert "<td>920 ms</td>" not in html and "4242" not in html  # latest 20 of this job only
    assert "&lt;run 0&gt;" in html and "<run 0>" not in html


def test_bulk_actions_are_one_update_each_with_history(admin_client):
    jobs = [make_job(id=f"job_{n}", name=f"Job {n}", run_count=5, success_count=4, fail_count=1,
                     last_status="failed") for n in range(3)]
    selected = [jobs[0].pk, jobs[1].pk]
    for action, check in (
        ("disable_selected", lambda j: j.enabled is False),
        ("enable_selected", lambda j: j.enabled is True),
        ("reset_counters", lambda j: (j.run_count, j.success_count, j.fail_count, j.last_status) == (0, 0, 0, None)),
    ):
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.post(CHANGELIST, {"action": action, "_selected_action": selected}, follow=True)
        updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "aria_engine"."cron_jobs"')]
        assert len(updates) == 1
        assert any(" 2 cron jobs" in str(m) for m in response.context["messages"])
        assert all(check(EngineCronJob.objects.get(pk=pk)) for pk in selected)
    untouched = EngineCronJob.objects.get(pk=jobs[2].pk)
    assert untouched.run_count == 5 and untouched.last_status == "failed"
    assert LogEntry.objects.filter(object_id=jobs[0].pk).count() == 3


def test_scheduled_jobs_show_the_same_schedule_display(admin_client):
    ScheduledJob.objects.create(id="legacy_1", name="Legacy", schedule_expr="0 0 6 * * *")
    ScheduledJob.objects.create(id="legacy_2", name="Odd", schedule_expr="every day")
    html = admin_client.get("/admin/engine_app/scheduledjob/").content.decode()
    assert "At 06:00 (UTC)" in html and "not a schedule Aria accepts" in html
