"""The Insights pages in Chromium: charts and their tables render under the
CSP in both themes, and the screenshots of the overview and the LLM page
(docs/screenshots/insights-*.png; `make screenshots`)."""

import pytest
from django.db import connection
from playwright.sync_api import expect

from tests.e2e.test_screenshots import FOLD_NAV_SIDEBAR, VIEWPORT, shoot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(event.violatedDirective + ' ' + (event.blockedURI || 'inline'));
});
"""


def seed_insights():
    """A week of realistic LLM calls, cron runs and activity (set-based SQL)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.12)")
        cursor.execute("""
            INSERT INTO aria_data.agent_sessions (id, agent_id)
            SELECT md5('e2e-session' || g)::uuid, 'aria' FROM generate_series(1, 30) g""")
        cursor.execute("""
            INSERT INTO aria_data.model_usage (model, provider, input_tokens, output_tokens, cost_usd, latency_ms,
                                               success, error_message, session_id, created_at)
            SELECT (ARRAY['kimi-k2', 'glm-4.6', 'qwen3-coder', 'deepseek-v3', 'claude-sonnet-4'])[1 + (g % 5)],
                   (ARRAY['litellm', 'openrouter', 'moonshot', NULL])[1 + (g % 4)],
                   (500 + random() * 8000)::int, (50 + random() * 900)::int,
                   round((random() * 0.02 * (1 + g % 5))::numeric, 6),
                   CASE WHEN g % 17 = 0 THEN NULL ELSE (200 + random() * random() * 9000)::int END,
                   g % 23 <> 0, CASE WHEN g % 23 = 0 THEN 'rate limit exceeded' END,
                   CASE WHEN g % 3 = 0 THEN md5('e2e-session' || (1 + g % 30))::uuid END,
                   now() - random() * interval '7 days'
            FROM generate_series(1, 3000) g""")
        cursor.execute("""
            INSERT INTO aria_data.heartbeat_log (job_name, status, duration_ms, created_at)
            SELECT (ARRAY['work_cycle', 'backup_db', 'memory_consolidation', 'health_check'])[1 + (g % 4)],
                   CASE WHEN g % 13 = 0 THEN 'error' ELSE 'success' END, (100 + random() * 20000)::int,
                   now() - random() * interval '7 days'
            FROM generate_series(1, 800) g""")
        cursor.execute("""
            INSERT INTO aria_data.activity_log (action, skill, success, error_message, created_at)
            SELECT (ARRAY['api_call', 'memory_store', 'web_search', 'goal_update'])[1 + (g % 4)],
                   (ARRAY['memory', 'web_search', 'goals', 'social', NULL])[1 + (g % 5)],
                   g % 11 <> 0, CASE WHEN g % 11 = 0 THEN 'timeout after retry: ' || (g % 3) END,
                   now() - random() * interval '7 days'
            FROM generate_series(1, 1500) g""")
        cursor.execute("""
            INSERT INTO aria_data.security_events (threat_level, threat_type, created_at)
            VALUES ('HIGH', 'prompt_injection', now() - interval '3 hours'),
                   ('critical', 'command_injection', now() - interval '1 day')""")
        cursor.execute("""
            INSERT INTO aria_data.goals (goal_id, title, status, board_column, sprint, due_date)
            VALUES ('G-7', 'Publish the weekly digest', 'active', 'doing', 'sprint-3', now() - interval '2 days')""")


@pytest.fixture
def insights_page(admin_user_page, settings):
    settings.INSIGHTS_REFRESH_SECONDS = 0
    seed_insights()
    admin_user_page.set_viewport_size(VIEWPORT)
    admin_user_page.context.add_init_script(FOLD_NAV_SIDEBAR)
    admin_user_page.context.add_init_script(CSP_WATCH)
    return admin_user_page


def test_overview_renders_and_links(insights_page, screenshots_dir):
    page = insights_page
    page.goto("/admin/")
    page.locator("#user-tools").get_by_role("link", name="Insights").click()
    expect(page.get_by_role("heading", name="Insights", exact=True)).to_be_visible()
    table = page.locator("#overview-table")
    expect(table).to_contain_text("LLM spend today")
    expect(table).to_contain_text("High security events in the range")
    expect(table.get_by_role("link", name="Overdue goals")).to_be_visible()
    assert page.evaluate("window.__cspViolations") == []
    shoot(page, screenshots_dir, "insights-overview", full_page=False)


def test_llm_page_renders_charts_and_tables(insights_page, screenshots_dir):
    page = insights_page
    page.goto("/admin/insights/llm/?range=7d")
    expect(page.locator("#chart-llm-calls svg.ins-chart rect").first).to_be_visible()
    expect(page.locator("#chart-llm-latency svg.ins-chart")).to_be_visible()
    expect(page.locator("#llm-totals-table tbody tr")).to_have_count(5)
    shoot(page, screenshots_dir, "insights-llm", full_page=False)
    details = page.locator("#chart-llm-cost-usd details")
    expect(details.locator("table")).to_be_hidden()
    details.locator("summary").click()
    expect(details.locator("caption")).to_contain_text("Cost (USD) per day by model")
    # bars take their colour from the theme's CSS, not from inline styles
    fill = page.locator("#chart-llm-calls svg rect.ins-s0").first.evaluate("e => getComputedStyle(e).fill")
    assert fill not in ("", "none", "rgb(0, 0, 0)")
    assert page.evaluate("window.__cspViolations") == []
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    dark = page.locator("#chart-llm-calls svg rect.ins-s0").first.evaluate("e => getComputedStyle(e).fill")
    assert dark != fill  # the dark theme's palette


@pytest.mark.parametrize("path", ["cron/", "activity/", "goals/", "sentiment/"])
def test_other_pages_render_under_the_policy(insights_page, path):
    page = insights_page
    page.goto(f"/admin/insights/{path}?range=30d")
    expect(page.locator(".ins-card").first).to_be_visible()
    assert page.evaluate("window.__cspViolations") == []
