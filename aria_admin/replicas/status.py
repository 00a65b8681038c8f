"""Each replica's state in this process: in use, lagging, or down.

A replica is asked for its replay lag at most every ARIA_REPLICA_CHECK_SECONDS
(one short query on the request's own replica connection). One lagging more
than ARIA_REPLICA_MAX_LAG_SECONDS is not used until a later check finds it
caught up. One that cannot be reached (its connect timeout is 2 s) is skipped
for ARIA_REPLICA_RETRY_SECONDS, so a dead replica costs one request per
back-off period, not every request, before reads fall back to the primary.
"""

import logging
import random
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.db.utils import DatabaseError

logger = logging.getLogger(__name__)

OK, LAGGING, UNAVAILABLE, UNKNOWN = "ok", "lagging", "unavailable", "unknown"

# Seconds of replay behind the primary. Nothing is missing when everything
# received is replayed; otherwise the age of the last replayed commit (an
# upper bound: the standard measure, e.g. in PostgreSQL's wiki). A server not
# in recovery is not behind anything.
LAG_SQL = """
SELECT CASE
  WHEN NOT pg_is_in_recovery() THEN 0
  WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
  ELSE COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()), 0)
END
"""


@dataclass
class ReplicaStatus:
    alias: str
    state: str = UNKNOWN
    lag_seconds: float | None = None
    checked_at: float = float("-inf")  # time.monotonic() of the last check
    retry_at: float = float("-inf")  # not used before this, after a failure
    problem: str = ""  # the error's class when unavailable


_statuses: dict[str, ReplicaStatus] = {}
_lock = threading.Lock()


def aliases():
    """The configured replica aliases (settings.ARIA_REPLICA_ALIASES)."""
    return list(getattr(settings, "ARIA_REPLICA_ALIASES", ()))


def status_of(alias):
    with _lock:
        return _statuses.setdefault(alias, ReplicaStatus(alias))


def forget():
    """Drop every recorded state (tests; a changed configuration)."""
    with _lock:
        _statuses.clear()


def mark_unavailable(alias, problem):
    """Skip ``alias`` for the back-off period; logged once per outage."""
    status = status_of(alias)
    now = time.monotonic()
    if status.state != UNAVAILABLE:
        logger.warning("replica %s unavailable (%s): reads go to the primary for %s s", alias, problem, settings.ARIA_REPLICA_RETRY_SECONDS)
    status.state, status.lag_seconds, status.problem = UNAVAILABLE, None, problem
    status.checked_at = now
    status.retry_at = now + settings.ARIA_REPLICA_RETRY_SECONDS
    try:
        connections[alias].close()
    except DatabaseError:
        pass


def check(alias):
    """Ask ``alias`` for its lag now; record and return its status."""
    status = status_of(alias)
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(LAG_SQL)
            lag = float(cursor.fetchone()[0])
    except DatabaseError as exc:
        mark_unavailable(alias, type(exc.__cause__ or exc).__name__)
        return status
    status.lag_seconds, status.problem = round(lag, 3), ""
    status.state = OK if lag <= settings.ARIA_REPLICA_MAX_LAG_SECONDS else LAGGING
    status.checked_at = time.monotonic()
    return status


def current_statuses():
    """Every replica's status, each checked again if its last check is older
    than ARIA_REPLICA_CHECK_SECONDS (and it is not backing off)."""
    now = time.monotonic()
    statuses = []
    for alias in aliases():
        status = status_of(alias)
        if now >= status.retry_at and now - status.checked_at >= settings.ARIA_REPLICA_CHECK_SECONDS:
            status = check(alias)
        statuses.append(status)
    return statuses


def usable_replica():
    """The alias of a replica to read from, or None: the primary."""
    usable = [status.alias for status in current_statuses() if status.state == OK]
    return random.choice(usable) if usable else None


def replica_summary():
    """For the dashboard: {"in_use": [...], "not_in_use": [...]} statuses,
    or None when no replica is configured."""
    statuses = current_statuses()
    if not statuses:
        return None
    return {
        "in_use": [s for s in statuses if s.state == OK],
        "not_in_use": [s for s in statuses if s.state != OK],
    }
