from django.db.backends.postgresql import base

from aria_admin.timeouts import execute_with_limits

from .introspection import DatabaseIntrospection
from .schema import DatabaseSchemaEditor


class DatabaseWrapper(base.DatabaseWrapper):
    SchemaEditorClass = DatabaseSchemaEditor
    introspection_class = DatabaseIntrospection

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Statement time limits and write tracking of the request being
        # served (a no-op outside requests): aria_admin.timeouts.
        self.execute_wrappers.append(execute_with_limits)
