"""Aria's rules for the aria_data tables (see shared DOMAIN.md).

Plain functions and constants: the models, the admin, the goals board, the
management commands and the tests all call these, so each rule is written
once.
"""

from datetime import timedelta

from django.utils import timezone

from aria_admin.text import choices  # noqa: F401  (re-exported for the models and admin)

# Goals ---------------------------------------------------------------------
GOAL_STATUSES = ["pending", "active", "paused", "completed", "cancelled"]
BOARD_COLUMNS = ["backlog", "todo", "doing", "on_hold", "done"]
ARCHIVED_COLUMN = "archived"  # set by the system only
DONE_COLUMN = "done"
COMPLETED = "completed"
# Finished goals: they show in done, and the archive rule applies to them.
TERMINAL_STATUSES = ("completed", "cancelled")
DEFAULT_SPRINT = "backlog"
FALLBACK_CURRENT_SPRINT = "sprint-1"
PRIORITIES = {1: "urgent", 2: "high", 3: "normal", 4: "low", 5: "background"}

COLUMN_TO_STATUS = {
    "backlog": "pending",
    "todo": "pending",
    "doing": "active",
    "on_hold": "paused",
    "done": "completed",
}
STATUS_TO_COLUMN = {
    "active": "doing",
    "completed": "done",
    "paused": "on_hold",
    "cancelled": "done",
    "pending": "todo",
}
ARCHIVE_AFTER = timedelta(hours=24)
# Key of the PostgreSQL advisory lock that every change of board positions
# holds until its transaction ends (one for all boards: every sprint's board
# also shows the backlog goals, so two boards renumber the same rows).
BOARD_LOCK_KEY = 0x41524941_0001  # "ARIA", 1

# Other enumerations ----------------------------------------------------------
HOURLY_GOAL_STATUSES = ["pending", "in_progress", "completed", "failed"]
PENDING_TASK_STATUSES = ["pending", "in_progress", "completed"]
PROPOSAL_STATUSES = ["proposed", "approved", "rejected", "implemented"]
HEARTBEAT_STATUSES = ["healthy", "success", "error"]
# Every value Aria writes for a run that failed: heartbeat_log.status says
# "error", cron_jobs.last_status "failed". The lists' "Failed" choice.
FAILED_STATUSES = ("error", "failed")
AGENT_SESSION_STATUSES = ["active", "completed", "ended", "error"]
SKILL_STATUSES = ["healthy", "degraded", "unavailable"]
SKILL_RUNTIME_STATUSES = ["available", "rate_limited", "error"]
# How a status reads at a glance (the admin's badges: ok, warn, bad, info, idle).
STATUS_TONES = {
    "healthy": "ok", "success": "ok", "completed": "ok", "approved": "ok", "implemented": "ok",
    "active": "info", "in_progress": "info", "proposed": "info",
    "pending": "idle", "ended": "idle",
    "error": "bad", "failed": "bad", "rejected": "bad",
}
THREAT_LEVELS = ["NONE", "LOW", "MEDIUM", "HIGH", "CRITICAL"]
THREAT_TYPES = [
    "prompt_injection",
    "sql_injection",
    "path_traversal",
    "command_injection",
    "xss",
    "unknown",
]
WORKING_MEMORY_CATEGORIES = [
    "context",
    "task",
    "goal",
    "observation",
    "decision",
    "scratch",
]
SENTIMENT_LABELS = ["positive", "negative", "neutral"]
SPEAKERS = ["user", "assistant", "system"]


def normalise_threat_level(value):
    """Aria writes threat levels in either case; they are one level."""
    return (value or "").strip().upper()


# Goal rules ----------------------------------------------------------------
def goal_changes_for_column(column, *, was_done, now=None):
    """Field values for a goal moved to ``column`` (column -> status rule)."""
    if column not in COLUMN_TO_STATUS:
        raise ValueError(f"Unknown board column: {column!r}")
    changes = {"board_column": column, "status": COLUMN_TO_STATUS[column]}
    if column == DONE_COLUMN:
        if not was_done:
            changes["completed_at"] = now or timezone.now()
    elif was_done:
        changes["completed_at"] = None
    return changes


def goal_changes_for_status(status, *, now=None):
    """Field values for a goal whose status changes without a column."""
    if status not in STATUS_TO_COLUMN:
        raise ValueError(f"Unknown goal status: {status!r}")
    column = STATUS_TO_COLUMN[status]
    changes = {"status": status, "board_column": column}
    if status == COMPLETED:
        changes["completed_at"] = now or timezone.now()
    elif column != DONE_COLUMN:
        changes["completed_at"] = None
    return changes


def current_sprint(goals):
    """Aria's current sprint: the sprint of the newest non-backlog goal."""
    sprint = (
        goals.exclude(sprint__isnull=True)
        .exclude(sprint=DEFAULT_SPRINT)
        .exclude(sprint="")
        .order_by("-created_at")
        .values_list("sprint", flat=True)
        .first()
    )
    return sprint or FALLBACK_CURRENT_SPRINT


def unarchived_column(status):
    """The column an archived goal goes back to: its status's (unknown: done)."""
    return STATUS_TO_COLUMN.get(status, DONE_COLUMN)


def is_archivable(goal, now=None):
    """Whether the archive rule applies to ``goal`` (see services.goals.archive)."""
    now = now or timezone.now()
    return (
        goal.status in TERMINAL_STATUSES
        and goal.completed_at is not None
        and goal.completed_at < now - ARCHIVE_AFTER
    )


def archivable_q(now=None):
    """Q for goals the archive rule applies to (the set form of is_archivable)."""
    from django.db.models import Q

    now = now or timezone.now()
    return Q(
        status__in=TERMINAL_STATUSES,
        completed_at__isnull=False,
        completed_at__lt=now - ARCHIVE_AFTER,
    ) & ~Q(board_column=ARCHIVED_COLUMN)


def board_column_of(stored):
    """The board column a stored board_column shows in (NULL or unknown: backlog)."""
    return stored if stored in BOARD_COLUMNS else BOARD_COLUMNS[0]


def working_memory_expired_q(now=None):
    """Q for working-memory rows whose created_at + ttl_hours is past."""
    from django.db.models import DateTimeField, DurationField, ExpressionWrapper, F, Q
    from django.db.models import Value

    now = now or timezone.now()
    ttl = ExpressionWrapper(
        F("ttl_hours") * Value(timedelta(hours=1)),
        output_field=DurationField(),
    )
    cutoff = ExpressionWrapper(Value(now) - ttl, output_field=DateTimeField())
    return Q(ttl_hours__isnull=False, created_at__lt=cutoff)
