"""Every goal transition: moves, statuses, archiving, un-archiving, the stale check.

Plain functions over the ORM and SQL, with no request and no messages: the
board, the goal admin's actions and change form, any command and the unit
tests call these, and the admin only turns their results (or their
GoalConflict) into a response and a message. The value rules themselves
(column <-> status, completed_at, the archive age) are data_app.domain's.

Board positions: a move renumbers the affected columns with one set-based
UPDATE per column, so 2,000 cards cost the same few queries as 20. Every
write of board positions or archived state takes one advisory lock first
(lock_board), so concurrent staff wait for each other instead of
deadlocking on each other's rows, and every column stays numbered 0..n-1.
"""

from django.contrib.admin.models import CHANGE
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Case, F, Value, When
from django.db.models.functions import Coalesce, Now
from django.utils.dateparse import parse_datetime

from aria_admin.admin.forms import INT4_MAX
from aria_admin.bulk_update import update_returning
from aria_admin.history import changed_message, log_history
from data_app import domain
from data_app.models import Goal

# What Goal.__str__ reads: bulk writes return only these for the history.
HISTORY_FIELDS = ["goal_id", "title"]


class GoalConflict(Exception):
    """The goal is gone, or changed since the page showing it was read; nothing was written."""


def lock_board():
    """Wait for any other board write, until this transaction ends.

    Two renumberings lock the same rows in different orders and deadlock;
    taking this lock before any row lock makes them run one after the other.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [domain.BOARD_LOCK_KEY])


def version_of(goal):
    """The token a page keeps to tell later whether the goal changed (its updated_at)."""
    return goal.updated_at.isoformat() if goal.updated_at else ""


def is_stale(goal, version):
    """Whether ``goal`` changed (by staff or by Aria) since ``version`` was read.

    Any change refuses a board move, unlike the change form's per-column
    check; aria_admin/concurrency.py says why the two checks differ. A
    version that is no date (tampered, truncated) counts as stale.
    """
    try:
        opened = parse_datetime(version or "")
    except ValueError:  # well formed but not a date
        opened = None
    return opened != goal.updated_at


def locked_goal(goal_id, version):
    """The goal, locked for this transaction, if it exists unchanged since ``version``.

    Raises GoalConflict (with the sentence to show) otherwise.
    """
    try:
        goal = Goal.objects.select_for_update().filter(pk=goal_id).first()
    except ValidationError:  # not a UUID
        goal = None
    if goal is None:
        raise GoalConflict(
            "That goal no longer exists (deleted meanwhile); the board has been reloaded."
        )
    if is_stale(goal, version):
        raise GoalConflict(
            f"“{goal.title}” was changed by someone else (or by Aria) after the board "
            "was loaded; nothing was moved. Look at the reloaded board and move it again."
        )
    return goal


class GoalMove:
    """Moves of single cards on one sprint's board, each in one transaction:
    the rule, the renumbering of both columns, the history entry."""

    RENUMBER_SQL = """
        UPDATE {table} AS g SET position = r.new_position
        FROM (
            SELECT id, (row_number() OVER (ORDER BY sort_key, moved DESC) - 1)::int AS new_position
            FROM (
                SELECT id, id = %(goal)s AS moved,
                       CASE WHEN id = %(goal)s THEN %(position)s - 0.5
                            ELSE row_number() OVER (
                                PARTITION BY id = %(goal)s
                                ORDER BY position, priority, created_at, id) - 1
                       END AS sort_key
                FROM {table}
                WHERE (sprint = %(sprint)s OR sprint = %(backlog)s OR sprint IS NULL)
                  AND (CASE WHEN board_column = ANY(%(columns)s) THEN board_column
                            ELSE %(first_column)s END) = %(column)s
                  AND board_column IS DISTINCT FROM %(archived)s
            ) AS ranked
        ) AS r
        WHERE g.id = r.id AND g.position IS DISTINCT FROM r.new_position
    """

    def __init__(self, sprint, user_id):
        self.sprint = sprint
        self.user_id = user_id

    def renumber(self, goal_id, column, position):
        """Positions 0..n-1 in ``column`` of this board, ``goal_id`` at ``position``."""
        sql = self.RENUMBER_SQL.format(table=Goal._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                {
                    "goal": goal_id,
                    "position": position,
                    "sprint": self.sprint,
                    "backlog": domain.DEFAULT_SPRINT,
                    "columns": domain.BOARD_COLUMNS,
                    "first_column": domain.BOARD_COLUMNS[0],
                    "column": column,
                    "archived": domain.ARCHIVED_COLUMN,
                },
            )

    def apply(self, goal, changes, position):
        """Write ``changes`` to the goal, renumber both columns, record history.

        Returns the goal's new position (``position`` past the end means last).
        """
        old_column = domain.board_column_of(goal.board_column)
        changed = [f for f, v in changes.items() if getattr(goal, f) != v]
        Goal.objects.filter(pk=goal.pk).update(**changes, updated_at=Now())
        new_column = domain.board_column_of(changes.get("board_column", goal.board_column))
        self.renumber(goal.pk, new_column, position)
        if old_column != new_column:
            self.renumber(goal.pk, old_column, 0)
        moved_position = Goal.objects.values_list("position", flat=True).get(pk=goal.pk)
        if moved_position != goal.position:
            changed.append("position")
        log_history(self.user_id, [goal], CHANGE, changed_message(Goal, changed))
        return moved_position

    def move(self, goal_id, version, column, position):
        """Move the goal to ``column`` at ``position`` (column -> status rule).

        Returns (goal as it was, the changes written, its new position).
        Raises GoalConflict if the goal is gone or stale, ValueError for an
        unknown column.
        """
        with transaction.atomic():
            lock_board()
            goal = locked_goal(goal_id, version)
            was_done = goal.board_column == domain.DONE_COLUMN
            changes = domain.goal_changes_for_column(column, was_done=was_done)
            position = self.apply(goal, changes, position)
        return goal, changes, position

    def archive(self, goal_id, version):
        """Archive one finished goal now, whatever its age: a card's own Archive button.

        The 24-hour rule (archive() below) keeps a sweep over many goals off
        those finished minutes ago, which staff may still want to reopen. This
        button names one goal that a staff member is looking at, so archiving
        it is their explicit choice, and a goal finished a minute ago is
        archived too. Only a finished goal (can_archive_by_hand) is.
        Returns (goal, archived): archived False if it already was.
        Raises GoalConflict if the goal is gone, stale or not finished.
        """
        with transaction.atomic():
            lock_board()
            goal = locked_goal(goal_id, version)
            if goal.board_column == domain.ARCHIVED_COLUMN:
                return goal, False
            if not can_archive_by_hand(goal.status):
                raise GoalConflict(
                    f"“{goal.title}” is {goal.status}, not completed or cancelled; "
                    "only finished goals are archived."
                )
            Goal.objects.filter(pk=goal.pk).update(board_column=domain.ARCHIVED_COLUMN, updated_at=Now())
            self.renumber(goal.pk, domain.board_column_of(goal.board_column), 0)  # closes its gap
            log_history(self.user_id, [goal], CHANGE, changed_message(Goal, ["board_column"]))
        return goal, True

    def unarchive(self, goal_id, version):
        """Put an archived goal back, last in the column its status shows in.

        Returns (goal, column), column None if the goal was not archived.
        """
        with transaction.atomic():
            lock_board()
            goal = locked_goal(goal_id, version)
            if goal.board_column != domain.ARCHIVED_COLUMN:
                return goal, None
            column = domain.unarchived_column(goal.status)
            self.apply(goal, {"board_column": column}, INT4_MAX)  # last
        return goal, column


def can_archive_by_hand(status):
    """Whether a goal of ``status`` gets a card's Archive button (GoalMove.archive)."""
    return status in domain.TERMINAL_STATUSES


