"""Login throttling with django-axes, fitted to Aria Admin.

django-axes counts failed logins per user name and per address and refuses
further attempts for a cool-off period; this module supplies the backend, the
client address behind a TLS proxy, and the page a locked-out person sees.
"""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib import admin
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
        "cooloff_minutes": minutes,
    }
    return TemplateResponse(request, "aria_admin/lockout.html", context, status=429).render()
