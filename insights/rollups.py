"""Keeping the rollups (models.py) up to date, on read.

Each page calls ``refresh()`` for the sources it shows. A refresh recomputes
whole hour buckets from Aria's rows, from TRAILING hours before the
watermark (the time of the last refresh) to the end of today, so rows Aria
writes up to TRAILING hours late are counted; then the day buckets those
hours fall in, from the hour rows. Buckets are recomputed (DELETE + INSERT
... SELECT ... GROUP BY), never incremented, so a bucket is right however
often it is recomputed. Rows are written in time order, so that a
page's range lies on a few adjacent pages of the table (written in the
GROUP BY's hash order, the 9,500 hour rows of a day of sessions lay on
8,900 pages).

Concurrency: one transaction per refresh, under a transaction-level
advisory lock per source. A request that finds the lock taken does not
wait: it reads the rollups as last committed (at most one refresh old).
Only the very first build waits, so that no page shows empty rollups.
Aria's tables are only read (ACCESS SHARE locks, for a few hour buckets);
``lock_timeout`` keeps a refresh from queueing behind Aria's own DDL.

Writes go to the ``default`` database by name, so that a router sending
reads to a replica still sends refreshes to the primary.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connections, router, transaction
from django.utils import timezone

from insights import histogram
from insights.models import DAY, HOUR, LlmUsage

WRITE_DB = "default"
HOUR_OF = "date_trunc('hour', {col} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
DAY_OF = "date_trunc('day', start AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
LOCK_BASE = 0x41524941_1200  # "ARIA", issue 12


def trailing():
    return timedelta(hours=getattr(settings, "INSIGHTS_TRAILING_HOURS", 3))


def refresh_interval():
    return timedelta(seconds=getattr(settings, "INSIGHTS_REFRESH_SECONDS", 15))


@dataclass(frozen=True)
class Fact:
    """One rollup table: how its hour rows come from Aria's rows."""

    table: str
    dims: tuple  # dimension columns, as in the rollup table
    sums: tuple  # measures summed into day rows
    hour_select: str  # SELECT list after grain and start: dims then measures
    where: str = ""
    maxes: tuple = ()  # measures whose day value is the max of the hours'
    extra: tuple = ()  # columns carried into day rows with min()

    def columns(self):
        return [*self.dims, *self.sums, *self.maxes, *self.extra]

    def hour_sql(self, source):
        where = f" AND {self.where}" if self.where else ""
        group = ", ".join(str(i) for i in range(2, 3 + len(self.dims)))
        return (
            f"INSERT INTO {self.table} (grain, start, {', '.join(self.columns())}) "
            f"SELECT {HOUR}, {HOUR_OF.format(col=source.time_column)}, {self.hour_select} "
            f"FROM {source.table} WHERE {source.time_column} >= %s AND {source.time_column} < %s{where} "
            f"GROUP BY {group} ORDER BY 2"
        )

    def day_sql(self):
        measures = (
            [f"sum({c})" for c in self.sums]
            + [f"max({c})" for c in self.maxes]
            + [f"min({c})" for c in self.extra]
        )
        dims = ", ".join(self.dims)
        return (
            f"INSERT INTO {self.table} (grain, start, {', '.join(self.columns())}) "
            f"SELECT {DAY}, {DAY_OF}, {dims}, {', '.join(measures)} FROM {self.table} "
            f"WHERE grain = {HOUR} AND start >= %s AND start < %s GROUP BY 2, {dims} ORDER BY 2"
        )


@dataclass(frozen=True)
class Source:
    name: str
    table: str
    facts: tuple
    lock_key: int
    time_column: str = "created_at"
    before: tuple = ()  # hook(cursor, low, high) before the buckets are recomputed
    after: tuple = ()  # and after


