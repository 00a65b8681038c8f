"""Memories: key/value memories, thoughts, working memory, semantic memories."""

from django.contrib import admin, messages
from django.contrib.admin.models import DELETION
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from aria_admin.admin.neighbours import NearestNeighboursMixin
from aria_admin.admin_base import AriaModelAdmin, DateRangeFieldListFilter, values_filter
from aria_admin.history import log_history
from data_app import domain
from data_app.models import Memory, SemanticMemory, Thought, WorkingMemory


@admin.register(Memory)
class MemoryAdmin(AriaModelAdmin):
    list_display = ["key", "value", "category", "created_at", "updated_at"]
    list_filter = [("category", values_filter(["general"]))]
    search_fields = ["key", "category", "value", "=id"]
    ordering = ["-updated_at"]


@admin.register(Thought)
class ThoughtAdmin(AriaModelAdmin):
    list_display = ["content", "category", "metadata_json", "created_at"]
    list_filter = [("category", values_filter(["general"])), ("created_at", DateRangeFieldListFilter)]
    search_fields = ["content", "category", "metadata_json", "=id"]
    ordering = ["-created_at"]


class ExpiredFilter(admin.SimpleListFilter):
    """Rows past created_at + ttl_hours (Aria's expiry rule)."""

    title = "expiry"
    parameter_name = "expired"

    def lookups(self, request, model_admin):
        return [("yes", "Expired"), ("no", "Not expired")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(domain.working_memory_expired_q())
        if self.value() == "no":
            return queryset.exclude(domain.working_memory_expired_q())
        return queryset


@admin.register(WorkingMemory)
class WorkingMemoryAdmin(AriaModelAdmin):
    list_display = ["key", "category", "value", "importance", "ttl_hours", "source", "created_at", "updated_at"]
    list_filter = ["category", ExpiredFilter, ("source", values_filter([]))]
    search_fields = ["key", "category", "source", "checkpoint_id", "value", "=id"]
    ordering = ["-created_at"]
    server_fields = ["accessed_at", "access_count"]
    change_list_template = "admin/data_app/workingmemory/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.delete_expired_view)
        return [path("delete-expired/", view, name="data_app_workingmemory_delete_expired")] + super().get_urls()

    def delete_expired_view(self, request):
        """GET: how many rows are expired; POST: delete them (one DELETE), with history."""
        if not self.has_delete_permission(request):
            raise PermissionDenied
        expired = WorkingMemory.objects.filter(domain.working_memory_expired_q())
        changelist = reverse("admin:data_app_workingmemory_changelist")
        if request.method == "POST":
            with transaction.atomic():
                rows = list(expired.select_for_update().only("id", "category", "key"))
                count = WorkingMemory.objects.filter(pk__in=[r.pk for r in rows]).delete()[0]
                log_history(request.user.pk, rows, DELETION, "Expired (created_at + ttl_hours past)")
            self.message_user(request, f"Deleted {count} expired working memory item(s).", messages.SUCCESS)
            return redirect(changelist)
        context = {
            **self.admin_site.each_context(request),
            "title": "Delete expired working memory",
            "opts": self.model._meta,
            "count": expired.count(),
            "changelist_url": changelist,
        }
        return TemplateResponse(request, "admin/data_app/workingmemory/delete_expired.html", context)


@admin.register(SemanticMemory)
class SemanticMemoryAdmin(NearestNeighboursMixin, AriaModelAdmin):
    list_display = ["content", "summary", "category", "importance", "source", "embedding", "created_at"]
    list_filter = [("category", values_filter(["general"])), ("source", values_filter([]))]
    search_fields = ["content", "summary", "category", "source", "metadata_json", "=id"]
    ordering = ["-created_at"]
    server_fields = ["accessed_at", "access_count"]
    neighbour_label = ("category", "COALESCE(summary, content)")
