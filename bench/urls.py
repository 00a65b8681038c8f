"""The project's URLs plus the baseline: a stock AdminSite at /baseline/
with every Aria model registered with a plain ``admin.ModelAdmin``."""

from django.apps import apps
from django.contrib import admin
from django.urls import path

from aria_admin.urls import urlpatterns as project_urlpatterns

BASELINE_APPS = ("data_app", "engine_app")


class BaselineAdminSite(admin.AdminSite):
    site_header = "Stock Django admin (benchmark baseline)"


baseline_site = BaselineAdminSite(name="baseline")
for app_label in BASELINE_APPS:
    for model in apps.get_app_config(app_label).get_models():
        baseline_site.register(model, admin.ModelAdmin)

urlpatterns = [*project_urlpatterns, path("baseline/", baseline_site.urls)]
