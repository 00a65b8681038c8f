"""The LLM page: model_usage per bucket, model and provider, from the rollups."""

from django.urls import reverse

from insights import histogram
from insights.charts import Chart
from insights.rollups import SESSION_BOUND
from insights.selectors.sql import NONE, bucket_where, fetch, iso, matching, rate, top_by_bound, where

FILTERS = {"provider": "provider", "model": "model"}
TOP_SESSIONS = 10


MEASURES = ("calls", "failures", "input_tokens", "output_tokens", "cost_usd")
# GROUPING(start, provider) of each grouping set: a bit for each column left out
BY_BUCKET, PAIRS = 1, 2


def usage_sums(rng, filters):
    """One read of the range's usage rows for two answers: sums per bucket
    and model, and per model and provider (both filtered, the second with
    every pair of the range: the filters' choices)."""
    bucket, params = bucket_where(rng)
    filtered, filter_params = matching(filters, FILTERS)
    sums = ", ".join(f"sum({m}) FILTER (WHERE {filtered}){'' if m == 'cost_usd' else '::bigint'} AS {m}" for m in MEASURES)
    rows = fetch(
        f"SELECT GROUPING(start, provider) AS grouping_set, start, model, provider, {sums} "
        f"FROM insights_llmusage WHERE {bucket} GROUP BY GROUPING SETS ((start, model), (model, provider))",
        filter_params * len(MEASURES) + params,
    )
    sets = {BY_BUCKET: [], PAIRS: []}
    for row in rows:
        sets[row["grouping_set"]].append(row)
    return sets


def per_model(per_bucket):
    """The buckets' sums added up per model, costliest first."""
    totals = {}
    for row in per_bucket:
        total = totals.setdefault(row["model"], {"model": row["model"], **{m: 0 for m in MEASURES}})
        for m in MEASURES:
            total[m] += row[m]
    return sorted(totals.values(), key=lambda r: (-r["cost_usd"], r["model"]))


def llm_charts(rng, filters, user=None):
    sums = usage_sums(rng, filters)
    per_bucket = sorted((r for r in sums[BY_BUCKET] if r["calls"] is not None), key=lambda r: (r["start"], r["model"]))
    buckets = [iso(b) for b in rng.buckets()]
    charts = []
    for key, title in (
        ("calls", "Calls per {} by model"),
        ("input_tokens", "Input tokens per {} by model"),
        ("output_tokens", "Output tokens per {} by model"),
        ("cost_usd", "Cost (USD) per {} by model"),
    ):
        charts.append(Chart(
            f"llm-{key.replace('_', '-')}", title.format(rng.bucket_name),
            [("bucket", "Bucket (UTC)"), ("model", "Model"), (key, key.replace("_", " ").capitalize())],
            [{"bucket": iso(r["start"]), "model": r["model"], key: r[key]} for r in per_bucket],
            kind="stacked", x="bucket", y=key, series="model", x_values=buckets,
        ))
    charts.append(latency_chart(rng, filters))
    # most failures first, then by model and provider (no provider last)
    by_provider = sorted((r for r in sums[PAIRS] if r["calls"] is not None),
                         key=lambda r: (-r["failures"], r["model"], r["provider"] is None, r["provider"] or ""))
    charts.append(Chart(
        "llm-error-rate", "Error rate per model and provider",
        [("model", "Model"), ("provider", "Provider"), ("calls", "Calls"), ("failures", "Failures"), ("error_rate", "Error rate")],
        [{"model": r["model"], "provider": r["provider"], "calls": r["calls"], "failures": r["failures"],
          "error_rate": rate(r["failures"], r["calls"]), "_label": f"{r['model']} / {r['provider'] or '(none)'}"}
         for r in by_provider],
        kind="bars", x="_label", y="error_rate",
    ))
    charts.append(Chart(
        "llm-totals", "Totals per model for the range",
        [("model", "Model"), ("calls", "Calls"), ("failures", "Failures"), ("input_tokens", "Input tokens"),
         ("output_tokens", "Output tokens"), ("cost_usd", "Cost (USD)")],
        per_model(per_bucket),
    ))
    charts.append(top_sessions(rng, filters))
    return charts, {"filter_choices": {
        "model": sorted({r["model"] for r in sums[PAIRS]}),
        "provider": sorted({r["provider"] or NONE for r in sums[PAIRS]}),
    }}


def latency_chart(rng, filters):
    cond, params = where(rng, filters, FILTERS)
    cond += " AND all_providers = %s"
    params.append(not filters.get("provider"))
    bins = fetch(
        f"SELECT model, bin, sum(n)::bigint AS n FROM insights_llmlatency WHERE {cond} GROUP BY model, bin",
        params,
    )
    per_model = {}
    for row in bins:
        per_model.setdefault(row["model"], {})[row["bin"]] = row["n"]
    rows = []
    for model in sorted(per_model):
        counts = per_model[model]
        rows.append({
            "model": model,
            "calls_with_latency": sum(counts.values()),
            "p50_ms": round(histogram.percentile(counts, 0.5), 1),
            "p95_ms": round(histogram.percentile(counts, 0.95), 1),
        })
    rows.sort(key=lambda r: -r["p95_ms"])
    return Chart(
        "llm-latency", "Latency p50 and p95 per model (ms)",
        [("model", "Model"), ("calls_with_latency", "Calls with a latency"), ("p50_ms", "p50 (ms)"), ("p95_ms", "p95 (ms)")],
        rows, kind="bars", x="model", y=("p50_ms", "p95_ms"),
        note=f"Percentiles from log-spaced histograms: within {histogram.ALPHA:.0%} of the exact value. "
             "Calls without a latency are left out.",
    )


def top_sessions(rng, filters):
    """The costliest sessions in the range (exact; see sql.top_by_bound)."""
    cond, params = where(rng, filters, FILTERS)
    best = top_by_bound(rng, cond, params, SESSION_BOUND, "sum(calls)::bigint AS calls, sum(cost_usd) AS cost_usd",
                        TOP_SESSIONS)
    for row in best:
        row["_url"] = reverse("admin:data_app_agentsession_change", args=[row["session_id"]])
        row["session_id"] = str(row["session_id"])
    return Chart(
        "llm-top-sessions", f"Top {TOP_SESSIONS} sessions by cost",
        [("session_id", "Session"), ("calls", "Calls"), ("cost_usd", "Cost (USD)")],
        best, link="_url",
    )
