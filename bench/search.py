"""Issue 13: search on the 1,000,000-row logs, and what our search indexes
cost Aria's inserts (``make bench BENCH_ARGS="--only search"``).

Searches: one that finds nothing, a word of ``error_message``, a word only
``details`` holds (target p50 <= 150 ms each), and a quoted phrase
(reported: PostgreSQL rechecks a phrase by recomputing each candidate
row's tsvector, see the notes), on activity_log and model_usage, requested
in turn so that all see the same load.

Insert cost: Aria writes activity_log one row per INSERT, committed each
time. Measured twice: as Aria commits (each INSERT waits for the WAL
flush; the judged figure) and without that wait (the index's share of the
work alone, reported). Two copies of the table (``LIKE ... INCLUDING ALL``: Aria's indexes
and ours), one then stripped of our search index, each seeded with the
same 100,000 rows, take the same Aria-style INSERTs (psycopg, autocommit,
the columns Aria writes, values from real rows) in alternating rounds, so
both see the same load; cost = 1 - rate with / rate without. Enough rows
that GIN's pending list is flushed several times (that flush is most of
the index's cost). Target <= 15 %.
"""

import time

from bench import db
from bench.client import time_in_turn
from bench.report import Row

TARGET_MS = 150
INSERT_COST_TARGET = 0.15
INSERT_ROUNDS = 4
INSERT_ROWS = 5_000  # per round and table: 20,000 each in all
# As Aria commits, each INSERT waits for the WAL flush (~10 ms on this shared
# disk): fewer rows, the same alternation.
SYNC_ROUNDS = 4
SYNC_ROWS = 750
PHRASE_REQUESTS = 3
SEED_ROWS = 100_000

SEARCHES = [
    ("activity_log: search finding nothing", "data_app/activitylog", "q=zqxnothing"),
    ("activity_log: search a word of error_message (timeout)", "data_app/activitylog", "q=timeout"),
    ("activity_log: search a word only details holds (researcher)", "data_app/activitylog", "q=researcher"),
    ("activity_log: search a phrase (\"timeout after retry\")", "data_app/activitylog",
     "q=%22timeout+after+retry%22"),
    ("model_usage: search finding nothing", "data_app/modelusage", "q=zqxnothing"),
    ("model_usage: search a word of error_message (exceeded)", "data_app/modelusage", "q=exceeded"),
    ("model_usage: search a phrase (\"rate limit\")", "data_app/modelusage", "q=%22rate+limit%22"),
]


def measure(bench, dbname, log):
    """The searches (p50 <= TARGET_MS), then the insert cost."""
    judged = [s for s in SEARCHES if "phrase" not in s[0]]
    urls = [f"/admin/{path}/?{query}" for _, path, query in judged]
    log(f"timing {len(urls)} searches in turn")
    timings = time_in_turn(bench.client, urls, requests=bench.args.requests, warmup=bench.args.warmup)
    for (label, _, _), url, timing in zip(judged, urls, timings):
        bench.page(label, url, timing=timing, target=f"p50 <= {TARGET_MS} ms",
                   check=lambda r: r.p50 <= TARGET_MS, note=found(bench, url))
    for label, path, query in SEARCHES:
        if (label, path, query) not in judged:  # seconds each: a few requests
            url = f"/admin/{path}/?{query}"
            bench.page(label, url, timing=bench.time(url, requests=PHRASE_REQUESTS, warmup=1),
                       target="reported", note=found(bench, url))
    log("insert cost of the search index (Aria-style single-row INSERTs)")
    for row in insert_cost_rows(dbname):
        bench.results.add(row)


def found(bench, url):
    return "(finds rows)" if 'class="action-select"' in bench.client.get(url).body else "(finds nothing)"


def insert_cost_rows(dbname):
    """Aria's way (each INSERT waits for its commit's WAL flush) and the
    strict one (no wait: the index's share of the work alone)."""
    rows = []
    for synchronous, rounds, per_round in ((True, SYNC_ROUNDS, SYNC_ROWS), (False, INSERT_ROUNDS, INSERT_ROWS)):
        rates = insert_rates(dbname, synchronous=synchronous, rounds=rounds, per_round=per_round)
        cost = 1 - rates["with"] / rates["without"]
        how = "as Aria commits (synchronous_commit on)" if synchronous else "commits not waiting for the WAL flush"
        rows.append(Row(
            f"Aria-style INSERTs into activity_log, {rounds * per_round:,} each, with vs without "
            f"aria_admin_activity_log_search, {how}",
            target=f"cost <= {INSERT_COST_TARGET:.0%}" if synchronous else "reported",
            passed=cost <= INSERT_COST_TARGET if synchronous else None,
            note=f"{rates['with']:.0f} rows/s with, {rates['without']:.0f} rows/s without: cost {cost:.1%}",
        ))
    return rows


def insert_rates(dbname, *, synchronous, rounds, per_round):
    """{'with': rows/s, 'without': rows/s}, in alternating rounds."""
    tables = {"with": "public.bench_insert_with", "without": "public.bench_insert_without"}
    seconds = dict.fromkeys(tables, 0.0)
    with db.connect(dbname, autocommit=True) as conn:
        if not synchronous:
            conn.execute("SET synchronous_commit = off")
        try:
            for table in tables.values():
                conn.execute(f"DROP TABLE IF EXISTS {table}")
                conn.execute(f"CREATE TABLE {table} (LIKE aria_data.activity_log INCLUDING ALL)")
                conn.execute(
                    f"INSERT INTO {table} SELECT * FROM aria_data.activity_log ORDER BY created_at LIMIT %s",
                    [SEED_ROWS],
                )
            for (name,) in conn.execute(
                "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = %s::regclass "
                "AND pg_get_indexdef(indexrelid) LIKE '%%to_tsvector%%'", [tables["without"]]
            ).fetchall():
                conn.execute(f"DROP INDEX {name}")
            conn.execute("VACUUM ANALYZE public.bench_insert_with")
            conn.execute("VACUUM ANALYZE public.bench_insert_without")
            values = conn.execute(
                "SELECT action, skill, details::text, success, error_message FROM aria_data.activity_log "
                "ORDER BY created_at DESC LIMIT %s", [per_round]
            ).fetchall()
            for round_ in range(rounds):
                order = list(tables) if round_ % 2 == 0 else list(reversed(tables))
                for key in order:
                    seconds[key] += timed_inserts(conn, tables[key], values)
        finally:
            for table in tables.values():
                conn.execute(f"DROP TABLE IF EXISTS {table}")
    return {key: rounds * per_round / seconds[key] for key in tables}


def timed_inserts(conn, table, values):
    """Seconds for one INSERT per row, each its own transaction, as Aria does."""
    sql = (f"INSERT INTO {table} (action, skill, details, success, error_message) "
           "VALUES (%s, %s, %s::jsonb, %s, %s)")
    started = time.perf_counter()
    for row in values:
        conn.execute(sql, row)
    return time.perf_counter() - started

