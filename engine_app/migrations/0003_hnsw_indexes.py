"""Aria main's two HNSW indexes, wherever pgvector is installed.

Not Meta indexes: like the trigram index, whether they exist depends on the
server (the jsonb fallback has none). Built CONCURRENTLY, so upgrading a
live warehouse never blocks Aria's writes while the graph is built.
"""

from django.db import migrations

HNSW_INDEXES = {
    "aria_data.idx_semantic_embedding_hnsw": (
        "ON aria_data.semantic_memories USING hnsw (embedding public.vector_cosine_ops) "
        "WITH (m='16', ef_construction='64')"
    ),
    "aria_engine.idx_session_messages_embedding_hnsw": (
        "ON aria_engine.chat_messages USING hnsw (embedding public.vector_cosine_ops) "
        "WITH (m='16', ef_construction='64') WHERE (embedding IS NOT NULL)"
    ),
}


def create_hnsw_indexes(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'vector'")
        if cursor.fetchone() is None:
            return
        for qualified, body in HNSW_INDEXES.items():
            name = qualified.split(".")[1]
            cursor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} {body}")


def drop_hnsw_indexes(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for qualified in HNSW_INDEXES:
            cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {qualified}")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [
        ("engine_app", "0002_aria_main_2026_02_28"),
        ("data_app", "0003_thoughts_trigram"),
    ]
    operations = [migrations.RunPython(create_hnsw_indexes, drop_hnsw_indexes)]
