"""Screenshots of the main pages with realistic rows (docs/screenshots/).

`make screenshots` writes them into docs/screenshots/; ordinary test runs
write them to a temporary directory, so the committed images only change
when someone asks for new ones. Each test first checks that the page shows
what the picture is meant to show.
"""

import struct

import pytest
from playwright.sync_api import expect

from tests.e2e.showcase import SHOWCASE_CRON_JOB, SPRINT, seed_showcase

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
VIEWPORT = {"width": 1440, "height": 1000}
# Django's navigation sidebar, folded away so the page itself gets the width.
FOLD_NAV_SIDEBAR = "localStorage.setItem('django.admin.navSidebarIsOpen', 'false');"


def png_size(path):
    """(width, height) from a PNG file's header."""
    data = path.read_bytes()[:24]
    assert data[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def shoot(page, directory, name, *, full_page=True, viewport=VIEWPORT):
    """Save the page as ``name``.png (the whole page, or the first screen)."""
    path = directory / f"{name}.png"
    page.screenshot(path=path, full_page=full_page, animations="disabled", caret="hide")
    width, height = png_size(path)
    assert width == viewport["width"] and height >= viewport["height"] // 2
    return path


@pytest.fixture
def showcase_page(admin_user_page):
    seed_showcase()
    admin_user_page.set_viewport_size(VIEWPORT)
    admin_user_page.context.add_init_script(FOLD_NAV_SIDEBAR)
    return admin_user_page


def test_dashboard_screenshot(showcase_page, screenshots_dir):
    page = showcase_page
    page.goto("/admin/")
    goals = page.locator("#aria-section-data_app tbody tr", has=page.get_by_role("link", name="Goals", exact=True))
    expect(goals.locator(".aria-rows")).to_have_text("10")
    expect(page.locator("#aria-latest-activity")).to_contain_text("goal_progress")
    # The first screen: all 39 tables make a very long page.
    shoot(page, screenshots_dir, "dashboard", full_page=False)


def test_goals_board_screenshot(showcase_page, screenshots_dir):
    page = showcase_page
    page.goto("/admin/data_app/goal/board/")
    expect(page.get_by_role("heading", name=f"Goals board: {SPRINT}")).to_be_visible()
    expect(page.locator('.board-column[data-column="doing"] .card')).to_have_count(2)
    expect(page.locator('.board-column[data-column="todo"] .card')).to_have_count(3)
    shoot(page, screenshots_dir, "goals-board")


def test_goals_board_phone_screenshot(browser, server, screenshots_dir):
    from tests.e2e.conftest import logged_in_page, make_user
    from tests.e2e.test_board_ux import PHONE

    seed_showcase()
    page = logged_in_page(browser, server, make_user("phone", superuser=True), **PHONE)
    try:
        page.goto("/admin/data_app/goal/board/")
        expect(page.locator('.board-column[data-column="todo"] .card')).to_have_count(3)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
        shoot(page, screenshots_dir, "goals-board-phone", viewport=PHONE["viewport"])
    finally:
        page.context.close()


def test_cron_jobs_list_screenshot(showcase_page, screenshots_dir):
    page = showcase_page
    page.goto("/admin/engine_app/enginecronjob/")
    expect(page.locator("#result_list tbody tr")).to_have_count(6)
    expect(page.locator("#result_list")).to_contain_text("Every 15 minutes")
    shoot(page, screenshots_dir, "cron-jobs")


def test_llm_models_list_screenshot(showcase_page, screenshots_dir):
    page = showcase_page
    page.goto("/admin/engine_app/llmmodelentry/")
    expect(page.locator("#result_list tbody tr")).to_have_count(6)
    expect(page.locator("#result_list")).to_contain_text("Kimi K2")
    assert "showcase-raw-key-never-shown" not in page.content()
    shoot(page, screenshots_dir, "llm-models")


def test_change_form_screenshot(showcase_page, screenshots_dir):
    page = showcase_page
    page.goto(f"/admin/engine_app/enginecronjob/{SHOWCASE_CRON_JOB}/change/")
    expect(page.locator(".fieldBox.field-schedule_meaning")).to_contain_text("Every 15 minutes")
    expect(page.locator("#id_payload")).to_have_value(
        "Read HEARTBEAT.md work_cycle section. Check goals, pick the highest "
        "priority, make progress, log activity, then run memory sync."
    )
    shoot(page, screenshots_dir, "cron-job-change-form")
