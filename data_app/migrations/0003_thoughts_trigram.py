"""Aria's trigram index on thoughts.content, wherever pg_trgm is installed.

Not a Meta index: whether it exists depends on the server, exactly as in
Aria's own bootstrap (which logs the index as failed without pg_trgm).
"""

from django.db import migrations

INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS idx_thoughts_content_trgm "
    "ON aria_data.thoughts USING gin (content public.gin_trgm_ops)"
)


def create_trigram_index(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone():
            cursor.execute(INDEX_SQL)


def drop_trigram_index(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS aria_data.idx_thoughts_content_trgm")


class Migration(migrations.Migration):
    dependencies = [("data_app", "0002_initial")]
    operations = [migrations.RunPython(create_trigram_index, drop_trigram_index)]
