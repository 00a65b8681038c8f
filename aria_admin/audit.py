"""The "Recent changes" page: the admin history of every user, newest first.

Each form save, bulk action, board move and import records a LogEntry (who,
when, which fields); this page lists them across all tables, with filters by
user, table and date range. Exports are listed too: a LogEntry of the
table with action flag EXPORT, no record, and the list's query, format and
row count as its message (log_export).
"""

from datetime import datetime, time, timedelta

from django import forms
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.admin.widgets import AdminDateWidget
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.utils import timezone

PAGE_SIZE = 50
# LogEntry's flags are 1-3 (added, changed, deleted); an export changes no row.
EXPORT = 4


def log_export(user_id, model, query, fmt, rows, complete):
    """Record an export: who, which table, the list's query, how many rows.

    Called when the stream ends (the row count is known only then), in its
    own short transaction; ``complete`` is False when the client went away.
    """
    ending = "" if complete else ", stopped early: the download was interrupted"
    LogEntry.objects.create(
        user_id=user_id,
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
        object_id=None,
        object_repr=f"Export ({fmt}) of {rows} {model._meta.verbose_name_plural}"[:200],
        action_flag=EXPORT,
        change_message=f"Exported {rows} rows as {fmt}{ending}. Query: {query or '(whole list)'}",
    )


class ContentTypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        model = obj.model_class()
        if model is None:
            return f"{obj.app_label}.{obj.model}"
        return f"{model._meta.app_config.verbose_name}: {model._meta.verbose_name_plural}"


class RecentChangesFilter(forms.Form):
    """The page's filters; bad values become form errors, never a 500."""

    user = forms.ModelChoiceField(queryset=get_user_model().objects.none(), required=False)
    table = ContentTypeChoiceField(queryset=ContentType.objects.none(), required=False)
    since = forms.DateField(required=False, label="From", widget=AdminDateWidget)
    until = forms.DateField(required=False, label="To", widget=AdminDateWidget)

    def __init__(self, *args, tables, **kwargs):
        super().__init__(*args, **kwargs)
        logged = LogEntry.objects.values("user_id").distinct()
        self.fields["user"].queryset = get_user_model().objects.filter(pk__in=logged).order_by(
            get_user_model().USERNAME_FIELD
        )
        self.fields["table"].queryset = ContentType.objects.filter(pk__in=tables).order_by(
            "app_label", "model"
        )

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date is before the start date.")
        return cleaned

    def filter(self, queryset):
        """``queryset`` narrowed by the valid filters (all of them must hold)."""
        data = self.cleaned_data
        if data.get("user"):
            queryset = queryset.filter(user=data["user"])
        if data.get("table"):
            queryset = queryset.filter(content_type=data["table"])
        tz = timezone.get_current_timezone()
        if data.get("since"):
            queryset = queryset.filter(
                action_time__gte=datetime.combine(data["since"], time.min, tzinfo=tz)
            )
        if data.get("until"):
            end = datetime.combine(data["until"] + timedelta(days=1), time.min, tzinfo=tz)
            queryset = queryset.filter(action_time__lt=end)
        return queryset


def visible_tables(user):
    """Pks of the logged content types whose rows ``user`` may view.

    A viewer of Aria's tables sees their history, not, say, changes to
    user accounts they have no permission to see.
    """
    logged = ContentType.objects.filter(
        pk__in=LogEntry.objects.values("content_type_id").distinct()
    )
    return [
        ct.pk
        for ct in logged
        if user.is_superuser or user.has_perm(f"{ct.app_label}.view_{ct.model}")
    ]


def recent_changes(request):
    """Staff-only list of LogEntry rows, newest first, filtered and paginated.

    Entries without a table (content type) are left out, like any the user
    may not view.
    """
    tables = visible_tables(request.user)
    entries = (
        LogEntry.objects.filter(content_type__in=tables)
        .select_related("user", "content_type")
        .order_by("-action_time", "-pk")
    )
    form = RecentChangesFilter(request.GET or None, tables=tables)
    if form.is_bound and form.is_valid():
        entries = form.filter(entries)
    elif form.is_bound:
        entries = entries.none()
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        **admin.site.each_context(request),
        "title": "Recent changes",
        "form": form,
        "page": page,
        "export_flag": EXPORT,
        "query": query.urlencode(),
        "media": form.media,
    }
    return TemplateResponse(request, "aria_admin/recent_changes.html", context)