def complete_form_edit(goal, changed, old_column, now=None):
    """Apply the status <-> column rule to a goal edited in its change form.

    Staff who change only the status get the column (and completed_at) that
    the "set status" action gives; who change only the column get its status,
    as a board move would. Whatever else they changed themselves stays as
    they typed it; an archived goal stays archived. ``changed`` names the
    form's changed fields and ``old_column`` is the stored board_column.
    Returns the names of the fields the rule filled in.
    """
    changed = set(changed)
    if "status" in changed and "board_column" not in changed:
        if goal.status not in domain.STATUS_TO_COLUMN:
            return []
        rule = domain.goal_changes_for_status(goal.status, now=now)
        if goal.board_column == domain.ARCHIVED_COLUMN:
            del rule["board_column"]
    elif "board_column" in changed and "status" not in changed:
        if goal.board_column not in domain.COLUMN_TO_STATUS:
            return []
        was_done = old_column == domain.DONE_COLUMN
        rule = domain.goal_changes_for_column(goal.board_column, was_done=was_done, now=now)
    else:
        return []
    if rule.get("completed_at") and goal.completed_at:  # completed earlier: keeps its time
        del rule["completed_at"]
    filled = [f for f, v in rule.items() if f not in changed and getattr(goal, f) != v]
    for field in filled:
        setattr(goal, field, rule[field])
    return filled


