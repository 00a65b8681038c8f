"""The activity page: activity_log per bucket, skill and action (rollups)."""

from aria_admin.secrets import mask_text
from insights.charts import Chart
from insights.rollups import ERROR_BOUND
from insights.selectors.sql import admin_url, NONE, fetch, iso, rate, top_by_bound, where

FILTERS = {"skill": "skill", "action": "action"}
TOP_ERRORS = 20


def activity_charts(rng, filters, user=None):
    cond, params = where(rng, filters, FILTERS)
    per_bucket = fetch(
        f"SELECT start, skill, sum(actions)::bigint AS actions FROM insights_activityactions WHERE {cond} "
        f"GROUP BY start, skill ORDER BY start, skill", params,
    )
    charts = [Chart(
        "activity-actions", f"Actions per {rng.bucket_name} by skill",
        [("bucket", "Bucket (UTC)"), ("skill", "Skill"), ("actions", "Actions")],
        [{"bucket": iso(r["start"]), "skill": r["skill"], "actions": r["actions"]} for r in per_bucket],
        kind="stacked", x="bucket", y="actions", series="skill", x_values=[iso(b) for b in rng.buckets()],
    )]
    per_skill = fetch(
        f"SELECT skill, sum(actions)::bigint AS actions, sum(failures)::bigint AS failures "
        f"FROM insights_activityactions WHERE {cond} GROUP BY skill "
        f"ORDER BY sum(failures)::float8 / sum(actions) DESC, skill NULLS FIRST", params,
    )
    charts.append(Chart(
        "activity-failure-rate", "Failure rate by skill",
        [("skill", "Skill"), ("actions", "Actions"), ("failures", "Failures"), ("failure_rate", "Failure rate")],
        [{**r, "failure_rate": rate(r["failures"], r["actions"])} for r in per_skill],
        kind="bars", x="skill", y="failure_rate",
    ))
    errors = top_by_bound(rng, cond, params, ERROR_BOUND, "sum(n)::bigint AS n", TOP_ERRORS)
    # the texts of those 20 only (grouping the texts themselves costs several times more)
    texts = {r["message_md5"]: r["message"] for r in fetch(
        "SELECT DISTINCT ON (message_md5) message_md5, message FROM insights_activityerror "
        "WHERE message_md5 = ANY(%s)", [[r["message_md5"] for r in errors]])}
    for r in errors:
        r["message"] = texts.get(r["message_md5"])
    rows = []
    for r in errors:
        query = {"success__exact": "0", "created_at__gte": rng.since.isoformat(), "created_at__lt": rng.until.isoformat()}
        if r["message"] is None:
            query["error_message__isnull"] = "True"
        else:
            query["error_message"] = r["message"]
        for name, column in FILTERS.items():
            if filters.get(name) == NONE:
                query[f"{column}__isnull"] = "True"
            elif filters.get(name):
                query[column] = filters[name]
        rows.append({"error_message": None if r["message"] is None else mask_text(r["message"]), "failures": r["n"],
                     "_url": admin_url("data_app_activitylog_changelist", query=query)})
    charts.append(Chart(
        "activity-errors", f"Most frequent error messages (top {TOP_ERRORS})",
        [("error_message", "Error message"), ("failures", "Failures")], rows, link="_url",
        note="Failed actions grouped by their exact error message; each links to those rows of the activity log.",
    ))
    choices = fetch("SELECT DISTINCT skill, action FROM insights_activityactions WHERE grain = %s AND start >= %s "
                    "AND start < %s", [rng.grain, rng.since, rng.until])
    return charts, {"filter_choices": {"skill": sorted({r["skill"] or NONE for r in choices}),
                                       "action": sorted({r["action"] for r in choices})}}
