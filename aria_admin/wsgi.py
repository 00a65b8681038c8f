import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aria_admin.settings")
application = get_wsgi_application()

# Compare the warehouse with the models once as the process starts serving
# (gunicorn and runserver both load this module); drift is logged and shown.
from aria_admin.schema_health import check_at_startup  # noqa: E402

check_at_startup()
