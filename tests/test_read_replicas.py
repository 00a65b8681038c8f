"""Reads on a real streaming replica (tests/pg_servers.py): replay is paused
so that the replica shows a row as it was while the primary has changed it;
what a page shows then says which server it read.

Every test commits (transactional_db): an uncommitted row never reaches a
replica.
"""

import json
import time

import pytest
from django.contrib.auth.models import Group, User
from django.db import connections
from django.test import Client
from django.urls import resolve

from aria_admin.replicas import status
from aria_admin.roles import VIEWERS, ensure_groups
from data_app.models import ActivityLog, Goal
from tests.conftest import REPLICA_ALIAS
from tests.sample_rows import insert_as_aria

# "__all__": the replica alias is registered by a fixture, after collection;
# as a test mirror it is never flushed.
pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

CHANGELIST = "/admin/data_app/goal/"


def change_url(pk):
    return f"/admin/data_app/goal/{pk}/change/"


@pytest.fixture
def replica(replica_server, settings):
    """The replica in use by the pages, every request checking its lag."""
    settings.ARIA_REPLICA_ALIASES = [REPLICA_ALIAS]
    settings.ARIA_REPLICA_CHECK_SECONDS = 0
    settings.ARIA_REPLICA_RETRY_SECONDS = 30
    settings.ROOT_URLCONF = "tests.db_urls"
    status.forget()
    yield replica_server
    status.forget()
    connections[REPLICA_ALIAS].close()


@pytest.fixture
def staff():
    user = User.objects.create_superuser("operator", "op@example.org", "x-Strong-pass-1")
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def goal(empty_aria_tables):
    pk = insert_as_aria(Goal, goal_id="G-replica", title="as it was", sprint="sprint-1", board_column="todo")
    return Goal.objects.get(pk=pk)


def retitle_on_primary(goal, title):
    Goal.objects.filter(pk=goal.pk).update(title=title)  # outside a request: the primary


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_admin_views_carry_their_model_admin():
    """kinds.is_read_only_record relies on ModelAdmin.get_urls() marking its views."""
    from data_app.admin.goals import GoalAdmin

    assert isinstance(resolve(change_url("00000000-0000-0000-0000-000000000000")).func.model_admin, GoalAdmin)


def test_list_reads_the_replica_and_the_change_form_the_primary(replica, staff, goal):
    with replica.replay_paused():
        retitle_on_primary(goal, "changed on the primary")
        assert "as it was" in page(staff, CHANGELIST)
        assert "changed on the primary" not in page(staff, CHANGELIST)
        assert "changed on the primary" in page(staff, change_url(goal.pk))
        assert page(staff, f"/admin/insights/test-goal-title/{goal.pk}/") == "as it was"
        assert "as it was" in page(staff, CHANGELIST + "?q=replica")  # search too
    replica.wait_caught_up()
    assert "changed on the primary" in page(staff, CHANGELIST)


def test_the_activity_log_list_with_its_filters_reads_the_replica(replica, staff, empty_aria_tables):
    """Its filters read the values present with raw SQL (a WITH RECURSIVE
    query), and the count an estimate: all on the replica too."""
    pk = insert_as_aria(ActivityLog, action="logged as it was", skill="replica-skill")
    with replica.replay_paused():
        ActivityLog.objects.filter(pk=pk).update(action="logged on the primary", skill="primary-skill")
        body = page(staff, "/admin/data_app/activitylog/")
    assert "logged as it was" in body and "replica-skill" in body
    assert "logged on the primary" not in body and "primary-skill" not in body


def test_read_only_record_view_reads_the_replica(replica, goal):
    ensure_groups()
    viewer = User.objects.create_user("viewer", password="x-Strong-pass-1", is_staff=True)
    viewer.groups.add(Group.objects.get(name=VIEWERS))
    client = Client()
    client.force_login(viewer)
    with replica.replay_paused():
        retitle_on_primary(goal, "changed on the primary")
        body = page(client, change_url(goal.pk))
    assert "as it was" in body and "changed on the primary" not in body


def test_after_a_write_the_rest_of_the_request_reads_the_primary(replica, staff, goal):
    with replica.replay_paused():
        assert page(staff, f"/admin/insights/test-goal-title/{goal.pk}/?write=written+in+this+request") == "written in this request"


