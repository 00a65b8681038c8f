"""Test-only views for the replica and time-limit tests (ROOT_URLCONF of
those tests only; production has no view that sleeps).

- a page under /admin/insights/, the path of a replica-reading section,
  that shows a goal's title as read by the ORM, optionally after writing;
- a page that runs pg_sleep for ?seconds=..., to hit the time limit.
"""

from django.db import connection
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
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [float(request.GET.get("seconds", "1"))])
    return HttpResponse("slept")


urlpatterns = [
    path("admin/insights/test-goal-title/<uuid:pk>/", goal_title),
    path("test-sleep/", sleep, name="test-sleep"),
    *site_patterns,
]
