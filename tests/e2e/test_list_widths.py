"""Every changelist fits 1440x900 with the navigation sidebar open.

Each table gets three real-looking rows (tests.sample_rows.realistic_row):
long sentences, dotted identifiers, JSON, every column filled. A list
fits when neither the page nor the table's own box scrolls sideways; a
column chooser's default view counts (the user may widen it later).
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import logged_in_page, make_user
from tests.sample_rows import aria_models, realistic_row

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1440, "height": 900}
# How far the page or the results box scrolls sideways (0 when it fits).
OVERFLOW_JS = """() => {
  const box = document.querySelector('#changelist .results');
  return {
    page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    table: box ? box.scrollWidth - box.clientWidth : 0,
    sidebar: !!document.querySelector('#nav-sidebar') && getComputedStyle(document.querySelector('#nav-sidebar')).display !== 'none',
  };
}"""


def overflow(page):
    return page.evaluate(OVERFLOW_JS)


@pytest.fixture
def wide_page(browser, server, transactional_db):
    page = logged_in_page(browser, server, make_user("wendy", superuser=True))
    page.set_viewport_size(WIDE)
    yield page
    page.context.close()


def changelist(model):
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/"


@pytest.mark.parametrize("model", aria_models(), ids=lambda m: m._meta.label_lower)
def test_changelist_fits_1440_with_the_sidebar_open(wide_page, model):
    for n in range(3):
        realistic_row(model, n)
    page = wide_page
    page.goto(changelist(model))
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    widths = overflow(page)
    assert widths["sidebar"], "the navigation sidebar is open"
    assert widths == {"page": 0, "table": 0, "sidebar": True}, widths
