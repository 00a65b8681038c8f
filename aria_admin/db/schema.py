from django.db.backends.postgresql import schema
from django.db.backends.utils import split_identifier

ARIA_SCHEMAS = ("aria_data", "aria_engine")


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

    def _create_like_index_sql(self, model, field):
        if is_aria_model(model):
            return None
        return super()._create_like_index_sql(model, field)
