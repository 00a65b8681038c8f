from django.apps import AppConfig


class WarehouseConfig(AppConfig):
    name = "aria_admin.warehouse"
    label = "warehouse"
    verbose_name = "Warehouse levels"
    default_auto_field = "django.db.models.BigAutoField"
