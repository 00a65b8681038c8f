"""Issue 12: the Insights pages at 1,000,000 and 10,000 rows.

    make bench BENCH_ARGS="--only insights"

The bench warehouses spread their log rows over a year; the issue asks for
1M rows of model_usage, heartbeat_log and activity_log over 30 days, so the
first run moves those three tables' timestamps into the 30 days before now
(same order, 30/365 of the distance), on the bench databases only (use
copies: BENCH_DB / BENCH_DB_10K). Then: the first read, which builds the
rollups from empty, timed once; and each page for range=30d and 24h,
requested alternately from the 1M-row and the 10k-row server so that both
p50s see the same load.
"""

import subprocess
import sys
import time
from pathlib import Path

from bench import db
from bench.build_warehouse import ANCHOR, build
from bench.client import Client, time_alternately
from bench.report import Row
from bench.server import SUPERUSER, Server, ensure_superuser

PAGES = [
    ("overview", "/admin/insights/"),
    ("LLM", "/admin/insights/llm/"),
    ("cron", "/admin/insights/cron/"),
    ("activity", "/admin/insights/activity/"),
    ("goals", "/admin/insights/goals/"),
    ("sentiment", "/admin/insights/sentiment/"),
]
TARGET_MS = {"30d": 150, "24h": 100}
RATIO = 1.5
BASE_DIR = Path(__file__).resolve().parent.parent
TABLES = ("aria_data.model_usage", "aria_data.heartbeat_log", "aria_data.activity_log")
ROLLUPS = ("insights_llmusage", "insights_llmlatency", "insights_llmsessioncost", "insights_llmsessionbound",
           "insights_activityerrorbound", "insights_cronruns",
           "insights_cronduration", "insights_activityactions", "insights_activityerror", "insights_rollupstate")


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] insights: {message}", flush=True)


def spread_over_30_days(dbname):
    """Move the three log tables' rows into the 30 days before now (once per database)."""
    with db.connect(dbname, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS public.insights_bench_spread (done timestamptz)")
        if conn.execute("SELECT 1 FROM public.insights_bench_spread").fetchone():
            return
        for table in TABLES:
            started = time.monotonic()
            conn.execute(
                f"UPDATE {table} SET created_at = now() - (TIMESTAMPTZ '{ANCHOR}' - created_at) * (30.0 / 365)"
            )
            conn.execute(f"VACUUM ANALYZE {table}")
            log(f"{dbname}: {table} spread over 30 days in {time.monotonic() - started:.0f}s")
        conn.execute("INSERT INTO public.insights_bench_spread VALUES (now())")


def empty_rollups(dbname):
    with db.connect(dbname, autocommit=True) as conn:
        conn.execute(f"TRUNCATE {', '.join(ROLLUPS)}")


BUILD_SCRIPT = """
import sys, time, django
django.setup()
from insights import rollups
for source in rollups.SOURCES.values():
    started = time.monotonic()
    rollups.refresh(source, force=True)
    print(source.name, round(time.monotonic() - started, 1))
"""


def first_read(bench, dbname, rows):
    """The first read after the rollups are emptied builds them from all rows:
    timed in-process (longer than the HTTP client waits at 1M rows)."""
    empty_rollups(dbname)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", BUILD_SCRIPT], cwd=BASE_DIR, env=db.child_env(dbname),
                          capture_output=True, text=True, check=False)
    seconds = time.monotonic() - started
    per_source = ", ".join(f"{name} {t} s" for name, t in (line.split() for line in done.stdout.split("\n") if line))
    bench.results.add(Row(
        f"insights: first read, rollups built from empty ({rows:,} rows in each log table)",
        p50=seconds * 1000, target="reported", passed=None if done.returncode == 0 else False,
        note=(f"once, in-process: {per_source}; later reads recompute only the last hours" if done.returncode == 0
              else done.stderr.strip().splitlines()[-1][:200]),
    ))


def measure_insights(bench):
    big_db, small_db = db.BENCH_DB, bench.small_db
    build(small_db, bench.results.scale_rows // 100, log=log)  # migrates the small copy too
    for name in (big_db, small_db):
        spread_over_30_days(name)
    ensure_superuser(small_db, bench.password)
    small_rows = bench.results.scale_rows // 100
    with Server(small_db, **bench.options) as small_server:
        small = Client(small_server.port)
        small.login(SUPERUSER, bench.password)
        first_read(bench, big_db, bench.results.scale_rows)
        first_read(bench, small_db, small_rows)
        for label, url in PAGES:
            for range_name, target in TARGET_MS.items():
                page = f"{url}?range={range_name}"
                log(f"timing {page} at both sizes, alternately")
                big, little = time_alternately([bench.client, small], page, requests=bench.args.requests,
                                               warmup=bench.args.warmup)
                errors = big.errors + little.errors
                ratio = big.p50 / little.p50 if big.p50 and little.p50 else None
                bench.results.add(Row(
                    f"insights {label}, range={range_name}", big.p50, big.p95, big.fastest, big.query_count,
                    url=page, target=f"p50 <= {target} ms", passed=not errors and big.p50 <= target,
                    note=f"{errors} errors" if errors else "",
                ))
                bench.results.add(Row(
                    f"insights {label}, range={range_name}: {bench.results.scale_rows:,} vs {small_rows:,} rows",
                    big.p50, url=page, target=f"<= {RATIO}x the small p50 ({little.p50:.1f} ms, timed alternately)",
                    passed=ratio is not None and ratio <= RATIO and not errors,
                    note=f"{ratio:.2f}x" if ratio else "",
                ))
