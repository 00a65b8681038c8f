from django.apps import AppConfig


class AdminLogConfig(AppConfig):
    name = "aria_admin.admin_log"
    label = "aria_admin_log"
    verbose_name = "Admin history indexes"
