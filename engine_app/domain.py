"""Aria's rules for the aria_engine tables (see shared DOMAIN.md).

Cron schedules, the models.yaml and cron_jobs.yaml mappings and the
enumerations live here, once; the models, the admin, the import commands and
the tests call them.
"""

import functools
import re
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from django.core.exceptions import ValidationError

from aria_admin.secrets import describe_secret
from aria_admin.text import choices  # noqa: F401  (re-exported for the models)

# Enumerations ----------------------------------------------------------------
PAYLOAD_TYPES = ["prompt", "skill", "pipeline"]
SESSION_MODES = ["isolated", "shared", "persistent"]
CRON_LAST_STATUSES = ["running", "success", "failed"]
MAX_DURATION_RANGE = (10, 3600)
RETRY_COUNT_RANGE = (0, 5)
TIERS = ["local", "free", "paid"]
PROVIDERS = ["litellm", "ollama", "openrouter", "moonshot"]
AGENT_STATUSES = ["idle", "busy", "error", "disabled"]
AGENT_TYPES = ["agent", "sub_agent", "sub_aria", "swarm", "focus"]
AGENT_ERROR_AFTER_FAILURES = 3
# How a status reads at a glance (the admin's badges: ok, warn, bad, info, idle).
STATUS_TONES = {
    "success": "ok", "failed": "bad", "running": "info",
    "idle": "ok", "busy": "info", "error": "bad", "disabled": "idle",
}
CHAT_SESSION_STATUSES = ["active", "ended", "archived"]
CHAT_SESSION_TYPES = ["interactive", "chat", "cron", "skill_exec", "roundtable", "swarm"]


