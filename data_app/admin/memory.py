"""Memories: key/value memories, thoughts, working memory, semantic memories."""

from django.contrib import admin, messages
from django.contrib.admin.models import DELETION
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from aria_admin.admin.display import admin_url
from aria_admin.admin_base import AriaModelAdmin, values_filter
from aria_admin.bulk_update import log_history
from aria_admin.fields import vector_available
from aria_admin.text import truncate
from data_app import domain
from data_app.models import Memory, SemanticMemory, Thought, WorkingMemory

NEIGHBOURS = 10


@admin.register(Memory)
class MemoryAdmin(AriaModelAdmin):
    list_display = ["key", "value", "category", "created_at", "updated_at"]
    list_filter = [("category", values_filter(["general"]))]
    search_fields = ["key", "category"]
    ordering = ["-updated_at"]


@admin.register(Thought)
class ThoughtAdmin(AriaModelAdmin):
    list_display = ["content", "category", "metadata_json", "created_at"]
    list_filter = [("category", values_filter(["general"]))]
    search_fields = ["content", "category"]
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
    search_fields = ["key", "category", "source", "checkpoint_id"]
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
class SemanticMemoryAdmin(AriaModelAdmin):
    list_display = ["content", "summary", "category", "importance", "source", "embedding", "created_at"]
    list_filter = [("category", values_filter(["general"])), ("source", values_filter([]))]
    search_fields = ["content", "summary", "category", "source"]
    ordering = ["-created_at"]
    server_fields = ["accessed_at", "access_count"]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "nearest_neighbours"] if obj is not None else fields

    @admin.display(description=f"{NEIGHBOURS} nearest neighbours (cosine distance)")
    def nearest_neighbours(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        if not vector_available(connection):
            return "Needs pgvector: this database stores embeddings as jsonb."
        table = SemanticMemory._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT n.id, n.category, COALESCE(n.summary, n.content),
                           n.embedding <=> m.embedding AS distance
                      FROM {table} n, {table} m
                     WHERE m.id = %s AND n.id <> m.id
                     ORDER BY n.embedding <=> m.embedding
                     LIMIT %s""",
                [obj.pk, NEIGHBOURS],
            )
            rows = cursor.fetchall()
        if not rows:
            return "No other semantic memories."
        base = admin_url(SemanticMemory, "changelist")
        return format_html(
            '<table class="aria-related"><thead><tr><th>distance</th><th>memory</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            format_html_join(
                "",
                '<tr><td>{}</td><td><a href="{}{}/change/">{}: {}</a></td></tr>',
                ((f"{d:.4f}", base, pk, category, truncate(text, 80)) for pk, category, text, d in rows),
            ),
        )
