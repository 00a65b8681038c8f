"""Goals: search and edit, the board's drag and drop and its no-JS forms, bulk actions."""

import re

import pytest
from playwright.sync_api import expect

from data_app import domain
from data_app.models import Goal

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHANGELIST = "/admin/data_app/goal/"
BOARD = "/admin/data_app/goal/board/"
SPRINT = "sprint-7"


def make_goal(goal_id, title, column="todo", position=0, **fields):
    return Goal.objects.create(
        goal_id=goal_id,
        title=title,
        sprint=SPRINT,
        board_column=column,
        status=domain.COLUMN_TO_STATUS[column],
        position=position,
        **fields,
    )


def column(page, name):
    return page.locator(f'.board-column[data-column="{name}"]')


def card(page, title):
    return page.locator(".card", has=page.get_by_role("link", name=title, exact=True))


def drag_card(page, title, target, **options):
    """Grab the card by its priority badge (its middle is the move form) and drop it."""
    card(page, title).locator(".priority-badge").drag_to(target, **options)


def card_titles(page, name):
    return column(page, name).locator(".card header a")


def test_find_a_goal_by_search_and_edit_its_title(admin_user_page):
    make_goal("g-lamp", "Fix the reading lamp")
    make_goal("g-plant", "Water the plants")
    page = admin_user_page

    page.goto(CHANGELIST)
    page.locator("#searchbar").fill("lamp")
    page.locator("#changelist-search").get_by_role("button", name="Search").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list")).not_to_contain_text("Water the plants")

    page.get_by_role("link", name="Fix the reading lamp").click()
    page.get_by_label("Title").fill("Replace the reading lamp bulb")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    expect(page.locator("#result_list")).to_contain_text("Replace the reading lamp bulb")
    assert Goal.objects.get(goal_id="g-lamp").title == "Replace the reading lamp bulb"


def test_drag_a_card_to_doing_then_reorder_within_the_column(admin_user_page):
    make_goal("g-1", "Write the release notes", "todo", 0)
    make_goal("g-2", "Review the backup job", "doing", 0)
    make_goal("g-3", "Tune the heartbeat", "doing", 1)
    page = admin_user_page

    page.goto(BOARD)
    expect(card_titles(page, "todo")).to_have_text(["Write the release notes"])
    # Dropped on the column's heading: above every card, so first in the column.
    drag_card(page, "Write the release notes", column(page, "doing").locator("h2"))
    expect(page.locator(".messagelist")).to_contain_text(
        "Moved “Write the release notes” to Doing, position 0 (status active)."
    )

    page.reload()
    expect(card_titles(page, "todo")).to_have_count(0)
    expect(card_titles(page, "doing")).to_have_text(
        ["Write the release notes", "Review the backup job", "Tune the heartbeat"]
    )
    page.goto(f"{CHANGELIST}?q=g-1")
    expect(page.locator("#result_list tbody tr .field-status")).to_have_text("Active")
    assert Goal.objects.get(goal_id="g-1").status == "active"

    page.goto(BOARD)
    # Dropped on the top edge of the column's first card: takes its place.
    first_card = card(page, "Write the release notes")
    drag_card(page, "Tune the heartbeat", first_card, target_position={"x": 20, "y": 4})
    expect(page.locator(".messagelist")).to_contain_text("Moved “Tune the heartbeat” to Doing, position 0.")
    page.reload()
    expect(card_titles(page, "doing")).to_have_text(
        ["Tune the heartbeat", "Write the release notes", "Review the backup job"]
    )


def test_move_a_card_without_javascript(no_js_admin_page):
    make_goal("g-1", "Renew the certificate", "todo", 0)
    make_goal("g-2", "Archive old logs", "doing", 0)
    page = no_js_admin_page

    page.goto(BOARD)
    moving = card(page, "Renew the certificate")
    moving.get_by_label("column").select_option("doing")
    moving.get_by_label("position").fill("0")
    moving.get_by_role("button", name="Move").click()

    expect(page.locator(".messagelist")).to_contain_text(
        "Moved “Renew the certificate” to Doing, position 0 (status active)."
    )
    expect(card_titles(page, "doing")).to_have_text(["Renew the certificate", "Archive old logs"])
    expect(card_titles(page, "todo")).to_have_count(0)
    assert Goal.objects.get(goal_id="g-1").status == "active"


def test_bulk_action_on_selected_goals_reports_the_count(admin_user_page):
    titles = ["Clean the inbox", "Rotate the keys", "Prune old sessions", "Leave me alone"]
    for n, title in enumerate(titles):
        make_goal(f"g-{n}", title, priority=3)
    page = admin_user_page

    page.goto(CHANGELIST)
    for title in titles[:3]:
        page.locator("#result_list tr", has_text=title).locator("input.action-select").check()
    expect(page.locator(".action-counter")).to_contain_text("3 of 4 selected")
    page.locator("select[name=action]").select_option(label="Set priority of selected goals")
    page.locator("select[name=priority]").select_option("1")
    page.get_by_role("button", name=re.compile("^(Go|Run)$")).click()

    expect(page.locator(".messagelist .success")).to_have_text("Set priority 1 on 3 goals.")
    for title in titles[:3]:
        expect(page.locator("#result_list tr", has_text=title).locator(".field-priority")).to_have_text("urgent")
    expect(page.locator("#result_list tr", has_text="Leave me alone").locator(".field-priority")).to_have_text("normal")
