"""A lost database answers a plain 503 page, not a traceback.

Django keeps its connection between requests; with CONN_HEALTH_CHECKS a
broken one is dropped at the start of the next request, so pages work again
as soon as the database is back, with no restart.
"""

from django.db.utils import InterfaceError, OperationalError
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.middleware.security import SecurityMiddleware
from django.template import loader
from django.http import HttpResponse

DATABASE_ERRORS = (OperationalError, InterfaceError)


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


class DatabaseUnavailableMiddleware:
    """Turns a database error raised by a view into the 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_error(exception):
            return database_unavailable_response(request)
        return None


def server_error(request, template_name="500.html"):
    """handler500: the 503 page for database errors, Django's 500 otherwise.

    Catches what the middleware cannot: database errors raised by other
    middleware (sessions, login throttling) rather than by a view.
    """
    import sys

    from django.views.defaults import server_error as django_server_error

    if is_database_error(sys.exc_info()[1]):
        return database_unavailable_response(request)
    return django_server_error(request, template_name)


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
