"""The dashboard index, JSON editing, and what a read-only viewer is offered."""

import pytest
from playwright.sync_api import expect

from data_app.models import Goal, Memory
from engine_app.models import EngineCronJob

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

INVALID_JSON = '{"name": "sencha",\n "steep_seconds": 90,}'


def table_row(page, section, name):
    """The dashboard row of one table, found by its link text."""
    return page.locator(f"#aria-section-{section} tbody tr", has=page.get_by_role("link", name=name, exact=True))


def test_dashboard_index_shows_the_row_counts(admin_user_page):
    for n in range(3):
        Goal.objects.create(goal_id=f"g-{n}", title=f"Goal {n}")
    Memory.objects.create(key="favourite_tea", value={"name": "sencha"})
    Memory.objects.create(key="timezone", value="Europe/Paris")
    EngineCronJob.objects.create(id="work_cycle", name="work_cycle", schedule="15m", payload="Work.")
    page = admin_user_page

    page.goto("/admin/")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(table_row(page, "data_app", "Goals").locator(".aria-rows")).to_have_text("3")
    expect(table_row(page, "data_app", "Memories").locator(".aria-rows")).to_have_text("2")
    expect(table_row(page, "data_app", "Thoughts").locator(".aria-rows")).to_have_text("0")
    expect(table_row(page, "engine_app", "Cron jobs").locator(".aria-rows")).to_have_text("1")
    expect(table_row(page, "engine_app", "LLM models").locator(".aria-rows")).to_have_text("0")


def test_memory_with_invalid_json_shows_the_error_next_to_the_field_and_keeps_the_text(admin_user_page):
    page = admin_user_page

    page.goto("/admin/data_app/memory/add/")
    page.locator("#id_key").fill("favourite_tea")
    page.locator("#id_value").fill(INVALID_JSON)
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".field-value .errorlist")).to_contain_text("Not valid JSON")
    expect(page.locator("#id_value")).to_have_value(INVALID_JSON)
    expect(page.locator("#id_key")).to_have_value("favourite_tea")
    expect(page.locator(".errorlist")).to_have_count(1)
    assert not Memory.objects.exists()

    page.locator("#id_value").fill('{"name": "sencha", "steep_seconds": 90}')
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    memory = Memory.objects.get(key="favourite_tea")
    assert (memory.category, memory.value) == ("general", {"name": "sencha", "steep_seconds": 90})


def test_viewer_sees_no_save_buttons_and_no_bulk_actions(viewer_page):
    goal = Goal.objects.create(goal_id="g-1", title="Tidy the knowledge graph", board_column="todo")
    EngineCronJob.objects.create(id="work_cycle", name="work_cycle", schedule="15m", payload="Work.")
    page = viewer_page

    page.goto("/admin/data_app/goal/")
    expect(page.locator("#result_list")).to_contain_text("Tidy the knowledge graph")
    expect(page.locator("select[name=action]")).to_have_count(0)
    expect(page.locator("input.action-select")).to_have_count(0)

    page.goto(f"/admin/data_app/goal/{goal.pk}/change/")
    expect(page.locator(".field-title")).to_contain_text("Tidy the knowledge graph")
    expect(page.locator("#id_title")).to_have_count(0)
    expect(page.locator(".submit-row input[type=submit], .submit-row button[type=submit]")).to_have_count(0)

    page.goto("/admin/engine_app/enginecronjob/")
    expect(page.locator("#result_list")).to_contain_text("work_cycle")
    expect(page.locator("select[name=action]")).to_have_count(0)

    page.goto("/admin/data_app/goal/board/")
    expect(page.locator(".board-help")).to_contain_text("Read-only")
    expect(page.locator(".card", has_text="Tidy the knowledge graph")).to_be_visible()
    expect(page.locator("form.move")).to_have_count(0)
