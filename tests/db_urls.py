"""Test-only views for the replica and time-limit tests (ROOT_URLCONF of
those tests only; production has no view that sleeps).

- a page under /admin/insights/, the path of a replica-reading section,
  that shows a goal's title as read by the ORM, optionally after writing;
- a page that runs pg_sleep for ?seconds=..., to hit the time limit, also
  at an export's path.
"""

import contextlib

from django.db import connection, transaction
from django.http import HttpResponse
from django.urls import path

from aria_admin.urls import urlpatterns as site_patterns
from data_app.models import Goal


def goal_title(request, pk):
    """The title as this request reads it; ?write=<title> writes it first,
    as an insights rollup refreshed on read would."""
    if "write" in request.GET:
        Goal.objects.filter(pk=pk).update(title=request.GET["write"])
    return HttpResponse(Goal.objects.get(pk=pk).title)


def sleep(request):
    """pg_sleep(?seconds=); ?atomic=1 sleeps inside transaction.atomic()."""
    with transaction.atomic() if request.GET.get("atomic") else contextlib.nullcontext():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(%s)", [float(request.GET.get("seconds", "1"))])
    return HttpResponse("slept")


urlpatterns = [
    path("admin/insights/test-goal-title/<uuid:pk>/", goal_title),
    path("test-sleep/", sleep, name="test-sleep"),
    path("admin/test/slow/export/", sleep),  # an export's path: ARIA_EXPORT_TIMEOUT_MS
    *site_patterns,
]
