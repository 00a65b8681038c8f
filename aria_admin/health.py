"""GET /healthz: whether the database answers, within two seconds.

The probe runs ``SELECT 1`` on its own short-lived connection, in a thread
that is given PROBE_TIMEOUT seconds: a server that refuses, hangs or is
unreachable gives 503 quickly and never ties up the request's connection.
"""

import threading
import time

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

PROBE_TIMEOUT = 1.5  # seconds; /healthz must answer within 2
CONNECT_TIMEOUT = 2  # libpq's smallest honoured connect_timeout


def probe_params():
    """psycopg connection parameters of the default database, sans Django's
    extras: for checks that must not touch a request's own connection."""
    params = connection.get_connection_params()
    for django_only in ("cursor_factory", "context", "prepare_threshold"):
        params.pop(django_only, None)
    params["connect_timeout"] = CONNECT_TIMEOUT
    return params


def database_answers(timeout=PROBE_TIMEOUT):
    """(True, None) if SELECT 1 answered within ``timeout``, else (False, reason)."""
    import psycopg

    outcome = {}
    params = probe_params()  # of this thread's connection settings

    def probe():
        try:
            with psycopg.connect(**params, autocommit=True) as conn:
                conn.execute(f"SET statement_timeout = {int(timeout * 1000)}")
                conn.execute("SELECT 1").fetchone()
            outcome["ok"] = True
        except Exception as exc:  # any failure means "not answering"
            outcome["error"] = type(exc).__name__

    worker = threading.Thread(target=probe, name="healthz-probe", daemon=True)
    worker.start()
    worker.join(timeout)
    if outcome.get("ok"):
        return True, None
    return False, outcome.get("error", "timeout")


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
    started = time.monotonic()
    ok, reason = database_answers()
    body = {
        "status": "ok" if ok else "unavailable",
        "database": "ok" if ok else "unavailable",
        "schema": schema_status() if ok else "unknown",
        "elapsed_ms": round((time.monotonic() - started) * 1000),
    }
    if reason:
        # The exception's class only: its text may name hosts or users.
        body["reason"] = reason
    return JsonResponse(body, status=200 if ok else 503)
