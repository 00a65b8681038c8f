"""The cron, activity, goals, sentiment and overview pages: figures against
SQL over the raw rows, lateness against the schedule, permissions, downloads."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.insights_rows import llm_rows, now_hour, run
from tests.test_admin_support import superuser_client  # noqa: F401

pytestmark = pytest.mark.django_db
PAGES = ["/admin/insights/", "/admin/insights/llm/", "/admin/insights/cron/", "/admin/insights/activity/",
         "/admin/insights/goals/", "/admin/insights/sentiment/"]


@pytest.fixture(autouse=True)
def always_refresh(settings):
    settings.INSIGHTS_REFRESH_SECONDS = 0


def rows_of(client, url, query, chart_id):
    body = client.get(url, {**query, "format": "json"}).json()
    return body, next(c for c in body["charts"] if c["id"] == chart_id)["rows"]


def span(body):
    return datetime.fromisoformat(body["range"]["since"]), datetime.fromisoformat(body["range"]["until"])


def beat(at, job, status="success", duration=1000):
    run("INSERT INTO aria_data.heartbeat_log (job_name, status, duration_ms, created_at) VALUES (%s, %s, %s, %s)",
        [job, status, duration, at])


def activity_where(body, query):
    """SQL over activity_log for the page's range and filters."""
    since, until = span(body)
    cond, params = "created_at >= %s AND created_at < %s", [since, until]
    for name in ("skill", "action"):
        if query.get(name) == "(none)":
            cond += f" AND {name} IS NULL"
        elif query.get(name):
            cond += f" AND {name} = %s"
            params.append(query[name])
    return cond, params


def activity(at, skill, action, success=True, error=None):
    run("INSERT INTO aria_data.activity_log (skill, action, success, error_message, created_at) VALUES (%s, %s, %s, %s, %s)",
        [skill, action, success, error, at])


@pytest.mark.parametrize("query", [{"range": "24h"}, {"range": "7d"}, {"range": "24h", "job": "backup_db"},
                                   {"range": "24h", "job": "(none)"}])
def test_cron_figures_equal_sql(superuser_client, query):
    h = now_hour()
    for i in range(12):
        beat(h - timedelta(hours=i % 4, minutes=i), "backup_db", "error" if i % 3 == 0 else "success", 100 * (i + 1))
        beat(h - timedelta(hours=i % 5), "work_cycle", "success", None if i % 2 else 50 + i)
    beat(h - timedelta(hours=1), None, "healthy", 5)
    beat(h - timedelta(days=3), "backup_db", "error", 700)
    body, per_job = rows_of(superuser_client, "/admin/insights/cron/", query, "cron-jobs")
    since, until = span(body)
    cond, params = "created_at >= %s AND created_at < %s", [since, until]
    if query.get("job") == "(none)":
        cond += " AND job_name IS NULL"
    elif query.get("job"):
        cond += " AND job_name = %s"
        params.append(query["job"])
    expected = run(f"SELECT job_name, count(*), count(*) FILTER (WHERE status = 'error'), "
                   f"percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms), "
                   f"percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) "
                   f"FROM aria_data.heartbeat_log WHERE {cond} GROUP BY 1", params)
    got = {r["job"]: r for r in per_job}
    assert set(got) == {row[0] for row in expected}
    for job, runs, failures, p50, p95 in expected:
        assert (got[job]["runs"], got[job]["failures"]) == (runs, failures)
        assert got[job]["success_rate"] == (runs - failures) / runs
        for estimate, exact in ((got[job]["duration_p50_ms"], p50), (got[job]["duration_p95_ms"], p95)):
            assert abs(estimate - exact) <= 0.04 * exact + 0.05
    _, per_bucket = rows_of(superuser_client, "/admin/insights/cron/", query, "cron-runs")
    bucket = body["range"]["bucket"]
    expected = run(f"SELECT date_trunc('{bucket}', created_at), job_name, count(*) FROM aria_data.heartbeat_log "
                   f"WHERE {cond} GROUP BY 1, 2", params)
    assert {(datetime.fromisoformat(r["bucket"]), r["job"]): r["runs"] for r in per_bucket} == {
        (b, j): n for b, j, n in expected}


