"""Shared pieces of the selectors' SQL."""

from urllib.parse import urlencode

from django.urls import reverse

from insights.models import DAY
from insights.rollups import read_connection

NONE = "(none)"  # the filter value that means NULL (no provider, no skill, no job)


def fetch(sql, params):
    """Rows of ``sql`` as dicts, read where the router sends rollup reads."""
    with read_connection().cursor() as cursor:
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def bucket_where(rng):
    return "grain = %s AND start >= %s AND start < %s", [rng.grain, rng.since, rng.until]


def equals(column, value):
    """SQL and params for ``column`` = a filter value (NONE: IS NULL)."""
    if value == NONE:
        return f"{column} IS NULL", []
    return f"{column} = %s", [value]


def matching(filters, columns):
    """SQL and params of each set filter (name -> column) together; "true" for none."""
    parts, params = [], []
    for name, column in columns.items():
        if filters.get(name):
            part, more = equals(column, filters[name])
            parts.append(part)
            params += more
    return " AND ".join(parts) or "true", params


def where(rng, filters, columns):
    """The bucket range plus each set filter (name -> column)."""
    sql, params = bucket_where(rng)
    filtered, more = matching(filters, columns)
    return f"{sql} AND {filtered}", params + more


def iso(moment):
    return moment.isoformat()


def rate(part, whole):
    return (part / whole) if whole else None


def admin_url(name, *args, query=None):
    """The admin URL named ``name`` (e.g. "data_app_goal_change"), with a query."""
    url = reverse(f"admin:{name}", args=args)
    return f"{url}?{urlencode(query)}" if query else url


BATCH = 50
VISIT_AT_MOST = 1000


def top_by_bound(rng, cond, params, bound, sums, limit):
    """The ``limit`` keys of ``bound`` (a rollups.Bound) with the largest sum
    of its measure in the range (``cond``), exactly, without adding up every key.

    Keys are visited in the order of their bound (any range, any filter
    costs no more), BATCH at a time, and their exact sums in the range added
    up from the rollup; once the last of the best ``limit`` is above the
    bound of every key not yet visited, no other key can enter the list.
    After VISIT_AT_MOST keys, a plain GROUP BY decides; it decides at once
    for ranges of hour buckets (at most 48 hours of rows, where most keys'
    sums are far below their bounds). ``sums`` is the SELECT list of the
    sums, the measure's named as the measure; ties go to the smaller key.
    """
    key, measure = bound.key, bound.measure
    best, visited = [], 0 if rng.grain == DAY else VISIT_AT_MOST
    while visited < VISIT_AT_MOST:
        batch = fetch(
            f"SELECT {key}, bound FROM {bound.table} WHERE end_day > %s AND first_day < %s "
            f"ORDER BY bound DESC, {key} LIMIT %s OFFSET %s", [rng.since, rng.until, BATCH, visited],
        )
        if batch:
            best += fetch(
                f"SELECT {key}, {sums} FROM {bound.facts} WHERE {cond} AND {key} = ANY(%s) GROUP BY {key}",
                params + [[r[key] for r in batch]],
            )
            best = sorted(best, key=lambda r: (-r[measure], str(r[key])))[:limit]
            visited += len(batch)
        if len(batch) < BATCH or (len(best) == limit and best[-1][measure] > batch[-1]["bound"]):
            return best
    return fetch(
        f"SELECT {key}, {sums} FROM {bound.facts} WHERE {cond} GROUP BY {key} "
        f"ORDER BY sum({measure}) DESC, {key}::text LIMIT {limit}", params,
    )
