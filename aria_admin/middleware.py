"""A lost database answers a plain 503 page, not a traceback; a clash
between two writers is retried once, then answers a 409 page; a statement
stopped by the request's time limit answers a 503 page saying so
(aria_admin.timeouts).

Django keeps its connection between requests; with CONN_HEALTH_CHECKS a
broken one is dropped at the start of the next request, so pages work again
as soon as the database is back, with no restart.
"""

from urllib.parse import unquote_to_bytes

from django.db.utils import InterfaceError, OperationalError
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.middleware.security import SecurityMiddleware
from django.template import loader
from django.http import HttpResponse

DATABASE_ERRORS = (OperationalError, InterfaceError)


# SQLSTATEs of a transaction PostgreSQL rolled back because another one
# wrote the same rows at the same moment: deadlock_detected, serialization_failure.
CONFLICT_SQLSTATES = {"40P01", "40001"}


def is_write_conflict(exc):
    """Whether ``exc`` is a deadlock or serialization failure (psycopg's
    error is the cause of Django's OperationalError)."""
    while exc is not None:
        if getattr(exc, "sqlstate", None) in CONFLICT_SQLSTATES:
            return True
        exc = exc.__cause__
    return False


def write_conflict_response(request=None):
    """The 409 page: nothing is down, someone else wrote at the same moment."""
    try:
        body = loader.render_to_string("409.html")
    except Exception:  # the page must render even if templates break
        body = "<h1>Conflict</h1><p>Someone else was changing this at the same moment; try again.</p>"
    return HttpResponse(body, status=409)


def database_unavailable_response(request=None):
    """The plain 503 page: no traceback, no settings, retry advised."""
    try:
        body = loader.render_to_string("503.html")
    except Exception:  # the page must render even if templates break
        body = "<h1>Service unavailable</h1><p>The database is not answering.</p>"
    response = HttpResponse(body, status=503)
    response["Retry-After"] = "10"
    return response


def is_database_error(exc):
    return isinstance(exc, DATABASE_ERRORS)


def database_error_response(request, exc):
    """The page for a database error: 503 naming the time limit for a
    statement that hit it, 409 for a write conflict, 503 for a database
    that cannot be reached, None for anything else."""
    from aria_admin.timeouts import is_statement_timeout, statement_timeout_response

    if is_statement_timeout(exc):
        return statement_timeout_response(request)
    if is_write_conflict(exc):
        return write_conflict_response(request)
    if is_database_error(exc):
        return database_unavailable_response(request)
    return None


class DatabaseUnavailableMiddleware:
    """Turns a database error raised by a view into its page.

    A deadlock or serialization failure rolled the view's transaction back;
    the view runs once more (the other writer has usually finished), and if
    it clashes again the person gets the 409 page, not the outage page.
    The admin's forms, its bulk actions and the board each write in one
    transaction, so a retry starts from what the database held before.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        request.aria_view = (view_func, view_args, view_kwargs)
        return None

    def process_exception(self, request, exception):
        view = getattr(request, "aria_view", None)
        if is_write_conflict(exception) and view and not getattr(request, "aria_retried", False):
            request.aria_retried = True
            view_func, args, kwargs = view
            try:
                return view_func(request, *args, **kwargs)
            except Exception as again:
                response = database_error_response(request, again)
                if response is None:
                    raise
                return response
        return database_error_response(request, exception)


def server_error(request, template_name="500.html"):
    """handler500: the 409 / 503 page for database errors, Django's 500 otherwise.

    Catches what the middleware cannot: database errors raised by other
    middleware (sessions, login throttling) rather than by a view.
    """
    import sys

    from django.views.defaults import server_error as django_server_error

    response = database_error_response(request, sys.exc_info()[1])
    return response or django_server_error(request, template_name)


class HealthCheckMiddleware:
    """Answers GET /healthz first, before host checks and HTTPS redirects.

    Container health checks call it as http://localhost:PORT/healthz, a host
    and scheme the production settings would otherwise refuse. The answer
    still carries the security headers of every other response (HSTS, CSP,
    nosniff, Referrer-Policy, COOP, X-Frame-Options): those middleware's
    response halves are applied to it, without their redirects.
    """

    path = "/healthz"
    header_middleware = (SecurityMiddleware, ContentSecurityPolicyMiddleware, XFrameOptionsMiddleware)

    def __init__(self, get_response):
        self.get_response = get_response
        self.headers = [cls(get_response) for cls in self.header_middleware]

    def __call__(self, request):
        if request.path_info == self.path and request.method in ("GET", "HEAD"):
            from aria_admin.health import healthz

            response = healthz(request)
            for middleware in self.headers:
                response = middleware.process_response(request, response)
            return response
        return self.get_response(request)


# Views whose form names a NUL on its field (Django's CharField refuses it,
# aria_admin.admin.forms the rest); every other view answers 400 for one.
FORM_VIEW_SUFFIXES = ("_add", "_change")
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


def undecodable_names(raw):
    """Names of the parameters in a raw query string / form body (bytes)
    that are not valid UTF-8, and whether any name or value holds a NUL."""
    bad, nul = [], False
    for pair in raw.split(b"&"):
        name, _, value = pair.partition(b"=")
        name, value = (unquote_to_bytes(part.replace(b"+", b" ")) for part in (name, value))
        nul = nul or b"\x00" in name or b"\x00" in value
        try:
            name.decode("utf-8")
            value.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(name.decode("utf-8", "replace"))
    return bad, nul


def bad_request_response(problem):
    """A plain 400 page naming the problem; nothing reached the database."""
    try:
        body = loader.render_to_string("400.html", {"problem": problem})
    except Exception:  # the page must render even if templates break
        body = "<h1>Bad request</h1>"
    return HttpResponse(body, status=400)


class RequestInputMiddleware:
    """Refuses what no page can use before any view sees it.

    PostgreSQL rejects NUL characters in any parameter, and Django decodes
    invalid UTF-8 as U+FFFD, which would be stored as if typed. Both are
    checked on the raw query string and form body, in this one place:
    - a NUL in a query parameter, or in a form posted anywhere but an add
      or change form, is a 400 page (those forms name it on the field);
    - invalid UTF-8 in a query parameter is a 400 page; in an add or change
      form it is an error on each field it was typed in (the form is shown
      again), elsewhere a 400 page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        query = request.META.get("QUERY_STRING", "")
        bad, nul = undecodable_names(query.encode("iso-8859-1", "replace"))
        if nul:
            return bad_request_response("The address contains a NUL character (\\x00), which no page accepts.")
        if bad:
            return bad_request_response(f"The address is not valid UTF-8 text (in {', '.join(bad)}).")
        if request.method != "POST":
            return None
        url_name = getattr(request.resolver_match, "url_name", "") or ""
        form_view = url_name.endswith(FORM_VIEW_SUFFIXES)
        if request.content_type == FORM_CONTENT_TYPE:
            bad, nul = undecodable_names(request.body)
        else:
            bad = []
            nul = any("\x00" in k or any("\x00" in v for v in vs) for k, vs in request.POST.lists())
        if nul and not form_view:
            return bad_request_response("The form contains a NUL character (\\x00), which no field accepts.")
        if bad:
            if not form_view:
                return bad_request_response(f"The form is not valid UTF-8 text (in {', '.join(bad)}); nothing was saved.")
            request.invalid_text_fields = set(bad)
        return None
