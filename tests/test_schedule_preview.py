"""The cron form's live preview endpoint and the form's own schedule error."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from engine_app.models import EngineCronJob
from tests.html_forms import form_data

PREVIEW = "/admin/engine_app/enginecronjob/schedule-preview/"
ADD = "/admin/engine_app/enginecronjob/add/"
UTC_TEXT = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$")


@pytest.fixture
def staff(client, db):
    client.force_login(User.objects.create_superuser("boss", "boss@example.com", None))
    return client


def test_a_valid_schedule_gives_its_meaning_and_the_next_three_runs(staff):
    response = staff.get(PREVIEW, {"schedule": "0 18 */2 * *"})
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True and body["meaning"] == "At 18:00, every 2 days (UTC)"
    assert len(body["next_runs"]) == 3
    for run in body["next_runs"]:
        assert UTC_TEXT.match(run["text"]) and run["text"].endswith("18:00:00 UTC")
        assert re.match(r"^\d{4}-\d\d-\d\dT18:00:00Z$", run["datetime"])
        assert run["relative"].startswith("in ")


def test_an_interval_runs_from_now(staff):
    body = staff.get(PREVIEW, {"schedule": "15m"}).json()
    assert body["meaning"] == "Every 15 minutes"
    assert [run["relative"] for run in body["next_runs"]] == ["in 15 min", "in 30 min", "in 45 min"]


def test_an_out_of_range_minute_is_named_with_its_reason(staff):
    response = staff.get(PREVIEW, {"schedule": "61 * * * *"})
    assert response.status_code == 400
    assert response.json() == {
        "ok": False,
        "field": "schedule",
        "errors": ["'61 * * * *' is not a schedule Aria accepts: minute 61 is out of range 0-59."],
    }


def test_the_preview_checks_exactly_what_the_form_checks(staff):
    # The form field's own checks come first, as in the form.
    assert staff.get(PREVIEW, {"schedule": ""}).json()["errors"] == ["This field is required."]
    long = staff.get(PREVIEW, {"schedule": "1" * 101}).json()["errors"]
    assert long == ["Ensure this value has at most 100 characters (it has 101)."]


def test_the_form_names_the_field_and_the_reason_and_keeps_the_input(staff):
    data = form_data(staff.get(ADD).content.decode())
    data.update({"id": "nightly", "name": "Nightly", "schedule": "61 * * * *", "payload": "Summarise."})
    response = staff.post(ADD, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors == {"schedule": ["'61 * * * *' is not a schedule Aria accepts: minute 61 is out of range 0-59."]}
    page = response.content.decode()
    assert 'value="61 * * * *"' in page
    assert not EngineCronJob.objects.exists()


def test_anonymous_and_staff_without_permission_are_refused(db):
    anonymous = Client()
    response = anonymous.get(PREVIEW, {"schedule": "15m"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    clerk = Client()
    clerk.force_login(User.objects.create_user("clerk", is_staff=True))
    response = clerk.get(PREVIEW, {"schedule": "15m"})
    assert response.status_code == 403 and response.json()["ok"] is False


def test_only_get(staff):
    assert staff.post(PREVIEW, {"schedule": "15m"}).status_code == 405
