"""What ``aria_bootstrap`` recorded, as the dashboard reads it, and a later
Aria's additions seen from the ORM."""

from django.db import connection

from aria_admin.warehouse.models import WarehouseEvent, latest_level, record
from engine_app.models import LlmModelEntry

from .sample_rows import table_name


def test_latest_level_is_the_last_recorded_event(db):
    assert latest_level() is None
    record(WarehouseEvent.ADOPTED, "main 2026-02-28")
    upgraded = record(WarehouseEvent.UPGRADED, "v3.0.0", "column aria_engine.cron_jobs.model")
    upgraded.refresh_from_db()
    assert latest_level() == {
        "action": "upgraded",
        "level_found": "v3.0.0",
        "level": "main 2026-02-28",
        "at": upgraded.at,
        "detail": "column aria_engine.cron_jobs.model",
    }


def test_latest_level_without_the_table_is_none(db):
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE public.aria_admin_warehouse_event")
    assert latest_level() is None


def test_the_event_table_is_ours_in_public(db):
    assert table_name(WarehouseEvent) == "aria_admin_warehouse_event"
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('public.aria_admin_warehouse_event')::text")
        assert cursor.fetchone()[0] == "aria_admin_warehouse_event"


def test_a_later_arias_extra_columns_do_not_disturb_the_orm(db):
    """The warning case: our ORM never names a column it does not know."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE aria_engine.llm_models ADD COLUMN notes text")
        cursor.execute(
            "ALTER TABLE aria_engine.llm_models ADD COLUMN priority integer NOT NULL DEFAULT 0"
        )
    model = LlmModelEntry.objects.create(id="m-later", name="Later")
    model.name = "Later, renamed"
    model.save()
    assert LlmModelEntry.objects.get(pk="m-later").name == "Later, renamed"
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes, priority FROM aria_engine.llm_models WHERE id = 'm-later'")
        assert cursor.fetchone() == (None, 0)
