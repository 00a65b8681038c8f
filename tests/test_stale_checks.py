"""The two stale-edit checks and the difference between them, without HTTP:
the change form's per-column fingerprint (aria_admin.concurrency) and the
board's updated_at version (data_app.services.goals); concurrency.py's
docstring says why there are two."""

import pytest
from django.db.models.functions import Now

from aria_admin.concurrency import fingerprint, sign, unsign
from data_app.models import Goal
from data_app.services import goals

pytestmark = pytest.mark.django_db


def make_goal():
    goal = Goal.objects.create(goal_id="stale-1", title="Before", sprint="s1")
    return Goal.objects.get(pk=goal.pk)


def aria_writes(goal, **values):
    """A write from outside the dashboard (no form, no board)."""
    Goal.objects.filter(pk=goal.pk).update(**values)
    return Goal.objects.get(pk=goal.pk)


def test_the_fingerprint_names_exactly_the_changed_columns():
    goal = make_goal()
    opened = unsign(sign(fingerprint(goal)))  # what the form carries, round-tripped
    now = fingerprint(aria_writes(goal, title="After", priority=1))
    assert sorted(c for c in now if now[c] != opened[c]) == ["priority", "title"]


def test_the_fingerprint_sees_a_change_that_leaves_updated_at_alone():
    goal = make_goal()
    changed = aria_writes(goal, description="new")
    assert changed.updated_at == goal.updated_at
    assert fingerprint(changed)["description"] != fingerprint(goal)["description"]


def test_the_fingerprint_never_shows_a_value():
    goal = aria_writes(make_goal(), title="secret-looking value")
    assert "secret-looking value" not in sign(fingerprint(goal))


def test_the_board_refuses_a_move_after_any_stamped_change():
    """Even a column the move does not write (the title): the card moved is not the card seen."""
    goal = make_goal()
    version = goals.version_of(goal)
    assert not goals.is_stale(goal, version)
    aria_writes(goal, title="Renamed", updated_at=Now())
    with pytest.raises(goals.GoalConflict, match="changed by someone else"):
        goals.locked_goal(goal.pk, version)
    assert Goal.objects.get(pk=goal.pk).board_column == goal.board_column


@pytest.mark.parametrize("version", ["", "not a date", "2026-13-45T00:00:00", "2026-01-01T00:00:00+00:00"])
def test_a_version_that_is_not_the_goals_is_stale(version):
    assert goals.is_stale(make_goal(), version)


def test_a_goal_that_is_gone_is_a_conflict_too():
    goal = make_goal()
    version = goals.version_of(goal)
    Goal.objects.filter(pk=goal.pk).delete()
    with pytest.raises(goals.GoalConflict, match="no longer exists"):
        goals.locked_goal(goal.pk, version)
