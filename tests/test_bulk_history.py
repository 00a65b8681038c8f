"""Bulk actions on many rows still leave one history entry per row.

Past a few dozen rows the entries are written with COPY instead of
LogEntry.objects.log_actions; what the history shows must not change.
"""

import json

import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aria_admin.bulk_update import bulk_update
from data_app.models import Goal
from tests.sample_rows import orm_values


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


ADMINS_WITH_HISTORY_FIELDS = [
    model_admin for model_admin in admin.site._registry.values() if getattr(model_admin, "history_fields", None)
]


@pytest.mark.django_db
@pytest.mark.parametrize("model_admin", ADMINS_WITH_HISTORY_FIELDS, ids=lambda a: a.model._meta.label_lower)
def test_history_fields_are_all_str_reads(model_admin, rf, admin_user):
    """A bulk action takes only ``history_fields`` back from its UPDATE, into
    bare instances; a field __str__ reads beyond them would break it."""
    model = model_admin.model
    obj = model._default_manager.create(**orm_values(model))
    request = rf.post("/")
    request.user = admin_user
    field = model_admin.history_fields[0]

    queryset = model._default_manager.filter(pk=obj.pk)
    count = bulk_update(model_admin, request, queryset, {field: getattr(obj, field)}, touch=None)

    assert count == 1
    entry = LogEntry.objects.get(object_id=str(obj.pk))
    assert entry.object_repr == str(model._default_manager.get(pk=obj.pk))


@pytest.mark.django_db
def test_uuid_in_is_one_array_parameter(run_sql):
    run_sql("INSERT INTO aria_data.goals (goal_id, title) SELECT 'g-' || i, 'G' || i FROM generate_series(1, 5) i")
    pks = list(Goal.objects.order_by("goal_id").values_list("pk", flat=True))
    chosen = [pks[0], str(pks[2]), None, pks[0]]

    with CaptureQueriesContext(connection) as queries:
        found = sorted(Goal.objects.filter(pk__in=chosen).values_list("goal_id", flat=True))

    assert found == ["g-1", "g-3"]
    assert "= ANY(" in queries.captured_queries[0]["sql"] and " IN (" not in queries.captured_queries[0]["sql"]
    assert list(Goal.objects.filter(pk__in=[])) == []
    assert list(Goal.objects.filter(pk__in=[None])) == []
    assert sorted(Goal.objects.filter(pk__in=Goal.objects.filter(goal_id="g-2").values("pk")).values_list(
        "goal_id", flat=True
    )) == ["g-2"]
