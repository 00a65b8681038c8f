"""The chat archives (Aria main) are read-only pages: filters, an archived
session's messages oldest first a page at a time with the full text on
demand, no add or change forms, deletion by superusers only."""

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from uuid import uuid4

import pytest

from engine_app.models import EngineChatMessageArchive, EngineChatSessionArchive
from tests.html_forms import form_data
from tests.sample_rows import insert_as_aria
from tests.test_admin_support import admin_url, superuser_client  # noqa: F401
from tests.test_roles import operator_client, viewer_client  # noqa: F401

START = datetime(2026, 2, 1, 12, 0, tzinfo=dt_timezone.utc)
LONG = "A long answer. " * 40 + "THE END OF THE ANSWER"


def archived_session(messages=0, **values):
    session = insert_as_aria(EngineChatSessionArchive, id=uuid4(), **values)
    # Inserted newest first, so that only the page's ordering puts them right.
    for number in reversed(range(messages)):
        content = LONG if number == 3 else f"message {number:03d}"
        insert_as_aria(EngineChatMessageArchive, id=uuid4(), session_id=session, content=content,
                       role="user" if number % 2 == 0 else "assistant",
                       created_at=START + timedelta(minutes=number))
    return session


def page_text(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_session_page_lists_its_messages_oldest_first_fifty_at_a_time(superuser_client):
    session = archived_session(messages=60, title="Archived talk")
    url = admin_url(EngineChatSessionArchive, "change", session)
    first = page_text(superuser_client, url)
    shown = [n for n in range(60) if f"message {n:03d}<" in first or f"message {n:03d} " in first]
    assert shown == [n for n in range(50) if n != 3]
    assert first.index("message 000") < first.index("message 001") < first.index("message 049")
    assert "Messages (60), oldest first" in first and "page 1 of 2" in first
    assert "THE END OF THE ANSWER" not in first and "full text" in first  # a preview, the rest on demand

    second = page_text(superuser_client, url + "?page=2")
    assert "message 050" in second and "message 059" in second and "message 049" not in second
    assert "page 2 of 2" in second
    assert "page 1 of 2" in page_text(superuser_client, url + "?page=nonsense")

    long_message = EngineChatMessageArchive.objects.get(content=LONG)
    message_url = admin_url(EngineChatMessageArchive, "change", long_message.pk)
    assert f'href="{message_url}"' in first
    assert "THE END OF THE ANSWER" in page_text(superuser_client, message_url)


def test_archived_sessions_filter_by_agent_type_status_and_archived_date(superuser_client):
    archived_session(title="Kept Talk", agent_id="aria", session_type="chat", status="ended",
                     archived_at=START)
    archived_session(title="Other Talk", agent_id="scout", session_type="cron", status="archived",
                     archived_at=START + timedelta(days=30))
    changelist = admin_url(EngineChatSessionArchive, "changelist")
    for query in ("?agent_id=aria", "?session_type=chat", "?status=ended",
                  "?archived_at__until=2026-02-10"):
        html = page_text(superuser_client, changelist + query)
        assert "Kept Talk" in html and "Other Talk" not in html, query


@pytest.mark.parametrize("model", [EngineChatSessionArchive, EngineChatMessageArchive], ids=lambda m: m._meta.model_name)
def test_no_add_or_change_forms_even_for_a_superuser(superuser_client, model):
    session = archived_session(messages=1, title="Untouchable")
    pk = session if model is EngineChatSessionArchive else EngineChatMessageArchive.objects.get().pk
    url = admin_url(model, "change", pk)
    page = page_text(superuser_client, url)
    assert 'name="_save"' not in page
    assert superuser_client.get(admin_url(model, "add")).status_code == 403
    assert superuser_client.post(admin_url(model, "add"), {"title": "new"}).status_code == 403
    data = form_data(page, None)
    assert superuser_client.post(url, {**data, "title": "Changed", "content": "Changed"}).status_code == 403
    assert EngineChatSessionArchive.objects.get().title == "Untouchable"
    assert EngineChatMessageArchive.objects.get().content == "message 000"


def test_operators_and_viewers_cannot_delete_an_archive(operator_client, viewer_client):  # noqa: F811
    session = archived_session(messages=2)
    url = admin_url(EngineChatSessionArchive, "delete", session)
    for client in (operator_client, viewer_client):
        assert client.get(url).status_code == 403
        assert client.post(url, {"post": "yes"}).status_code == 403
        response = client.post(admin_url(EngineChatSessionArchive, "changelist"),
                               {"action": "delete_selected", "_selected_action": [session], "post": "yes"})
        assert response.status_code in (200, 302)
    assert EngineChatSessionArchive.objects.filter(pk=session).exists()
    assert EngineChatMessageArchive.objects.count() == 2


def test_a_superuser_deletes_an_archive_with_its_messages(superuser_client):
    session = archived_session(messages=2)
    url = admin_url(EngineChatSessionArchive, "delete", session)
    assert superuser_client.get(url).status_code == 200
    assert superuser_client.post(url, {"post": "yes"}).status_code == 302
    assert not EngineChatSessionArchive.objects.exists()
    assert not EngineChatMessageArchive.objects.exists()
