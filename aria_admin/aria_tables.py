"""What is Aria's in this database: its apps, schemas and extensions.

The one home of these lists: roles, aria_bootstrap, the catalog comparison,
the schema editor, schema health, the bootstrap migration and the tests
import them from here. Constants only (and two helpers reading the app
registry), so that a migration may import it and keep working on its own.
"""

from django.apps import apps

# Our Django apps holding Aria's tables (models of aria_data / aria_engine).
ARIA_APPS = ("data_app", "engine_app")
# Aria's PostgreSQL schemas; our own tables stay in ``public``.
ARIA_SCHEMAS = ("aria_data", "aria_engine")
# The extensions Aria uses when the server offers them (each is optional:
# without pgvector embeddings are jsonb, without pg_trgm no trigram index).
ARIA_EXTENSIONS = ("vector", "pg_trgm")


def aria_models():
    """Every model of Aria's two schemas (39)."""
    return [model for label in ARIA_APPS for model in apps.get_app_config(label).get_models()]


def table_name(model):
    """``aria_data.memories`` from ``'"aria_data"."memories"'``."""
    return model._meta.db_table.replace('"', "")
