"""Lookups that PostgreSQL plans well at warehouse scale.

(The admin's search used an ``ilike`` lookup here; it is full-text search
now, for the reasons in aria_admin.admin.search.)
"""

from django.core.exceptions import EmptyResultSet
from django.db import models
from django.db.models.lookups import In


@models.UUIDField.register_lookup
class UUIDAnyIn(In):
    """``uuid__in=[...]`` as ``= ANY(%s::uuid[])``: one array parameter,
    however many ids.

    A bulk action on 10,000 selected rows filters ``pk__in`` those ids. As
    ``IN (%s, %s, ...)`` psycopg rewrote a 10,000-placeholder query and
    PostgreSQL parsed and planned a 10,000-item list each time; the same
    rows come back either way, by the same index.
    """

    def as_postgresql(self, compiler, connection):
        if not self.rhs_is_direct_value() or any(hasattr(v, "resolve_expression") for v in self.rhs):
            return self.as_sql(compiler, connection)
        values = list(dict.fromkeys(v for v in self.rhs if v is not None))
        if not values:
            raise EmptyResultSet
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        array = [field.get_db_prep_value(v, connection, prepared=True) for v in values]
        return f"{lhs_sql} = ANY(%s::uuid[])", (*lhs_params, array)
