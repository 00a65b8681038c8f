"""Schema editor for Aria's schema-qualified tables (see aria_admin/db/__init__.py)."""

from django.db.backends.postgresql import schema
from django.db.backends.utils import split_identifier

from aria_admin.aria_tables import ARIA_SCHEMAS


def is_aria_model(model):
    namespace, _ = split_identifier(model._meta.db_table)
    return namespace in ARIA_SCHEMAS


class DatabaseSchemaEditor(schema.DatabaseSchemaEditor):
    def _create_fk_sql(self, model, field, suffix):
        statement = super()._create_fk_sql(model, field, suffix)
        if is_aria_model(model):
            _, table = split_identifier(model._meta.db_table)
            statement.parts["name"] = self.quote_name(f"{table}_{field.column}_fkey")
            statement.parts["deferrable"] = ""
        return statement

    def _delete_fk_sql(self, model, name):
        if is_aria_model(model):
            # Aria's FKs are not deferrable, so no SET CONSTRAINTS (which
            # would look the name up on the search path, not in the schema).
            return self._delete_constraint_sql(self.sql_delete_constraint, model, name)
        return super()._delete_fk_sql(model, name)

    def _delete_index_sql(self, model, name, sql=None, concurrently=False):
        # DROP INDEX takes the index's schema, not the table's: qualify it.
        return super()._delete_index_sql(
            model, self._qualified_index_name(model, name), sql, concurrently
        )

    def _rename_index_sql(self, model, old_name, new_name):
        return super()._rename_index_sql(
            model, self._qualified_index_name(model, old_name), new_name
        )

    def _qualified_index_name(self, model, name):
        namespace, _ = split_identifier(model._meta.db_table)
        if namespace and not name.startswith('"'):
            return f"{self.quote_name(namespace)}.{self.quote_name(name)}"
        return name

    def _create_like_index_sql(self, model, field):
        if is_aria_model(model):
            return None
        return super()._create_like_index_sql(model, field)
