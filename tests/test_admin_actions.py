"""Bulk actions: exactly the selected rows change, as DOMAIN.md says, in one
UPDATE, with a count message and a history entry per changed row."""

import pytest
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from data_app import domain as data_domain
from data_app.models import AgentSession, HourlyGoal, ImprovementProposal, PendingComplexTask, SkillStatusRecord, WorkingMemory
from engine_app import domain as engine_domain
from engine_app.models import EngineAgentState, EngineAgentTool, EngineChatSession
from tests.test_admin_support import admin_url, aria_rows, superuser_client  # noqa: F401


def status_cases(model, values, start):
    return [(model, f"set_status_{v}", {"status": start}, {"status": v}) for v in values]


# (model, action, columns of the rows before, field values of selected rows after)
CASES = [
    *status_cases(HourlyGoal, data_domain.HOURLY_GOAL_STATUSES, "somewhere_else"),
    *status_cases(PendingComplexTask, data_domain.PENDING_TASK_STATUSES, "somewhere_else"),
    *status_cases(SkillStatusRecord, data_domain.SKILL_STATUSES, "rate_limited"),
    *status_cases(AgentSession, data_domain.AGENT_SESSION_STATUSES, "somewhere_else"),
    *status_cases(EngineChatSession, engine_domain.CHAT_SESSION_STATUSES, "somewhere_else"),
    (SkillStatusRecord, "reset_error_count", {"error_count": 7}, {"error_count": 0}),
    (EngineAgentState, "enable_agents", {"status": "error"}, {"status": "idle"}),
    (EngineAgentState, "disable_agents", {"status": "busy"}, {"status": "disabled"}),
    (EngineAgentState, "reset_consecutive_failures", {"consecutive_failures": 3}, {"consecutive_failures": 0}),
    (EngineAgentTool, "enable_selected", {"enabled": False}, {"enabled": True}),
    (EngineAgentTool, "disable_selected", {"enabled": True}, {"enabled": False}),
]


def run_action(client, model, action, pks):
    """POST the action for ``pks``; return (response, UPDATE statements on the table)."""
    table = model._meta.db_table
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            admin_url(model, "changelist"), {"action": action, "_selected_action": [str(pk) for pk in pks]}, follow=True
        )
    updates = [q["sql"] for q in captured if q["sql"].startswith("UPDATE") and table in q["sql"]]
    return response, updates


def row_values(model, pk, fields):
    return model._default_manager.filter(pk=pk).values(*fields).get()


@pytest.mark.parametrize("model, action, before, after", CASES, ids=lambda v: v if isinstance(v, str) else "")
def test_action_changes_exactly_the_selected_rows_in_one_update(superuser_client, aria_rows, model, action, before, after):
    pks = [aria_rows(model, **before) for _ in range(3)]
    selected, untouched = pks[:2], pks[2]
    response, updates = run_action(superuser_client, model, action, selected)
    assert response.status_code == 200
    assert len(updates) == 1, updates
    for pk in selected:
        assert row_values(model, pk, after) == after
    assert row_values(model, untouched, before) == before
    assert "2 " in " ".join(str(m) for m in response.context["messages"])
    history = LogEntry.objects.filter(action_flag=CHANGE, object_id__in=[str(pk) for pk in pks])
    assert sorted(history.values_list("object_id", flat=True)) == sorted(str(pk) for pk in selected)


def test_proposals_are_approved_or_rejected_only_from_proposed(superuser_client, aria_rows):
    proposed = [aria_rows(ImprovementProposal, status="proposed") for _ in range(3)]
    approved = aria_rows(ImprovementProposal, status="approved")
    selected = [*proposed[:2], approved]
    response, updates = run_action(superuser_client, ImprovementProposal, "approve", selected)
    assert len(updates) == 1
    for pk in proposed[:2]:
        row = ImprovementProposal.objects.get(pk=pk)
        assert (row.status, row.reviewed_by) == ("approved", "boss") and row.reviewed_at is not None
    assert ImprovementProposal.objects.get(pk=approved).reviewed_by is None
    assert ImprovementProposal.objects.get(pk=proposed[2]).status == "proposed"
    text = " ".join(str(m) for m in response.context["messages"])
    assert "Approved 2 improvement proposals" in text and "Skipped 1" in text

    response, updates = run_action(superuser_client, ImprovementProposal, "reject", [proposed[2], approved])
    assert len(updates) == 1
    assert ImprovementProposal.objects.get(pk=proposed[2]).status == "rejected"
    assert ImprovementProposal.objects.get(pk=approved).status == "approved"


def test_only_approved_proposals_are_marked_implemented(superuser_client, aria_rows):
    approved = aria_rows(ImprovementProposal, status="approved")
    proposed = aria_rows(ImprovementProposal, status="proposed")
    response, updates = run_action(superuser_client, ImprovementProposal, "mark_implemented", [approved, proposed])
    assert len(updates) == 1
    assert ImprovementProposal.objects.get(pk=approved).status == "implemented"
    assert ImprovementProposal.objects.get(pk=proposed).status == "proposed"


def test_expired_working_memory_is_deleted_after_a_confirmation_showing_the_count(superuser_client, run_sql):
    run_sql(
        """INSERT INTO aria_data.working_memory (category, key, value, ttl_hours, created_at) VALUES
           ('task', 'old-1', '1', 1, now() - interval '3 hours'),
           ('task', 'old-2', '1', 2, now() - interval '3 hours'),
           ('task', 'fresh', '1', 10, now() - interval '3 hours'),
           ('task', 'forever', '1', NULL, now() - interval '300 hours')"""
    )
    url = admin_url(WorkingMemory, "delete_expired")
    assert url in superuser_client.get(admin_url(WorkingMemory, "changelist")).content.decode()
    page = superuser_client.get(url).content.decode()
    assert "2 working memory items are expired" in page
    assert sorted(WorkingMemory.objects.values_list("key", flat=True)) == ["forever", "fresh", "old-1", "old-2"]
    response = superuser_client.post(url, follow=True)
    assert "Deleted 2 expired working memory item(s)." in response.content.decode()
    assert sorted(WorkingMemory.objects.values_list("key", flat=True)) == ["forever", "fresh"]
    assert LogEntry.objects.filter(action_flag=DELETION).count() == 2
    assert "0 working memory items are expired" in superuser_client.get(url).content.decode()


def test_expired_filter_lists_what_would_be_deleted(superuser_client, run_sql):
    run_sql(
        """INSERT INTO aria_data.working_memory (category, key, value, ttl_hours, created_at) VALUES
           ('task', 'old', '1', 1, now() - interval '3 hours'), ('task', 'fresh', '1', 10, now())"""
    )
    response = superuser_client.get(admin_url(WorkingMemory, "changelist"), {"expired": "yes"})
    assert [row.key for row in response.context["cl"].result_list] == ["old"]
