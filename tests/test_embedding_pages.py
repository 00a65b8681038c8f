"""Pages with real embeddings (issue 11, section 4), on both database paths.

A list summarises the embeddings of its page only, never of every row
before the sort; a record page's 10 nearest neighbours come from a query
Aria's HNSW index serves, and are the exact nearest on a small table;
without pgvector the record page says neighbours need it and scans nothing.
"""

import json
import math
import random
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from data_app.models import SemanticMemory
from engine_app.models import EngineChatMessage, EngineChatMessageArchive
from tests.test_admin_support import admin_url, superuser_client  # noqa: F401

# table, dimensions, INSERT of (content, embedding) with any parent row.
SEMANTIC = ("aria_data.semantic_memories", 768, "INSERT INTO aria_data.semantic_memories (content, embedding) "
            "VALUES (%s, {vector}) RETURNING id")
CHAT = ("aria_engine.chat_messages", 1536, "INSERT INTO aria_engine.chat_messages (session_id, role, content, "
        "embedding) VALUES ({parent}, 'user', %s, {vector}) RETURNING id")
ARCHIVE = ("aria_engine.chat_messages_archive", 1536, "INSERT INTO aria_engine.chat_messages_archive "
           "(id, session_id, role, content, embedding, created_at) VALUES (gen_random_uuid(), {parent}, 'user', "
           "%s, {vector}, now()) RETURNING id")
PARENTS = {
    "aria_engine.chat_messages": "INSERT INTO aria_engine.chat_sessions DEFAULT VALUES RETURNING id",
    "aria_engine.chat_messages_archive": (
        "INSERT INTO aria_engine.chat_sessions_archive (id, agent_id, session_type, status, created_at, updated_at) "
        "VALUES (gen_random_uuid(), 'aria', 'chat', 'ended', now(), now()) RETURNING id"
    ),
}
# The summary's SQL (display.embedding_annotations) on either path.
SUMMARY_SQL = ("vector_norm(", "jsonb_array_elements(")


class Rows:
    """Inserts rows of one embedding table the way Aria does (plain SQL)."""

    def __init__(self, table, vector_installed):
        self.table, self.dims, sql = table
        self.cast = "%s::vector" if vector_installed else "%s::jsonb"
        parent = ""
        if self.table in PARENTS:
            with connection.cursor() as cursor:
                cursor.execute(PARENTS[self.table])
                parent = f"'{cursor.fetchone()[0]}'"
        self.sql = sql.format(parent=parent, vector=self.cast)

    def add(self, content, vector):
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [content, None if vector is None else json.dumps(vector)])
            return cursor.fetchone()[0]


def random_vector(rng, dims):
    return [rng.uniform(-1, 1) for _ in range(dims)]


def cosine_distance(a, b):
    dot = sum(x * y for x, y in zip(a, b))
    return 1 - dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


@pytest.mark.parametrize(
    "model, table",
    [(SemanticMemory, SEMANTIC), (EngineChatMessage, CHAT), (EngineChatMessageArchive, ARCHIVE)],
    ids=["semantic", "chat", "archive"],
)
def test_a_list_summarises_the_embeddings_of_its_page_only(superuser_client, vector_installed, model, table):
    rows = Rows(table, vector_installed)
    rng = random.Random(11)
    for i in range(60):  # more than a page of 50
        rows.add(f"row {i}", random_vector(rng, rows.dims))
    rows.add("newest", [3.0, 4.0] + [0.0] * (rows.dims - 2))
    url = admin_url(model, "changelist")

    for params in ({}, {"o": "-2"}):  # the default order and a sort on another column
        with CaptureQueriesContext(connection) as captured:
            response = superuser_client.get(url, params)
        assert response.status_code == 200
        page = response.content.decode()
        assert f"{rows.dims} dims, norm " in page
        if not params:
            assert f"{rows.dims} dims, norm 5.0000: [3, 4, 0, …]" in page
        summaries = [q["sql"] for q in captured if any(s in q["sql"] for s in SUMMARY_SQL)]
        # One query, over the page's 50 rows by id: not the sorted, limited list
        # query (which would summarise every row first) nor the bounded count.
        assert len(summaries) == 1, summaries
        ids = {obj.pk.hex for obj in response.context["cl"].result_list}
        assert len(ids) == 50 and "LIMIT" not in summaries[0] and "COUNT(" not in summaries[0].upper()
        assert set(re.findall(r"[0-9a-f]{32}", summaries[0].split(" WHERE ", 1)[1])) == ids


