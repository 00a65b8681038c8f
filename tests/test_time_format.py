"""One time format everywhere: YYYY-MM-DD HH:MM:SS UTC, in lists, forms
(read-only values and the date/time boxes), history and recent changes."""

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest

from aria_admin.times import show_time, time_until
from data_app.models import HeartbeatLog
from tests.html_forms import form_data
from tests.test_admin_support import superuser_client  # noqa: F401  (fixture)

WHEN = datetime(2026, 11, 28, 21, 34, 24, tzinfo=dt_timezone.utc)
SHOWN = "2026-11-28 21:34:24 UTC"
BASE = "/admin/data_app/heartbeatlog/"



@pytest.fixture
def beat(db):
    beat = HeartbeatLog.objects.create(job_name="work_cycle", status="success", executed_at=WHEN)
    HeartbeatLog.objects.filter(pk=beat.pk).update(created_at=WHEN)
    return HeartbeatLog.objects.get(pk=beat.pk)


def test_the_helper():
    assert show_time(WHEN) == SHOWN and show_time(None) == "-"
    assert show_time(datetime(2026, 11, 28, 22, 34, 24, tzinfo=dt_timezone(timedelta(hours=1)))) == SHOWN
    later = WHEN.replace(hour=23, minute=48)
    assert time_until(later, WHEN) == "in 2 h 14 min" and time_until(WHEN, later) == "2 h 14 min ago"


def test_a_list(superuser_client, beat):
    html = superuser_client.get(BASE).content.decode()
    assert f'<td class="field-executed_at nowrap">{SHOWN}</td>' in html
    assert f'<td class="field-created_at nowrap">{SHOWN}</td>' in html
    assert '<span class="aria-badge aria-badge-ok">success</span>' in html


def test_a_form_read_only_and_editable(superuser_client, beat):
    html = superuser_client.get(f"{BASE}{beat.pk}/change/").content.decode()
    assert f'<div class="readonly">{SHOWN}</div>' in html  # created_at, kept by Aria
    assert "p.m." not in html and "Nov." not in html
    data = form_data(html)
    assert data["executed_at_0"] == "2026-11-28" and data["executed_at_1"] == "21:34:24"
    assert "Time (UTC):" in html


def test_history_and_recent_changes(superuser_client, beat):
    url = f"{BASE}{beat.pk}/change/"
    data = form_data(superuser_client.get(url).content.decode())
    data["job_name"] = "work_cycle_2"
    assert superuser_client.post(url, data).status_code == 302
    from django.contrib.admin.models import LogEntry

    entry = LogEntry.objects.get()
    shown = show_time(entry.action_time)
    assert shown in superuser_client.get(f"{BASE}{beat.pk}/history/").content.decode()
    assert shown in superuser_client.get("/admin/recent-changes/").content.decode()


def test_a_cron_jobs_run_history(superuser_client, beat):
    from engine_app.models import EngineCronJob

    EngineCronJob.objects.create(id="work_cycle", name="Work Cycle", schedule="15m", payload="Go.")
    html = superuser_client.get("/admin/engine_app/enginecronjob/work_cycle/change/").content.decode()
    history = html[html.index("<th>when</th>"):]
    assert f"<td>{SHOWN}</td>" in history
    assert '<span class="aria-badge aria-badge-ok">success</span>' in history
