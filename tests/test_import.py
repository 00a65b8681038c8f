"""Import of goals, cron jobs and LLM models from their exported CSV: a dry
run showing each row's changes, one transaction, a bad row named by its
line with nothing written, and the tables' own rules (form validation,
stale rows, Aria's files, app_managed, history, secrets)."""

import csv
import io

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.functions import Now
from django.test import Client
from django.urls import reverse

from aria_admin.audit import EXPORT
from data_app.models import Goal
from engine_app.models import EngineCronJob, LlmModelEntry
from tests.sample_rows import insert_as_aria, orm_values
from tests.test_aria_files import CRON_YAML  # noqa: F401  (Aria's cron file, as the file-owned tests use it)

RAW = "sk-live-0123456789abcdefWXYZ"


@pytest.fixture
def superuser_client(client, db):
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.org", "x-Strong-pass-1"))
    return client


def history():
    """History entries of rows (exports have their own audit entries)."""
    return LogEntry.objects.exclude(action_flag=EXPORT)


def url(model, view):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")


def exported(client, model, query=""):
    response = client.get(url(model, "export") + f"?{query}&format=csv")
    return b"".join(response.streaming_content).decode()


def edit(text, key, **changes):
    """The CSV ``text`` with ``changes`` (column: value) applied to the row whose first column is ``key``."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = rows[0]
    for row in rows[1:]:
        if row[0] == key:
            for column, value in changes.items():
                row[header.index(column)] = value
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def preview(client, model, text, **extra):
    upload = SimpleUploadedFile("export.csv", text.encode(), content_type="text/csv")
    return client.post(url(model, "import"), {"file": upload, "preview": "Preview", **extra})


def commit(client, model, text, **extra):
    return client.post(url(model, "import"), {"csv_text": text, "import": "Import", **extra})


@pytest.fixture
def goals(db):
    return [
        insert_as_aria(Goal, goal_id=f"G-{i}", title=f"Goal {i}", status="pending", board_column="todo", priority=2)
        for i in range(3)
    ]


def test_the_goal_list_links_to_import(superuser_client, goals):
    page = superuser_client.get(url(Goal, "changelist")).content.decode()
    assert url(Goal, "import") in page and "Import CSV" in page


def test_dry_run_shows_each_rows_changes_and_writes_nothing(superuser_client, goals):
    text = exported(superuser_client, Goal)
    first = Goal.objects.get(goal_id="G-1")
    text = edit(text, str(first.pk), title="Renamed, with \"quotes\"", priority="4")
    response = preview(superuser_client, Goal, text)
    assert response.status_code == 200
    assert response.context["problems"] == []
    rows = {row["key"]: row for row in response.context["rows"]}
    assert rows[str(first.pk)]["action"] == "change"
    changes = {label.lower(): (old, new) for label, old, new in rows[str(first.pk)]["changes"]}
    assert changes["title"] == ("Goal 1", 'Renamed, with "quotes"')
    assert changes["priority"] == (2, 4)
    assert [r["action"] for r in response.context["rows"]].count("unchanged") == 2
    page = response.content.decode()
    assert "1 to change" in page and "Import these rows" in page
    assert Goal.objects.get(pk=first.pk).title == "Goal 1"  # a dry run
    assert not history()


def test_import_writes_the_changes_with_history(superuser_client, goals):
    first = Goal.objects.get(goal_id="G-1")
    text = edit(exported(superuser_client, Goal), str(first.pk), title="Renamed", status="completed")
    response = commit(superuser_client, Goal, text)
    assert response.status_code == 302
    saved = Goal.objects.get(pk=first.pk)
    assert saved.title == "Renamed" and saved.status == "completed"
    assert saved.board_column == "done"  # the status <-> column rule of the change form
    assert saved.completed_at is not None
    (entry,) = LogEntry.objects.filter(action_flag=CHANGE)
    assert entry.object_id == str(first.pk) and "Title" in entry.get_change_message()
    assert Goal.objects.get(goal_id="G-0").title == "Goal 0"


def test_a_new_row_is_added(superuser_client, goals):
    text = exported(superuser_client, Goal)
    header = text.split("\n", 1)[0].split(",")
    new = dict.fromkeys(header, "")
    new.update(goal_id="G-new", title="Brand new", status="pending", priority="3", progress="0", position="0",
               sprint="backlog", board_column="backlog", tags="[]")
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerow([new[h] for h in header])
    response = commit(superuser_client, Goal, text + out.getvalue())
    assert response.status_code == 302, response.context and response.context["problems"]
    assert Goal.objects.get(goal_id="G-new").title == "Brand new"
    assert LogEntry.objects.filter(action_flag=ADDITION).count() == 1


def cron_job(pk, **values):
    defaults = {"name": pk, "schedule": "15m", "payload": "Do it.", "agent_id": "aria", "retry_count": 1}
    return insert_as_aria(EngineCronJob, id=pk, **{**defaults, **values})


def test_a_bad_row_is_named_by_its_line_and_nothing_is_written(superuser_client, db):
    for pk in ("a_job", "b_job", "c_job"):
        cron_job(pk)
    text = exported(superuser_client, EngineCronJob, "o=1")  # by id: a_job, b_job, c_job
    # A payload over two lines pushes the next rows' lines down by one.
    text = edit(text, "a_job", payload="line one\r\nline two", name="A renamed")
    text = edit(text, "c_job", schedule="every tuesday-ish")
    lines = text.split("\r\n")
    bad_line = next(i for i, line in enumerate(lines, 1) if line.startswith("c_job,"))
    assert bad_line == 5
    for send in (preview, commit):
        response = send(superuser_client, EngineCronJob, text)
        assert response.status_code == 200
        problems = response.context["problems"]
        assert len(problems) == 1 and problems[0].startswith(f"Line {bad_line}: schedule: ")
        assert "Nothing was written" in response.content.decode()
    assert EngineCronJob.objects.get(pk="a_job").name == "a_job"
    assert EngineCronJob.objects.get(pk="c_job").schedule == "15m"
    assert not history()


def test_a_row_changed_after_the_export_is_refused(superuser_client, goals):
    first = Goal.objects.get(goal_id="G-1")
    text = edit(exported(superuser_client, Goal), str(first.pk), title="Mine")
    # Aria or a colleague, meanwhile (every writer of goals sets updated_at).
    Goal.objects.filter(pk=first.pk).update(title="Theirs", updated_at=Now())
    response = commit(superuser_client, Goal, text)
    (problem,) = response.context["problems"]
    assert problem.startswith("Line ") and "changed after the export" in problem
    assert Goal.objects.get(pk=first.pk).title == "Theirs"


def test_rows_aria_s_cron_file_owns_need_the_confirmation(superuser_client, tmp_path, settings):
    path = tmp_path / "cron_jobs.yaml"
    path.write_text(CRON_YAML)
    settings.ARIA_CRON_JOBS_YAML = str(path)
    cron_job("work_cycle", schedule="15m")
    text = edit(exported(superuser_client, EngineCronJob), "work_cycle", schedule="1h")
    refused = commit(superuser_client, EngineCronJob, text)
    assert refused.status_code == 200, (refused.status_code, refused.get("Location"), text)
    (problem,) = refused.context["problems"]
    assert problem.startswith("Line 2: confirm_file_reset: ") and "Schedule" in problem
    assert EngineCronJob.objects.get(pk="work_cycle").schedule == "15m"
    assert commit(superuser_client, EngineCronJob, text, confirm_file_reset="on").status_code == 302
    assert EngineCronJob.objects.get(pk="work_cycle").schedule == "1h"


def test_llm_import_keeps_secrets_and_marks_rows_app_managed(superuser_client, db):
    LlmModelEntry.objects.create(
        **{**orm_values(LlmModelEntry), "id": "m1", "name": "Model one", "litellm_api_key": RAW,
           "extra": {"api_key": RAW, "region": "eu"}, "app_managed": False}
    )
    text = exported(superuser_client, LlmModelEntry)
    assert RAW not in text and "set (ends ...WXYZ)" in text
    text = edit(text, "m1", name="Model one, renamed")
    shown = preview(superuser_client, LlmModelEntry, text)
    assert RAW not in shown.content.decode()
    assert commit(superuser_client, LlmModelEntry, text).status_code == 302
    saved = LlmModelEntry.objects.get(pk="m1")
    assert saved.name == "Model one, renamed"
    assert saved.litellm_api_key == RAW and saved.extra == {"api_key": RAW, "region": "eu"}
    assert saved.app_managed is True  # Aria's start-up sync now leaves it alone


def test_a_mask_that_matches_no_stored_secret_is_refused(superuser_client, db):
    LlmModelEntry.objects.create(**{**orm_values(LlmModelEntry), "id": "m1", "extra": {"api_key": RAW}})
    text = edit(exported(superuser_client, LlmModelEntry), "m1", extra='{"api_key": "set (ends ...ABCD)"}')
    (problem,) = commit(superuser_client, LlmModelEntry, text).context["problems"]
    assert problem.startswith("Line 2: extra: ") and "mask" in problem
    assert LlmModelEntry.objects.get(pk="m1").extra == {"api_key": RAW}


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\xff\xfe not utf-8", "not UTF-8"),
        (b"id,name\r\nx,\x00y\r\n", "NUL"),
        (b"id,name\r\nx,y\r\n", "columns missing"),
        (b"", "empty"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(superuser_client, goals, content, message):
    upload = SimpleUploadedFile("export.csv", content, content_type="text/csv")
    response = superuser_client.post(url(Goal, "import"), {"file": upload, "preview": "Preview"})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not history()


def test_import_needs_the_change_permission(viewer_client, goals):
    anonymous = Client().get(url(Goal, "import"))
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert viewer_client.get(url(Goal, "import")).status_code == 403
    assert url(Goal, "import") not in viewer_client.get(url(Goal, "changelist")).content.decode()
