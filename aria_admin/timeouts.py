"""Per-request statement time limits, set per transaction.

Every statement a request runs gets ``statement_timeout`` =
ARIA_STATEMENT_TIMEOUT_MS (exports: ARIA_EXPORT_TIMEOUT_MS), with SET LOCAL
inside its own transaction: a session-level SET would stay on a pooled
server connection after the transaction and leak to other clients, and a
connection option (``-c statement_timeout``) is refused by PgBouncer. Django
runs in autocommit, so:
- in a transaction (transaction.atomic: forms, actions, the board), the
  first statement is preceded by SET LOCAL, once per transaction;
- in autocommit, a statement runs as ``BEGIN; SET LOCAL ...``, the
  statement, ``COMMIT``: two extra round trips of a few tens of
  microseconds each on a local socket (bench/replica.py measures the page).
Commands (aria_bootstrap, migrations) run with no limit: they are not
requests.

The same wrapper notes the first statement that writes through the primary,
so the rest of the request reads the primary (aria_admin.replicas.router).

A request stopped by the limit answers a 503 page saying so, with
Retry-After, never a 500; the view and its filters are logged.
"""

import logging
import re

from django.db import DEFAULT_DB_ALIAS
from django.http import HttpResponse
from django.template import loader
from psycopg.pq import TransactionStatus

from aria_admin.replicas import context, kinds

logger = logging.getLogger(__name__)

QUERY_CANCELED = "57014"  # SQLSTATE of a statement stopped by statement_timeout
RETRY_AFTER_SECONDS = 30
# Statements that only read; anything else (INSERT, UPDATE, DELETE, COPY,
# DDL, SELECT ... FOR UPDATE, a WITH query holding a data-modifying
# statement) counts as a write.
READ_ONLY_SQL = re.compile(r"\s*(SELECT|WITH|SHOW|EXPLAIN|SAVEPOINT|RELEASE|ROLLBACK|SET|DECLARE|FETCH|CLOSE)\b", re.I)
LOCKING_READ = re.compile(r"\bFOR\s+(UPDATE|NO\s+KEY\s+UPDATE|SHARE|KEY\s+SHARE)\b", re.I)
MODIFYING_WITH = re.compile(r"^\s*WITH\b.*\b(INSERT|UPDATE|DELETE|MERGE)\b", re.I | re.S)


def writes(sql):
    """Whether ``sql`` may write (or lock rows to write them)."""
    return not READ_ONLY_SQL.match(sql) or bool(LOCKING_READ.search(sql) or MODIFYING_WITH.match(sql))


def execute_with_limits(execute, sql, params, many, context_):
    """Django execute wrapper (installed on every connection by
    aria_admin.db): the request's time limit and write tracking."""
    plan = context.current()
    if plan is None:
        return execute(sql, params, many, context_)
    db = context_["connection"]
    if db.alias == DEFAULT_DB_ALIAS and not plan.wrote and writes(sql):
        plan.wrote = True
    if not plan.timeout_ms:
        return execute(sql, params, many, context_)
    limit = f"SET LOCAL statement_timeout = {int(plan.timeout_ms)}"
    raw = db.connection
    with db.wrap_database_errors:
        if not db.get_autocommit():
            if raw.info.transaction_status == TransactionStatus.IDLE:  # first statement of this transaction
                raw.execute(limit)
            return execute(sql, params, many, context_)
        raw.execute(f"BEGIN; {limit}")
        try:
            result = execute(sql, params, many, context_)
        except BaseException:
            if raw.info.transaction_status in (TransactionStatus.INTRANS, TransactionStatus.INERROR):
                raw.execute("ROLLBACK")
            raise
        raw.execute("COMMIT")
        return result


def is_statement_timeout(exc):
    """Whether ``exc`` (or its cause) is PostgreSQL's query_canceled."""
    while exc is not None:
        if getattr(exc, "sqlstate", None) == QUERY_CANCELED:
            return True
        exc = exc.__cause__
    return False


def limit_seconds(request):
    """The limit that stopped ``request``, in seconds, for the page."""
    plan = context.current()
    ms = plan.timeout_ms if plan and plan.timeout_ms else kinds.timeout_ms(request.path_info if request else "/")
    return f"{ms / 1000:g}"


def statement_timeout_response(request):
    """The 503 page of a request stopped by its time limit, logged with its
    view and filters (the query string, shortened)."""
    seconds = limit_seconds(request)
    if request is not None:
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match else request.path_info
        filters = request.GET.urlencode()[:500] if request.method == "GET" else ""
        logger.warning("statement timeout: %s %s stopped after %s s; view=%s filters=%s", request.method, request.path_info, seconds, view, filters or "-")
    try:
        body = loader.render_to_string("503_timeout.html", {"seconds": seconds})
    except Exception:  # the page must render even if templates break
        body = f"<h1>This query took longer than {seconds} s: narrow the filters</h1>"
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