def test_cron_lateness_against_the_schedule(superuser_client):
    now = timezone.now()
    for job_id, schedule, last in (("hourly_ok", "0 * * * *", now - timedelta(minutes=1)),
                                   ("never", "*/5 * * * *", None),
                                   ("slow", "2h", now - timedelta(hours=5))):
        run("INSERT INTO aria_engine.cron_jobs (id, name, schedule, payload, last_run_at, last_status, max_duration_seconds) "
            "VALUES (%s, %s, %s, 'x', %s, %s, 60)", [job_id, job_id, schedule, last, "success" if last else None])
    beat(now - timedelta(minutes=1), "hourly_ok")
    beat(now - timedelta(hours=5), "slow")
    _, states = rows_of(superuser_client, "/admin/insights/cron/", {"range": "24h"}, "cron-states")
    by_job = {r["job"]: r["lateness"] for r in states}
    assert by_job == {"hourly_ok": "on time", "never": "never ran", "slow": "late"}


@pytest.mark.parametrize("query", [{"range": "24h"}, {"range": "30d"}, {"range": "24h", "skill": "memory"},
                                   {"range": "24h", "action": "api_call"}, {"range": "7d", "skill": "(none)"}])
def test_activity_figures_equal_sql(superuser_client, query):
    h = now_hour()
    for i in range(30):
        ok = i % 4 != 0
        activity(h - timedelta(hours=i % 6, minutes=i), ["memory", "web_search", None][i % 3],
                 ["api_call", "memory_store"][i % 2], ok, None if ok else f"timeout {i % 3} token=sk-secret-{i % 3}")
    activity(h - timedelta(days=10), "memory", "api_call", False, "old")
    body, per_skill = rows_of(superuser_client, "/admin/insights/activity/", query, "activity-failure-rate")
    cond, params = activity_where(body, query)
    expected = run(f"SELECT skill, count(*), count(*) FILTER (WHERE NOT success) FROM aria_data.activity_log "
                   f"WHERE {cond} GROUP BY 1", params)
    assert {r["skill"]: (r["actions"], r["failures"], r["failure_rate"]) for r in per_skill} == {
        s: (n, f, f / n) for s, n, f in expected}
    _, errors = rows_of(superuser_client, "/admin/insights/activity/", query, "activity-errors")
    expected = run(f"SELECT error_message, count(*) FROM aria_data.activity_log WHERE {cond} AND NOT success "
                   f"GROUP BY 1 ORDER BY 2 DESC", params)
    assert sorted(r["failures"] for r in errors) == sorted(n for _, n in expected)
    assert all("sk-secret" not in (r["error_message"] or "") for r in errors)  # masked
    # The filters offer every skill and action of the range, whichever is chosen.
    page = superuser_client.get("/admin/insights/activity/", query).content.decode()
    choices = run("SELECT DISTINCT coalesce(skill, '(none)') FROM aria_data.activity_log WHERE created_at >= %s "
                  "AND created_at < %s UNION SELECT DISTINCT action FROM aria_data.activity_log WHERE created_at >= %s "
                  "AND created_at < %s", [*span(body)] * 2)
    for (value,) in choices:
        assert f'<option value="{value}"' in page


@pytest.mark.parametrize("query", [{"range": "24h"}, {"range": "7d"}, {"range": "7d", "skill": "memory"},
                                   {"range": "7d", "skill": "(none)"}, {"range": "90d", "action": "api_call"}])
