"""Each request's database plan: replica or primary, time limit, pinning.

- Before the view: the statement time limit by URL path; after URL
  resolution, a replica if the view only reads (kinds.reads_replica), the
  user has not written in the last ARIA_READ_PIN_SECONDS (a time kept in
  their session) and a replica is usable (status.usable_replica).
- During the view: the first write through the primary sends the rest of
  the request's reads to the primary (aria_admin.timeouts notes it).
- After a request that wrote (any method but GET/HEAD): the user is pinned
  to the primary for ARIA_READ_PIN_SECONDS, so the page they are sent to
  next shows their change even if the replica is a moment behind.
- A replica that fails during the view (stopped, unreachable): it is
  marked unavailable and a GET is served again from the primary, once.

Sits after AuthenticationMiddleware (it reads the session and the user)
and inside DatabaseUnavailableMiddleware (whose error pages it defers to).
"""

import time

from django.conf import settings
from django.db import connections

from aria_admin.replicas import context, kinds, status
from aria_admin.timeouts import is_statement_timeout

PIN_SESSION_KEY = "aria_read_pin_until"


def pinned(request):
    """Whether the user wrote less than ARIA_READ_PIN_SECONDS ago."""
    session = getattr(request, "session", None)
    until = session.get(PIN_SESSION_KEY) if session is not None else None
    return isinstance(until, (int, float)) and until > time.time()


def pin(request):
    session = getattr(request, "session", None)
    if session is not None and settings.ARIA_READ_PIN_SECONDS > 0:
        session[PIN_SESSION_KEY] = time.time() + settings.ARIA_READ_PIN_SECONDS


def in_plan(plan, content):
    """Iterate a streamed response's content with ``plan`` current."""
    with context.active(plan):
        yield from content


async def in_plan_async(plan, content):
    with context.active(plan):
        async for chunk in content:
            yield chunk


class ReadRoutingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        plan = context.RequestPlan(timeout_ms=kinds.timeout_ms(request.path_info), reason="not a read-only view")
        request.aria_plan = plan
        with context.active(plan):
            response = self.get_response(request)
        if getattr(response, "streaming", False):
            wrap = in_plan_async if response.is_async else in_plan
            response.streaming_content = wrap(plan, response.streaming_content)
        if plan.wrote and request.method not in kinds.SAFE_METHODS:
            pin(request)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        plan = request.aria_plan
        if not status.aliases() or not kinds.reads_replica(request, view_func):
            return None
        if pinned(request):
            plan.reason = "pinned after a write"
            return None
        plan.replica = status.usable_replica()
        plan.reason = "" if plan.replica else "no replica usable"
        return None

    def process_exception(self, request, exception):
        """A replica lost during the view: serve the page from the primary."""
        plan = getattr(request, "aria_plan", None)
        if plan is None or plan.replica is None or getattr(request, "aria_replica_retried", False):
            return None
        from aria_admin.middleware import is_database_error, is_write_conflict

        if not is_database_error(exception) or is_write_conflict(exception) or is_statement_timeout(exception):
            return None
        if not connections[plan.replica].errors_occurred:  # the primary failed, not the replica
            return None
        request.aria_replica_retried = True
        status.mark_unavailable(plan.replica, type(exception.__cause__ or exception).__name__)
        plan.replica, plan.reason = None, "replica failed during the request"
        match = request.resolver_match
        response = match.func(request, *match.args, **match.kwargs)
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response = response.render()
        return response
