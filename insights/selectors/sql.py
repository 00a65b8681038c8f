"""Shared pieces of the selectors' SQL."""

from urllib.parse import urlencode

from django.urls import reverse

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


def where(rng, filters, columns):
    """The bucket range plus each set filter (name -> column)."""
    sql, params = bucket_where(rng)
    parts = [sql]
    for name, column in columns.items():
        if filters.get(name):
            part, more = equals(column, filters[name])
            parts.append(part)
            params += more
    return " AND ".join(parts), params


def iso(moment):
    return moment.isoformat()


def rate(part, whole):
    return (part / whole) if whole else None


def admin_url(name, *args, query=None):
    """The admin URL named ``name`` (e.g. "data_app_goal_change"), with a query."""
    url = reverse(f"admin:{name}", args=args)
    return f"{url}?{urlencode(query)}" if query else url