# Many goals at once: one UPDATE each (the changelist's actions) --------------
def status_values(status, now=None):
    """One UPDATE's values setting ``status`` (status -> column rule).

    A goal completed earlier keeps its completion time.
    """
    changes = domain.goal_changes_for_status(status, now=now)
    if changes.get("completed_at"):
        changes["completed_at"] = Coalesce("completed_at", Value(changes["completed_at"]))
    return changes


def column_values(column, now=None):
    """One UPDATE's values moving goals to ``column`` (column -> status rule).

    Whether completed_at is set, kept or cleared depends on whether each goal
    was in done, so those values are a CASE on the row's board_column.
    """
    if_done = domain.goal_changes_for_column(column, was_done=True, now=now)
    otherwise = domain.goal_changes_for_column(column, was_done=False, now=now)
    values = {}
    for key in {**if_done, **otherwise}:
        a, b = if_done.get(key, F(key)), otherwise.get(key, F(key))
        if a == b:
            values[key] = a
        else:
            values[key] = Case(
                When(board_column=domain.DONE_COLUMN, then=a if isinstance(a, F) else Value(a)),
                default=b if isinstance(b, F) else Value(b),
                output_field=Goal._meta.get_field(key),
            )
    return values


def unarchive_values():
    """One UPDATE's values putting archived goals back in their status's column."""
    return {
        "board_column": Case(
            *[When(status=s, then=Value(domain.unarchived_column(s))) for s in domain.STATUS_TO_COLUMN],
            default=Value(domain.unarchived_column(None)),
        )
    }


def _write(goals, values, user_id):
    """One UPDATE of ``goals`` under the board lock, with a history entry each."""
    with transaction.atomic():
        lock_board()
        rows = update_returning(goals, {**values, "updated_at": Now()}, HISTORY_FIELDS)
        log_history(user_id, rows, CHANGE, changed_message(Goal, values))
    return rows


def archivable(goals, now=None):
    """The goals of ``goals`` that the archive rule applies to."""
    return goals.filter(domain.archivable_q(now))


def archived(goals):
    return goals.filter(board_column=domain.ARCHIVED_COLUMN)


def archive(goals, *, user_id, now=None):
    """Archive those of ``goals`` completed or cancelled over 24 hours ago.

    One rule for the board's button (all goals) and the changelist's action
    (the selected goals): Aria archives only goals finished more than
    ARCHIVE_AFTER ago (DOMAIN.md), so a goal finished minutes ago stays in
    done, where staff still see and can reopen it, whichever button was
    pressed; and a goal with no completed_at is never archived, since nothing
    says when it finished. Returns the archived goals (pk and HISTORY_FIELDS).
    """
    return _write(archivable(goals, now), {"board_column": domain.ARCHIVED_COLUMN}, user_id)


def unarchive(goals, *, user_id):
    """Put the archived ones of ``goals`` back in their status's column.

    Their positions stay as they were: the column's next move renumbers it.
    Returns the un-archived goals (pk and HISTORY_FIELDS).
    """
    return _write(archived(goals), unarchive_values(), user_id)
