"""Staff edits survive Aria's restarts: every dashboard write to llm_models or
agent_state sets app_managed = true in the same UPDATE (Aria's start-up sync
skips those rows); "Hand back to Aria's files" sets it false, confirmed and
audited; the lists say who manages each row."""

import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from engine_app.models import EngineAgentState, LlmModelEntry
from tests.html_forms import form_data
from tests.sample_rows import insert_as_aria
from tests.test_admin_support import admin_url, superuser_client  # noqa: F401
from tests.test_roles import operator_client, viewer_client  # noqa: F401

MANAGED = [LlmModelEntry, EngineAgentState]
# Actions that do not write the row's columns as staff edits (deletion) or
# that exist to undo the mark.
NOT_EDITS = {"delete_selected", "hand_back_to_files"}


def row(model, key, **values):
    """A row as Aria's sync leaves it: app_managed false."""
    pk_column = model._meta.pk.column
    return insert_as_aria(model, **{pk_column: key, "app_managed": False, **values})


def app_managed(model, pk):
    return model._default_manager.filter(pk=pk).values_list("app_managed", flat=True).get()


def updates_of(captured, model):
    table = model._meta.db_table
    return [q["sql"] for q in captured if q["sql"].startswith("UPDATE") and table in q["sql"]]


def edit_actions(model, user):
    request = RequestFactory().get("/")
    request.user = user
    return sorted(set(admin.site._registry[model].get_actions(request)) - NOT_EDITS)


def superuser():
    from django.contrib.auth.models import User

    return User.objects.get(username="boss")


ACTION_CASES = [(LlmModelEntry, "enable_selected"), (LlmModelEntry, "disable_selected"),
                (EngineAgentState, "enable_agents"), (EngineAgentState, "disable_agents"),
                (EngineAgentState, "reset_consecutive_failures")]


@pytest.mark.parametrize("model", MANAGED, ids=lambda m: m._meta.model_name)
def test_every_action_of_the_admin_is_covered_below(superuser_client, model):
    """A new action on these admins must join ACTION_CASES (and so be proven to mark)."""
    assert edit_actions(model, superuser()) == sorted(a for m, a in ACTION_CASES if m is model)


@pytest.mark.parametrize("model, action", ACTION_CASES, ids=lambda v: v if isinstance(v, str) else "")
def test_every_bulk_action_marks_the_rows_in_its_one_update(superuser_client, model, action):
    selected, untouched = [row(model, f"r-{i}") for i in range(2)], row(model, "r-other")
    with CaptureQueriesContext(connection) as captured:
        response = superuser_client.post(
            admin_url(model, "changelist"), {"action": action, "_selected_action": selected}, follow=True
        )
    assert response.status_code == 200
    [update] = updates_of(captured, model)
    assert "app_managed" in update
    assert [app_managed(model, pk) for pk in selected] == [True, True]
    assert app_managed(model, untouched) is False


@pytest.mark.parametrize("model", MANAGED, ids=lambda m: m._meta.model_name)
def test_the_change_form_marks_the_row_in_its_one_update(superuser_client, model):
    pk = row(model, "edited")
    change = admin_url(model, "change", pk)
    data = form_data(superuser_client.get(change).content.decode(), f"{model._meta.model_name}_form")
    assert "app_managed" not in data  # shown in words, never edited by hand
    data["max_tokens"] = "1234"
    with CaptureQueriesContext(connection) as captured:
        response = superuser_client.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    [update] = updates_of(captured, model)
    assert "app_managed" in update and "max_tokens" in update
    assert app_managed(model, pk) is True
    assert "dashboard" in superuser_client.get(change).content.decode()


def test_the_add_forms_mark_the_new_rows(superuser_client):
    llm = form_data(superuser_client.get(admin_url(LlmModelEntry, "add")).content.decode(), "llmmodelentry_form")
    llm.update(id="added-model", name="Added")
    assert superuser_client.post(admin_url(LlmModelEntry, "add"), llm).status_code == 302
    assert app_managed(LlmModelEntry, "added-model") is True
    agent = form_data(superuser_client.get(admin_url(EngineAgentState, "add")).content.decode(), "engineagentstate_form")
    agent.update(agent_id="added-agent", model="kimi")
    assert superuser_client.post(admin_url(EngineAgentState, "add"), agent).status_code == 302
    assert app_managed(EngineAgentState, "added-agent") is True


