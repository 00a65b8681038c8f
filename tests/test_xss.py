"""What Aria's agents wrote is shown escaped everywhere: lists, forms,
history pages and the goals board never carry a live tag from the data."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.urls import reverse
from psycopg.types.json import Jsonb

from data_app.models import Goal, ImprovementProposal, Memory, SessionMessage, SocialPost, Thought
from tests.sample_rows import insert_as_aria

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
# What must never reach the page unescaped.
LIVE = ["<script>alert(1)", "<img src=x", "onerror=alert(1)>"]

ROWS = {
    Thought: {"content": SCRIPT + ATTRIBUTE, "category": ATTRIBUTE, "metadata": Jsonb({"html": SCRIPT, "k": ATTRIBUTE})},
    SocialPost: {"content": ATTRIBUTE + SCRIPT, "url": ATTRIBUTE, "metadata": Jsonb({"x": SCRIPT})},
    SessionMessage: {"content": SCRIPT, "agent_id": ATTRIBUTE, "role": "user", "metadata": Jsonb([ATTRIBUTE])},
    ImprovementProposal: {
        "title": ATTRIBUTE,
        "description": SCRIPT,
        "current_code": f"html = '{SCRIPT}'",
        "proposed_code": f"html = '{ATTRIBUTE}'",
    },
    Memory: {"key": ATTRIBUTE, "value": Jsonb({"note": SCRIPT, "html": ATTRIBUTE, "list": [SCRIPT]})},
    Goal: {"goal_id": "xss-goal", "title": SCRIPT + ATTRIBUTE, "description": ATTRIBUTE, "tags": Jsonb([SCRIPT, ATTRIBUTE])},
}


@pytest.fixture
def staff_client(client, db):
    client.force_login(get_user_model().objects.create_superuser("root", "r@example.org", "x-Strong-pass-1"))
    return client


def assert_escaped(response):
    assert response.status_code == 200
    page = response.content.decode()
    for live in LIVE:
        assert live not in page, f"{live!r} unescaped in {response.wsgi_request.path}"


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", list(ROWS), ids=lambda m: m._meta.model_name)
def test_payloads_are_escaped_in_list_form_and_history(staff_client, model):
    pk = insert_as_aria(model, **ROWS[model])
    obj = model._base_manager.get(pk=pk)
    LogEntry.objects.log_actions(
        user_id=get_user_model().objects.get().pk, queryset=[obj], action_flag=CHANGE,
        change_message=SCRIPT + ATTRIBUTE, single_object=True,
    )

    assert_escaped(staff_client.get(admin_url(model, "changelist")))
    assert_escaped(staff_client.get(admin_url(model, "changelist"), {"q": SCRIPT}))
    change = staff_client.get(admin_url(model, "change", pk))
    assert_escaped(change)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in change.content.decode()
    assert_escaped(staff_client.get(admin_url(model, "history", pk)))
    assert_escaped(staff_client.get(admin_url(model, "delete", pk)))
    assert_escaped(staff_client.get("/admin/recent-changes/"))


def test_payloads_are_escaped_on_the_goals_board(staff_client):
    insert_as_aria(Goal, **ROWS[Goal], board_column="todo")

    board = staff_client.get(reverse("admin:data_app_goal_board"))

    assert_escaped(board)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in board.content.decode()
