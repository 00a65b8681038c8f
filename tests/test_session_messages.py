"""An agent session's page shows its messages as a conversation: oldest
first, 50 a page, each in full, roles marked."""

import re
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest

from data_app.models import AgentSession, SessionMessage
from tests.sample_rows import orm_values
from tests.test_admin_support import superuser_client  # noqa: F401  (fixture)

START = datetime(2026, 11, 28, 9, 0, 0, tzinfo=dt_timezone.utc)
LONG = "The full answer, which goes on. " * 20 + "THE END"



@pytest.fixture
def session(db):
    session = AgentSession.objects.create(**orm_values(AgentSession))
    roles = ["user", "assistant"]
    # Saved newest first: the page must order them itself.
    for n in reversed(range(120)):
        SessionMessage.objects.create(
            session=session, role=roles[n % 2], content=LONG if n == 1 else f"message {n:03d}",
            content_hash=f"h{n}", created_at=START + timedelta(minutes=n),
        )
    return session


def page_of(superuser_client, session, query=""):
    html = superuser_client.get(f"/admin/data_app/agentsession/{session.pk}/change/{query}").content.decode()
    section = html[html.index('id="session-messages"'):]
    return section, re.findall(r"message (\d{3})|THE END", section)


def shown(section):
    return [int(n) if n else 1 for n in re.findall(r"message (\d{3})|THE END", section)]


def test_the_first_page_holds_the_oldest_fifty_in_order(superuser_client, session):
    section, _ = page_of(superuser_client, session)
    assert shown(section) == list(range(50))
    assert "(1–50 of 120, oldest first)" in section
    assert "Page 1 of 3" in section and "?messages_page=2#session-messages" in section
    # Times in the one format; roles marked by name and class.
    assert ">2026-11-28 09:00:00 UTC</time>" in section
    assert 'class="aria-message aria-role-user"' in section and 'class="aria-message aria-role-assistant"' in section


def test_a_long_message_is_there_in_full_behind_a_summary(superuser_client, session):
    section, _ = page_of(superuser_client, session)
    details = section[section.index("<details"):section.index("</details>")]
    assert "<summary>The full answer" in details and "THE END" in details


def test_later_pages_and_bad_page_numbers(superuser_client, session):
    assert shown(page_of(superuser_client, session, "?messages_page=2")[0]) == list(range(50, 100))
    assert shown(page_of(superuser_client, session, "?messages_page=3")[0]) == list(range(100, 120))
    assert shown(page_of(superuser_client, session, "?messages_page=99")[0]) == list(range(100, 120))
    assert shown(page_of(superuser_client, session, "?messages_page=x")[0]) == list(range(50))
