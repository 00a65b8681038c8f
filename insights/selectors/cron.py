"""The cron page: heartbeat_log per bucket and job (rollups), cron_jobs' state."""

from datetime import timedelta

from django.utils import timezone

from engine_app import domain as engine_domain
from engine_app.models import EngineCronJob
from insights import histogram
from insights.charts import Chart
from insights.selectors.sql import admin_url, NONE, fetch, iso, rate, where

FILTERS = {"job": "job_name"}


def cron_charts(rng, filters, user=None):
    cond, params = where(rng, filters, FILTERS)
    per_bucket = fetch(
        f"SELECT start, job_name, sum(runs)::bigint AS runs, sum(failures)::bigint AS failures "
        f"FROM insights_cronruns WHERE {cond} GROUP BY start, job_name ORDER BY start, job_name", params,
    )
    buckets = [iso(b) for b in rng.buckets()]
    charts = [
        Chart(f"cron-{key}", f"{title} per {rng.bucket_name} by job",
              [("bucket", "Bucket (UTC)"), ("job", "Job"), (key, title)],
              [{"bucket": iso(r["start"]), "job": r["job_name"], key: r[key]} for r in per_bucket],
              kind="stacked", x="bucket", y=key, series="job", x_values=buckets)
        for key, title in (("runs", "Runs"), ("failures", "Failures"))
    ]
    per_job = fetch(
        f"SELECT job_name, sum(runs)::bigint AS runs, sum(failures)::bigint AS failures, max(last_at) AS last_at "
        f"FROM insights_cronruns WHERE {cond} GROUP BY job_name ORDER BY job_name NULLS FIRST", params,
    )
    bins = fetch(f"SELECT job_name, bin, sum(n)::bigint AS n FROM insights_cronduration WHERE {cond} "
                 f"GROUP BY job_name, bin", params)
    hist = {}
    for row in bins:
        hist.setdefault(row["job_name"], {})[row["bin"]] = row["n"]
    rows = []
    for r in per_job:
        counts = hist.get(r["job_name"], {})
        p50, p95 = histogram.percentile(counts, 0.5), histogram.percentile(counts, 0.95)
        rows.append({
            "job": r["job_name"], "runs": r["runs"], "failures": r["failures"],
            "success_rate": rate(r["runs"] - r["failures"], r["runs"]),
            "duration_p50_ms": None if p50 is None else round(p50, 1),
            "duration_p95_ms": None if p95 is None else round(p95, 1),
            "last_run_in_range": r["last_at"],
        })
    charts.append(Chart(
        "cron-jobs", "Success rate and duration per job",
        [("job", "Job"), ("runs", "Runs"), ("failures", "Failures"), ("success_rate", "Success rate"),
         ("duration_p50_ms", "Duration p50 (ms)"), ("duration_p95_ms", "Duration p95 (ms)"),
         ("last_run_in_range", "Last run in range")],
        rows, kind="bars", x="job", y="success_rate",
        note=f"Success: a run whose status is not error. Durations from log-spaced histograms: within "
             f"{histogram.ALPHA:.0%} of the exact value. (none): heartbeats without a job.",
    ))
    charts.append(job_states(rng, filters, {r["job_name"]: r for r in per_job}))
    return charts, {"filter_choices": {"job": sorted({r["job_name"] or NONE for r in per_job})}}


def job_states(rng, filters, per_job):
    """Last run and status per cron job, and whether it ran late or never in the range."""
    now = timezone.now()
    jobs = EngineCronJob.objects.order_by("name")
    if filters.get("job"):
        jobs = jobs.filter(name=filters["job"]) | jobs.filter(id=filters["job"])
    rows = []
    for job in jobs.only("id", "name", "schedule", "enabled", "last_run_at", "last_status", "max_duration_seconds"):
        seen = [per_job[k] for k in {job.name, job.id} if k in per_job]
        runs = sum(r["runs"] for r in seen)
        last = max([r["last_at"] for r in seen] + ([job.last_run_at] if job.last_run_at else []), default=None)
        state = engine_domain.run_lateness(
            job.schedule, since=rng.since, until=rng.until, now=now, runs=runs, last_run=last,
            grace=timedelta(seconds=job.max_duration_seconds or 0),
        ) if job.enabled else ""
        rows.append({
            "job": job.name, "schedule": job.schedule, "enabled": job.enabled,
            "last_run_at": job.last_run_at, "last_status": job.last_status,
            "runs_in_range": runs, "lateness": state or "on time",
            "_url": admin_url("engine_app_enginecronjob_change", job.pk),
        })
    rows.sort(key=lambda r: (r["lateness"] == "on time", r["job"]))
    return Chart(
        "cron-states", "Last run, last status and lateness per job",
        [("job", "Job"), ("schedule", "Schedule"), ("enabled", "Enabled"), ("last_run_at", "Last run"),
         ("last_status", "Last status"), ("runs_in_range", "Runs in range"), ("lateness", "Against its schedule")],
        rows, link="_url",
        note="Never ran: the schedule asked for runs in the range and none is recorded. Late: the last run "
             "is older than the last time one was due, by more than the job's max duration.",
    )
