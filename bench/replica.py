"""Reads on a streaming replica under load (issue 16):
``make bench BENCH_ARGS="--only replica --scale 0.1"``.

The activity-log changelist is loaded with wrk for --duration seconds (30),
twice: served by the --only gunicorn with the primary alone, then by a
second gunicorn whose DATABASE_REPLICA_URLS names a hot standby of the bench
server, made for the run with ``pg_basebackup -R`` (tests/pg_servers.py, as
in the tests) and removed after it. pg_stat_database of the bench database
on each server gives the work each did during each load: transactions and
rows read (tup_returned + tup_fetched); the primary's share is its part of
the total.

A third load, on the primary alone with ARIA_STATEMENT_TIMEOUT_MS=0, shows
what the per-transaction time limit costs.

On one machine the replica shares the primary's cores: it cannot add
throughput here. What the run shows is how much of the read work leaves the
primary, and what the routing and the time limit cost.
"""

import shutil
import time

from bench import db, pages
from bench.client import Client
from bench.report import Row
from bench.server import SUPERUSER, Server

COUNTERS_SQL = """
SELECT xact_commit + xact_rollback, tup_returned + tup_fetched
FROM pg_stat_database WHERE datname = %s
"""
# Backends flush their statistics at most every second while busy and
# after 10 s idle; gunicorn keeps its connections (CONN_MAX_AGE).
STATS_SETTLE_SECONDS = 11


def counters(params, dbname):
    import psycopg

    with psycopg.connect(**{**params, "dbname": dbname}, autocommit=True) as conn:
        xacts, rows = conn.execute(COUNTERS_SQL, [dbname]).fetchone()
    return {"xacts": int(xacts), "rows": int(rows)}


def loaded(bench, client, url, servers, dbname):
    """wrk on ``url``; {"load": wrk's figures, name: counter deltas per server}."""
    from bench.run import run_wrk

    time.sleep(6)  # the login wrote: past ARIA_READ_PIN_SECONDS, reads may leave the primary
    before = {name: counters(params, dbname) for name, params in servers.items()}
    load = run_wrk(shutil.which("wrk"), url, client, bench.args)
    time.sleep(STATS_SETTLE_SECONDS)
    after = {name: counters(params, dbname) for name, params in servers.items()}
    deltas = {name: {k: after[name][k] - before[name][k] for k in ("xacts", "rows")} for name in servers}
    print(f"[bench] {load['note']}; {deltas}", flush=True)
    return {"load": load, **deltas}


def per_request(run, server="primary"):
    """Transactions per page on ``server`` during ``run``."""
    total = run["load"]["total"]
    return f"{run[server]['xacts'] / total:.1f}" if total else "?"


def share(run, key):
    """The primary's part of the servers' total ``key`` during ``run``."""
    total = run["primary"][key] + run.get("replica", {}).get(key, 0)
    return f"{100 * run['primary'][key] / total:.0f}%" if total else "?"


def measure_replica(bench):
    from tests.pg_servers import Replica, Unavailable

    table = pages.BIG_TABLES[0]  # the activity log
    label = f"{table.label} changelist, {bench.args.connections} connections, {bench.args.duration}s"
    if not shutil.which("wrk"):
        bench.results.add(Row(f"replica: {label}", passed=False, note="wrk is not installed (apt-get install -y wrk): NOT measured"))
        return
    serving = bench.serving
    dbname = serving["dbname"]
    primary = {**db.server_params(), "dbname": dbname}
    path = table.url("admin")

    alone = loaded(bench, bench.client, f"http://127.0.0.1:{serving['server'].port}{path}", {"primary": primary}, dbname)
    bench.results.add(Row(
        f"replica: {label}, primary alone", url=path,
        note=f"{alone['load']['note']}; the primary did 100% ({alone['primary']['xacts']:,} transactions, "
             f"{per_request(alone)} a page; {alone['primary']['rows']:,} rows read)",
    ))

    # What the per-transaction time limit costs: the same load with none
    # (each autocommit statement otherwise runs as BEGIN; SET LOCAL; it; COMMIT).
    with Server(dbname, **{**serving["options"], "env_extra": {"ARIA_STATEMENT_TIMEOUT_MS": "0"}}) as server:
        client = Client(server.port)
        client.login(SUPERUSER, serving["password"])
        unlimited = loaded(bench, client, f"http://127.0.0.1:{server.port}{path}", {"primary": primary}, dbname)
    bench.results.add(Row(
        f"replica: {label}, primary alone, no statement time limit", url=path,
        note=f"{unlimited['load']['note']}; {per_request(unlimited)} transactions a page "
             f"(with the limit: {per_request(alone)})",
    ))

    try:
        replica = Replica(primary)
        replica.create()
    except Unavailable as exc:
        bench.results.add(Row(f"replica: {label}, reads on a replica", passed=False, note=f"NOT measured: {exc}"))
        return
    try:
        replica.wait_caught_up(timeout=300)
        url = f"postgresql://{primary['user']}@:{replica.port}/{replica.root}/{dbname}"
        options = {**serving["options"], "env_extra": {"DATABASE_REPLICA_URLS": url}}
        with Server(dbname, **options) as server:
            client = Client(server.port)
            client.login(SUPERUSER, serving["password"])
            servers = {"primary": primary, "replica": {**replica.params, "password": ""}}
            split = loaded(bench, client, f"http://127.0.0.1:{server.port}{path}", servers, dbname)
            (lag,) = replica.execute("SELECT COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)")[0]
    finally:
        replica.shutdown()
    ratio = split["load"]["rps"] / alone["load"]["rps"] if alone["load"]["rps"] else 0
    bench.results.add(Row(
        f"replica: {label}, reads on a replica", url=path,
        passed=split["replica"]["xacts"] > 0 and split["load"]["errors"] == 0,
        target="reads served by the replica, no errors",
        note=f"{split['load']['note']} ({ratio:.2f}x the primary alone); the primary's share: "
             f"{share(split, 'xacts')} of transactions ({per_request(split)} a page vs the replica's "
             f"{per_request(split, 'replica')}), {share(split, 'rows')} of rows read "
             f"({split['primary']['rows']:,} vs {split['replica']['rows']:,}); "
             f"replica's last replayed commit {float(lag):.1f} s old at the end",
    ))
