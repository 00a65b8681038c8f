"""The LLM page: model_usage per bucket, model and provider, from the rollups."""

from django.urls import reverse

from insights import histogram
from insights.charts import Chart
from insights.rollups import SESSION_BOUND
from insights.selectors.sql import fetch, iso, rate, top_by_bound, where

FILTERS = {"provider": "provider", "model": "model"}
TOP_SESSIONS = 10


def llm_charts(rng, filters, user=None):
    cond, params = where(rng, filters, FILTERS)
    per_bucket = fetch(
        f"SELECT start, model, sum(calls)::bigint AS calls, sum(input_tokens)::bigint AS input_tokens, "
        f"sum(output_tokens)::bigint AS output_tokens, sum(cost_usd) AS cost_usd "
        f"FROM insights_llmusage WHERE {cond} GROUP BY start, model ORDER BY start, model",
        params,
    )
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
    by_provider = fetch(
        f"SELECT model, provider, sum(calls)::bigint AS calls, sum(failures)::bigint AS failures "
        f"FROM insights_llmusage WHERE {cond} GROUP BY model, provider "
        f"ORDER BY sum(failures) DESC, model, provider NULLS LAST",
        params,
    )
    charts.append(Chart(
        "llm-error-rate", "Error rate per model and provider",
        [("model", "Model"), ("provider", "Provider"), ("calls", "Calls"), ("failures", "Failures"), ("error_rate", "Error rate")],
        [{"model": r["model"], "provider": r["provider"], "calls": r["calls"], "failures": r["failures"],
          "error_rate": rate(r["failures"], r["calls"]), "_label": f"{r['model']} / {r['provider'] or '(none)'}"}
         for r in by_provider],
        kind="bars", x="_label", y="error_rate",
    ))
    totals = fetch(
        f"SELECT model, sum(calls)::bigint AS calls, sum(failures)::bigint AS failures, sum(input_tokens)::bigint AS input_tokens, "
        f"sum(output_tokens)::bigint AS output_tokens, sum(cost_usd) AS cost_usd "
        f"FROM insights_llmusage WHERE {cond} GROUP BY model ORDER BY sum(cost_usd) DESC, model",
        params,
    )
    charts.append(Chart(
        "llm-totals", "Totals per model for the range",
        [("model", "Model"), ("calls", "Calls"), ("failures", "Failures"), ("input_tokens", "Input tokens"),
         ("output_tokens", "Output tokens"), ("cost_usd", "Cost (USD)")],
        totals,
    ))
    charts.append(top_sessions(rng, filters))
    return charts, {"filter_choices": filter_choices(rng)}


def filter_choices(rng):
    """The models and providers seen in the range (NONE for no provider)."""
    from insights.selectors.sql import NONE, bucket_where

    cond, params = bucket_where(rng)
    rows = fetch(f"SELECT DISTINCT model, provider FROM insights_llmusage WHERE {cond}", params)
    return {
        "model": sorted({r["model"] for r in rows}),
        "provider": sorted({r["provider"] or NONE for r in rows}),
    }


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
