"""AriaAdminSite.get_app_list: Django's own list (no copy of its private
_build_app_dict), kept once per permission set for the nav sidebar."""

import pytest
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.contrib.auth.models import User
from django.test import RequestFactory

from aria_admin.roles import VIEWERS, ensure_groups
from tests.test_roles import staff_in

pytestmark = pytest.mark.django_db


def request_for(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def as_django_builds_it(request, app_label=None):
    """Django's own list, with the registered page sections (Insights) sorted in as Django sorts apps."""
    apps = AdminSite.get_app_list(admin.site, request, app_label) + admin.site.section_entries(request, app_label)
    return sorted(apps, key=lambda app: app["name"].lower())


def test_page_sections_join_the_list_for_staff_who_may_see_them():
    request = request_for(User.objects.create_superuser("boss", "boss@example.com", None))
    assert "insights" in [app["app_label"] for app in admin.site.get_app_list(request)]


def test_the_list_is_djangos_own_for_a_superuser():
    request = request_for(User.objects.create_superuser("boss", "boss@example.com", None))
    assert admin.site.get_app_list(request) == as_django_builds_it(request)
    assert admin.site.get_app_list(request, "engine_app") == as_django_builds_it(request, "engine_app")


def test_a_viewer_gets_a_view_only_list_not_the_superusers():
    ensure_groups()
    boss = request_for(User.objects.create_superuser("boss", "boss@example.com", None))
    viewer = request_for(staff_in(VIEWERS, "viewer"))
    admin.site.get_app_list(boss)  # kept first: must not be served to the viewer
    listed = admin.site.get_app_list(viewer)
    assert listed == as_django_builds_it(viewer)
    goals = next(m for app in listed for m in app["models"] if m["object_name"] == "Goal")
    assert goals["view_only"] is True and goals["add_url"] is None


def test_a_caller_changing_its_list_does_not_change_the_next_one():
    request = request_for(User.objects.create_superuser("boss", "boss@example.com", None))
    first = admin.site.get_app_list(request)
    first[0]["models"][0]["name"] = "changed"
    first[0]["models"].clear()
    assert admin.site.get_app_list(request) == as_django_builds_it(request)
