"""Django's admin history grows by thousands of rows per bulk action; a
user's latest entries (the index page's Recent actions) and the newest
entries (Recent changes) are read from an index, not sorted."""

import json

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from data_app.models import Goal


def plan_of(queryset):
    return json.dumps(json.loads(queryset.explain(format="json")))


@pytest.mark.django_db
def test_latest_history_is_read_from_an_index(admin_user, django_user_model):
    other = django_user_model.objects.create_user("other")
    content_type = ContentType.objects.get_for_model(Goal)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO django_admin_log
                (action_time, user_id, content_type_id, object_id, object_repr, action_flag, change_message)
            SELECT now() - i * interval '1 second', CASE WHEN i %% 100 = 0 THEN %s ELSE %s END, %s,
                   i::text, 'goal ' || i, %s, '[]'
              FROM generate_series(1, 20000) i
            """,
            [admin_user.pk, other.pk, content_type.pk, CHANGE],
        )
        cursor.execute("ANALYZE django_admin_log")

    recent_actions = LogEntry.objects.filter(user=admin_user).order_by("-action_time")[:10]
    recent_changes = LogEntry.objects.order_by("-action_time", "-pk")[:50]

    for queryset in (recent_actions, recent_changes):
        plan = plan_of(queryset)
        assert '"Node Type": "Sort"' not in plan and "Seq Scan" not in plan, plan
        assert "django_admin_log_user_recent" in plan or "django_admin_log_recent" in plan, plan
    assert [e.object_id for e in recent_actions[:2]] == ["100", "200"]
