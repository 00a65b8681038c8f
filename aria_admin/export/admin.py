"""The Export links of every changelist: ``<list URL>export/?<the list's
query>&format=csv|jsonl``.

The rows are the list's own: the queryset comes from the admin's ChangeList
(ModelAdmin.get_changelist_instance), so filters, search, the allowed-lookup
rule (a 400 for anything else) and ordering are the list's by construction;
only the paging is left out. Exporting needs the view permission and is
recorded in the audit (aria_admin.audit.log_export) once the stream ends.
"""

from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG, PAGE_VAR
from django.core.exceptions import PermissionDenied
from django.db import connections
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.urls import path
from django.utils import timezone

from aria_admin.admin.filters import reported_errors
from aria_admin.admin.urls import cached_reverse
from aria_admin.audit import log_export
from aria_admin.export.columns import export_columns
from aria_admin.export.stream import CONTENT_TYPES, stream
from aria_admin.fields import vector_available
from aria_admin.middleware import bad_request_response

FORMAT_PARAM = "format"
EXPORT_URL_SUFFIX = "_export"
EXPORT_LABELS = (("CSV", "csv"), ("JSON lines", "jsonl"))


def export_changelist(changelist_class):
    """``changelist_class`` without its page: an export reads all rows itself."""

    class ExportChangeList(changelist_class):
        def get_results(self, request):
            self.result_list = []
            self.result_count = self.full_result_count = 0
            self.can_show_all = self.multi_page = False
            self.paginator = None

    return ExportChangeList


class ExportAdminMixin:
    """ModelAdmin mixin: the export view, and the changelist's export links."""

    def get_urls(self):
        opts = self.model._meta
        view = self.admin_site.admin_view(self.export_view)
        name = f"{opts.app_label}_{opts.model_name}{EXPORT_URL_SUFFIX}"
        return [path("export/", view, name=name), *super().get_urls()]

    def get_changelist(self, request, **kwargs):
        changelist = super().get_changelist(request, **kwargs)
        if getattr(request, "aria_export", False):
            return export_changelist(changelist)
        return changelist

    def export_links(self, request):
        """(label, URL) of each format, carrying the list's current query."""
        opts = self.model._meta
        url = cached_reverse(f"admin:{opts.app_label}_{opts.model_name}{EXPORT_URL_SUFFIX}")
        query = request.GET.copy()
        for name in (PAGE_VAR, ERROR_FLAG, FORMAT_PARAM):
            query.pop(name, None)
        links = []
        for label, fmt in EXPORT_LABELS:
            query[FORMAT_PARAM] = fmt
            links.append((label, f"{url}?{query.urlencode()}"))
        return links

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {})}
        if self.has_view_permission(request):
            extra_context.setdefault("export_links", self.export_links(request))
        return super().changelist_view(request, extra_context)

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        fmt = request.GET.get(FORMAT_PARAM)
        if fmt not in CONTENT_TYPES:
            return bad_request_response("Choose the export format: format=csv or format=jsonl.")
        query = request.GET.copy()
        del query[FORMAT_PARAM]
        request.GET = query
        request.aria_export = True
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            # As the list answers such values: the list again, with a message.
            opts = self.model._meta
            url = cached_reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            return HttpResponseRedirect(f"{url}?{ERROR_FLAG}=1")
        if problems := reported_errors(request):
            # The list shows no row and names the value; a file of no rows
            # would say nothing, so the export names it instead.
            for _ in messages.get_messages(request):  # said here, not again on the next page
                pass
            return bad_request_response(" ".join(problems))
        queryset = changelist.queryset
        columns = export_columns(self.model, connections[queryset.db], vector_available(connections[queryset.db]))
        user_id = request.user.pk
        filters = query.urlencode()

        def on_end(rows, complete):
            log_export(user_id, self.model, filters, fmt, rows, complete)

        response = StreamingHttpResponse(
            stream(queryset, columns, fmt, on_end=on_end), content_type=CONTENT_TYPES[fmt]
        )
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        filename = f"{self.model._meta.model_name}-{stamp}.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["X-Accel-Buffering"] = "no"  # a proxy must not hold the stream back
        response["Cache-Control"] = "no-store"
        return response
