"""Profile admin pages in-process: where the time goes, SQL and Python.

    DJANGO_SETTINGS_MODULE=bench.settings BENCH_DB_NAME=aria_bench \\
        python -m bench.profile_page /admin/data_app/activitylog/ ...

For each URL, as the bench superuser: the total time, the SQL time and
query count, the slowest queries with the EXPLAIN ANALYZE plan of the
slowest, and the project functions with the most cumulative time. Prints
Markdown (bench/run.py appends it to RESULTS.md for each missed target).
"""

import cProfile
import io
import pstats
import sys
import time

PROJECT_PACKAGES = ("aria_admin", "data_app", "engine_app", "django/contrib/admin")
SQL_CHARS = 600


def profile(client, connection, url):
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm
    profiler = cProfile.Profile()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        profiler.enable()
        response = client.get(url)
        profiler.disable()
        total_ms = (time.perf_counter() - started) * 1000
    queries = [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries]
    sql_ms = sum(ms for ms, _ in queries)
    out = [
        f"### `{url}`",
        "",
        f"HTTP {response.status_code}; {total_ms:.1f} ms in-process, of which SQL "
        f"{sql_ms:.1f} ms in {len(queries)} queries, Python/templates {total_ms - sql_ms:.1f} ms.",
        "",
    ]
    slowest = sorted(queries, key=lambda q: q[0], reverse=True)[:3]
    for ms, sql in slowest:
        text = sql if len(sql) <= SQL_CHARS else sql[:SQL_CHARS] + " …"
        out += [f"- {ms:.1f} ms: `{text}`"]
    warehouse = [q for q in sorted(queries, reverse=True) if '"aria_' in q[1]]
    if warehouse and warehouse[0][1].lstrip().upper().startswith(("SELECT", "WITH")):
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING ON) " + warehouse[0][1])
            plan = [row[0] for row in cursor.fetchall()]
        out += ["", f"Plan of the slowest warehouse query ({warehouse[0][0]:.1f} ms):", "",
                "```", *plan[:25], "```"]
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.sort_stats("cumulative")
    rows = []
    for func, (cc, nc, tt, ct, callers) in stats.stats.items():
        filename, line, name = func
        if any(p in filename for p in PROJECT_PACKAGES):
            short = filename.split("site-packages/")[-1].split("/work/main/")[-1]
            rows.append((ct * 1000, nc, f"{short}:{line} {name}"))
    rows.sort(reverse=True)
    if rows:
        out += ["", "Project and admin functions by cumulative time:", "", "```"]
        out += [f"{ct:8.1f} ms {nc:6d} calls  {where}" for ct, nc, where in rows[:10]]
        out += ["```"]
    own = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:8]
    out += ["", "All functions by own time:", "", "```"]
    for (filename, line, name), (cc, nc, tt, ct, callers) in own:
        short = filename.split("site-packages/")[-1].split("/work/main/")[-1]
        out += [f"{tt * 1000:8.1f} ms {nc:6d} calls  {short}:{line} {name}"]
    out += ["```"]
    return "\n".join(out) + "\n"


def main(urls):
    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")  # no collectstatic here

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from bench.server import SUPERUSER

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=SUPERUSER))
    for url in urls:
        try:
            print(profile(client, connection, url), flush=True)
        except Exception as exc:  # one page's failure must not hide the others
            print(f"### `{url}`\n\n(profiling failed: {type(exc).__name__}: {exc})\n", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
