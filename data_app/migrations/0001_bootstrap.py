"""Create Aria's two schemas and the extensions this server offers.

Runs before any table. Extensions that the server does not have (pgvector or
pg_trgm) are skipped: Aria then stores embeddings as jsonb and has no
trigram index, and so do we. Nothing is ever dropped on reverse.

A database alias whose settings carry ``ARIA_EXTENSIONS`` (a list of names)
gets only those extensions: ``aria_bootstrap`` builds its scratch copy of an
existing warehouse with exactly the extensions that warehouse has installed.
"""

from django.db import migrations

# Constants of a stable module: the migration keeps working on its own.
from aria_admin.aria_tables import ARIA_EXTENSIONS as EXTENSIONS, ARIA_SCHEMAS as SCHEMAS
from aria_admin.fields import forget_vector_available


def create_schemas_and_extensions(apps, schema_editor):
    connection = schema_editor.connection
    wanted = connection.settings_dict.get("ARIA_EXTENSIONS", EXTENSIONS)
    with connection.cursor() as cursor:
        for schema in SCHEMAS:
            cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        for extension in EXTENSIONS:
            if extension not in wanted:
                continue
            cursor.execute(
                "SELECT 1 FROM pg_available_extensions WHERE name = %s", [extension]
            )
            if cursor.fetchone() is None:
                continue
            cursor.execute("SAVEPOINT aria_extension")
            try:
                cursor.execute(
                    f'CREATE EXTENSION IF NOT EXISTS "{extension}" WITH SCHEMA public'
                )
            except Exception:
                # Not allowed for this role: carry on without it, as Aria does.
                cursor.execute("ROLLBACK TO SAVEPOINT aria_extension")
            else:
                cursor.execute("RELEASE SAVEPOINT aria_extension")
    forget_vector_available(connection)


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.RunPython(create_schemas_and_extensions, migrations.RunPython.noop),
    ]
