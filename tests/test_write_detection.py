"""Which statements count as writes (aria_admin.timeouts.writes): after one,
the rest of the request reads the primary, so a read taken for a write
costs a replica read, and a write taken for a read shows stale data."""

import pytest

from aria_admin.timeouts import writes


@pytest.mark.parametrize(
    "sql",
    [
        'SELECT "aria_data"."goals"."id" FROM "aria_data"."goals" LIMIT 21',
        "  select count(*) from aria_data.activity_log",
        "WITH RECURSIVE present(v) AS (SELECT skill FROM aria_data.activity_log ORDER BY 1 LIMIT 1) SELECT v FROM present",
        "EXPLAIN (FORMAT JSON) SELECT 1",
        "SAVEPOINT s1",
        "SHOW statement_timeout",
        'SELECT "updated_at" FROM goals',  # a column named like a statement
    ],
)
def test_reads(sql):
    assert not writes(sql)


@pytest.mark.parametrize(
    "sql",
    [
        'INSERT INTO "django_session" ("session_key") VALUES (%s)',
        'UPDATE "aria_data"."goals" SET "title" = %s',
        "delete from aria_data.working_memory where expires_at < now()",
        "WITH moved AS (UPDATE aria_data.goals SET position = 0 RETURNING id) SELECT count(*) FROM moved",
        'SELECT "id" FROM "aria_data"."goals" WHERE "id" = %s FOR UPDATE',
        "SELECT 1 FROM aria_data.goals FOR NO KEY UPDATE",
        "TRUNCATE aria_insights_rollup",
        "REFRESH MATERIALIZED VIEW insights_daily",
        "CREATE INDEX CONCURRENTLY aria_admin_x ON aria_data.goals (title)",
    ],
)
def test_writes(sql):
    assert writes(sql)
