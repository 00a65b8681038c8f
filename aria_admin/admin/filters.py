"""List filters that stay cheap on tables of millions of rows.

Choices are Aria's known values (DOMAIN.md) plus the values actually
present, so a value Aria wrote that the domain list lacks still filters.
"Present" is read with a bounded query: a loose index scan on an indexed
column (one index probe per distinct value), else the distinct values of
the latest rows. No facet counts.
"""

from datetime import datetime, time, timedelta

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db import connection, connections, router
from django.db.models import Count
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.dateparse import parse_date, parse_datetime

from data_app.domain import normalise_threat_level

DISTINCT_LIMIT = 50
RECENT_ROWS = 5000


def is_indexed(model, column_name):
    """Whether some index or unique key of the model starts with this field."""
    for index in model._meta.indexes:
        if index.fields and index.fields[0].lstrip("-") == column_name:
            return True
    return False


def present_values(model, field):
    """Up to DISTINCT_LIMIT distinct non-null values of ``field``.

    Indexed columns: every value (a loose index scan). Others: the values in
    a sample of RECENT_ROWS rows, so the query stays bounded.
    """
    table, column = model._meta.db_table, connection.ops.quote_name(field.column)
    if is_indexed(model, field.name):
        sql = f"""
            WITH RECURSIVE present(v) AS (
                (SELECT {column} FROM {table} WHERE {column} IS NOT NULL ORDER BY 1 LIMIT 1)
                UNION ALL
                SELECT (SELECT {column} FROM {table} WHERE {column} > present.v ORDER BY 1 LIMIT 1)
                  FROM present WHERE present.v IS NOT NULL
            )
            SELECT v FROM present WHERE v IS NOT NULL LIMIT {DISTINCT_LIMIT}"""
    else:
        sql = f"""
            SELECT DISTINCT v FROM (SELECT {column} AS v FROM {table} LIMIT {RECENT_ROWS}) recent
             WHERE v IS NOT NULL ORDER BY v LIMIT {DISTINCT_LIMIT}"""
    with connections[router.db_for_read(model)].cursor() as cursor:  # a list's replica, if it reads one
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


class ValuesFieldListFilter(admin.FieldListFilter):
    """Filter a text column by Aria's known values plus those present."""

    domain_values = ()

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.lookup_kwarg = field_path
        self.lookup_kwarg_isnull = f"{field_path}__isnull"
        self.lookup_val = params.get(self.lookup_kwarg)
        self.lookup_val_isnull = params.get(self.lookup_kwarg_isnull)
        super().__init__(field, request, params, model, model_admin, field_path)
        self.model = model
        self.labels = dict(field.flatchoices)

    @cached_property
    def values(self):
        """Read when the filter is shown, not when it is built: the admin
        builds the filters twice per list, and for an action POST without
        showing them."""
        known = list(self.domain_values) or [value for value, _ in self.field.flatchoices]
        return known + [v for v in present_values(self.model, self.field) if v not in known]

    def expected_parameters(self):
        # ``__exact`` is how Django's own choice filters spell it: links and
        # bookmarks made with that spelling keep working.
        return [self.lookup_kwarg, f"{self.lookup_kwarg}__exact", self.lookup_kwarg_isnull]

    def has_output(self):
        return True

    def choices(self, changelist):
        selected = self.lookup_val[-1] if self.lookup_val else None
        yield {
            "selected": selected is None and not self.lookup_val_isnull,
            "query_string": changelist.get_query_string(remove=self.expected_parameters()),
            "display": "All",
        }
        for value in self.values:
            yield {
                "selected": selected == str(value),
                "query_string": changelist.get_query_string(
                    {self.lookup_kwarg: value}, [f"{self.lookup_kwarg}__exact", self.lookup_kwarg_isnull]
                ),
                "display": self.labels.get(value, value),
            }
        if self.field.null:
            yield {
                "selected": bool(self.lookup_val_isnull),
                "query_string": changelist.get_query_string(
                    {self.lookup_kwarg_isnull: "True"}, [self.lookup_kwarg]
                ),
                "display": "(none)",
            }


def values_filter(values):
    """A ValuesFieldListFilter whose known values are ``values``."""
    return type("KnownValuesFilter", (ValuesFieldListFilter,), {"domain_values": tuple(values)})


class ThreatLevelFilter(admin.SimpleListFilter):
    """Security events by normalised threat level: 'high' and 'HIGH' are one.

    Each level shows how many events it holds (one GROUP BY upper(level),
    served by the threat_level index).
    """

    title = "threat level"
    parameter_name = "threat_level__iexact"
    known = ("NONE", "LOW", "MEDIUM", "HIGH", "CRITICAL")

    def lookups(self, request, model_admin):
        counts = {}
        rows = (
            model_admin.model._default_manager.order_by()
            .values_list("threat_level")
            .annotate(n=Count("pk"))
        )
        for level, n in rows:
            level = normalise_threat_level(level)
            counts[level] = counts.get(level, 0) + n
        levels = list(self.known) + sorted(set(counts) - set(self.known) - {""})
        return [(level, f"{level} ({counts.get(level, 0)})") for level in levels]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(threat_level__iexact=normalise_threat_level(self.value()))
        return queryset


class DateRangeFieldListFilter(admin.FieldListFilter):
    """A since / until range on a time column (dates or date-times, UTC).

    ``until`` given as a date includes that whole day.
    """

    template = "admin/aria_admin/date_range_filter.html"

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.since_kwarg = f"{field_path}__since"
        self.until_kwarg = f"{field_path}__until"
        super().__init__(field, request, params, model, model_admin, field_path)
        self.since = self._parse(self.used_parameters.get(self.since_kwarg), end=False)
        self.until = self._parse(self.used_parameters.get(self.until_kwarg), end=True)

    def _parse(self, raw, *, end):
        text = (raw[-1] if isinstance(raw, list) else raw or "").strip()
        if not text:
            return None
        try:
            day = parse_date(text)  # a bare date means the whole day
            moment = None if day else parse_datetime(text)
        except ValueError:
            moment = day = None
        if moment is None and day is None:
            raise IncorrectLookupParameters(f"Not a date: {text!r}")
        try:
            if day is not None:
                moment = datetime.combine(day + timedelta(days=1) if end else day, time.min)
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, timezone.get_current_timezone())
        except OverflowError:  # e.g. until 9999-12-31
            raise IncorrectLookupParameters(f"Date out of range: {text!r}") from None
        return moment

    def expected_parameters(self):
        return [self.since_kwarg, self.until_kwarg]

    def has_output(self):
        return True

    def queryset(self, request, queryset):
        if self.since:
            queryset = queryset.filter(**{f"{self.field_path}__gte": self.since})
        if self.until:
            queryset = queryset.filter(**{f"{self.field_path}__lt": self.until})
        return queryset

    def choices(self, changelist):
        hidden = [
            (key, value)
            for key, value in changelist.params.items()
            if key not in self.expected_parameters()
        ]
        yield {
            "since_name": self.since_kwarg,
            "until_name": self.until_kwarg,
            "since": self._raw(self.since_kwarg),
            "until": self._raw(self.until_kwarg),
            "hidden": hidden,
            "clear_url": changelist.get_query_string(remove=self.expected_parameters()),
            "selected": bool(self.since or self.until),
        }

    def _raw(self, key):
        value = self.used_parameters.get(key)
        return (value[-1] if isinstance(value, list) else value) or ""
