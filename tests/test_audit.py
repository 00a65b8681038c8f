"""Every dashboard change is in the admin history; "Recent changes" lists
them all, filtered by user, table and date, newest first."""

import json
from datetime import timedelta

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from data_app.models import Goal
from engine_app.models import LlmModelEntry
from tests.html_forms import form_data
from tests.sample_rows import insert_as_aria

PAGE = "/admin/recent-changes/"


@pytest.fixture
def alice(db):
    return get_user_model().objects.create_superuser("alice", "a@example.org", "x-Strong-pass-1")


@pytest.fixture
def bob(db):
    return get_user_model().objects.create_superuser("bob", "b@example.org", "x-Strong-pass-2")


def log(user, obj, message, when=None, flag=CHANGE):
    entry = LogEntry.objects.log_actions(
        user_id=user.pk, queryset=[obj], action_flag=flag, change_message=message, single_object=True
    )
    if when:
        LogEntry.objects.filter(pk=entry.pk).update(action_time=when)
    return entry


def rows(response):
    """The table rows of the page, as text, in order."""
    import re

    body = response.content.decode().split('<table id="recent-changes">', 1)[1].split("</table>")[0]
    return [re.sub(r"<[^>]+>", " ", row) for row in body.split("<tr>")[2:]]


def test_a_form_save_records_who_when_and_which_fields(client, alice):
    client.force_login(alice)
    pk = insert_as_aria(Goal, goal_id="g-audit", title="Before")
    change_url = reverse("admin:data_app_goal_change", args=[pk])
    data = form_data(client.get(change_url).content, "goal_form")

    before = timezone.now()
    client.post(change_url, {**data, "title": "After", "priority": "4", "_save": "Save"})
    after = timezone.now()

    entry = LogEntry.objects.get(object_id=str(pk))
    assert entry.user == alice and entry.action_flag == CHANGE
    assert before <= entry.action_time <= after
    changed = json.loads(entry.change_message)[0]["changed"]["fields"]
    assert set(changed) == {"Title", "Priority"}
    assert entry.get_change_message() == "Changed Title and Priority."


def test_recent_changes_lists_everyones_changes_newest_first(client, alice, bob):
    goal = Goal.objects.get(pk=insert_as_aria(Goal, goal_id="g-1", title="First goal"))
    model = LlmModelEntry.objects.get(pk=insert_as_aria(LlmModelEntry, id="m-1", name="Model one"))
    log(alice, goal, "Old change", when=timezone.now() - timedelta(days=3))
    log(bob, model, [{"changed": {"fields": ["Context window"]}}])
    client.force_login(alice)

    response = client.get(PAGE)

    assert response.status_code == 200
    listed = rows(response)
    assert "bob" in listed[0] and "Model one" in listed[0] and "Changed Context window." in listed[0]
    assert "alice" in listed[1] and "First goal" in listed[1] and "Old change" in listed[1]


def test_recent_changes_filters_by_user_table_and_dates(client, alice, bob):
    goal = Goal.objects.get(pk=insert_as_aria(Goal, goal_id="g-2", title="A goal"))
    model = LlmModelEntry.objects.get(pk=insert_as_aria(LlmModelEntry, id="m-2", name="A model"))
    today = timezone.localdate()
    log(alice, goal, "alice on a goal, last week", when=timezone.now() - timedelta(days=7))
    log(alice, model, "alice on a model, today")
    log(bob, goal, "bob on a goal, today")
    client.force_login(alice)
    goal_type = ContentType.objects.get_for_model(Goal).pk

    def messages(**query):
        return [r for r in rows(client.get(PAGE, query)) if "No changes match" not in r]

    assert [m for m in messages(user=bob.pk) if "bob on a goal" in m] and len(messages(user=bob.pk)) == 1
    assert len(messages(table=goal_type)) == 2
    assert len(messages(user=alice.pk, table=goal_type)) == 1
    since = (today - timedelta(days=1)).isoformat()
    assert len(messages(since=since)) == 2
    until = (today - timedelta(days=2)).isoformat()
    only_old = messages(until=until)
    assert len(only_old) == 1 and "last week" in only_old[0]


def test_bad_filters_give_form_errors_not_a_500(client, alice):
    client.force_login(alice)

    reversed_range = client.get(PAGE, {"since": "2026-02-01", "until": "2026-01-01"})
    not_a_date = client.get(PAGE, {"since": "yesterday-ish", "user": "999999", "table": "x"})

    assert reversed_range.status_code == 200
    assert "The end date is before the start date." in reversed_range.content.decode()
    assert not_a_date.status_code == 200
    assert "Enter a valid date." in not_a_date.content.decode()


def test_recent_changes_is_paginated(client, alice):
    goal = Goal.objects.get(pk=insert_as_aria(Goal, goal_id="g-3", title="Busy goal"))
    for number in range(55):
        log(alice, goal, f"change {number}")
    client.force_login(alice)

    first = client.get(PAGE)
    second = client.get(PAGE, {"page": 2})

    assert len(rows(first)) == 50 and "change 54" in rows(first)[0]
    assert len(rows(second)) == 5 and "change 0" in rows(second)[-1]
    assert "Page 1 of 2" in first.content.decode()


def test_recent_changes_escapes_what_it_shows(client, alice):
    goal = Goal.objects.get(pk=insert_as_aria(Goal, goal_id="g-4", title="<script>alert(1)</script>"))
    log(alice, goal, '"><img src=x onerror=alert(1)>', flag=ADDITION)
    client.force_login(alice)

    page = client.get(PAGE).content.decode()

    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_recent_changes_is_for_staff_only(client, db):
    anonymous = client.get(PAGE)
    user = get_user_model().objects.create_user("guest", password="x-Strong-pass-3")
    client.force_login(user)
    not_staff = client.get(PAGE)

    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    assert not_staff.status_code == 302 and "/admin/login/" in not_staff["Location"]


def test_the_admin_index_links_to_recent_changes(client, alice):
    client.force_login(alice)

    assert f'href="{PAGE}"' in client.get(reverse("admin:index")).content.decode()


def test_a_viewer_sees_the_history_of_aria_tables_only(client, alice):
    from django.contrib.auth.models import Group

    from aria_admin.roles import VIEWERS, ensure_groups

    ensure_groups()
    viewer = get_user_model().objects.create_user("viewer", password="x-Strong-pass-4", is_staff=True)
    viewer.groups.add(Group.objects.get(name=VIEWERS))
    goal = Goal.objects.get(pk=insert_as_aria(Goal, goal_id="g-5", title="Visible goal"))
    log(alice, goal, "goal change")
    log(alice, viewer, "account change")
    client.force_login(viewer)

    response = client.get(PAGE)
    user_table = ContentType.objects.get_for_model(get_user_model()).pk

    assert [r for r in rows(response) if "goal change" in r]
    assert not [r for r in rows(response) if "account change" in r]
    asking_for_accounts = client.get(PAGE, {"table": user_table})
    assert "Select a valid choice" in asking_for_accounts.content.decode()
    assert not [r for r in rows(asking_for_accounts) if "account change" in r]
