from django.db.backends.postgresql import introspection
from django.db.backends.utils import split_identifier


class DatabaseIntrospection(introspection.DatabaseIntrospection):
    def get_constraints(self, cursor, table_name):
        """Constraints of a schema-qualified table such as '"aria_data"."goals"'.

        Django's query looks tables up by bare name among the tables visible
        on the search path, so it finds nothing for Aria's tables and a later
        migration that alters a foreign key or drops a unique key would
        silently do nothing. Look inside the table's schema instead.
        """
        namespace, table = split_identifier(table_name)
        if not namespace:
            return super().get_constraints(cursor, table_name)
        cursor.execute("SELECT current_setting('search_path')")
        search_path = cursor.fetchone()[0]
        cursor.execute(
            "SELECT set_config('search_path', %s, false)", [f'"{namespace}", public']
        )
        try:
            return super().get_constraints(cursor, table)
        finally:
            cursor.execute("SELECT set_config('search_path', %s, false)", [search_path])