def test_most_frequent_errors_visit_in_batches_and_stay_exact(superuser_client, monkeypatch, query):
    """Many messages over days and skills, a few visited at a time: the top 20, ties by md5, as SQL says."""
    from insights.selectors import sql

    monkeypatch.setattr(sql, "BATCH", 4)
    h = now_hour()
    for i in range(45):
        for j in range(1 + i % 5):
            activity(h - timedelta(hours=(i * 13 + j * 29) % 200), ["memory", None][j % 2],
                     ["api_call", "memory_store"][i % 2], False, None if i == 7 else f"error {i}")
    activity(h - timedelta(hours=3), "memory", "api_call", True)
    body, errors = rows_of(superuser_client, "/admin/insights/activity/", query, "activity-errors")
    cond, params = activity_where(body, query)
    expected = run(f"SELECT error_message, count(*) FROM aria_data.activity_log WHERE {cond} "
                   f"AND NOT success GROUP BY 1 ORDER BY 2 DESC, md5(coalesce(error_message, '')) LIMIT 20", params)
    assert [(r["error_message"], r["failures"]) for r in errors] == [(m, n) for m, n in expected]
    assert len(errors) == min(20, len(expected)) and len(expected) > 5


def test_goals_and_sentiment_pages(superuser_client):
    now = timezone.now()
    for i, (status, column, done) in enumerate([("completed", "done", now - timedelta(hours=2)),
                                                 ("active", "doing", None), ("pending", "todo", None)]):
        run("INSERT INTO aria_data.goals (goal_id, title, status, board_column, sprint, completed_at, due_date, created_at) "
            "VALUES (%s, %s, %s, %s, 'sprint-9', %s, %s, %s)",
            [f"G{i}", f"goal {i}", status, column, done, now - timedelta(days=1), now - timedelta(days=2)])
    body, columns = rows_of(superuser_client, "/admin/insights/goals/", {"sprint": "sprint-9"}, "goals-columns")
    cards = {r["column"]: r["cards"] for r in columns}
    assert (cards["done"], cards["doing"], cards["todo"]) == (1, 1, 1)
    _, overdue = rows_of(superuser_client, "/admin/insights/goals/", {}, "goals-overdue")
    assert sorted(r["goal"] for r in overdue) == ["G1: goal 1", "G2: goal 2"]
    _, burn = rows_of(superuser_client, "/admin/insights/goals/", {"sprint": "sprint-9"}, "goals-burndown")
    assert burn[0]["remaining"] == 3 and burn[-1]["remaining"] == 2
    _, created = rows_of(superuser_client, "/admin/insights/goals/", {}, "goals-created-completed")
    assert sum(r["goals"] for r in created if r["kind"] == "created") == 3


def test_overview_items_link_to_their_rows(superuser_client):
    llm_rows()
    html = superuser_client.get("/admin/insights/").content.decode()
    for text in ("LLM spend today", "error rate", "Overdue goals", "security events", "rising failures"):
        assert text in html
    assert "/admin/data_app/modelusage/?" in html


@pytest.mark.parametrize("url", PAGES)
def test_every_page_downloads_csv_and_json(superuser_client, url):
    llm_rows()
    body = superuser_client.get(url, {"format": "json"}).json()
    assert set(body) == {"range", "charts"} and body["charts"]
    text = superuser_client.get(url, {"format": "csv"}).content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == sum(len(c["rows"]) for c in body["charts"])
    html = superuser_client.get(url).content.decode()
    for chart in body["charts"]:
        assert f'id="{chart["id"]}-caption"' in html


@pytest.mark.parametrize("url", PAGES)
def test_permissions_per_page(url, django_user_model):
    from django.contrib.auth.models import Permission

    client = Client()
    assert client.get(url)["Location"].startswith("/admin/login/")
    staff = django_user_model.objects.create_user("plain", password="x-Strong-pass-1", is_staff=True)
    client.force_login(staff)
    assert client.get(url).status_code == 403
    staff.user_permissions.add(*Permission.objects.filter(codename__in=[
        "view_modelusage", "view_heartbeatlog", "view_enginecronjob", "view_activitylog", "view_goal",
        "view_sentimentevent"]))
    client.force_login(django_user_model.objects.get(pk=staff.pk))
    assert client.get(url).status_code == 200
