"""What the shared admin machinery promises, table by table: duplicate keys
as field errors, JSON and embedding editing, server defaults on add forms,
linked related records, estimated counts, the threat-level filter and the
dashboard."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from data_app.models import (
    ActivityLog,
    AgentSession,
    Goal,
    HeartbeatLog,
    KnowledgeEntity,
    KnowledgeRelation,
    LessonLearned,
    Memory,
    SecurityEvent,
    SemanticMemory,
    SentimentEvent,
    SessionMessage,
    SkillGraphEntity,
    SkillStatusRecord,
    SocialPost,
    Thought,
    WorkingMemory,
    PendingComplexTask,
)
from engine_app.models import EngineAgentState, EngineChatMessage, EngineChatSession, RateLimit
from tests.html_forms import form_data
from tests.test_admin_forms import valid_post
from tests.test_admin_support import admin_url, aria_rows, superuser_client  # noqa: F401

# (model, existing row's columns, form fields naming the same key, field with the error)
DUPLICATES = [
    (Memory, {"key": "dup"}, {"key": "dup"}, "key"),
    (Goal, {"goal_id": "G-1"}, {"goal_id": "G-1"}, "goal_id"),
    (SocialPost, {"post_id": "p-1"}, {"post_id": "p-1"}, "post_id"),
    (LessonLearned, {"error_pattern": "E1"}, {"error_pattern": "E1"}, "error_pattern"),
    (SkillGraphEntity, {"name": "n", "type": "skill"}, {"name": "n", "type": "skill"}, "name"),
    (WorkingMemory, {"category": "task", "key": "k"}, {"category": "task", "key": "k"}, "key"),
    (SkillStatusRecord, {"skill_name": "web"}, {"skill_name": "web"}, "skill_name"),
    (RateLimit, {"skill": "web"}, {"skill": "web"}, "skill"),
    (PendingComplexTask, {"task_id": "T1"}, {"task_id": "T1"}, "task_id"),
    (
        SessionMessage,
        {"external_session_id": "x", "role": "user", "content_hash": "h"},
        {"external_session_id": "x", "role": "user", "content_hash": "h"},
        "content_hash",
    ),
]


@pytest.mark.parametrize("model, columns, fields, error_on", DUPLICATES, ids=lambda v: getattr(v, "__name__", ""))
def test_a_duplicate_key_is_an_error_on_its_field(superuser_client, aria_rows, model, columns, fields, error_on):
    aria_rows(model, **columns)
    _, data = valid_post(superuser_client, model, aria_rows)
    response = superuser_client.post(admin_url(model, "add"), {**data, **fields})
    assert response.status_code == 200
    assert "already exists" in str(response.context["adminform"].form.errors[error_on])
    assert model._default_manager.count() == 1


def test_a_second_sentiment_event_for_a_message_is_an_error_on_message(superuser_client, aria_rows):
    event = SentimentEvent.objects.get(pk=aria_rows(SentimentEvent))
    _, data = valid_post(superuser_client, SentimentEvent, aria_rows)
    response = superuser_client.post(admin_url(SentimentEvent, "add"), {**data, "message": str(event.message_id)})
    assert "already exists" in str(response.context["adminform"].form.errors["message"])
    assert SentimentEvent.objects.count() == 1


def test_a_reply_to_naming_no_post_is_an_error_on_reply_to(superuser_client, aria_rows):
    _, data = valid_post(superuser_client, SocialPost, aria_rows)
    response = superuser_client.post(admin_url(SocialPost, "add"), {**data, "reply_to": "nobody-wrote-this"})
    assert "reply_to" in response.context["adminform"].form.errors
    assert SocialPost.objects.count() == 0


def test_add_form_starts_from_arias_server_defaults(superuser_client):
    form = superuser_client.get(admin_url(Goal, "add")).context["adminform"].form
    assert form["status"].value() == "pending"
    assert form["priority"].value() == 2
    assert form["sprint"].value() == "backlog"
    page = superuser_client.get(admin_url(EngineAgentState, "add")).content.decode()
    data = form_data(page, "engineagentstate_form")
    assert (data["skills"], data["rate_limit"], data["temperature"]) == ("[]", "{}", "0.7")


def test_invalid_json_keeps_the_text_and_says_why(superuser_client, aria_rows):
    _, data = valid_post(superuser_client, Memory, aria_rows)
    typed = '{"mood": "calm",}'
    response = superuser_client.post(admin_url(Memory, "add"), {**data, "value": typed})
    error = str(response.context["adminform"].form.errors["value"])
    assert "Not valid JSON" in error and "line 1" in error
    assert typed.replace('"', "&quot;") in response.content.decode()


def test_an_empty_json_box_means_the_server_default_never_null(superuser_client, aria_rows):
    _, data = valid_post(superuser_client, Thought, aria_rows)
    assert superuser_client.post(admin_url(Thought, "add"), {**data, "metadata_json": "  "}).status_code == 302
    assert Thought.objects.get().metadata_json == {}


def test_change_form_pretty_prints_json(superuser_client, aria_rows):
    pk = aria_rows(Memory, value=json.dumps({"a": [1, 2], "b": "é"}))
    html = superuser_client.get(admin_url(Memory, "change", pk)).content.decode()
    assert "{\n  &quot;a&quot;: [\n    1,\n    2\n  ],\n  &quot;b&quot;: &quot;é&quot;\n}" in html


def test_long_text_is_truncated_in_the_list_not_in_the_form(superuser_client, aria_rows):
    long = "word " * 200
    pk = aria_rows(Thought, content=long)
    listing = superuser_client.get(admin_url(Thought, "changelist")).content.decode()
    assert long.strip() not in listing and "word word" in listing
    assert long in superuser_client.get(admin_url(Thought, "change", pk)).content.decode()


def test_embeddings_show_a_summary_and_an_empty_box_keeps_them(superuser_client, aria_rows, vector_installed):
    vector = [0.001 * i for i in range(768)]
    cast = "::vector" if vector_installed else "::jsonb"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO aria_data.semantic_memories (content, embedding) VALUES ('m', %s{cast}) RETURNING id",
            [json.dumps(vector)],
        )
        pk = cursor.fetchone()[0]
    url = admin_url(SemanticMemory, "change", pk)
    page = superuser_client.get(url)
    html = page.content.decode()
    assert "768 dims, norm" in html
    assert "0.767" not in html  # never the floats themselves
    data = form_data(html, "semanticmemory_form")
    assert data["embedding"] == ""
    assert superuser_client.post(url, {**data, "content": "edited"}).status_code == 302
    stored = SemanticMemory.objects.get(pk=pk)
    assert stored.content == "edited" and stored.embedding == pytest.approx(vector)
    response = superuser_client.post(url, {**data, "embedding": "[1, 2, 3]"})
    assert "Expected 768 dimensions, got 3" in str(response.context["adminform"].form.errors["embedding"])


def test_nearest_neighbours_by_cosine_distance_where_pgvector_is_installed(superuser_client, vector_installed):
    def insert(content, vector):
        cast = "::vector" if vector_installed else "::jsonb"
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO aria_data.semantic_memories (content, embedding) VALUES (%s, %s{cast}) RETURNING id",
                [content, json.dumps(vector)],
            )
            return cursor.fetchone()[0]

    me = insert("me", [1.0] + [0.0] * 767)
    near = insert("near twin", [0.9, 0.1] + [0.0] * 766)
    insert("far away", [0.0, 1.0] + [0.0] * 766)
    html = superuser_client.get(admin_url(SemanticMemory, "change", me)).content.decode()
    if vector_installed:
        assert html.index("near twin") < html.index("far away")
        assert admin_url(SemanticMemory, "change", near) in html
    else:
        assert "Needs pgvector" in html


def test_session_page_lists_latest_related_records_with_see_all_links(superuser_client, aria_rows):
    session = aria_rows(AgentSession)
    for i in range(3):
        aria_rows(SessionMessage, session_id=session, content=f"hello {i}")
    html = superuser_client.get(admin_url(AgentSession, "change", session)).content.decode()
    assert html.count("hello ") == 3
    assert f"{admin_url(SessionMessage, 'changelist')}?session={session}" in html
    listing = superuser_client.get(admin_url(SessionMessage, "changelist"), {"session": session})
    assert listing.context["cl"].result_count == 3


def test_entity_page_lists_outgoing_and_incoming_relations(superuser_client, aria_rows):
    a, b = aria_rows(KnowledgeEntity, name="Alice"), aria_rows(KnowledgeEntity, name="Bob")
    aria_rows(KnowledgeRelation, from_entity=a, to_entity=b, relation_type="knows")
    html = superuser_client.get(admin_url(KnowledgeEntity, "change", a)).content.decode()
    assert "knows" in html and admin_url(KnowledgeEntity, "change", b) in html
    html = superuser_client.get(admin_url(KnowledgeEntity, "change", b)).content.decode()
    assert "knows" in html and admin_url(KnowledgeEntity, "change", a) in html


def test_chat_session_and_social_post_pages_list_their_children(superuser_client, aria_rows):
    chat = aria_rows(EngineChatSession)
    aria_rows(EngineChatMessage, session_id=chat, content="chat line")
    assert "chat line" in superuser_client.get(admin_url(EngineChatSession, "change", chat)).content.decode()
    post = aria_rows(SocialPost, post_id="root")
    aria_rows(SocialPost, post_id="r1", reply_to="root", content="a reply")
    assert "a reply" in superuser_client.get(admin_url(SocialPost, "change", post)).content.decode()


def test_foreign_keys_in_lists_link_to_their_record(superuser_client, aria_rows):
    a, b = aria_rows(KnowledgeEntity, name="Alice"), aria_rows(KnowledgeEntity, name="Bob")
    aria_rows(KnowledgeRelation, from_entity=a, to_entity=b, relation_type="knows")
    html = superuser_client.get(admin_url(KnowledgeRelation, "changelist")).content.decode()
    assert admin_url(KnowledgeEntity, "change", a) in html and admin_url(KnowledgeEntity, "change", b) in html


def test_threat_levels_in_either_case_filter_as_one(superuser_client, aria_rows):
    for level in ("high", "HIGH", "low", "Critical"):
        aria_rows(SecurityEvent, threat_level=level)
    url = admin_url(SecurityEvent, "changelist")
    response = superuser_client.get(url)
    spec = next(s for s in response.context["cl"].filter_specs if s.parameter_name == "threat_level__iexact")
    assert dict(spec.lookup_choices) == {
        "NONE": "NONE (0)",
        "LOW": "LOW (1)",
        "MEDIUM": "MEDIUM (0)",
        "HIGH": "HIGH (2)",
        "CRITICAL": "CRITICAL (1)",
    }
    assert superuser_client.get(url, {"threat_level__iexact": "HIGH"}).context["cl"].result_count == 2


def test_date_range_filter_on_log_tables(superuser_client, run_sql):
    run_sql("INSERT INTO aria_data.activity_log (action, created_at) VALUES ('old', '2020-01-01'), ('new', now())")
    url = admin_url(ActivityLog, "changelist")
    old = superuser_client.get(url, {"created_at__since": "2019-12-31", "created_at__until": "2020-01-01"})
    assert [a.action for a in old.context["cl"].result_list] == ["old"]
    for bad_range in ({"created_at__since": "not a date"}, {"created_at__until": "9999-12-31"},
                      {"created_at__since": "2026-02-30"}):
        bad = superuser_client.get(url, bad_range)  # named on the page, no row shown (tests/test_time_filters.py)
        assert bad.status_code == 200 and bad.context["cl"].result_count == 0, bad_range
        assert len(bad.context["messages"]) == 1, bad_range


def test_a_big_table_is_counted_by_estimate_and_says_about(superuser_client, run_sql):
    run_sql("INSERT INTO aria_data.heartbeat_log (beat_number) SELECT g FROM generate_series(1, 12000) g")
    run_sql("ANALYZE aria_data.heartbeat_log")
    url = admin_url(HeartbeatLog, "changelist")
    with CaptureQueriesContext(connection) as captured:
        html = superuser_client.get(url).content.decode()
    assert "about 12000 heartbeat log (PostgreSQL's estimate)" in html
    counts = [q["sql"] for q in captured if "COUNT(" in q["sql"].upper() and "heartbeat_log" in q["sql"]]
    assert counts and all("LIMIT 10001" in sql for sql in counts)  # bounded, never the whole table
    dashboard = superuser_client.get("/admin/").context["aria_sections"][0]["tables"]
    beats = next(t for t in dashboard if t["table"] == "aria_data.heartbeat_log")
    assert (beats["rows"], beats["estimated"]) == (12000, True)
    filtered = superuser_client.get(url, {"status": "error"})
    assert filtered.context["cl"].result_count == 0 and not filtered.context["cl"].paginator.estimated


def test_dashboard_shows_two_sections_counts_latest_rows_and_operator_views(superuser_client, aria_rows):
    aria_rows(Memory)
    aria_rows(ActivityLog, action="deployed")
    aria_rows(HeartbeatLog, job_name="work_cycle")
    response = superuser_client.get("/admin/")
    html = response.content.decode()
    assert "<title>Dashboard | Aria Admin</title>" in html
    assert "<caption>Aria data</caption>" in html and "<caption>Aria engine</caption>" in html
    sections = {s["title"]: s for s in response.context["aria_sections"]}
    assert len(sections["Aria data"]["tables"]) == 26 and len(sections["Aria engine"]["tables"]) == 13
    memories = next(t for t in sections["Aria data"]["tables"] if t["table"] == "aria_data.memories")
    assert (memories["rows"], memories["estimated"], memories["name"]) == (1, False, "Memories")
    assert "deployed" in html and "work_cycle" in html
    assert "/admin/data_app/goal/board/" in html
    assert admin_url(EngineAgentState, "changelist") in html


def test_a_status_aria_wrote_outside_the_domain_list_filters_and_saves_unchanged(superuser_client, aria_rows):
    pk = aria_rows(AgentSession, status="hibernating")
    url = admin_url(AgentSession, "changelist")
    spec = next(s for s in superuser_client.get(url).context["cl"].filter_specs if s.field_path == "status")
    assert spec.values[:4] == ["active", "completed", "ended", "error"] and "hibernating" in spec.values
    assert superuser_client.get(url, {"status": "hibernating"}).context["cl"].result_count == 1
    change = admin_url(AgentSession, "change", pk)
    data = form_data(superuser_client.get(change).content.decode(), "agentsession_form")
    assert data["status"] == "hibernating"
    response = superuser_client.post(change, {**data, "agent_id": "renamed"})
    assert response.status_code == 302
    assert AgentSession.objects.filter(pk=pk).values_list("agent_id", "status").get() == ("renamed", "hibernating")


def test_lists_summarise_embeddings_in_sql_without_loading_them(superuser_client, vector_installed):
    cast = "::vector" if vector_installed else "::jsonb"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO aria_data.semantic_memories (content, embedding) VALUES ('m', %s{cast})",
            [json.dumps([3.0, 4.0] + [0.0] * 766)],
        )
    with CaptureQueriesContext(connection) as captured:
        html = superuser_client.get(admin_url(SemanticMemory, "changelist")).content.decode()
    assert "768 dims, norm 5.0000: [3, 4, 0, …]" in html
    page_query = next(q["sql"] for q in captured if "LIMIT" in q["sql"] and "semantic_memories" in q["sql"])
    assert '"semantic_memories"."embedding",' not in page_query.split(" FROM ")[0]


def test_stale_statistics_never_make_a_small_table_look_big(superuser_client, aria_rows, run_sql):
    aria_rows(Thought)
    run_sql("UPDATE pg_class SET reltuples = 5000000 WHERE oid = 'aria_data.thoughts'::regclass")
    listing = superuser_client.get(admin_url(Thought, "changelist"))
    assert (listing.context["cl"].result_count, listing.context["cl"].paginator.estimated) == (1, False)
    tables = superuser_client.get("/admin/").context["aria_sections"][0]["tables"]
    thoughts = next(t for t in tables if t["table"] == "aria_data.thoughts")
    assert (thoughts["rows"], thoughts["estimated"]) == (1, False)


LOG_TABLE_TIME_COLUMNS = {
    "activitylog": "created_at",
    "heartbeatlog": "created_at",
    "sessionmessage": "created_at",
    "modelusage": "created_at",
    "skillinvocation": "created_at",
    "enginechatmessage": "created_at",
    "securityevent": "created_at",
    "knowledgequerylog": "created_at",
    "agentperformance": "created_at",
    "sentimentevent": "created_at",
    "apikeyrotation": "rotated_at",
}


def test_every_admin_counts_cheaply_and_log_tables_filter_by_date_range():
    from django.contrib import admin

    from aria_admin.admin.counts import EstimatedCountPaginator
    from aria_admin.admin.filters import DateRangeFieldListFilter
    from tests.test_admin_support import ARIA_MODELS

    for model in ARIA_MODELS:
        model_admin = admin.site._registry[model]
        assert model_admin.show_facets is admin.ShowFacets.NEVER, model
        assert not model_admin.date_hierarchy and not model_admin.show_full_result_count, model
        assert issubclass(model_admin.paginator, EstimatedCountPaginator), model
        ranges = {f[0] for f in model_admin.list_filter if isinstance(f, tuple) and f[1] is DateRangeFieldListFilter}
        if model._meta.model_name in LOG_TABLE_TIME_COLUMNS:
            assert LOG_TABLE_TIME_COLUMNS[model._meta.model_name] in ranges, model


def test_a_search_matching_many_rows_is_counted_only_up_to_the_filtered_limit(superuser_client, run_sql):
    run_sql("INSERT INTO aria_data.activity_log (action) SELECT 'deploy-' || g FROM generate_series(1, 1500) g")
    run_sql("ANALYZE aria_data.activity_log")
    url = admin_url(ActivityLog, "changelist")
    with CaptureQueriesContext(connection) as captured:
        response = superuser_client.get(url, {"q": "deploy"})
    counts = [q["sql"] for q in captured if "COUNT(" in q["sql"].upper() and "activity_log" in q["sql"]]
    assert counts and all("LIMIT 1001" in sql for sql in counts)
    assert response.context["cl"].paginator.estimated
    assert "about" in response.content.decode()


def test_deep_pages_found_by_seeking_match_plain_offsets(superuser_client, run_sql):
    # 12,000 rows in 400 distinct timestamps: every page boundary falls among ties.
    run_sql(
        "INSERT INTO aria_data.activity_log (action, created_at) "
        "SELECT 'a' || g, timestamp '2026-01-01' + (g / 30) * interval '1 minute' "
        "FROM generate_series(1, 12000) g"
    )
    run_sql("ANALYZE aria_data.activity_log")  # the page count comes from the estimate
    url = admin_url(ActivityLog, "changelist")
    expected = list(ActivityLog.objects.order_by("-created_at", "-pk").values_list("pk", flat=True))
    for page in (101, 102, 161, 240):  # offsets 5,000 .. 11,950
        with CaptureQueriesContext(connection) as captured:
            response = superuser_client.get(url, {"p": page})
        shown = [row.pk for row in response.context["cl"].result_list]
        assert shown == expected[(page - 1) * 50 : page * 50], page
        assert not any("OFFSET 5000" in q["sql"] or "OFFSET 11950" in q["sql"]
                       for q in captured if "ORDER BY" in q["sql"] and "activity_log" in q["sql"]
                       and '"id"' in q["sql"].split("ORDER BY")[1] and "LIMIT 50" in q["sql"]), page
