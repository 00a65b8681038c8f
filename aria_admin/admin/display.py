"""List cells and read-only blocks: truncated text, FK links, embeddings,
capped tables of related records with a "see all" link. Secrets are masked
(aria_admin.secrets) and secret columns never sort."""

import json
import math
from datetime import datetime

from django.contrib.admin.views.main import ChangeList
from django.contrib.postgres.fields import ArrayField
from django.db import connection, models
from django.db.models.expressions import RawSQL
from django.urls import NoReverseMatch
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode

from aria_admin.admin.urls import cached_reverse, change_url
from aria_admin.fields import EmbeddingField, vector_available
from aria_admin.secrets import describe_secret, is_secret_name, mask_field
from aria_admin.text import truncate
from aria_admin.times import iso_time, show_time, time_until

LIST_TEXT_CHARS = 80
RELATED_ROWS = 50


def list_time(value):
    """Lists show times to the second, in UTC (aria_admin.times): log rows a
    few seconds apart must be told apart (Django's default stops at minutes)."""
    return show_time(value)


# Status badges: the value in words, coloured by its tone (admin.css, light
# and dark): never colour alone. Each app's domain module maps its values.
BADGE_TONES = ("ok", "warn", "bad", "info", "idle")


def badge(text, tone):
    tone = tone if tone in BADGE_TONES else "idle"
    return format_html('<span class="aria-badge aria-badge-{}">{}</span>', tone, text)


def badge_column(name, tones, *, description=None):
    """A list_display callable showing field ``name`` as a badge (``tones``:
    value -> tone); it sorts by the field."""

    def cell(obj):
        value = getattr(obj, name)
        if value in (None, ""):
            return "-"
        return badge(str(value).replace("_", " "), tones.get(value, "idle"))

    cell.__name__ = f"{name}_badge"
    cell.short_description = description or name.replace("_", " ")
    cell.admin_order_field = name
    return cell


def time_cell(value, now, *, empty="-"):
    """A compact relative time ('in 2 h 14 min') in a <time> element, the
    full UTC time in its title: narrow cells, exact on hover and for tools."""
    if value is None:
        return empty
    return format_html(
        '<time datetime="{}" title="{}">{}</time>', iso_time(value), show_time(value), time_until(value, now)
    )


def admin_url(obj, view="change"):
    """The admin URL of ``obj`` (or of its model's changelist), or None."""
    opts = obj._meta
    try:
        if view == "changelist":
            return cached_reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        return change_url(opts, obj.pk)
    except NoReverseMatch:
        return None


def link(obj, text=None):
    if obj is None:
        return "-"
    text = truncate(str(obj) if text is None else text, 60)
    url = admin_url(obj)
    return format_html('<a href="{}">{}</a>', url, text) if url else text


def compact_json(value):
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def embedding_summary(values, first=5):
    """'768 dims, norm 1.0000: [0.01, -0.2, ...]' instead of 768 floats."""
    if values is None:
        return "-"
    norm = math.sqrt(sum(v * v for v in values))
    return embedding_text(len(values), norm, values[:first], more=len(values) > first)


def embedding_text(dims, norm, head, *, more):
    values = ", ".join(f"{v:.4g}" for v in head)
    return f"{dims} dims, norm {norm:.4f}: [{values}{', …' if more else ''}]"


def needs_list_cell(field):
    """Whether a model field's list cell is built here rather than by Django."""
    if field.many_to_one:
        return True
    if isinstance(field, (models.JSONField, models.TextField, EmbeddingField)) or is_secret_name(field.name):
        return True
    return isinstance(field, models.CharField) and (field.max_length or 0) > LIST_TEXT_CHARS


def list_cell(field):
    """A list_display callable for ``field``: linked FK, truncated text/JSON, embedding summary."""
    name = field.name

    if field.many_to_one:

        def cell(obj):
            return link(getattr(obj, name))

    elif isinstance(field, EmbeddingField):

        def cell(obj):
            dims = getattr(obj, f"{name}_dims", None)
            if dims is None:
                return "-"
            head = getattr(obj, f"{name}_head") or []
            return embedding_text(dims, getattr(obj, f"{name}_norm") or 0, head, more=True)

    elif isinstance(field, models.JSONField):

        def cell(obj):
            value = getattr(obj, name)
            return "-" if value is None else truncate(compact_json(mask_field(obj, name, value)), LIST_TEXT_CHARS)

    elif is_secret_name(name):

        def cell(obj):
            return describe_secret(getattr(obj, name))

    else:

        def cell(obj):
            value = getattr(obj, name)
            return "-" if value is None else truncate(value, LIST_TEXT_CHARS)

    cell.__name__ = name
    cell.short_description = field.verbose_name
    if not isinstance(field, (models.JSONField, EmbeddingField)) and not is_secret_name(name):
        # A foreign key sorts by its own column: no join to sort by.
        cell.admin_order_field = field.attname if field.many_to_one else name
    return cell