@dataclass(frozen=True)
class Bound:
    """Per key (a session, an error message), an upper bound of its measure
    in any range and with any filter: the sum of its day rows' positive
    values, with the days it has rows in. Pages find their top keys by
    visiting keys in this order (selectors/sql.py, top_by_bound) instead of
    adding up every key. ``before`` and ``after`` are a Source's hooks: the
    keys whose hour rows are recomputed, before (some may vanish) and after,
    get their bounds recomputed from their day rows."""

    table: str
    facts: str
    key: str
    measure: str

    def note_touched(self, cursor, low, high):
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {self.table}_touched ON COMMIT DROP "
            f"AS SELECT {self.key} AS key FROM {self.facts} WITH NO DATA"
        )
        cursor.execute(
            f"INSERT INTO {self.table}_touched SELECT DISTINCT {self.key} FROM {self.facts} "
            f"WHERE grain = %s AND start >= %s AND start < %s", [HOUR, low, high],
        )

    def before(self, cursor, low, high):
        self.note_touched(cursor, low, high)

    def after(self, cursor, low, high):
        self.note_touched(cursor, low, high)
        touched = f"SELECT DISTINCT key FROM {self.table}_touched"
        cursor.execute(f"DELETE FROM {self.table} WHERE {self.key} IN ({touched})")
        cursor.execute(
            f"INSERT INTO {self.table} ({self.key}, bound, first_day, end_day) "
            f"SELECT {self.key}, sum(greatest({self.measure}, 0)), min(start), max(start) + interval '1 day' "
            f"FROM {self.facts} WHERE grain = {DAY} AND {self.key} IN ({touched}) GROUP BY {self.key}"
        )
        cursor.execute(f"DROP TABLE {self.table}_touched")


SESSION_BOUND = Bound("insights_llmsessionbound", "insights_llmsessioncost", "session_id", "cost_usd")
ERROR_BOUND = Bound("insights_activityerrorbound", "insights_activityerror", "message_md5", "n")


LATENCY_BIN = histogram.bin_sql("latency_ms")
DURATION_BIN = histogram.bin_sql("duration_ms")

LLM = Source(
    "llm", "aria_data.model_usage", lock_key=LOCK_BASE + 1, facts=(
        Fact(
            "insights_llmusage", ("model", "provider"),
            ("calls", "failures", "input_tokens", "output_tokens", "cost_usd", "latency_count"),
            "model, provider, count(*), count(*) FILTER (WHERE NOT success), "
            "coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0), "
            "coalesce(sum(cost_usd), 0), count(latency_ms)",
        ),
        Fact(
            "insights_llmlatency", ("model", "provider", "all_providers", "bin"), ("n",),
            f"model, provider, false, {LATENCY_BIN}, count(*)", where="latency_ms IS NOT NULL",
        ),
        Fact(
            "insights_llmlatency", ("model", "provider", "all_providers", "bin"), ("n",),
            f"model, NULL::varchar, true, {LATENCY_BIN}, count(*)", where="latency_ms IS NOT NULL",
        ),
        Fact(
            "insights_llmsessioncost", ("session_id", "model", "provider"), ("calls", "cost_usd"),
            "session_id, model, provider, count(*), coalesce(sum(cost_usd), 0)",
            where="session_id IS NOT NULL",
        ),
    ),
    before=(SESSION_BOUND.before,),
    after=(SESSION_BOUND.after,),
)
CRON = Source(
    "cron", "aria_data.heartbeat_log", lock_key=LOCK_BASE + 2, facts=(
        Fact(
            "insights_cronruns", ("job_name",), ("runs", "failures", "duration_count"),
            "job_name, count(*), count(*) FILTER (WHERE status = 'error'), count(duration_ms), "
            "max(created_at)",
            maxes=("last_at",),
        ),
        Fact(
            "insights_cronduration", ("job_name", "bin"), ("n",),
            f"job_name, {DURATION_BIN}, count(*)", where="duration_ms IS NOT NULL",
        ),
    ),
)
ACTIVITY = Source(
    "activity", "aria_data.activity_log", lock_key=LOCK_BASE + 3, facts=(
        Fact(
            "insights_activityactions", ("skill", "action"), ("actions", "failures"),
            "skill, action, count(*), count(*) FILTER (WHERE NOT success)",
        ),
        Fact(
            "insights_activityerror", ("skill", "action", "message_md5"), ("n",),
            "skill, action, md5(coalesce(error_message, '')), count(*), min(error_message)",
            where="NOT success", extra=("message",),
        ),
    ),
    before=(ERROR_BOUND.before,),
    after=(ERROR_BOUND.after,),
)
SOURCES = {source.name: source for source in (LLM, CRON, ACTIVITY)}