def test_reordering_in_the_list_marks_only_the_reordered_row(superuser_client):
    first, second = row(LlmModelEntry, "first", sort_order=1), row(LlmModelEntry, "second", sort_order=2)
    changelist = admin_url(LlmModelEntry, "changelist")
    data = form_data(superuser_client.get(changelist).content.decode(), "changelist-form")
    forms = {data[f"form-{i}-id"]: i for i in range(int(data["form-TOTAL_FORMS"]))}
    data[f"form-{forms[second]}-sort_order"] = "0"
    data["_save"] = "Save"
    with CaptureQueriesContext(connection) as captured:
        assert superuser_client.post(changelist, data).status_code == 302
    [update] = updates_of(captured, LlmModelEntry)
    assert "app_managed" in update
    assert (app_managed(LlmModelEntry, second), app_managed(LlmModelEntry, first)) == (True, False)


@pytest.mark.parametrize("model", MANAGED, ids=lambda m: m._meta.model_name)
def test_lists_say_who_manages_each_row_and_filter_on_it(superuser_client, model):
    row(model, "from-files")
    row(model, "from-dashboard", app_managed=True)
    changelist = admin_url(model, "changelist")
    page = superuser_client.get(changelist).content.decode()
    assert "managed by" in page.lower() and "Aria&#x27;s files" in page and "dashboard" in page
    dashboard = superuser_client.get(changelist + "?managed_by=dashboard").content.decode()
    files = superuser_client.get(changelist + "?managed_by=files").content.decode()
    assert "from-dashboard" in dashboard and "from-files" not in dashboard
    assert "from-files" in files and "from-dashboard" not in files


def hand_back(client, model, pks, **extra):
    return client.post(
        admin_url(model, "changelist"),
        {"action": "hand_back_to_files", "_selected_action": pks, **extra},
        follow=True,
    )


@pytest.mark.parametrize("model", MANAGED, ids=lambda m: m._meta.model_name)
def test_hand_back_asks_first_then_unmarks_with_history(superuser_client, model):
    pks = [row(model, f"hb-{i}", app_managed=True) for i in range(2)]
    kept = row(model, "hb-kept", app_managed=True)

    asked = hand_back(superuser_client, model, pks)
    html = asked.content.decode()
    assert asked.status_code == 200 and "Hand back to Aria&#x27;s files?" in html
    assert 'name="post" value="yes"' in html and all(f'value="{pk}"' in html for pk in pks)
    assert [app_managed(model, pk) for pk in pks] == [True, True]  # nothing yet
    assert not LogEntry.objects.exists()

    with CaptureQueriesContext(connection) as captured:
        done = hand_back(superuser_client, model, pks, post="yes")
    assert len(updates_of(captured, model)) == 1
    assert any("back to Aria's files" in str(m) for m in done.context["messages"])
    assert [app_managed(model, pk) for pk in pks] == [False, False]
    assert app_managed(model, kept) is True
    entries = LogEntry.objects.filter(action_flag=CHANGE)
    assert sorted(e.object_id for e in entries) == sorted(pks)
    assert all("Handed back to Aria's files" in e.get_change_message() for e in entries)


def test_operators_hand_back_and_viewers_cannot(operator_client, client):  # noqa: F811
    pk = row(LlmModelEntry, "op", app_managed=True)
    hand_back(operator_client, LlmModelEntry, [pk], post="yes")
    assert app_managed(LlmModelEntry, pk) is False


def test_viewers_cannot_hand_back(viewer_client):  # noqa: F811
    pk = row(LlmModelEntry, "viewed", app_managed=True)
    response = hand_back(viewer_client, LlmModelEntry, [pk], post="yes")
    assert response.status_code in (200, 403)
    assert app_managed(LlmModelEntry, pk) is True


def import_models(*args):
    from io import StringIO

    from django.core.management import call_command

    from tests.test_llm_models import MODELS_YAML

    out = StringIO()
    call_command("import_llm_models", str(MODELS_YAML), *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_import_skips_dashboard_managed_models_unless_forced():
    import_models()
    LlmModelEntry.objects.filter(pk="kimi").update(context_window=1, app_managed=True)
    LlmModelEntry.objects.filter(pk="qwen3-mlx").update(context_window=2)  # Aria's files: follows the file

    dry = import_models("--dry-run")
    assert "would skip kimi (managed by the dashboard)" in dry
    assert dry.strip().endswith("updated 1, unchanged 25, skipped 1 managed by the dashboard (--force overwrites them)")

    out = import_models()
    assert out.strip() == "inserted 0, updated 1, unchanged 25, skipped 1 managed by the dashboard (--force overwrites them)"
    assert LlmModelEntry.objects.get(pk="kimi").context_window == 1  # the staff edit survives
    assert LlmModelEntry.objects.get(pk="qwen3-mlx").context_window == 32768

    assert import_models("--force").strip() == "inserted 0, updated 1, unchanged 26"
    kimi = LlmModelEntry.objects.get(pk="kimi")
    assert (kimi.context_window, kimi.app_managed) == (256000, True)  # the import never marks or unmarks
