"""List filters that stay cheap on tables of millions of rows.

Choices are Aria's known values (DOMAIN.md) plus the values actually
present, so a value Aria wrote that the domain list lacks still filters.
"Present" is read with a bounded query: a loose index scan on an indexed
column (one index probe per distinct value), else the distinct values of
the latest rows. No facet counts.
"""

from datetime import datetime, time, timedelta

from django.contrib import admin, messages
from django.db import connection, connections, router
from django.db.models import F, Index, UniqueConstraint
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.dateparse import parse_date, parse_datetime

DISTINCT_LIMIT = 50
RECENT_ROWS = 5000


def leading_column(index):
    """The field name an index or unique constraint starts with, or None.

    None for one with a condition (a partial index cannot serve a scan of
    the whole column) or one starting with an expression other than a
    plain column (``F("name")``).
    """
    if getattr(index, "condition", None) is not None:
        return None
    if index.fields:
        return index.fields[0].lstrip("-")
    first = index.expressions[0] if index.expressions else None
    while first is not None and not isinstance(first, F):
        # OrderBy(F("x")) and the like wrap the column one level down.
        sources = first.get_source_expressions() if hasattr(first, "get_source_expressions") else []
        first = sources[0] if len(sources) == 1 else None
    return first.name if first is not None else None


def is_indexed(model, field_name):
    """Whether a B-tree index starts with this field: the primary key, a
    unique field, or the first column of an index, unique constraint or
    unique_together in the model's Meta (partial ones excepted).
    """
    opts = model._meta
    field = opts.get_field(field_name)
    if field.primary_key or field.unique:
        return True
    if any(names and names[0] == field_name for names in opts.unique_together):
        return True
    return any(leading_column(index) == field_name for index in (*opts.indexes, *opts.constraints)
               if isinstance(index, (Index, UniqueConstraint)))


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

    # Values that all mean "it failed": offered as one "Failed" choice.
    failing_values = ()

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.lookup_kwarg = field_path
        self.lookup_kwarg_isnull = f"{field_path}__isnull"
        self.lookup_kwarg_in = f"{field_path}__in"
        self.lookup_val = params.get(self.lookup_kwarg)
        self.lookup_val_isnull = params.get(self.lookup_kwarg_isnull)
        self.lookup_val_in = params.get(self.lookup_kwarg_in)
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
        names = [self.lookup_kwarg, f"{self.lookup_kwarg}__exact", self.lookup_kwarg_isnull]
        return names + [self.lookup_kwarg_in] if self.failing_values else names

    def has_output(self):
        return True

    def choices(self, changelist):
        selected = self.lookup_val[-1] if self.lookup_val else None
        failing = ",".join(self.failing_values)
        yield {
            "selected": selected is None and not self.lookup_val_isnull and not self.lookup_val_in,
            "query_string": changelist.get_query_string(remove=self.expected_parameters()),
            "display": "All",
        }
        if failing:
            yield {
                "selected": bool(self.lookup_val_in) and self.lookup_val_in[-1] == failing,
                "query_string": changelist.get_query_string(
                    {self.lookup_kwarg_in: failing},
                    [self.lookup_kwarg, f"{self.lookup_kwarg}__exact", self.lookup_kwarg_isnull],
                ),
                "display": f"Failed ({' or '.join(self.failing_values)})",
            }
        others = [f"{self.lookup_kwarg}__exact", self.lookup_kwarg_isnull, self.lookup_kwarg_in]
        for value in self.values:
            yield {
                "selected": selected == str(value),
                "query_string": changelist.get_query_string({self.lookup_kwarg: value}, others),
                "display": self.labels.get(value, value),
            }
        if self.field.null:
            yield {
                "selected": bool(self.lookup_val_isnull),
                "query_string": changelist.get_query_string(
                    {self.lookup_kwarg_isnull: "True"}, [self.lookup_kwarg, self.lookup_kwarg_in]
                ),
                "display": "(none)",
            }


def values_filter(values, *, failing=()):
    """A ValuesFieldListFilter whose known values are ``values``, with a
    "Failed" choice grouping the ``failing`` ones."""
    attrs = {"domain_values": tuple(values), "failing_values": tuple(failing)}
    return type("KnownValuesFilter", (ValuesFieldListFilter,), attrs)


