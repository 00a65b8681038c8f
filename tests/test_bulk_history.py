"""Bulk actions on many rows still leave one history entry per row.

Past a few dozen rows the entries are written with COPY instead of
LogEntry.objects.log_actions; what the history shows must not change.
"""

import json

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType

from data_app.models import Goal


FIELDS = ["Status", "Board column", "Completed at"]


@pytest.mark.django_db
def test_bulk_action_on_many_goals_records_history_for_each(admin_client, run_sql, admin_user):
    run_sql(
        "INSERT INTO aria_data.goals (goal_id, title) "
        "SELECT 'many-' || i, 'Goal <' || i || '>' FROM generate_series(1, 120) i"
    )
    chosen = list(Goal.objects.order_by("goal_id").values_list("pk", flat=True)[:100])
    response = admin_client.post(
        "/admin/data_app/goal/",
        {"action": "set_status", "status": "active", "_selected_action": [str(pk) for pk in chosen]},
        follow=True,
    )
    assert "100 goals" in response.content.decode()
    entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Goal))
    assert entries.count() == 100
    assert set(entries.values_list("object_id", flat=True)) == {str(pk) for pk in chosen}
    entry = entries.get(object_id=str(chosen[0]))
    goal = Goal.objects.get(pk=chosen[0])
    assert (entry.user_id, entry.action_flag, entry.object_repr) == (admin_user.pk, CHANGE, str(goal))
    assert json.loads(entry.change_message) == [{"changed": {"fields": FIELDS}}]
    assert entry.get_change_message() == "Changed " + " and ".join(
        [", ".join(FIELDS[:-1]), FIELDS[-1]]
    ) + "."
    assert Goal.objects.filter(status="active").count() == 100
