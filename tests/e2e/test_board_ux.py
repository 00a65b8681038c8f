"""The goals board by keyboard, on a phone and by touch; archiving a card or the sprint's done goals."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from data_app.models import Goal
from tests.e2e.conftest import logged_in_page, make_user
from tests.e2e.test_goals import BOARD, SPRINT, card, card_titles, column, make_goal

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
MAX_TABS = 10


@pytest.fixture
def phone_page(browser, server, transactional_db):
    page = logged_in_page(browser, server, make_user("phoebe", superuser=True), **PHONE)
    yield page
    page.context.close()


def finished(hours_ago):
    return {"completed_at": timezone.now() - timedelta(hours=hours_ago)}


def announcer(page):
    return page.locator("#board-announcer")


def focused_card_title(page):
    return page.evaluate(
        "() => { const c = document.activeElement; return c && c.classList.contains('card') "
        "? c.querySelector('header a').textContent : null; }"
    )


def test_keyboard_move_from_the_skip_link_announced_and_kept(admin_user_page):
    cards = [("Write the release notes", "todo"), ("Tune the heartbeat", "todo"), ("Review the backup job", "doing")]
    for n, (title, name) in enumerate(cards, start=1):
        make_goal(f"g-{n}", title, name, 0 if name == "doing" else n - 1)
    admin_user_page.goto(BOARD)
    page = admin_user_page
    tabs = 0
    while page.evaluate("() => document.activeElement.textContent") != "Skip to the board":
        page.keyboard.press("Tab")
        tabs += 1
        assert tabs <= MAX_TABS, "no skip link to the board"
    page.keyboard.press("Enter")
    while focused_card_title(page) is None:
        page.keyboard.press("Tab")
        tabs += 1
        assert tabs <= MAX_TABS, f"no card reached in {MAX_TABS} Tab presses"
    assert focused_card_title(page) == "Write the release notes"

    page.keyboard.press("ArrowDown")  # roving focus: the next card of the column
    assert focused_card_title(page) == "Tune the heartbeat"
    page.keyboard.press("Space")
    expect(announcer(page)).to_have_text(
        "Picked up Tune the heartbeat. Column Todo, position 2 of 2. "
        "Arrow keys move it, Space or Enter drops it, Escape cancels."
    )
    page.keyboard.press("ArrowRight")
    expect(announcer(page)).to_have_text("Tune the heartbeat: Column Doing, position 2 of 2.")
    page.keyboard.press("ArrowUp")
    expect(announcer(page)).to_have_text("Tune the heartbeat: Column Doing, position 1 of 2.")
    page.keyboard.press("Space")  # drop: the card's own form is submitted

    expect(announcer(page)).to_have_text("Moved Tune the heartbeat to Doing, position 1.")
    expect(page.locator(".messagelist")).to_contain_text("Moved “Tune the heartbeat” to Doing, position 0")
    assert focused_card_title(page) == "Tune the heartbeat"  # focus comes back to the moved card
    page.reload()
    expect(card_titles(page, "doing")).to_have_text(["Tune the heartbeat", "Review the backup job"])
    expect(card_titles(page, "todo")).to_have_text(["Write the release notes"])
    assert Goal.objects.get(goal_id="g-2").status == "active"


def test_escape_puts_a_picked_up_card_back_and_controls_carry_its_title(admin_user_page):
    make_goal("g-1", "Renew the certificate", "todo", 0)
    page = admin_user_page
    page.goto(BOARD)
    moving = page.locator('.board-column[data-column="todo"] .card[data-goal-id="g-1"]')
    expect(moving.get_by_role("combobox", name="Column for Renew the certificate")).to_have_value("todo")
    expect(moving.get_by_role("spinbutton", name="Position of Renew the certificate")).to_have_value("0")
    expect(moving.get_by_role("button", name="Move Renew the certificate")).to_be_visible()

    moving.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowRight")
    expect(card_titles(page, "doing")).to_have_text(["Renew the certificate"])
    page.keyboard.press("Escape")
    expect(announcer(page)).to_have_text("Cancelled. Renew the certificate is back in Column Todo, position 1 of 1.")
    expect(card_titles(page, "todo")).to_have_text(["Renew the certificate"])
    assert Goal.objects.get(goal_id="g-1").board_column == "todo"


def test_archive_one_card_after_confirming_then_unarchive(admin_user_page):
    make_goal("g-1", "Reply to mentions", "done", 0, **finished(1))  # an hour ago: the sweep would keep it
    make_goal("g-2", "Still going", "doing", 0)
    page = admin_user_page
    page.goto(BOARD)
    expect(card(page, "Still going").get_by_role("button", name="Archive Still going")).to_have_count(0)
    card(page, "Reply to mentions").get_by_role("button", name="Archive Reply to mentions").click()

    expect(page.get_by_role("heading", name="Archive “Reply to mentions”?")).to_be_visible()
    expect(page.locator("#content-main")).to_contain_text("finished less than 24 hours ago")
    assert Goal.objects.get(goal_id="g-1").board_column == "done"  # nothing yet
    page.get_by_role("button", name="Yes, archive it").click()

    expect(page.locator(".messagelist")).to_contain_text("Archived “Reply to mentions”.")
    expect(card_titles(page, "done")).to_have_count(0)
    page.get_by_role("button", name="Un-archive Reply to mentions").click()
    expect(card_titles(page, "done")).to_have_text(["Reply to mentions"])


def test_archive_all_done_is_the_sprints_counted_and_confirmed(admin_user_page):
    make_goal("g-1", "Old one", "done", 0, **finished(48))
    make_goal("g-2", "Older one", "done", 1, **finished(72))
    make_goal("g-3", "Finished just now", "done", 2, **finished(0.1))
    Goal.objects.create(goal_id="g-4", title="Another sprint's", sprint="sprint-3", board_column="done",
                        status="completed", position=0, **finished(48))
    page = admin_user_page
    page.goto(f"{BOARD}?sprint={SPRINT}")
    page.get_by_role("button", name=f"Archive all done: 2 goals of {SPRINT} finished over 24 hours ago…").click()

    expect(page.get_by_role("heading", name=f"Archive 2 done goals of {SPRINT}?")).to_be_visible()
    expect(page.locator(".board-confirm-list li")).to_have_count(2)
    page.get_by_role("link", name="No, back to the board").click()
    expect(card_titles(page, "done")).to_have_count(3)

    page.get_by_role("button", name=f"Archive all done: 2 goals of {SPRINT} finished over 24 hours ago…").click()
    page.get_by_role("button", name="Yes, archive 2 goals").click()
    expect(page.locator(".messagelist")).to_contain_text(f"Archived 2 goals of the {SPRINT} board")
    expect(card_titles(page, "done")).to_have_text(["Finished just now"])
    assert Goal.objects.get(goal_id="g-4").board_column == "done"


def seed_phone_board():
    for n, name in enumerate(["backlog", "todo", "todo", "doing", "on_hold", "done"]):
        extra = finished(30) if name == "done" else {}
        make_goal(f"g-{n}", f"Goal number {n} with a rather long title to wrap", name, n, tags=["ops"],
                  assigned_to="aria", due_date=timezone.now() + timedelta(days=2), **extra)


def test_phone_board_fits_and_no_control_is_covered(phone_page):
    seed_phone_board()
    page = phone_page
    page.goto(f"{BOARD}?sprint={SPRINT}")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px screen"

    controls = page.locator("#content-main button, #content-main select, #content-main input:not([type=hidden])")
    assert controls.count() > 20
    for index in range(controls.count()):
        control = controls.nth(index)
        # As a user would: swipe to the control's column (to its snap point), then scroll to it.
        hit = control.evaluate(
            """async el => {
                 const column = el.closest('.board-column');
                 if (column) column.parentElement.scrollLeft = column.offsetLeft - column.parentElement.offsetLeft;
                 el.scrollIntoView({block: 'center', inline: 'nearest'});
                 await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
                 const r = el.getBoundingClientRect();
                 const x = r.left + r.width / 2, y = r.top + r.height / 2;
                 const inside = r.left >= 0 && r.right <= innerWidth && r.top >= 0 && r.bottom <= innerHeight;
                 const top = document.elementFromPoint(x, y);
                 return {inside, hit: top === el || el.contains(top), what: top && top.outerHTML.slice(0, 80)}; }"""
        )
        name = control.get_attribute("aria-label") or control.inner_text()
        assert hit["inside"] and hit["hit"], f"{name!r} is clipped or covered by {hit['what']}"


def test_touch_drag_moves_a_card_to_the_next_column(phone_page):
    make_goal("g-1", "Write the release notes", "todo", 0)
    make_goal("g-2", "Review the backup job", "doing", 0)
    page = phone_page
    page.goto(f"{BOARD}?sprint={SPRINT}")
    todo = column(page, "todo")
    todo.evaluate("el => el.scrollIntoView({inline: 'start', block: 'start'})")
    page.wait_for_timeout(300)  # the scroll snap settles
    grip = card(page, "Write the release notes").locator(".grip").bounding_box()
    board = page.locator(".board").bounding_box()
    doing = column(page, "doing").bounding_box()
    start = (grip["x"] + grip["width"] / 2, grip["y"] + grip["height"] / 2)
    # The next column peeks in at the right edge of the screen: drop on its heading's height.
    end = (max(doing["x"] + 10, board["x"] + board["width"] - 60), doing["y"] + 12)
    assert end[0] < 390
    cdp = page.context.new_cdp_session(page)

    def touch(kind, point):
        points = [] if kind == "touchEnd" else [{"x": point[0], "y": point[1]}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    touch("touchStart", start)
    for step in range(1, 11):
        touch("touchMove", (start[0] + (end[0] - start[0]) * step / 10, start[1] + (end[1] - start[1]) * step / 10))
    with page.expect_navigation():
        touch("touchEnd", end)
    expect(page.locator(".messagelist")).to_contain_text("Moved “Write the release notes” to Doing, position 0")
    expect(card_titles(page, "doing")).to_have_text(["Write the release notes", "Review the backup job"])