class SuccessFieldListFilter(admin.BooleanFieldListFilter):
    """A ``success`` column as "Succeeded" / "Failed" (success = false):
    Django's Yes / No, same parameters, named for what they mean."""

    def choices(self, changelist):
        labels = iter(["All", "Succeeded", "Failed"])
        for choice in super().choices(changelist):
            choice["display"] = next(labels, choice["display"])
            yield choice


class DateRangeFieldListFilter(admin.FieldListFilter):
    """A since / until range on a time column (dates or date-times, UTC),
    and one-click ranges back from now (``<field>__last=1h|24h|7d|30d``).

    ``until`` given as a date includes that whole day. A value the filter
    cannot read is not dropped: the list shows no rows and says why, with
    the typed text kept in its box (dropping it would show rows outside the
    range the person asked for, and an action could then be run on them).
    """

    template = "admin/aria_admin/date_range_filter.html"
    # A preset is relative to each request's now: a bookmark stays "the last hour".
    PRESETS = {
        "1h": ("Last hour", timedelta(hours=1)),
        "24h": ("Last 24 hours", timedelta(hours=24)),
        "7d": ("Last 7 days", timedelta(days=7)),
        "30d": ("Last 30 days", timedelta(days=30)),
    }
    FORMAT_HINT = "use YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS], in UTC"

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.since_kwarg = f"{field_path}__since"
        self.until_kwarg = f"{field_path}__until"
        self.last_kwarg = f"{field_path}__last"
        super().__init__(field, request, params, model, model_admin, field_path)
        self.errors = []
        self.since = self._parse(self.since_kwarg, end=False)
        self.until = self._parse(self.until_kwarg, end=True)
        last = self._raw(self.last_kwarg)
        self.last = self.PRESETS.get(last, (None, None))[1]
        if last and self.last is None:
            self.errors.append(f"{self.title}: no such range {last[:40]!r} (choose one of the links).")
        for error in self.errors:
            report_once(request, error)

    def _parse(self, key, *, end):
        text = self._raw(key).strip()
        if not text:
            return None
        label = "until" if end else "since"
        try:
            day = parse_date(text)  # a bare date means the whole day
            moment = None if day else parse_datetime(text)
        except ValueError:
            moment = day = None
        if moment is None and day is None:
            self.errors.append(f"{self.title} {label}: {text[:40]!r} is not a date ({self.FORMAT_HINT}).")
            return None
        try:
            if day is not None:
                moment = datetime.combine(day + timedelta(days=1) if end else day, time.min)
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, timezone.get_current_timezone())
        except OverflowError:  # e.g. until 9999-12-31
            self.errors.append(f"{self.title} {label}: {text[:40]!r} is out of range.")
            return None
        return moment

    def expected_parameters(self):
        return [self.since_kwarg, self.until_kwarg, self.last_kwarg]

    def has_output(self):
        return True

    def queryset(self, request, queryset):
        if self.errors:
            return queryset.none()
        if self.last:
            queryset = queryset.filter(**{f"{self.field_path}__gte": timezone.now() - self.last})
        if self.since:
            queryset = queryset.filter(**{f"{self.field_path}__gte": self.since})
        if self.until:
            queryset = queryset.filter(**{f"{self.field_path}__lt": self.until})
        return queryset

    def choices(self, changelist):
        ranges = [self.since_kwarg, self.until_kwarg]
        hidden = [
            (key, value)
            for key, value in changelist.params.items()
            if key not in self.expected_parameters()
        ]
        last = self._raw(self.last_kwarg)
        yield {
            "since_name": self.since_kwarg,
            "until_name": self.until_kwarg,
            "since": self._raw(self.since_kwarg),
            "until": self._raw(self.until_kwarg),
            "hidden": hidden,
            "clear_url": changelist.get_query_string(remove=self.expected_parameters()),
            "selected": bool(self.since or self.until or self.last or self.errors),
            "presets": [
                (label, changelist.get_query_string({self.last_kwarg: key}, ranges), last == key)
                for key, (label, _) in self.PRESETS.items()
            ],
            "errors": self.errors,
        }

    def _raw(self, key):
        value = self.used_parameters.get(key)
        return (value[-1] if isinstance(value, list) else value) or ""


def reported_errors(request):
    """The filter values this request could not read (what report_once said)."""
    return sorted(request.__dict__.get("_aria_filter_errors", ()))


def report_once(request, text):
    """An error message on the page, once per request although the admin
    builds its filters more than once."""
    if request is None:
        return
    reported = request.__dict__.setdefault("_aria_filter_errors", set())
    if text not in reported:
        reported.add(text)
        messages.error(request, text)