def neighbour_links(html, model):
    """The change URLs in the neighbours table, in order."""
    block = html.split("nearest neighbours (cosine distance)", 1)[1].split("</table>", 1)[0]
    base = re.escape(admin_url(model, "changelist"))
    return re.findall(rf'href="({base}[^"]+/change/)"', block)


@pytest.mark.parametrize("model, table", [(SemanticMemory, SEMANTIC), (EngineChatMessage, CHAT)], ids=["semantic", "chat"])
def test_record_page_shows_the_10_exact_nearest_neighbours(superuser_client, vector_installed, model, table):
    rows = Rows(table, vector_installed)
    rng = random.Random(42)
    vectors = {}
    for i in range(30):
        vector = random_vector(rng, rows.dims)
        vectors[rows.add(f"row {i}", vector)] = vector
    no_embedding = rows.add("never embedded", None) if model is EngineChatMessage else None
    me = next(iter(vectors))
    with CaptureQueriesContext(connection) as captured:
        html = superuser_client.get(admin_url(model, "change", me)).content.decode()
    if not vector_installed:
        assert "Needs pgvector: this database stores embeddings as jsonb." in html
        # Nothing read but the record itself: no scan for neighbours.
        table_queries = [q["sql"] for q in captured if rows.table.split(".")[1] in q["sql"]]
        assert table_queries and all(me.hex in sql for sql in table_queries), table_queries
        return
    exact = sorted((pk for pk in vectors if pk != me), key=lambda pk: cosine_distance(vectors[me], vectors[pk]))
    assert neighbour_links(html, model) == [admin_url(model, "change", pk) for pk in exact[:10]]
    assert admin_url(model, "change", me) not in neighbour_links(html, model)
    if no_embedding:
        assert admin_url(model, "change", no_embedding) not in html
        page = superuser_client.get(admin_url(model, "change", no_embedding)).content.decode()
        assert "This chat message has no embedding." in page


HNSW_INDEXES = {SemanticMemory: "idx_semantic_embedding_hnsw", EngineChatMessage: "idx_session_messages_embedding_hnsw"}


@pytest.mark.parametrize("model, table", [(SemanticMemory, SEMANTIC), (EngineChatMessage, CHAT)], ids=["semantic", "chat"])
def test_the_neighbour_query_is_one_arias_hnsw_index_serves(superuser_client, vector_installed, model, table):
    rows = Rows(table, vector_installed)
    rng = random.Random(7)
    pks = [rows.add(f"row {i}", random_vector(rng, rows.dims)) for i in range(20)]
    with CaptureQueriesContext(connection) as captured:
        html = superuser_client.get(admin_url(model, "change", pks[0])).content.decode()
    neighbour_queries = [q["sql"] for q in captured if "<=>" in q["sql"]]
    if not vector_installed:
        assert "Needs pgvector" in html and not neighbour_queries
        return
    assert len(neighbour_queries) == 1
    with connection.cursor() as cursor:
        # A small table is cheaper to scan: forbid that, and any sort, so the
        # plan is the index's if the query's shape lets the index serve it.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + neighbour_queries[0])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Index Scan using {HNSW_INDEXES[model]}" in plan, plan
    assert "Sort" not in plan and "Disabled" not in plan, plan