def hour_floor(moment):
    return moment.replace(minute=0, second=0, microsecond=0)


def day_floor(moment):
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def refresh(source, *, now=None, force=False):
    """Bring ``source``'s rollups up to date; True if this call recomputed them.

    Skipped when the last refresh is younger than INSIGHTS_REFRESH_SECONDS
    (unless ``force``) or another request is refreshing right now.
    """
    now = now or timezone.now()
    if not force and _fresh(source, now):
        return False
    with transaction.atomic(using=WRITE_DB), connections[WRITE_DB].cursor() as cursor:
        cursor.execute("SET LOCAL lock_timeout = '2s'")
        state = _state(cursor, source)
        if state is None:  # first build: everyone waits for it
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [source.lock_key])
        else:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [source.lock_key])
            if not cursor.fetchone()[0]:
                return False
        state = _state(cursor, source)  # as the lock's previous holder left it
        if state and not force and state[1] > now - refresh_interval():
            return False
        # To the end of today: rows Aria stamps a little ahead (clock skew)
        # still count in today's buckets; the future hours are empty.
        high = day_floor(now) + timedelta(days=1)
        if state:
            low = hour_floor(min(state[0], now) - trailing())
        else:
            cursor.execute(f"SELECT min({source.time_column}) FROM {source.table}")
            first = cursor.fetchone()[0]
            low = hour_floor(first) if first and first < high else high - timedelta(hours=1)
        _recompute(cursor, source, low, high)
        cursor.execute(
            "INSERT INTO insights_rollupstate (name, watermark, refreshed_at) VALUES (%s, %s, %s) "
            "ON CONFLICT (name) DO UPDATE SET watermark = EXCLUDED.watermark, "
            "refreshed_at = EXCLUDED.refreshed_at",
            [source.name, now, now],
        )
    return True


def _recompute(cursor, source, low, high):
    for hook in source.before:
        hook(cursor, low, high)
    tables = list(dict.fromkeys(fact.table for fact in source.facts))
    for table in tables:
        cursor.execute(f"DELETE FROM {table} WHERE grain = {HOUR} AND start >= %s AND start < %s", [low, high])
    for fact in source.facts:
        cursor.execute(fact.hour_sql(source), [low, high])
    day_low = day_floor(low)
    day_high = day_floor(high - timedelta(microseconds=1)) + timedelta(days=1)
    for table in tables:
        cursor.execute(f"DELETE FROM {table} WHERE grain = {DAY} AND start >= %s AND start < %s", [day_low, day_high])
    done = set()
    for fact in source.facts:
        if fact.table not in done:  # one day query per table covers every hour row
            done.add(fact.table)
            cursor.execute(fact.day_sql(), [day_low, day_high])
    for hook in source.after:
        hook(cursor, low, high)


def _state(cursor, source):
    cursor.execute("SELECT watermark, refreshed_at FROM insights_rollupstate WHERE name = %s", [source.name])
    return cursor.fetchone()


def _fresh(source, now):
    with connections[WRITE_DB].cursor() as cursor:
        state = _state(cursor, source)
    return bool(state) and state[1] > now - refresh_interval()


def read_connection():
    """The connection rollups are read from (the router's choice)."""
    return connections[router.db_for_read(LlmUsage)]