def cell_text(value):
    """A related-table cell: records linked, times to the second."""
    if isinstance(value, models.Model):
        return link(value)
    if isinstance(value, datetime):
        return list_time(value)
    return "-" if value is None else value


def embedding_annotations(field, vector):
    """SQL for an embedding's dimension, norm and first 3 values, so a list
    shows them without loading the vectors (``vector``: pgvector column,
    else jsonb, which may hold something other than a list of numbers)."""
    col = f"{field.model._meta.db_table}.{connection.ops.quote_name(field.column)}"
    if vector:
        dims, norm, head = f"vector_dims({col})", f"vector_norm({col})", f"({col}::real[])[1:3]"
    else:
        array = f"CASE WHEN jsonb_typeof({col}) = 'array' THEN {col} ELSE '[]'::jsonb END"
        number = "(x #>> '{}')::float8"
        dims = f"CASE WHEN jsonb_typeof({col}) = 'array' THEN jsonb_array_length({col}) END"
        norm = f"(SELECT sqrt(sum({number} ^ 2)) FROM jsonb_array_elements({array}) x WHERE jsonb_typeof(x) = 'number')"
        head = (
            f"(SELECT array_agg({number} ORDER BY i) FROM jsonb_array_elements({array}) "
            "WITH ORDINALITY AS e(x, i) WHERE i <= 3 AND jsonb_typeof(x) = 'number')"
        )
    return {
        f"{field.name}_dims": RawSQL(dims, (), output_field=models.IntegerField()),
        f"{field.name}_norm": RawSQL(norm, (), output_field=models.FloatField()),
        f"{field.name}_head": RawSQL(head, (), output_field=ArrayField(models.FloatField())),
    }


def summarise_embeddings(field, rows):
    """Give each of ``rows`` (a changelist page) the ``embedding_annotations``
    of ``field``, read in one query over those rows' ids.

    Not annotated on the list's own query: unless an index returns the rows
    in the list's order, PostgreSQL computes the select list of every
    matching row before the sort, and the summary would read 100,000
    TOAST-ed vectors to show 50 (1.6 s sorted by summary, 768-d).
    """
    rows = list(rows)  # a page's queryset keeps its rows: the list renders these
    if not rows:
        return
    summary = embedding_annotations(field, vector_available(connection))
    found = {
        values.pop("pk"): values
        for values in field.model._base_manager.filter(pk__in=[obj.pk for obj in rows])
        .order_by()
        .annotate(**summary)
        .values("pk", *summary)
    }
    for obj in rows:
        for name, value in found.get(obj.pk, dict.fromkeys(summary)).items():
            setattr(obj, name, value)


class EmbeddingSummaryChangeList(ChangeList):
    """A changelist whose page's embeddings are summarised after the page is cut."""

    def get_results(self, request):
        super().get_results(request)
        summarise_embeddings(self.model_admin.embedding_field(), self.result_list)


def related_table(queryset, columns, *, see_all=None, limit=RELATED_ROWS, empty="None."):
    """An HTML table of the latest ``limit`` rows of ``queryset``, each linked.

    ``columns`` are (heading, row -> value) pairs; the first links to the
    row. ``see_all`` is (changelist model, {lookup: value}) for the link to
    the full, filtered changelist.
    """
    rows = list(queryset[: limit + 1])
    if not rows:
        return empty
    more = len(rows) > limit
    rows = rows[:limit]
    head = format_html_join("", "<th>{}</th>", ((h,) for h, _ in columns))
    body = format_html_join(
        "",
        "<tr>{}</tr>",
        (
            (
                format_html_join(
                    "",
                    "<td>{}</td>",
                    (
                        (link(row, value(row)) if i == 0 else cell_text(value(row)),)
                        for i, (_, value) in enumerate(columns)
                    ),
                ),
            )
            for row in rows
        ),
    )
    footer = ""
    if see_all:
        model, lookups = see_all
        url = admin_url(model, "changelist")
        if url:
            label = f"See all (showing the latest {limit})" if more else "See all in the list"
            footer = format_html('<p><a href="{}?{}">{}</a></p>', url, urlencode(lookups), label)
    return format_html(
        '<table class="aria-related"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>{}',
        head,
        body,
        footer,
    )
