"""The overview: what needs attention now, each item linking to the rows that explain it.

Every item reads the same rollups (or small tables) as its page; an item
whose table the user may not view is left out.
"""

from datetime import timedelta
from django.utils import timezone

from data_app import domain as data_domain
from data_app.models import Goal, SecurityEvent
from insights import rules
from insights.charts import Chart
from insights.models import DAY, HOUR
from insights.pages import can_view
from insights.rollups import day_floor, hour_floor
from insights.selectors.goals import overdue_q
from insights.selectors.sql import admin_url, fetch, rate


def overview_charts(rng, filters, user=None):
    now = timezone.now()
    items = []
    if can_view(user, "data_app.ModelUsage"):
        items += llm_items(now)
    if can_view(user, "data_app.HeartbeatLog") and can_view(user, "engine_app.EngineCronJob"):
        items += cron_items(rng)
    if can_view(user, "data_app.ActivityLog"):
        items += skill_items(now)
    if can_view(user, "data_app.SecurityEvent"):
        items += security_items(rng)
    if can_view(user, "data_app.Goal"):
        items += goal_items(now)
    return [Chart(
        "overview", "What needs attention",
        [("item", "Item"), ("value", "Now"), ("compare", "Compared with"), ("attention", "Needs attention")],
        items, link="_url",
    )]


def item(name, value, compare, attention, url):
    return {"item": name, "value": value, "compare": compare, "attention": "yes" if attention else "no", "_url": url}


def llm_items(now):
    today = day_floor(now)
    spend = fetch(
        "SELECT start >= %s AS today, coalesce(sum(cost_usd), 0) AS cost FROM insights_llmusage "
        "WHERE grain = %s AND start >= %s AND start < %s GROUP BY 1",
        [today, DAY, today - timedelta(days=7), today + timedelta(days=1)],
    )
    by = {r["today"]: r["cost"] for r in spend}
    spent, average = float(by.get(True, 0)), float(by.get(False, 0)) / 7
    hour = hour_floor(now)
    calls = fetch(
        "SELECT start >= %s AS last_hour, sum(calls)::bigint AS calls, sum(failures)::bigint AS failures "
        "FROM insights_llmusage WHERE grain = %s AND start >= %s AND start < %s GROUP BY 1",
        [hour - timedelta(hours=1), HOUR, hour - timedelta(hours=24), hour],
    )
    last = next((r for r in calls if r["last_hour"]), {"calls": 0, "failures": 0})
    day_calls = sum(r["calls"] for r in calls)
    day_failures = sum(r["failures"] for r in calls)
    last_rate, day_rate = rate(last["failures"], last["calls"]), rate(day_failures, day_calls)
    return [
        item("LLM spend today (USD, UTC day so far)", f"{spent:.2f}", f"7-day daily average {average:.2f}",
             rules.spend_is_high(spent, average), admin_url("data_app_modelusage_changelist", query={"created_at__gte": today.isoformat()})),
        item("Model-call error rate, last full hour", "-" if last_rate is None else f"{last_rate:.1%}",
             "last 24 full hours " + ("-" if day_rate is None else f"{day_rate:.1%}"),
             rules.error_rate_is_up(last_rate, day_rate),
             admin_url("data_app_modelusage_changelist", query={
                 "success__exact": "0", "created_at__gte": (hour - timedelta(hours=1)).isoformat(),
                 "created_at__lt": hour.isoformat()})),
    ]


def cron_items(rng):
    from engine_app.models import EngineCronJob

    failing = {j.name for j in EngineCronJob.objects.filter(last_status="failed").only("name")}
    in_range = fetch(
        "SELECT job_name, sum(failures)::bigint AS failures FROM insights_cronruns WHERE grain = %s AND start >= %s "
        "AND start < %s AND job_name IS NOT NULL GROUP BY job_name HAVING sum(failures) > 0 ORDER BY 2 DESC",
        [rng.grain, rng.since, rng.until],
    )
    out = []
    for name in sorted(failing):
        out.append(item(f"Cron job {name}: last run failed", "failed", "", True,
                        admin_url("engine_app_enginecronjob_changelist", query={"last_status": "failed"})))
    for r in in_range:
        out.append(item(f"Cron job {r['job_name']}: failures in the range", r["failures"], "", True,
                        admin_url("data_app_heartbeatlog_changelist", query={
                            "job_name": r["job_name"], "status__exact": "error",
                            "created_at__gte": rng.since.isoformat(), "created_at__lt": rng.until.isoformat()})))
    if not out:
        out.append(item("Failing cron jobs", 0, "", False, admin_url("insights_cron")))
    return out


def skill_items(now):
    day = day_floor(now)
    rows = fetch(
        "SELECT skill, sum(failures) FILTER (WHERE start >= %s)::bigint AS today, "
        "sum(failures) FILTER (WHERE start < %s)::bigint AS before FROM insights_activityactions "
        "WHERE grain = %s AND start >= %s AND start < %s GROUP BY skill",
        [day, day, DAY, day - timedelta(days=7), day + timedelta(days=1)],
    )
    out = []
    for r in sorted(rows, key=lambda r: -(r["today"] or 0)):
        today, average = r["today"] or 0, (r["before"] or 0) / 7
        if rules.failures_are_rising(today, average):
            out.append(item(f"Skill {r['skill'] or '(none)'}: failures rising", today,
                            f"7-day daily average {average:.1f}", True,
                            admin_url("data_app_activitylog_changelist", query={
                                "success__exact": "0", "created_at__gte": day.isoformat(),
                                **({"skill": r["skill"]} if r["skill"] else {"skill__isnull": "True"})})))
    if not out:
        out.append(item("Skills with rising failures", 0, "", False, admin_url("insights_activity")))
    return out


def security_items(rng):
    levels = [level for level in data_domain.THREAT_LEVELS if level in ("HIGH", "CRITICAL")]
    events = SecurityEvent.objects.filter(created_at__gte=rng.since, created_at__lt=rng.until)
    out = []
    for level in levels:
        count = events.filter(threat_level__iexact=level).count()
        out.append(item(f"{level.title()} security events in the range", count, "", count > 0,
                        admin_url("data_app_securityevent_changelist", query={
                            "threat_level__iexact": level, "created_at__gte": rng.since.isoformat(),
                            "created_at__lt": rng.until.isoformat()})))
    return out


def goal_items(now):
    count = Goal.objects.filter(overdue_q(now)).count()
    return [item("Overdue goals", count, "", count > 0, admin_url("insights_goals"))]
