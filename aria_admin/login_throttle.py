"""Login throttling with django-axes, fitted to Aria Admin.

Two limits, counted over the cool-off period:
- AXES_FAILURE_LIMIT failures for one user name from one address lock that
  pair: one address guessing cannot lock anyone else out (every colleague
  behind the same proxy or NAT still logs in);
- ARIA_USERNAME_FAILURE_LIMIT (looser) failures for one user name from any
  addresses lock that user name everywhere: slow guessing spread over many
  addresses still stops.
This module supplies the handler that applies both, the backend, the client
address behind a TLS proxy, and the page (429, with Retry-After) a
locked-out person sees.
"""

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.contrib import admin
from django.db.models import Sum
from django.template.response import TemplateResponse


class AxesBackend(AxesStandaloneBackend):
    """django-axes' backend, stepping aside when there is no request.

    Every login form passes its request and is throttled. Code that
    authenticates without one (``Client.login`` in tests, scripts) is not an
    attempt from an address, so the next backend handles it as usual.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class AxesHandler(AxesDatabaseHandler):
    """django-axes' database handler with a second, looser limit per user name.

    django-axes compares the largest of its per-parameter counts with one
    limit; settings.AXES_LOCKOUT_PARAMETERS lists the (user name, address)
    pair first and the user name alone second, and here the second counts
    only once it reaches its own limit.
    """

    USERNAME_LENGTH = 255  # axes' AccessAttempt.username column

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        # No form limits the user name's length; a longer one than axes'
        # column would fail its INSERT. It is counted under its first 255.
        credentials = {
            key: value[: self.USERNAME_LENGTH] if isinstance(value, str) else value
            for key, value in (credentials or {}).items()
        }
        return super().user_login_failed(sender, credentials, request, **kwargs)

    def get_failures(self, request, credentials=None):
        pair, per_name = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if per_name >= settings.ARIA_USERNAME_FAILURE_LIMIT:
            return max(pair, settings.AXES_FAILURE_LIMIT)
        return pair


def client_ip(request):
    """The client's address: behind the proxy, the one the proxy appended.

    Only the right-most X-Forwarded-For entry was written by our own proxy;
    the ones before it come from the client and could be forged.
    """
    if getattr(settings, "ARIA_BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.split(",")[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None):
    """The admin-styled page saying the login is locked and for how long."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {
        **admin.site.each_context(request),
        "title": "Too many failed logins",
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "username_failure_limit": settings.ARIA_USERNAME_FAILURE_LIMIT,
        "cooloff_minutes": minutes,
    }
    response = TemplateResponse(request, "aria_admin/lockout.html", context, status=429).render()
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
