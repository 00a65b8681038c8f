"""Our full-text indexes on Aria's tables, for the admin's search.

Built and dropped CONCURRENTLY (from non-atomic migrations), so a live
warehouse keeps taking Aria's writes while one is built. Named with
catalog.OUR_INDEX_PREFIX, which is how ``aria_bootstrap`` and the schema
check tell them from drift. Each indexes exactly the document that
aria_admin.admin.search matches (``document_sql``), or the planner would
not use it.
"""

from aria_admin.admin.search import document_sql
from aria_admin.catalog import OUR_INDEX_PREFIX


def index_name(table):
    """'aria_admin_activity_log_search' for 'aria_data.activity_log'."""
    return f"{OUR_INDEX_PREFIX}{table.split('.')[1]}_search"


def create_search_index(schema_editor, table, texts, jsons):
    """CREATE INDEX CONCURRENTLY on ``table``'s document; an invalid one
    left by an interrupted build is dropped and built again."""
    schema, _ = table.split(".")
    name = index_name(table)
    quote = schema_editor.quote_name
    document = document_sql([quote(c) for c in texts], [quote(c) for c in jsons])
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT x.indisvalid FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "JOIN pg_namespace n ON n.oid = i.relnamespace WHERE n.nspname = %s AND i.relname = %s",
            [schema, name],
        )
        row = cursor.fetchone()
        if row and row[0]:
            return
        if row:
            cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {schema}.{name}")
        cursor.execute(f"CREATE INDEX CONCURRENTLY {name} ON {table} USING gin (({document}))")
        # Statistics of the new expression: without them the planner guesses
        # that a rare word is common and walks the time index through the
        # whole table (32 s for a word in no row of 1,000,000, 0.1 ms with
        # them). ANALYZE samples 30,000 rows and never blocks Aria's writes.
        cursor.execute(f"ANALYZE {table}")


def drop_search_index(schema_editor, table):
    schema, _ = table.split(".")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {schema}.{index_name(table)}")


def search_index_operation(indexes):
    """A migration operation building ``indexes`` ({table: (text columns,
    jsonb columns)}) and dropping them when reversed."""
    from django.db import migrations

    def create(apps, schema_editor):
        for table, (texts, jsons) in indexes.items():
            create_search_index(schema_editor, table, texts, jsons)

    def drop(apps, schema_editor):
        for table in indexes:
            drop_search_index(schema_editor, table)

    return migrations.RunPython(create, drop)
