from django.contrib.admin.apps import AdminConfig


class AriaAdminConfig(AdminConfig):
    """Django's admin, with Aria Admin's site as ``admin.site``."""

    default_site = "aria_admin.admin_site.AriaAdminSite"
