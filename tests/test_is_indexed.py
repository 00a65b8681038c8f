"""filters.is_indexed: which columns a list filter may read with a loose
index scan (every value) instead of a sample of recent rows."""

from django.db import models
from django.test.utils import isolate_apps

from aria_admin.admin.filters import is_indexed, present_values
from data_app.models import Goal, SkillStatusRecord, WorkingMemory
from engine_app.models import EngineConfigEntry


def test_a_unique_constraint_counts_as_an_index():
    assert is_indexed(Goal, "goal_id")  # UniqueConstraint(fields=["goal_id"]), no Meta index


def test_the_primary_key_counts_as_an_index():
    assert is_indexed(Goal, "id")
    assert is_indexed(EngineConfigEntry, "key")  # a text primary key


def test_an_index_counts_by_its_first_column_only():
    assert is_indexed(Goal, "sprint")
    assert is_indexed(Goal, "created_at")  # Index(fields=["-created_at"])
    assert not is_indexed(Goal, "position")  # third column of sprint/board_column/position
    assert not is_indexed(Goal, "title")


def test_an_expression_constraint_counts_by_its_leading_column():
    assert is_indexed(SkillStatusRecord, "skill_name")  # UniqueConstraint(F("skill_name"))
    assert is_indexed(WorkingMemory, "category")  # UniqueConstraint(F("category"), F("key"))
    assert not is_indexed(WorkingMemory, "source")


@isolate_apps("data_app")  # kept out of the app registry: aria_models() stays 39
def test_a_partial_or_unique_field_index():
    class Partial(models.Model):
        code = models.CharField(max_length=10, unique=True)
        kind = models.CharField(max_length=10)
        state = models.CharField(max_length=10)

        class Meta:
            app_label = "data_app"
            managed = False
            constraints = [
                models.UniqueConstraint(fields=["kind"], condition=models.Q(state="live"), name="t_partial")
            ]
            unique_together = [("state", "kind")]

    assert is_indexed(Partial, "code")  # unique=True
    assert is_indexed(Partial, "state")  # first of unique_together
    assert not is_indexed(Partial, "kind")  # only a partial unique index: no whole-column scan


def test_an_indexed_column_lists_every_value_beyond_the_sample(db):
    """goal_id now takes the loose index scan: every value, oldest included."""
    from aria_admin.admin import filters

    Goal.objects.create(goal_id="g-old", title="old")
    for n in range(3):
        Goal.objects.create(goal_id=f"g-new-{n}", title="new")
    field = Goal._meta.get_field("goal_id")
    sample, filters.RECENT_ROWS = filters.RECENT_ROWS, 0  # a sample would see no row
    try:
        assert present_values(Goal, field) == ["g-new-0", "g-new-1", "g-new-2", "g-old"]
    finally:
        filters.RECENT_ROWS = sample
