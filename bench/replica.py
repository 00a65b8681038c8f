"""Reads on a streaming replica under load (issue 16):
``make bench BENCH_ARGS="--only replica --scale 0.1"``.

The activity-log changelist is loaded with wrk for --duration seconds (30)
as served three ways at once, in turn, twice: by the --only gunicorn with the
primary alone; by a second gunicorn whose DATABASE_REPLICA_URLS names a hot
standby of the bench server, made for the run with ``pg_basebackup -R``
(tests/pg_servers.py, as in the tests) and removed after it; by a third with
the primary alone and ARIA_STATEMENT_TIMEOUT_MS=0. pg_stat_database of the bench database
on each server gives the work each did during each load: transactions and
rows read (tup_returned + tup_fetched); the primary's share is its part of
the total.

The third shows what the per-transaction time limit costs.

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


def combined(runs):
    """Several loads of one setup as one: rates averaged, counts added."""
    total = {"load": {
        "rps": sum(r["load"]["rps"] for r in runs) / len(runs),
        "total": sum(r["load"]["total"] for r in runs),
        "errors": sum(r["load"]["errors"] for r in runs),
        "note": " / ".join(f"{r['load']['rps']:.1f}" for r in runs) + " req/s",
    }}
    for name in runs[0]:
        if name != "load":
            total[name] = {k: sum(r[name][k] for r in runs) for k in ("xacts", "rows")}
    return total


def measure_replica(bench, rounds=2):
    """Three setups served at once, loaded in turn ``rounds`` times (so that
    each sees the same mix of the machine's other load)."""
    from aria_admin.replicas.status import LAG_SQL
    from tests.pg_servers import Replica, Unavailable

    table = pages.BIG_TABLES[0]  # the activity log
    label = f"{table.label} changelist, {bench.args.connections} connections, {bench.args.duration}s x {rounds}"
    if not shutil.which("wrk"):
        bench.results.add(Row(f"replica: {label}", passed=False, note="wrk is not installed (apt-get install -y wrk): NOT measured"))
        return
    serving = bench.serving
    dbname = serving["dbname"]
    primary = {**db.server_params(), "dbname": dbname}
    path = table.url("admin")
    try:
        replica = Replica(primary)
        try:
            replica.create()
        except Unavailable:
            replica.shutdown()  # its temp dir
            raise
    except Unavailable as exc:
        bench.results.add(Row(f"replica: {label}", passed=False, note=f"NOT measured: {exc}"))
        return
    try:
        replica.wait_caught_up(timeout=300)
        replica_url = f"postgresql://{primary['user']}@:{replica.port}/{replica.root}/{dbname}"
        on_replica = {"primary": primary, "replica": {**replica.params, "password": ""}}
        # The time limit's cost: ARIA_STATEMENT_TIMEOUT_MS=0 (each autocommit
        # statement otherwise runs as BEGIN; SET LOCAL; it; COMMIT).
        with Server(dbname, **{**serving["options"], "env_extra": {"DATABASE_REPLICA_URLS": replica_url}}) as split_server, \
                Server(dbname, **{**serving["options"], "env_extra": {"ARIA_STATEMENT_TIMEOUT_MS": "0"}}) as unlimited_server:
            setups = {"alone": (serving["server"], bench.client, {"primary": primary})}
            for name, server, servers in (("split", split_server, on_replica), ("unlimited", unlimited_server, {"primary": primary})):
                client = Client(server.port)
                client.login(SUPERUSER, serving["password"])
                setups[name] = (server, client, servers)
            runs = {name: [] for name in setups}
            for _ in range(rounds):
                for name, (server, client, servers) in setups.items():
                    runs[name].append(loaded(bench, client, f"http://127.0.0.1:{server.port}{path}", servers, dbname))
            (lag,) = replica.execute(LAG_SQL)[0]
    finally:
        replica.shutdown()
    alone, split, unlimited = (combined(runs[name]) for name in ("alone", "split", "unlimited"))
    errors = sum(r["load"]["errors"] for r in (alone, split, unlimited))
    bench.results.add(Row(
        f"replica: {label}, primary alone", url=path,
        note=f"{alone['load']['rps']:.1f} req/s ({alone['load']['note']}), {alone['load']['errors']} errors; "
             f"the primary did 100%: {per_request(alone)} transactions a page",
    ))
    bench.results.add(Row(
        f"replica: {label}, primary alone, no statement time limit", url=path,
        note=f"{unlimited['load']['rps']:.1f} req/s ({unlimited['load']['note']}), {unlimited['load']['errors']} errors; "
             f"{per_request(unlimited)} transactions a page",
    ))
    ratio = split["load"]["rps"] / alone["load"]["rps"] if alone["load"]["rps"] else 0
    bench.results.add(Row(
        f"replica: {label}, reads on a replica", url=path,
        passed=split["replica"]["xacts"] > 0 and errors == 0,
        target="reads served by the replica, no errors in any load",
        note=f"{split['load']['rps']:.1f} req/s ({split['load']['note']}; {ratio:.2f}x the primary alone), "
             f"{split['load']['errors']} errors; the primary's share: {share(split, 'xacts')} of transactions "
             f"({per_request(split)} a page vs the replica's {per_request(split, 'replica')}), "
             f"{share(split, 'rows')} of rows read ({split['primary']['rows']:,} vs {split['replica']['rows']:,}); "
             f"replica lag at the end {float(lag):.1f} s",
    ))
