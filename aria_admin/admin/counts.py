"""Row counts that stay cheap on tables of millions of rows.

A count first reads at most EXACT_LIMIT + 1 rows (a bounded count). Below
the limit that is the exact count; at the limit PostgreSQL's own estimate
(pg_class.reltuples / pg_stat live tuples for a whole table, EXPLAIN's row
estimate for a filtered query) is shown, as "about N". The bounded count
first means stale statistics never make a small table look big.
"""

import json

from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import DateTimeField
from django.utils.functional import cached_property

from aria_admin.admin.filters import is_indexed

EXACT_LIMIT = 10_000
# A filter or search that matches many rows is counted exactly only up to
# here: finding 10,001 matches of a search can mean reading most of a table.
FILTERED_EXACT_LIMIT = 1_000
# From this many rows in, a page of a newest-first list is found by seeking
# on the time index instead of OFFSET (see seek_slice).
DEEP_PAGE_OFFSET = 5_000


def table_estimates(tables, using=DEFAULT_DB_ALIAS):
    """{'schema.table': estimated rows or None (never analysed)} in one query
    on database ``using`` (a list's replica, when it reads one)."""
    if not tables:
        return {}
    with connections[using].cursor() as cursor:
        # The statistics functions directly: the pg_stat_user_tables view
        # computes them for every table (2 ms against 0.3 ms).
        cursor.execute(
            """
            SELECT t.name, GREATEST(c.reltuples, pg_stat_get_live_tuples(c.oid), -1)::bigint
              FROM unnest(%s::text[]) AS t(name)
              JOIN pg_class c ON c.oid = to_regclass(t.name)
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

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom >= DEEP_PAGE_OFFSET:
            rows = seek_slice(self.object_list, bottom, self.per_page)
            if rows is not None:
                return self._get_page(rows, number, self)
        return super().page(number)

    @cached_property
    def count(self):
        queryset = self.object_list
        query = queryset.query
        filtered = bool(query.where or query.distinct or query.combinator)
        limit = FILTERED_EXACT_LIMIT if filtered else EXACT_LIMIT
        bounded = queryset.order_by()[: limit + 1].count()
        if bounded <= limit:
            return bounded
        if filtered:
            estimate = explain_rows(queryset)
        else:
            estimate = table_estimates([table_of(queryset.model)], using=queryset.db)[table_of(queryset.model)]
        self.estimated = True
        return max(estimate or 0, bounded)


def seek_slice(queryset, offset, limit):
    """Rows ``offset .. offset + limit`` of a list ordered ``-<time>, -pk``.

    OFFSET 250,000 makes PostgreSQL sort a quarter of a million rows by the
    (time, pk) pair and join each one's related rows. Instead: read the time
    at that offset from the time index alone, count the rows strictly newer,
    and take the page from there, where only ties with the boundary need
    skipping. Returns None when the ordering is not one this applies to.
    """
    model = queryset.model
    ordering = list(dict.fromkeys(queryset.query.order_by))  # the admin may repeat a field
    pk_orders = {"-pk", f"-{model._meta.pk.name}", f"-{model._meta.pk.attname}"}
    if len(ordering) != 2 or not str(ordering[0]).startswith("-") or ordering[1] not in pk_orders:
        return None
    name = ordering[0][1:]
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if not isinstance(field, DateTimeField) or field.null or not is_indexed(model, name):
        return None
    boundary = list(queryset.order_by(f"-{name}").values_list(name, flat=True)[offset : offset + 1])
    if not boundary:
        return []
    newer = queryset.filter(**{f"{name}__gt": boundary[0]}).order_by().count()
    skip = offset - newer
    return list(queryset.filter(**{f"{name}__lte": boundary[0]})[skip : skip + limit])


def dashboard_counts(models):
    """{model: (rows, estimated)} in two queries: bounded counts of every
    table (one UNION ALL), then statistics for the tables at the limit."""
    sql = " UNION ALL ".join(
        f"SELECT {i}, count(*) FROM (SELECT 1 FROM {m._meta.db_table} LIMIT {EXACT_LIMIT + 1}) t{i}"
        for i, m in enumerate(models)
    )
    if not sql:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(sql)
        bounded = {models[i]: rows for i, rows in cursor.fetchall()}
    big = [m for m, rows in bounded.items() if rows > EXACT_LIMIT]
    estimates = table_estimates([table_of(m) for m in big])
    return {
        m: (max(estimates[table_of(m)] or 0, rows), True) if m in big else (rows, False)
        for m, rows in bounded.items()
    }
