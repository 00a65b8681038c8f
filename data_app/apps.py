from django.apps import AppConfig


class DataAppConfig(AppConfig):
    name = "data_app"
    verbose_name = "Aria data"
