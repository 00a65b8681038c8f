"""aria_admin.history: one "changed fields" message wherever a change is made
(change form, bulk action, board move, YAML import)."""

import json

import pytest
from django import forms
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model

from aria_admin.history import changed_message, field_labels, log_history
from data_app.models import Goal
from data_app.services import goals
from tests.test_concurrency import open_change_form, operator_client, save  # noqa: F401


def test_labels_are_the_fields_capitalised_verbose_names():
    assert changed_message(Goal, ["status", "board_column"]) == [
        {"changed": {"fields": ["Status", "Board column"]}}
    ]


def test_a_form_label_wins_and_an_unknown_name_stays_as_it_is():
    class GoalForm(forms.Form):
        status = forms.CharField(label="State of play")

    assert field_labels(Goal, ["status", "sprint", "not_a_field"], GoalForm()) == [
        "State of play", "Sprint", "not_a_field"
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 60], ids=["log_actions", "copy"])
def test_both_writers_store_the_same_entry(rows):
    user = get_user_model().objects.create_user("h", password="x-Strong-pass-1")
    created = [Goal.objects.create(goal_id=f"h-{n}", title=f"Goal {n}") for n in range(rows)]
    log_history(user.pk, created, CHANGE, changed_message(Goal, ["priority"]))
    entry = LogEntry.objects.get(object_id=str(created[0].pk))
    assert (entry.user_id, entry.action_flag, entry.object_repr) == (user.pk, CHANGE, "h-0: Goal 0")
    assert json.loads(entry.change_message) == [{"changed": {"fields": ["Priority"]}}]
    assert entry.get_change_message() == "Changed Priority."
    assert LogEntry.objects.count() == rows


@pytest.mark.django_db
def test_the_change_form_and_a_board_move_read_the_same(operator_client):
    """A sprint typed in the change form and a status set by the service
    leave the messages the History page shows, built by changed_message."""
    goal = Goal.objects.create(goal_id="form-1", title="Form goal", sprint="s1")
    url, data = open_change_form(operator_client, Goal, goal.pk)
    response = save(operator_client, url, {**data, "sprint": "s2"})
    assert response.status_code == 302
    entry = LogEntry.objects.get(object_id=str(goal.pk))
    assert entry.get_change_message() == "Changed Sprint."

    goals.GoalMove("s2", entry.user_id).move(goal.pk, goals.version_of(Goal.objects.get(pk=goal.pk)), "doing", 0)
    moved = LogEntry.objects.filter(object_id=str(goal.pk)).order_by("-pk").first()
    fields = json.loads(moved.change_message)[0]["changed"]["fields"]
    assert {"Board column", "Status"} <= set(fields)
    assert json.loads(moved.change_message) == changed_message(Goal, [
        {"Board column": "board_column", "Status": "status", "Position": "position"}[f] for f in fields
    ])
