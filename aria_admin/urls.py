from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from aria_admin import audit, health

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    # Answered by HealthCheckMiddleware before host checks; named for reverse().
    path("healthz", health.healthz, name="healthz"),
    path(
        "admin/recent-changes/",
        admin.site.admin_view(audit.recent_changes),
        name="recent-changes",
    ),
    path("admin/", admin.site.urls),
]

# Database errors outside views (sessions, login throttling) become the 503 page.
handler500 = "aria_admin.middleware.server_error"
