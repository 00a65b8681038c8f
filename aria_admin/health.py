"""GET /healthz: whether the database answers, within two seconds.

The probe runs ``SELECT 1`` on its own short-lived connection, in a thread
that is given PROBE_TIMEOUT seconds: a server that refuses, hangs or is
unreachable gives 503 quickly and never ties up the request's connection.
Each read replica is probed the same way, at the same time, for its state
and replay lag; a replica down does not make the answer 503 (reads fall back
to the primary), it is reported as "unavailable".

The probes work through PgBouncer in transaction mode: their time limit is
SET LOCAL inside their one transaction, and they prepare nothing.
"""

import threading
import time

from django.db import DEFAULT_DB_ALIAS, connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

PROBE_TIMEOUT = 1.5  # seconds; /healthz must answer within 2
CONNECT_TIMEOUT = 2  # libpq's smallest honoured connect_timeout


def probe_params(alias=DEFAULT_DB_ALIAS):
    """psycopg connection parameters of a database, sans Django's extras:
    for checks that must not touch a request's own connection. Never a
    prepared statement (a transaction pooler may hand the next statement
    to another server connection)."""
    params = connections[alias].get_connection_params()
    for django_only in ("cursor_factory", "context"):
        params.pop(django_only, None)
    params["prepare_threshold"] = None
    params["connect_timeout"] = CONNECT_TIMEOUT
    return params


def probe(alias, sql, timeout):
    """Start a thread running ``sql`` on its own connection to ``alias``;
    return a function that waits for it until ``deadline`` and gives
    (True, first value) or (False, the error's class name or "timeout")."""
    import psycopg

    outcome = {}
    params = probe_params(alias)  # of this thread's connection settings

    def run():
        try:
            with psycopg.connect(**params, autocommit=True) as conn, conn.transaction():
                conn.execute(f"SET LOCAL statement_timeout = {int(timeout * 1000)}")
                outcome["value"] = conn.execute(sql).fetchone()[0]
        except Exception as exc:  # any failure means "not answering"
            outcome["error"] = type(exc).__name__

    worker = threading.Thread(target=run, name=f"healthz-probe-{alias}", daemon=True)
    worker.start()

    def result(deadline):
        worker.join(max(0.0, deadline - time.monotonic()))
        if "value" in outcome:
            return True, outcome["value"]
        return False, outcome.get("error", "timeout")

    return result


def database_answers(timeout=PROBE_TIMEOUT):
    """(True, None) if SELECT 1 answered within ``timeout``, else (False, reason)."""
    ok, value = probe(DEFAULT_DB_ALIAS, "SELECT 1", timeout)(time.monotonic() + timeout)
    return (True, None) if ok else (False, value)


def replica_report(waiting, deadline):
    """{alias: {"state", "lag_seconds"}} from started replica probes."""
    from django.conf import settings

    from aria_admin.replicas.status import LAGGING, OK, UNAVAILABLE

    report = {}
    for alias, result in waiting.items():
        ok, value = result(deadline)
        if not ok:
            report[alias] = {"state": UNAVAILABLE, "lag_seconds": None, "reason": value}
            continue
        lag = round(float(value), 3)
        report[alias] = {"state": OK if lag <= settings.ARIA_REPLICA_MAX_LAG_SECONDS else LAGGING, "lag_seconds": lag}
    return report


def schema_status():
    """"ok" or "drift": whether every table still fits the models (a pending
    upgrade of a v3.0.0 warehouse counts as drift until it is run)."""
    from aria_admin import schema_health

    try:
        return "ok" if schema_health.current().ok else "drift"
    except Exception:  # noqa: BLE001 - the probe above already answered
        return "unknown"


@never_cache
@require_safe
def healthz(request):
    from aria_admin.replicas.status import LAG_SQL, aliases

    started = time.monotonic()
    deadline = started + PROBE_TIMEOUT
    replicas = {alias: probe(alias, LAG_SQL, PROBE_TIMEOUT) for alias in aliases()}
    ok, reason = database_answers()
    body = {
        "status": "ok" if ok else "unavailable",
        "database": "ok" if ok else "unavailable",
        "schema": schema_status() if ok else "unknown",
    }
    if replicas:
        body["replicas"] = replica_report(replicas, deadline)
    body["elapsed_ms"] = round((time.monotonic() - started) * 1000)
    if reason:
        # The exception's class only: its text may name hosts or users.
        body["reason"] = reason
    return JsonResponse(body, status=200 if ok else 503)
