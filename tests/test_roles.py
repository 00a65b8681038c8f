"""The two roles: viewers read everything and change nothing; operators
change rows but delete only curated tables, never log rows."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from aria_admin.aria_tables import aria_models
from aria_admin.roles import CURATED_MODELS, OPERATORS, VIEWERS, ensure_groups
from data_app.models import ActivityLog, Goal, Memory
from engine_app.models import EngineCronJob, LlmModelEntry
from tests.sample_rows import insert_as_aria

SAMPLE = [Memory, Goal, ActivityLog, EngineCronJob, LlmModelEntry]
LOG_TABLES = [m for m in aria_models() if m._meta.db_table.split(".")[-1].strip('"').endswith("_log")]


def codenames(group):
    return {p.codename for p in group.permissions.all()}


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def staff_in(group_name, username):
    ensure_groups()
    user = get_user_model().objects.create_user(username, password="x-Strong-pass-1", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def test_there_are_37_aria_tables_and_log_tables_among_them():
    assert len(aria_models()) == 39
    assert {"activitylog", "heartbeatlog", "performancelog", "knowledgequerylog"} <= {
        m._meta.model_name for m in LOG_TABLES
    }


def test_viewers_may_view_every_aria_table_and_nothing_else(db):
    viewers, _ = ensure_groups()

    assert codenames(viewers) == {f"view_{m._meta.model_name}" for m in aria_models()}


def test_operators_view_and_change_everything_and_add_delete_only_curated_tables(db):
    _, operators = ensure_groups()

    curated = {label.split(".")[1].lower() for label in CURATED_MODELS}
    expected = {f"{action}_{m._meta.model_name}" for m in aria_models() for action in ("view", "change")}
    expected |= {f"{action}_{name}" for name in curated for action in ("add", "delete")}
    assert codenames(operators) == expected
    assert not any(f"delete_{m._meta.model_name}" in codenames(operators) for m in LOG_TABLES)


def test_ensure_groups_repairs_a_group_edited_by_hand(db):
    viewers, _ = ensure_groups()
    viewers.permissions.clear()
    viewers.permissions.add(*Group.objects.get(name=OPERATORS).permissions.all())

    ensure_groups()

    assert codenames(Group.objects.get(name=VIEWERS)) == {f"view_{m._meta.model_name}" for m in aria_models()}
    assert Group.objects.filter(name__in=[VIEWERS, OPERATORS]).count() == 2


@pytest.fixture
def viewer_client(client, db):
    client.force_login(staff_in(VIEWERS, "viewer"))
    return client


@pytest.mark.parametrize("model", SAMPLE, ids=lambda m: m._meta.model_name)
def test_a_viewer_sees_the_list_without_bulk_actions_or_add(viewer_client, model):
    insert_as_aria(model)

    response = viewer_client.get(url(model, "changelist"))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="action"' not in page and "action-checkbox" not in page
    assert f'href="{url(model, "add")}"' not in page
    assert 'name="_save"' not in page  # no list_editable save either


@pytest.mark.parametrize("model", SAMPLE, ids=lambda m: m._meta.model_name)
def test_a_viewer_sees_a_record_read_only_and_cannot_post_it(viewer_client, model):
    pk = insert_as_aria(model)
    before = model._base_manager.filter(pk=pk).values().get()

    page = viewer_client.get(url(model, "change", pk))
    refused = viewer_client.post(url(model, "change", pk), {"_save": "Save"})

    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="_save"' not in html and 'name="_continue"' not in html
    assert "aria_row_version" not in html
    assert '<div class="readonly">' in html
    assert refused.status_code == 403
    assert model._base_manager.filter(pk=pk).values().get() == before


@pytest.mark.parametrize("model", SAMPLE, ids=lambda m: m._meta.model_name)
def test_a_viewer_cannot_run_a_bulk_action_or_delete(viewer_client, model):
    pk = insert_as_aria(model)
    model_admin = admin.site._registry[model]
    action_names = [a if isinstance(a, str) else a.__name__ for a in (model_admin.actions or [])]

    for action in ["delete_selected", *action_names]:
        viewer_client.post(
            url(model, "changelist"),
            {"action": action, "_selected_action": [str(pk)], "index": "0", "post": "yes"},
        )
    delete = viewer_client.post(url(model, "delete", pk), {"post": "yes"})

    assert delete.status_code == 403
    assert model._base_manager.filter(pk=pk).exists()


def test_a_viewer_cannot_move_a_goal_on_the_board(viewer_client):
    pk = insert_as_aria(Goal, goal_id="g-board", title="On the board", board_column="backlog")

    board = viewer_client.get(reverse("admin:data_app_goal_board"))
    move = viewer_client.post(
        reverse("admin:data_app_goal_board_move"), {"goal": str(pk), "column": "doing", "position": "0"}
    )

    assert board.status_code == 200
    assert move.status_code == 403
    assert Goal.objects.get(pk=pk).board_column == "backlog"


@pytest.fixture
def operator_client(client, db):
    client.force_login(staff_in(OPERATORS, "operator"))
    return client


def test_an_operator_can_change_a_goal(operator_client):
    from tests.html_forms import form_data

    pk = insert_as_aria(Goal, goal_id="g-op", title="Before")
    data = form_data(operator_client.get(url(Goal, "change", pk)).content, "goal_form")

    response = operator_client.post(url(Goal, "change", pk), {**data, "title": "After", "_save": "Save"})

    assert response.status_code == 302
    assert Goal.objects.get(pk=pk).title == "After"


def test_an_operator_cannot_delete_a_log_row(operator_client):
    pk = insert_as_aria(ActivityLog)

    page = operator_client.get(url(ActivityLog, "change", pk))
    delete = operator_client.post(url(ActivityLog, "delete", pk), {"post": "yes"})

    assert page.status_code == 200
    assert url(ActivityLog, "delete", pk) not in page.content.decode()
    assert delete.status_code == 403
    assert ActivityLog.objects.filter(pk=pk).exists()


def test_an_operator_can_delete_a_memory(operator_client):
    pk = insert_as_aria(Memory)

    response = operator_client.post(url(Memory, "delete", pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Memory.objects.filter(pk=pk).exists()


def test_aria_bootstrap_creates_both_groups(transactional_db):
    # The real command on the test database, committed: aria_bootstrap builds
    # a scratch database to compare with, which no test transaction allows.
    from django.db import connection

    from . import refdb

    Group.objects.filter(name__in=[VIEWERS, OPERATORS]).delete()

    result = refdb.manage("aria_bootstrap", database=connection.settings_dict["NAME"])
    assert result.returncode == 0, result.stderr

    assert codenames(Group.objects.get(name=VIEWERS)) == {f"view_{m._meta.model_name}" for m in aria_models()}
    assert "delete_goal" in codenames(Group.objects.get(name=OPERATORS))


def test_a_viewer_sees_every_aria_table_read_only(viewer_client):
    for model in aria_models():
        pk = insert_as_aria(model)
        listing = viewer_client.get(url(model, "changelist"))
        record = viewer_client.get(url(model, "change", pk))

        assert listing.status_code == 200, model
        assert 'name="action"' not in listing.content.decode(), model
        assert record.status_code == 200, model
        assert 'name="_save"' not in record.content.decode(), model
