"""Helpers shared by the tests/test_admin_*.py files (no tests here).

The 39 Aria models (EDITABLE_MODELS: all but the two read-only archives), their admin URLs, clients for a superuser, a staff
user without permissions and a plain user, and rows written the way Aria
writes them (plain SQL; the schema catalog is read once per test).
"""

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.urls import reverse

from tests import sample_rows

ARIA_MODELS = [m for app in ("data_app", "engine_app") for m in apps.get_app_config(app).get_models()]
READ_ONLY_MODELS = [m for m in ARIA_MODELS if m._meta.db_table.endswith('_archive"')]
EDITABLE_MODELS = [m for m in ARIA_MODELS if m not in READ_ONLY_MODELS]


def model_id(model):
    return model._meta.label_lower


def admin_url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@pytest.fixture
def superuser_client(client, db):
    client.force_login(User.objects.create_superuser("boss", "boss@example.com", None))
    return client


@pytest.fixture
def aria_rows(db, monkeypatch):
    """insert(model, **columns) -> pk, as Aria's plain SQL does it."""
    catalog = sample_rows.database_catalog()
    monkeypatch.setattr(sample_rows, "database_catalog", lambda: catalog)
    return sample_rows.insert_as_aria