# Cron schedules --------------------------------------------------------------
SCHEDULE_FORMATS = (
    "an interval such as 30s, 15m or 2h; "
    "a 5-field cron 'min hour dom month dow'; "
    "or a 6-field cron with seconds first 'sec min hour dom month dow'"
)
_INTERVAL = re.compile(r"^([0-9]+)([smh])$")
_CRON_FIELD = re.compile(r"^[0-9*,/\-]+$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600}


class Schedule:
    """A parsed Aria schedule: a fixed interval or a 5/6-field cron."""

    def __init__(self, text, *, interval=None, cron=None, seconds_first=False):
        self.text = text
        self.interval = interval
        self.cron = cron
        self.seconds_first = seconds_first

    @property
    def kind(self):
        return "interval" if self.interval else "cron"

    def next_runs(self, count=3, *, after=None, last_run=None):
        """The next ``count`` run times in UTC.

        An interval runs ``interval`` after the last run (or after ``after``
        when it never ran or the last run is too old to matter).
        """
        now = after or datetime.now(dt_timezone.utc)
        if self.interval:
            first = now + self.interval
            if last_run is not None and last_run + self.interval > now:
                first = last_run + self.interval
            return [first + self.interval * i for i in range(count)]
        from croniter import croniter

        it = croniter(self.cron, now, second_at_beginning=self.seconds_first)
        return [it.get_next(datetime) for _ in range(count)]

    def describe(self):
        """Plain English, e.g. 'Every 15 minutes' or 'At 18:00, every 2 days'."""
        if self.interval:
            seconds = int(self.interval.total_seconds())
            for unit, size in (("hour", 3600), ("minute", 60), ("second", 1)):
                if seconds % size == 0:
                    n = seconds // size
                    return f"Every {n} {unit}{'s' if n != 1 else ''}"
        from cron_descriptor import Options, get_description

        options = Options()
        options.use_24hour_time_format = True
        options.verbose = False
        return get_description(self.cron, options) + " (UTC)"


def parse_schedule(text):
    """Parse a schedule by exactly Aria's rules or raise ValidationError.

    What is accepted is croniter's decision alone; ``schedule_problem`` only
    words the reason of a refusal ("minute 61 is out of range 0-59").
    """
    value = (text or "").strip()
    match = _INTERVAL.match(value)
    if match:
        amount = int(match.group(1))
        if amount < 1:
            raise _schedule_error(text, "an interval must be at least 1")
        return Schedule(
            value, interval=timedelta(seconds=amount * _UNIT_SECONDS[match.group(2)])
        )
    fields = value.split()
    if len(fields) not in (5, 6) or not all(_CRON_FIELD.match(f) for f in fields):
        raise _schedule_error(text, schedule_problem(fields))
    from croniter import croniter

    seconds_first = len(fields) == 6
    expression = " ".join(fields)
    if not croniter.is_valid(expression, second_at_beginning=seconds_first):
        raise _schedule_error(text, schedule_problem(fields))
    try:  # is_valid accepts a few expressions that never fire
        croniter(expression, datetime(2026, 1, 1, tzinfo=dt_timezone.utc),
                 second_at_beginning=seconds_first).get_next(datetime)
    except Exception:
        raise _schedule_error(text, "it never runs") from None
    return Schedule(expression, cron=expression, seconds_first=seconds_first)


# Each cron field's name and range, for the reason of a refusal.
CRON_FIELDS = [
    ("minute", 0, 59), ("hour", 0, 23), ("day of month", 1, 31), ("month", 1, 12), ("day of week", 0, 7),
]
SECOND_FIELD = ("second", 0, 59)


def schedule_problem(fields):
    """Why the cron ``fields`` are refused, in words; None if no reason is found."""
    if not fields:
        return "it is empty"
    if len(fields) not in (5, 6):
        if not all(_CRON_FIELD.match(f) for f in fields):
            return None  # not meant as a cron: the accepted formats say more
        return f"a cron has 5 fields (or 6, seconds first), this has {len(fields)}"
    names = [SECOND_FIELD, *CRON_FIELDS] if len(fields) == 6 else CRON_FIELDS
    for (name, low, high), field in zip(names, fields):
        if not _CRON_FIELD.match(field):
            return f"{name} {field!r} may use only digits and * , / -"
        for part in field.split(","):
            spread, _, step = part.partition("/")
            if step == "" and "/" in part or step and (not step.isdigit() or int(step) < 1):
                return f"{name} step {step!r} must be a whole number of at least 1"
            for number in spread.split("-"):
                if number.isdigit() and not low <= int(number) <= high:
                    return f"{name} {int(number)} is out of range {low}-{high}"
            ends = spread.split("-")
            if len(ends) == 2 and all(e.isdigit() for e in ends) and int(ends[0]) > int(ends[1]):
                return f"{name} range {spread} runs backwards"
    return None


def _schedule_error(text, reason=None):
    if reason:
        return ValidationError(
            "%(value)s is not a schedule Aria accepts: %(reason)s.",
            code="invalid_schedule",
            params={"value": repr(text), "reason": reason},
        )
    return ValidationError(
        "%(value)s is not a schedule Aria accepts. Use " + SCHEDULE_FORMATS + ".",
        code="invalid_schedule",
        params={"value": repr(text)},
    )


def schedule_preview(text, *, now=None, count=3):
    """What the cron form shows as a schedule is typed: its meaning and next runs."""
    schedule = parse_schedule(text)
    runs = schedule.next_runs(count, after=now or datetime.now(dt_timezone.utc))
    return {"meaning": schedule.describe(), "next_runs": runs}


def validate_schedule(value):
    parse_schedule(value)


# Cron jobs from cron_jobs.yaml ----------------------------------------------
def cron_jobs_in_yaml(data):
    """(key, entry) pairs of a parsed cron_jobs.yaml; ValueError if misshapen."""
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
        raise ValueError("needs a top-level 'jobs' list")
    for number, entry in enumerate(data["jobs"], start=1):
        name = entry.get("name") if isinstance(entry, dict) else None
        yield (name if isinstance(name, str) and name else f"#{number}"), entry


def cron_job_from_yaml(entry):
    """Map one cron_jobs.yaml job to cron_jobs column values (Aria's sync).

    Raises ValueError with a short reason for an entry Aria would reject.
    """
    if not isinstance(entry, dict):
        raise ValueError("a job must be a mapping")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError("missing 'name'")
    schedule = entry.get("every") or entry.get("cron")
    if not schedule:
        raise ValueError("needs 'every' or 'cron'")
    if not isinstance(schedule, str):
        raise ValueError("'every'/'cron' must be a string")
    try:
        parse_schedule(schedule)
    except ValidationError:
        raise ValueError(f"invalid schedule {schedule!r}; use {SCHEDULE_FORMATS}") from None
    text = entry.get("text")
    if not isinstance(text, str):
        raise ValueError("missing 'text' (the prompt)")
    enabled = entry.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ValueError("'enabled' must be true or false")
    agent = entry.get("agent", "aria")
    session = entry.get("session", "isolated")
    if not isinstance(agent, str) or not isinstance(session, str):
        raise ValueError("'agent' and 'session' must be strings")
    if session not in SESSION_MODES:
        raise ValueError(f"'session' must be one of {', '.join(SESSION_MODES)}")
    weight = entry.get("weight") or entry.get("load")
    max_duration = {"heavy": 600, "light": 60}.get(weight, 300)
    return {
        "id": name,
        "name": name.replace("_", " ").title(),
        "schedule": schedule,
        "agent_id": agent,
        "enabled": enabled,
        "payload_type": "prompt",
        "payload": text,
        "session_mode": session,
        "retry_count": 1 if enabled else 0,
        "max_duration_seconds": max_duration,
    }


# LLM models from models.yaml ------------------------------------------------
def llm_models_in_yaml(data):
    """(key, entry) pairs of a parsed models.yaml; ValueError if misshapen."""
    if not isinstance(data, dict) or not isinstance(data.get("models"), dict):
        raise ValueError("needs a top-level 'models' mapping")
    return data["models"].items()


def llm_model_from_yaml(key, entry):
    """Map one models.yaml entry to llm_models column values (Aria's sync)."""
    from decimal import Decimal, InvalidOperation

    if not isinstance(entry, dict):
        raise ValueError("an entry must be a mapping")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError("missing 'name'")

    def typed(field, kind, default):
        value = entry.get(field, default)
        if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise ValueError(f"'{field}' must be an integer")
        if kind is bool and not isinstance(value, bool):
            raise ValueError(f"'{field}' must be true or false")
        if kind is str and value is not None and not isinstance(value, str):
            raise ValueError(f"'{field}' must be a string")
        return value

    input_types = entry.get("input", ["text"])
    if not isinstance(input_types, list) or not all(isinstance(t, str) for t in input_types):
        raise ValueError("'input' must be a list of strings")
    aliases = entry.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise ValueError("'aliases' must be a list of strings")
    cost = entry.get("cost", {}) or {}
    litellm = entry.get("litellm", {}) or {}
    if not isinstance(cost, dict) or not isinstance(litellm, dict):
        raise ValueError("'cost' and 'litellm' must be mappings")

    def money(field):
        value = cost.get(field, 0)
        if isinstance(value, bool):
            raise ValueError(f"'cost.{field}' must be a number")
        try:
            return Decimal(str(value)).quantize(Decimal("0.000001"))
        except InvalidOperation:
            raise ValueError(f"'cost.{field}' must be a number") from None

    for field in ("model", "api_key", "api_base"):
        if litellm.get(field) is not None and not isinstance(litellm.get(field), str):
            raise ValueError(f"'litellm.{field}' must be a string")
    return {
        "id": key,
        "name": name,
        "provider": typed("provider", str, "litellm") or "litellm",
        "tier": typed("tier", str, "free") or "free",
        "reasoning": typed("reasoning", bool, False),
        "vision": "image" in input_types,
        "tool_calling": typed("tool_calling", bool, False),
        "input_types": input_types,
        "context_window": typed("contextWindow", int, 8192),
        "max_tokens": typed("maxTokens", int, 4096),
        "cost_input": money("input"),
        "cost_output": money("output"),
        "cost_cache_read": money("cacheRead"),
        "litellm_model": litellm.get("model"),
        "litellm_api_key": litellm.get("api_key"),
        "litellm_api_base": litellm.get("api_base"),
        "route_skill": typed("routeSkill", str, None),
        "aliases": aliases,
        "enabled": True,
    }


# LLM API keys --------------------------------------------------------------
def describe_api_key(value):
    """What may be shown of a litellm_api_key: never a raw secret."""
    return describe_secret(value)


# app_managed (llm_models, agent_state; Aria main) -----------------------------
# Aria's start-up sync skips a row whose app_managed is true; its own API sets
# it on every edit, and so does every dashboard write (the admin's writes_mark).
APP_MANAGED_MARK = {"app_managed": True}
MANAGED_BY = {True: "dashboard", False: "Aria's files"}


def managed_by(app_managed):
    """Who a row follows: 'dashboard' (Aria's sync skips it) or "Aria's files"."""
    return MANAGED_BY[bool(app_managed)]


# Cron lateness (the Insights cron page) ----------------------------------------
@functools.lru_cache(maxsize=1024)
def _parsed(text):
    return parse_schedule(text)  # a ValidationError is raised again each time, not cached


@functools.lru_cache(maxsize=4096)
def _is_due_between(text, since, until):
    schedule = _parsed(text)
    if schedule.interval:
        return until - since >= schedule.interval
    from croniter import croniter

    it = croniter(schedule.cron, since - timedelta(microseconds=1), second_at_beginning=schedule.seconds_first)
    return it.get_next(datetime) < until


@functools.lru_cache(maxsize=4096)
def _last_due(text, now):
    schedule = _parsed(text)
    if schedule.interval:
        return now - schedule.interval
    from croniter import croniter

    return croniter(schedule.cron, now, second_at_beginning=schedule.seconds_first).get_prev(datetime)


def run_lateness(schedule_text, *, since, until, now, runs, last_run, grace):
    """"never ran", "late" or "" for a job in [since, until) against its schedule.

    Never ran: the schedule asked for a run in the range (up to now) and
    none is recorded. Late: the last run is older than the last time a run
    was due (an interval: one interval ago), by more than ``grace`` (the
    job's max duration). Memoized per schedule text: jobs share schedules.
    """
    try:
        _parsed(schedule_text)
    except ValidationError:
        return ""
    end = min(until, now)
    if end <= since:
        return ""
    if not runs and _is_due_between(schedule_text, since, end):
        return "never ran"
    due = _last_due(schedule_text, now)
    if since <= due < end and (last_run is None or last_run + grace < due):
        return "late"
    return ""
