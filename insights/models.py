"""Rollups of Aria's log tables, in our own tables (schema ``public``).

Each fact table holds one row per time bucket and dimension values, at two
grains: HOUR (recomputed from Aria's rows) and DAY (recomputed from the
hour rows). Pages of up to 48 hours read hour rows, longer ones day rows,
so a page reads at most a few thousand rows whatever the size of Aria's
tables. rollups.py keeps them up to date; nothing here is written by Aria.
"""

from django.db import models

HOUR = 1
DAY = 24
GRAINS = [(HOUR, "hour"), (DAY, "day")]


class Fact(models.Model):
    grain = models.SmallIntegerField(choices=GRAINS)
    start = models.DateTimeField()

    class Meta:
        abstract = True


def unique(*fields, name):
    # NULL dimensions (no provider, no skill) are one group, as in GROUP BY.
    return models.UniqueConstraint(fields=["grain", "start", *fields], name=name, nulls_distinct=False)


class RollupState(models.Model):
    """How far a rollup is complete (see rollups.refresh)."""

    name = models.CharField(primary_key=True, max_length=50)
    watermark = models.DateTimeField()
    refreshed_at = models.DateTimeField()


class LlmUsage(Fact):
    """model_usage per bucket, model and provider."""

    model = models.CharField(max_length=100)
    provider = models.CharField(max_length=50, null=True)
    calls = models.BigIntegerField()
    failures = models.BigIntegerField()
    input_tokens = models.BigIntegerField()
    output_tokens = models.BigIntegerField()
    cost_usd = models.DecimalField(max_digits=24, decimal_places=6)
    latency_count = models.BigIntegerField()

    class Meta:
        constraints = [unique("model", "provider", name="insights_llm_usage_key")]


class LlmLatency(Fact):
    """Latency histogram per bucket and model, per provider and (all_providers) over all of them."""

    model = models.CharField(max_length=100)
    provider = models.CharField(max_length=50, null=True)
    all_providers = models.BooleanField()
    bin = models.IntegerField()
    n = models.BigIntegerField()

    class Meta:
        constraints = [unique("all_providers", "model", "provider", "bin", name="insights_llm_latency_key")]


class LlmSessionCost(Fact):
    """model_usage cost per bucket and session (rows with a session only)."""

    session_id = models.UUIDField()
    model = models.CharField(max_length=100)
    provider = models.CharField(max_length=50, null=True)
    calls = models.BigIntegerField()
    cost_usd = models.DecimalField(max_digits=24, decimal_places=6)

    class Meta:
        constraints = [unique("session_id", "model", "provider", name="insights_llm_session_key")]
        indexes = [models.Index(fields=["session_id", "grain", "start"], name="insights_llm_session_time")]


class LlmSessionBound(models.Model):
    """Per session, an upper bound of its cost in any range and with any filter
    (the sum of its day rows' positive costs) and the days it has rows in:
    the top sessions are found by visiting sessions in this order
    (rollups.Bound, selectors/sql.py top_by_bound) instead of adding up every session."""

    session_id = models.UUIDField(primary_key=True)
    bound = models.DecimalField(max_digits=24, decimal_places=6)
    first_day = models.DateTimeField()
    end_day = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["-bound", "session_id"], name="insights_llm_session_bound")]


class CronRuns(Fact):
    """heartbeat_log per bucket and job (NULL job: plain heartbeats)."""

    job_name = models.CharField(max_length=100, null=True)
    runs = models.BigIntegerField()
    failures = models.BigIntegerField()
    duration_count = models.BigIntegerField()
    last_at = models.DateTimeField()

    class Meta:
        constraints = [unique("job_name", name="insights_cron_runs_key")]


class CronDuration(Fact):
    """duration_ms histogram per bucket and job."""

    job_name = models.CharField(max_length=100, null=True)
    bin = models.IntegerField()
    n = models.BigIntegerField()

    class Meta:
        constraints = [unique("job_name", "bin", name="insights_cron_duration_key")]


class ActivityActions(Fact):
    """activity_log per bucket, skill and action."""

    skill = models.CharField(max_length=100, null=True)
    action = models.CharField(max_length=100)
    actions = models.BigIntegerField()
    failures = models.BigIntegerField()

    class Meta:
        constraints = [unique("skill", "action", name="insights_activity_key")]


class ActivityError(Fact):
    """Failed activity_log rows per bucket, skill, action and error message."""

    skill = models.CharField(max_length=100, null=True)
    action = models.CharField(max_length=100)
    message_md5 = models.CharField(max_length=32)
    message = models.TextField(null=True)
    n = models.BigIntegerField()

    class Meta:
        constraints = [unique("skill", "action", "message_md5", name="insights_activity_error_key")]
        indexes = [models.Index(fields=["message_md5", "grain", "start"], name="insights_activity_error_time")]


class ActivityErrorBound(models.Model):
    """Per error message, an upper bound of its failures in any range and
    with any filter, as LlmSessionBound is for sessions: the most frequent
    messages are found without adding up every message."""

    message_md5 = models.CharField(primary_key=True, max_length=32)
    bound = models.BigIntegerField()
    first_day = models.DateTimeField()
    end_day = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["-bound", "message_md5"], name="insights_activity_error_bound")]
