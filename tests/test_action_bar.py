"""The bulk-action bar: each extra field names its action, and a refused
action keeps the selection and says what is missing."""

import re

import pytest
from django.contrib.auth.models import User

from data_app.models import Goal
from tests.sample_rows import orm_values

CHANGELIST = "/admin/data_app/goal/"


@pytest.fixture
def staff(client, db):
    client.force_login(User.objects.create_superuser("boss", "boss@example.com", None))
    return client


def goals(n):
    return [Goal.objects.create(**{**orm_values(Goal), "title": f"Goal {i}", "status": "pending"}) for i in range(n)]


def test_each_extra_field_names_the_action_it_belongs_to(staff):
    goals(1)
    html = staff.get(CHANGELIST).content.decode()
    assert re.search(r'<select name="status"[^>]*data-aria-actions="set_status"', html)
    assert re.search(r'<select name="column"[^>]*data-aria-actions="move_to_column"', html)
    assert re.search(r'<input type="text" name="sprint"[^>]*data-aria-actions="set_sprint"', html)
    assert "aria_admin/action_fields.js" in html


def test_a_missing_status_is_named_and_the_selection_kept(staff):
    first, second, third = goals(3)
    response = staff.post(
        CHANGELIST,
        {"action": "set_status", "status": "", "sprint": "s-7", "_selected_action": [first.pk, third.pk], "index": "0"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "needs a status: choose one and run it again" in html
    assert "the 2 selected row(s) are still selected" in html
    checked = re.findall(r'<input type="checkbox" name="_selected_action" value="([^"]+)"[^>]* checked>', html)
    assert sorted(checked) == sorted([str(first.pk), str(third.pk)]) and str(second.pk) not in checked
    # The action and the values typed stay in the bar.
    assert re.search(r'<option value="set_status" selected>', html)
    assert re.search(r'name="sprint" value="s-7"', html)
    assert set(Goal.objects.values_list("status", flat=True)) == {"pending"}


def test_with_the_status_chosen_the_action_runs(staff):
    first, _ = goals(2)
    response = staff.post(
        CHANGELIST, {"action": "set_status", "status": "active", "_selected_action": [first.pk], "index": "0"}
    )
    assert response.status_code == 302
    assert Goal.objects.get(pk=first.pk).status == "active"
