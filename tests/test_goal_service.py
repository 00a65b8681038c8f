"""Goal transitions called directly (data_app.services.goals), without the HTTP
client: what a move, a status, archiving and un-archiving write to the real
goals table, and what a stale or vanished goal refuses."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.utils import timezone

from data_app import domain
from data_app.models import Goal
from data_app.services import goals
from data_app.services.goals import GoalConflict, GoalMove

SPRINT = "sprint-3"
SECOND = timedelta(seconds=1)
pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return User.objects.create_user("planner", is_staff=True)


def make_goal(n, column="todo", status=None, **fields):
    fields.setdefault("title", f"Goal {n}")
    fields.setdefault("position", n)
    status = status or domain.COLUMN_TO_STATUS.get(column, domain.COMPLETED)
    return Goal.objects.create(goal_id=f"s-{n}", sprint=SPRINT, board_column=column, status=status, **fields)


def fresh(goal):
    goal.refresh_from_db()
    return goal


def positions(column):
    return list(
        Goal.objects.filter(board_column=column).order_by("position").values_list("goal_id", "position")
    )


def move(goal, column, position, user):
    return GoalMove(SPRINT, user.pk).move(goal.pk, goals.version_of(fresh(goal)), column, position)


# Archive --------------------------------------------------------------------------
def test_archive_takes_a_goal_finished_just_over_24_hours_ago(user):
    now = timezone.now()
    goal = make_goal(1, "done", completed_at=now - domain.ARCHIVE_AFTER - SECOND)
    assert domain.is_archivable(goal, now)
    assert [row.pk for row in goals.archive(Goal.objects.all(), user_id=user.pk, now=now)] == [goal.pk]
    assert fresh(goal).board_column == domain.ARCHIVED_COLUMN


def test_archive_leaves_a_goal_finished_just_under_24_hours_ago(user):
    now = timezone.now()
    goal = make_goal(1, "done", completed_at=now - domain.ARCHIVE_AFTER + SECOND)
    assert not domain.is_archivable(goal, now)
    assert goals.archive(Goal.objects.all(), user_id=user.pk, now=now) == []
    assert fresh(goal).board_column == "done"


def test_archive_takes_cancelled_but_not_unfinished_or_undated_goals(user):
    old = timezone.now() - timedelta(days=3)
    cancelled = make_goal(1, "done", status="cancelled", completed_at=old)
    active = make_goal(2, "doing", completed_at=old)
    undated = make_goal(3, "done", completed_at=None)
    archived = goals.archive(Goal.objects.all(), user_id=user.pk)
    assert [row.pk for row in archived] == [cancelled.pk]
    assert fresh(active).board_column == "doing" and fresh(undated).board_column == "done"


def test_archive_of_a_selection_touches_only_the_selection_and_records_history(user):
    old = timezone.now() - timedelta(days=3)
    chosen, other = make_goal(1, "done", completed_at=old), make_goal(2, "done", completed_at=old)
    goals.archive(Goal.objects.filter(pk=chosen.pk), user_id=user.pk)
    assert fresh(chosen).board_column == domain.ARCHIVED_COLUMN and fresh(other).board_column == "done"
    entry = LogEntry.objects.get(user=user)
    assert entry.object_id == str(chosen.pk) and entry.get_change_message() == "Changed Board column."


# Un-archive -----------------------------------------------------------------------
def test_unarchive_puts_each_goal_back_in_its_status_column(user):
    completed = make_goal(1, domain.ARCHIVED_COLUMN, status="completed")
    paused = make_goal(2, domain.ARCHIVED_COLUMN, status="paused")
    odd = make_goal(3, domain.ARCHIVED_COLUMN, status="someday")  # not one of Aria's statuses
    doing = make_goal(4, "doing")
    rows = goals.unarchive(Goal.objects.all(), user_id=user.pk)
    assert {row.pk for row in rows} == {completed.pk, paused.pk, odd.pk}
    assert [fresh(g).board_column for g in (completed, paused, odd, doing)] == ["done", "on_hold", "done", "doing"]


def test_unarchive_one_card_puts_it_last_in_its_column(user):
    make_goal(0, "doing"), make_goal(1, "doing")
    goal = make_goal(2, domain.ARCHIVED_COLUMN, status="active", position=0)
    moved, column = GoalMove(SPRINT, user.pk).unarchive(goal.pk, goals.version_of(goal))
    assert column == "doing" and moved.pk == goal.pk
    assert positions("doing") == [("s-0", 0), ("s-1", 1), ("s-2", 2)]


def test_unarchive_one_card_that_is_not_archived_writes_nothing(user):
    goal = make_goal(1, "doing")
    assert GoalMove(SPRINT, user.pk).unarchive(goal.pk, goals.version_of(goal)) == (goal, None)
    assert fresh(goal).updated_at == goal.updated_at and not LogEntry.objects.exists()


# Moves ------------------------------------------------------------------------------
def test_move_to_done_sets_completed_at_and_status(user):
    goal = make_goal(1, "doing")
    before = timezone.now()
    _, changes, position = move(goal, "done", 0, user)
    goal = fresh(goal)
    assert (goal.status, goal.board_column, position) == ("completed", "done", 0)
    assert goal.completed_at >= before and changes["status"] == "completed"


def test_move_out_of_done_clears_completed_at_and_within_done_keeps_it(user):
    earlier = timezone.now() - timedelta(days=2)
    kept, leaving = make_goal(1, "done", completed_at=earlier), make_goal(2, "done", completed_at=earlier)
    move(kept, "done", 5, user)
    assert fresh(kept).completed_at == earlier
    move(leaving, "on_hold", 0, user)
    assert (fresh(leaving).status, fresh(leaving).completed_at) == ("paused", None)


def test_move_renumbers_source_and_target_columns_0_to_n_minus_1(user):
    todo = [make_goal(n, "todo") for n in range(4)]
    for n in range(4, 7):
        make_goal(n, "doing", position=(n - 4) * 10)  # gaps, as Aria leaves them
    move(todo[1], "doing", 1, user)
    assert positions("todo") == [("s-0", 0), ("s-2", 1), ("s-3", 2)]
    assert positions("doing") == [("s-4", 0), ("s-1", 1), ("s-5", 2), ("s-6", 3)]


def test_move_past_the_end_is_last_and_history_names_the_changed_fields(user):
    make_goal(0, "doing")
    goal = make_goal(1, "todo", position=5)
    _, _, position = move(goal, "doing", 99, user)
    assert position == 1
    assert LogEntry.objects.get(user=user).get_change_message() == (
        "Changed Board column, Status and Position."
    )


def test_move_to_an_unknown_column_is_refused_and_writes_nothing(user):
    goal = make_goal(1, "todo")
    with pytest.raises(ValueError):
        move(goal, domain.ARCHIVED_COLUMN, 0, user)
    assert fresh(goal).board_column == "todo" and not LogEntry.objects.exists()


# The stale check ----------------------------------------------------------------------
def test_a_stale_version_is_refused_and_nothing_moves(user):
    goal = make_goal(1, "todo")
    version = goals.version_of(goal)
    Goal.objects.filter(pk=goal.pk).update(title="Renamed by Aria", updated_at=timezone.now() + SECOND)
    assert goals.is_stale(fresh(goal), version)
    with pytest.raises(GoalConflict, match="changed by someone else"):
        GoalMove(SPRINT, user.pk).move(goal.pk, version, "doing", 0)
    assert fresh(goal).board_column == "todo" and not LogEntry.objects.exists()


@pytest.mark.parametrize("goal_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_a_vanished_goal_is_refused(user, goal_id):
    with pytest.raises(GoalConflict, match="no longer exists"):
        GoalMove(SPRINT, user.pk).move(goal_id, "", "doing", 0)


@pytest.mark.parametrize("version", ["", "yesterday", "2026-02-30T10:00:00+00:00"])
def test_a_missing_or_malformed_version_counts_as_stale(version):
    assert goals.is_stale(make_goal(1), version)


# Status and column values (the changelist's one-UPDATE actions) ------------------------
@pytest.mark.parametrize("status", domain.GOAL_STATUSES)
def test_set_status_maps_to_its_board_column(status):
    goal = make_goal(1, "doing")
    Goal.objects.filter(pk=goal.pk).update(**goals.status_values(status))
    goal = fresh(goal)
    assert (goal.status, goal.board_column) == (status, domain.STATUS_TO_COLUMN[status])
    assert (goal.completed_at is not None) == (status == "completed")


def test_set_status_completed_keeps_an_earlier_completion_time():
    earlier = timezone.now() - timedelta(days=4)
    done, doing = make_goal(1, "done", completed_at=earlier), make_goal(2, "doing")
    Goal.objects.update(**goals.status_values("completed"))
    assert fresh(done).completed_at == earlier and fresh(doing).completed_at > earlier


def test_column_values_set_keep_and_clear_completed_at_per_goal():
    earlier = timezone.now() - timedelta(days=4)
    done, todo = make_goal(1, "done", completed_at=earlier), make_goal(2, "todo")
    Goal.objects.update(**goals.column_values("done"))
    assert fresh(done).completed_at == earlier and fresh(todo).completed_at is not None
    Goal.objects.update(**goals.column_values("backlog"))
    assert [(fresh(g).status, fresh(g).completed_at) for g in (done, todo)] == [("pending", None)] * 2


# The change form's edit ---------------------------------------------------------------
def test_form_edit_of_status_alone_moves_the_column_and_sets_completed_at():
    goal = make_goal(1, "doing")
    goal.status = "completed"
    assert goals.complete_form_edit(goal, ["status"], "doing") == ["board_column", "completed_at"]
    assert goal.board_column == "done" and goal.completed_at is not None


def test_form_edit_of_column_alone_sets_status_and_clears_completed_at():
    goal = make_goal(1, "done", completed_at=timezone.now())
    goal.board_column = "todo"
    assert goals.complete_form_edit(goal, ["board_column"], "done") == ["status", "completed_at"]
    assert (goal.status, goal.completed_at) == ("pending", None)


def test_form_edit_keeps_what_staff_typed_and_archived_goals_archived():
    goal = make_goal(1, "doing")
    goal.status, goal.board_column = "paused", "todo"  # both changed by hand
    assert goals.complete_form_edit(goal, ["status", "board_column"], "doing") == []
    archived = make_goal(2, domain.ARCHIVED_COLUMN, status="completed", completed_at=timezone.now())
    archived.status = "cancelled"
    assert goals.complete_form_edit(archived, ["status"], domain.ARCHIVED_COLUMN) == []
    assert archived.board_column == domain.ARCHIVED_COLUMN
