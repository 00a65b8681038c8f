"""The activity page: activity_log per bucket, skill and action (rollups)."""

from aria_admin.secrets import mask_text
from insights.charts import Chart
from insights.rollups import ERROR_BOUND
from insights.selectors.sql import NONE, admin_url, bucket_where, fetch, iso, matching, rate, top_by_bound, where

FILTERS = {"skill": "skill", "action": "action"}
TOP_ERRORS = 20


def action_sums(rng, filters):
    """One read of the range's action rows for two answers: sums per bucket
    and skill (filtered), and every (skill, action) of the range
    (unfiltered: the filters' choices)."""
    bucket, params = bucket_where(rng)
    filtered, filter_params = matching(filters, FILTERS)
    rows = fetch(
        f"SELECT GROUPING(start, action) AS grouping_set, start, skill, action, "
        f"sum(actions) FILTER (WHERE {filtered})::bigint AS actions, "
        f"sum(failures) FILTER (WHERE {filtered})::bigint AS failures "
        f"FROM insights_activityactions WHERE {bucket} "
        f"GROUP BY GROUPING SETS ((start, skill), (skill, action))",
        filter_params * 2 + params,
    )
    sets = {BY_BUCKET: [], PAIRS: []}
    for row in rows:
        if row["grouping_set"] == PAIRS or row["actions"] is not None:
            sets[row["grouping_set"]].append(row)
    return sets


def per_skill(per_bucket):
    """The buckets' sums added up per skill, highest failure rate first, then by skill (none first)."""
    totals = {}
    for row in per_bucket:
        total = totals.setdefault(row["skill"], {"skill": row["skill"], "actions": 0, "failures": 0})
        total["actions"] += row["actions"]
        total["failures"] += row["failures"]
    return sorted(totals.values(), key=lambda r: (-r["failures"] / r["actions"], r["skill"] is not None, r["skill"] or ""))


# GROUPING(start, action) of each grouping set: a bit for each column left out
BY_BUCKET, PAIRS = 1, 2


def activity_charts(rng, filters, user=None):
    cond, params = where(rng, filters, FILTERS)
    sums = action_sums(rng, filters)
    per_bucket = sorted(sums[BY_BUCKET], key=lambda r: (r["start"], r["skill"] is None, r["skill"] or ""))
    charts = [Chart(
        "activity-actions", f"Actions per {rng.bucket_name} by skill",
        [("bucket", "Bucket (UTC)"), ("skill", "Skill"), ("actions", "Actions")],
        [{"bucket": iso(r["start"]), "skill": r["skill"], "actions": r["actions"]} for r in per_bucket],
        kind="stacked", x="bucket", y="actions", series="skill", x_values=[iso(b) for b in rng.buckets()],
    )]
    charts.append(Chart(
        "activity-failure-rate", "Failure rate by skill",
        [("skill", "Skill"), ("actions", "Actions"), ("failures", "Failures"), ("failure_rate", "Failure rate")],
        [{**r, "failure_rate": rate(r["failures"], r["actions"])} for r in per_skill(per_bucket)],
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
    choices = sums[PAIRS]
    return charts, {"filter_choices": {"skill": sorted({r["skill"] or NONE for r in choices}),
                                       "action": sorted({r["action"] for r in choices})}}
