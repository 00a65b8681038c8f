from django.apps import AppConfig


class EngineAppConfig(AppConfig):
    name = "engine_app"
    verbose_name = "Aria engine"
