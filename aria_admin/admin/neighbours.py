"""A record page's nearest neighbours by embedding (pgvector cosine distance).

The query is the shape Aria's HNSW indexes serve (pgvector's own example):
the cosine operator alone in ORDER BY, against the record's vector read by
a scalar subquery (run once, before the scan, so the index sees a constant;
and no 1,536 floats sent back and forth as text), a LIMIT, and
``embedding IS NOT NULL``, the predicate of the partial index on chat
messages (a row without an embedding has no distance anyway). Joining the
table to itself for the record's vector, as before, made PostgreSQL compute
the distance to every row and sort them all.

Without pgvector (embeddings stored as jsonb) there is no index and no
distance operator: the page says so instead of scanning the table.
"""

from django.contrib import admin
from django.db import connection
from django.utils.html import format_html, format_html_join

from aria_admin.admin.urls import change_url
from aria_admin.fields import vector_available
from aria_admin.text import truncate

NEIGHBOURS = 10
NEEDS_PGVECTOR = "Needs pgvector: this database stores embeddings as jsonb."


def nearest_neighbours(obj, field, label_sql, limit=NEIGHBOURS):
    """[(pk, label prefix, label text, cosine distance)] of the ``limit``
    rows nearest to ``obj``'s embedding, ``obj`` itself excluded.

    ``label_sql`` is a pair of SQL expressions over the table's columns.
    """
    opts = field.model._meta
    table, column = opts.db_table, connection.ops.quote_name(field.column)
    pk = connection.ops.quote_name(opts.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT {pk}, {label_sql[0]}, {label_sql[1]},
                       {column} <=> (SELECT {column} FROM {table} WHERE {pk} = %s) AS distance
                  FROM {table}
                 WHERE {column} IS NOT NULL AND {pk} <> %s
                 ORDER BY distance
                 LIMIT %s""",
            [obj.pk, obj.pk, limit],
        )
        return cursor.fetchall()


class NearestNeighboursMixin:
    """Adds a record's 10 nearest neighbours to its change page.

    ``neighbour_label`` is a pair of SQL expressions, shown as
    "first: second" (the second truncated) in each neighbour's link.
    """

    neighbour_label = None

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "nearest_neighbours"] if obj is not None else fields

    @admin.display(description=f"{NEIGHBOURS} nearest neighbours (cosine distance)")
    def nearest_neighbours(self, obj):
        field = self.embedding_field()
        if obj is None or obj.pk is None:
            return "-"
        if not vector_available(connection):
            return NEEDS_PGVECTOR
        if getattr(obj, field.attname) is None:
            return f"This {self.opts.verbose_name} has no embedding."
        rows = nearest_neighbours(obj, field, self.neighbour_label)
        if not rows:
            return f"No other {self.opts.verbose_name_plural} with an embedding."
        return format_html(
            '<table class="aria-related"><thead><tr><th>distance</th><th>{}</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            self.opts.verbose_name,
            format_html_join(
                "",
                '<tr><td>{}</td><td><a href="{}">{}: {}</a></td></tr>',
                (
                    (f"{d:.4f}", change_url(self.opts, pk), prefix, truncate(text or "", 80))
                    for pk, prefix, text, d in rows
                ),
            ),
        )