def test_a_user_who_saved_reads_the_primary_until_the_pin_expires(replica, staff, goal, settings):
    settings.ARIA_READ_PIN_SECONDS = 3
    from tests.html_forms import form_data

    form = form_data(page(staff, change_url(goal.pk)), "goal_form")
    form["title"] = "saved by the operator"
    with replica.replay_paused():
        saved = staff.post(change_url(goal.pk), form)
        assert saved.status_code == 302
        assert "saved by the operator" in page(staff, CHANGELIST)  # pinned: the primary
        other = Client()  # another user is not pinned: the replica, still behind
        other.force_login(User.objects.create_superuser("other", "o@example.org", "x-Strong-pass-1"))
        assert "saved by the operator" not in page(other, CHANGELIST)
        time.sleep(3.1)
        body = page(staff, CHANGELIST)
        assert "as it was" in body and "saved by the operator" not in body  # pin expired: the replica


def test_a_lagging_replica_is_skipped_and_reported(replica, staff, goal, settings, client):
    settings.ARIA_REPLICA_MAX_LAG_SECONDS = 1
    with replica.replay_paused():
        retitle_on_primary(goal, "changed on the primary")
        time.sleep(1.3)
        assert "changed on the primary" in page(staff, CHANGELIST)  # not the lagging replica
        assert status.status_of(REPLICA_ALIAS).state == status.LAGGING
        index = page(staff, "/admin/")
        assert "All pages read from the primary" in index and f"{REPLICA_ALIAS} is lagging" in index
        health = json.loads(client.get("/healthz").content)
        assert health["status"] == "ok"
        assert health["replicas"][REPLICA_ALIAS]["state"] == "lagging"
        assert health["replicas"][REPLICA_ALIAS]["lag_seconds"] > 1


def test_healthz_and_the_dashboard_report_a_replica_in_use(replica, staff, client):
    replica.wait_caught_up()
    health = json.loads(client.get("/healthz").content)
    assert health["replicas"] == {REPLICA_ALIAS: {"state": "ok", "lag_seconds": health["replicas"][REPLICA_ALIAS]["lag_seconds"]}}
    assert health["replicas"][REPLICA_ALIAS]["lag_seconds"] < 30
    assert "read from a replica: replica_1" in page(staff, "/admin/")


def test_an_unreachable_replica_falls_back_to_the_primary_within_two_seconds(replica, staff, goal, settings):
    """A replica address that never answers (a blackholed TCP address): the
    connect timeout (2 s) bounds the wait; then the back-off skips it."""
    settings.DATABASES[REPLICA_ALIAS]["HOST"], settings.DATABASES[REPLICA_ALIAS]["PORT"] = "10.255.255.1", "5432"
    connections[REPLICA_ALIAS].close()
    try:
        started = time.monotonic()
        assert "as it was" in page(staff, CHANGELIST)
        first = time.monotonic() - started
        marked = status.status_of(REPLICA_ALIAS).checked_at
        started = time.monotonic()
        assert "as it was" in page(staff, CHANGELIST)
        second = time.monotonic() - started
        assert status.status_of(REPLICA_ALIAS).checked_at == marked  # backing off: not tried again
    finally:
        settings.DATABASES[REPLICA_ALIAS]["HOST"], settings.DATABASES[REPLICA_ALIAS]["PORT"] = str(replica.root), str(replica.port)
        connections[REPLICA_ALIAS].close()
    assert status.status_of(REPLICA_ALIAS).state == status.UNAVAILABLE
    assert first < 2 + second + 1.0, (first, second)  # the connect timeout, plus the page itself


def test_a_stopped_replica_falls_back_to_the_primary_and_is_reported(replica, staff, goal, client):
    replica.wait_caught_up()
    assert "as it was" in page(staff, CHANGELIST)  # connected to the replica
    replica.stop()
    try:
        retitle_on_primary(goal, "changed while the replica is down")
        started = time.monotonic()
        assert "changed while the replica is down" in page(staff, CHANGELIST)
        assert time.monotonic() - started < 2
        assert status.status_of(REPLICA_ALIAS).state == status.UNAVAILABLE
        health = json.loads(client.get("/healthz").content)
        assert health["status"] == "ok" and health["replicas"][REPLICA_ALIAS]["state"] == "unavailable"
    finally:
        connections[REPLICA_ALIAS].close()
        replica.start()
