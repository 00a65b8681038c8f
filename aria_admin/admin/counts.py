"""Row counts that stay cheap on tables of millions of rows.

Below EXACT_LIMIT rows a count is exact; above it PostgreSQL's own estimate
(pg_class.reltuples / pg_stat live tuples for a whole table, EXPLAIN's row
estimate for a filtered query) is used and shown as "about N".
"""

import json

from django.core.paginator import Paginator
from django.db import connection
from django.utils.functional import cached_property

EXACT_LIMIT = 10_000


def table_estimates(tables):
    """{'schema.table': estimated rows or None (never analysed)} in one query."""
    if not tables:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT n.nspname || '.' || c.relname,
                   GREATEST(c.reltuples, COALESCE(s.n_live_tup, 0), -1)::bigint
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
              LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
             WHERE n.nspname || '.' || c.relname = ANY(%s)
            """,
            [list(tables)],
        )
        found = {name: (rows if rows >= 0 else None) for name, rows in cursor.fetchall()}
    return {t: found.get(t) for t in tables}


def table_of(model):
    """'aria_data.memories' for a model whose db_table is '"aria_data"."memories"'."""
    return model._meta.db_table.replace('"', "")


def explain_rows(queryset):
    """The planner's row estimate for ``queryset`` (one EXPLAIN, nothing run)."""
    plan = json.loads(queryset.order_by().explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    """Exact counts for small results, PostgreSQL's estimate for big ones.

    ``estimated`` says which one ``count`` is, for the "about N" label.
    """

    estimated = False

    @cached_property
    def count(self):
        queryset = self.object_list
        query = queryset.query
        if query.where or query.distinct or query.combinator:
            estimate = explain_rows(queryset)
        else:
            estimate = table_estimates([table_of(queryset.model)])[table_of(queryset.model)]
        if estimate is not None and estimate > EXACT_LIMIT:
            self.estimated = True
            return estimate
        return queryset.count()


def dashboard_counts(models):
    """{model: (rows, estimated)}: estimates for big tables, exact for the rest.

    Two queries in all: the statistics, then one UNION ALL of exact counts.
    """
    estimates = table_estimates([table_of(m) for m in models])
    result, exact = {}, []
    for model in models:
        estimate = estimates[table_of(model)]
        if estimate is not None and estimate > EXACT_LIMIT:
            result[model] = (estimate, True)
        else:
            exact.append(model)
    if exact:
        sql = " UNION ALL ".join(
            f"SELECT {i}, count(*) FROM {m._meta.db_table}" for i, m in enumerate(exact)
        )
        with connection.cursor() as cursor:
            cursor.execute(sql)
            for i, rows in cursor.fetchall():
                result[exact[i]] = (rows, False)
    return result
