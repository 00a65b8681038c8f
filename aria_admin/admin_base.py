"""The ModelAdmin every Aria table's admin builds on.

What it adds to Django's ModelAdmin, for every table at once:
- jsonb edited as pretty, validated JSON (list/object shapes by column
  name; an empty box means the column's server default, never NULL in a
  NOT NULL column); int4 ranges, NUL characters and negative counts,
  durations, costs, TTLs and token numbers checked in the form;
- add forms start from the columns' server defaults (db_default literals);
- created_at / updated_at and ``server_fields`` are read-only (Aria keeps
  them), and so is a natural or text primary key once the row exists;
  embeddings show dimension, norm and first values, never all floats;
- list cells: long text/JSON truncated, every FK linked to its record and
  joined in the same query (list_select_related), embeddings summarised;
- a paginator that counts at most 10001 rows and past that says "about N"
  from PostgreSQL's estimate, never COUNT(*) over millions of rows; no
  facets, no full result count; list filters that union Aria's known
  values with those present (bounded queries);
- NUL characters (which PostgreSQL refuses) in object ids and raw-id
  values are refused before they reach the database (in query parameters
  and form bodies: aria_admin.middleware.RequestInputMiddleware).
- Export links (CSV, JSON lines) of exactly the list's rows, streamed
  (aria_admin.export);
- list URLs carry only the lookups the list's own filters and links use
  (aria_admin.admin.url_lookups): anything else is a 400, secret columns
  are never filtered, sorted or searched (aria_admin.secrets).
- search: every word or quoted phrase found in the declared
  ``search_fields`` by full-text search, which our GIN indexes serve on
  the big tables (aria_admin.admin.search); the box names those fields.
"""

import html

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ERROR_FLAG
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from aria_admin.admin.actions import (  # noqa: F401  (re-exported for the table admins)
    ActionFieldsForm,
    SelectionCheckMixin,
    apply_changes,
    changes_action,
    enable_disable_actions,
    report,
    set_value_actions,
)
from aria_admin.admin.counts import EstimatedCountPaginator
from aria_admin.admin.display import EmbeddingSummaryChangeList, embedding_summary, list_cell, needs_list_cell
from aria_admin.admin.editable import LabelledRowForm
from aria_admin.admin.filters import (  # noqa: F401
    DateRangeFieldListFilter,
    SuccessFieldListFilter,
    ValuesFieldListFilter,
    values_filter,
)
from aria_admin.admin.forms import (
    AriaFormMixin,
    AriaModelForm,
    NulSafeModelChoiceField,
    UtcSplitDateTime,
    contains_nul,
    is_non_negative,
    json_formfield_kwargs,
    limit_to_int4,
    literal_db_default,
    require_non_negative,
)
from aria_admin.admin.search import MAX_SEARCH_CHARS, SearchSpec
from aria_admin.admin.url_lookups import allowed_parameters
from aria_admin import lookups  # noqa: F401  (registers uuid__in as = ANY(array))
from aria_admin.concurrency import OptimisticLockAdminMixin
from aria_admin.export.admin import ExportAdminMixin
from aria_admin.fields import EmbeddingField
from aria_admin.history import ChangeHistoryAdminMixin
from aria_admin.roles import ViewerSafeActionsMixin
from aria_admin.secrets import is_secret_name, mask_instance, mask_text

SERVER_TIME_FIELDS = ("created_at", "updated_at")


class NulSafeRawIdWidget(ForeignKeyRawIdWidget):
    """Re-shows a typed id; one with a NUL is not looked up (PostgreSQL would refuse)."""

    def label_and_url_for_value(self, value):
        if contains_nul(str(value)):
            return "", ""
        return super().label_and_url_for_value(value)


class AriaModelAdmin(
    ExportAdminMixin, SelectionCheckMixin, OptimisticLockAdminMixin, ViewerSafeActionsMixin, ChangeHistoryAdminMixin, admin.ModelAdmin
):
    form = AriaModelForm
    paginator = EstimatedCountPaginator
    list_per_page = 50
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    # Columns Aria maintains (counters, run state): shown, not edited.
    server_fields = ()
    # The fields the model's __str__ reads: a bulk action then loads only
    # these for its history entries (None: whole rows).
    history_fields = None
    # Column values that every dashboard write to this table also sets, in
    # the same UPDATE: the change and add forms and list_editable rows
    # (save_model) and every bulk action (aria_admin.bulk_update). Declared
    # once per table so that no new form or action can forget them; the
    # columns are shown, never edited. Example: {"app_managed": True}, which
    # tells Aria's start-up sync to leave the row alone.
    writes_mark = {}
    # Read-only displays shown only on an existing row's page (its related
    # rows, say): an add form has no row to show them for.
    change_page_fields = ()

    class Media:
        css = {"all": ["aria_admin/admin.css"]}

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        # A select would load a whole table: every FK is a raw id unless
        # the admin chose autocomplete.
        chosen = {*self.raw_id_fields, *self.autocomplete_fields}
        foreign_keys = [f.name for f in model._meta.concrete_fields if f.many_to_one and f.name not in chosen]
        self.raw_id_fields = (*self.raw_id_fields, *foreign_keys)
        if self.search_help_text is None and self.search_fields:
            # The search box says what it searches.
            self.search_help_text = SearchSpec(self.model, self.get_search_fields(None)).help_text()
        if self.change_list_template is None:
            # Django's lookup order, ending in ours (rows rendered in Python).
            opts = model._meta
            self.change_list_template = [
                f"admin/{opts.app_label}/{opts.model_name}/change_list.html",
                f"admin/{opts.app_label}/change_list.html",
                "admin/aria_admin/change_list.html",
            ]

    def action_checkbox(self, obj):
        """Django's own checkbox markup, built as a string: rendering the
        widget through the template engine on every row was a sixth of a
        changelist's time."""
        label = _("Select this object for an action - {}").format(html.escape(str(obj)))
        checked = " checked" if str(obj.pk) in self.kept_selected() else ""
        return mark_safe(
            f'<input type="checkbox" name="{helpers.ACTION_CHECKBOX_NAME}" value="{html.escape(str(obj.pk))}"'
            f' class="action-select" aria-label="{label}"{checked}>'
        )

    # Forms --------------------------------------------------------------
    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.JSONField):
            kwargs = {**json_formfield_kwargs(db_field), **kwargs}
        if isinstance(db_field, models.DateTimeField):
            kwargs.setdefault("widget", UtcSplitDateTime)
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.TextField) and db_field.null and isinstance(formfield, forms.CharField):
            formfield.empty_value = None  # an empty box stays NULL, as Aria wrote it
        if (
            isinstance(db_field, models.IntegerField)
            and not isinstance(db_field, (models.AutoField, models.BigIntegerField))
            and isinstance(formfield, forms.IntegerField)
        ):
            limit_to_int4(formfield)
        if (
            isinstance(formfield, (forms.IntegerField, forms.DecimalField, forms.FloatField))
            and not db_field.primary_key
            and is_non_negative(db_field.column)
        ):
            require_non_negative(formfield)
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", NulSafeModelChoiceField)
        if "widget" not in kwargs and db_field.name in self.raw_id_fields:
            kwargs["widget"] = NulSafeRawIdWidget(db_field.remote_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        attrs = {"__module__": form.__module__}
        invalid = getattr(request, "invalid_text_fields", None)
        if invalid:
            attrs["invalid_text_fields"] = frozenset(invalid)
        if not issubclass(form, AriaFormMixin):
            form = type(form.__name__, (AriaFormMixin, form), attrs)
        elif invalid:
            form = type(form.__name__, (form,), attrs)
        return form

    def save_model(self, request, obj, form, change):
        """Django's save, with the table's ``writes_mark`` in the same UPDATE."""
        for name, value in self.writes_mark.items():
            setattr(obj, name, value)
        super().save_model(request, obj, form, change)

    def get_changeform_initial_data(self, request):
        """Aria's server defaults first (so the add form shows them), then GET."""
        initial = {}
        for field in self.model._meta.concrete_fields:
            default = literal_db_default(field)
            if default is not None and field.editable:
                initial[field.name] = default
        initial.update(super().get_changeform_initial_data(request))
        return initial

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        pk = self.model._meta.pk
        if obj is not None and pk.editable and pk is not self.model._meta.auto_field and pk.name not in fields:
            # A natural or text key is never edited after creation: Django would
            # save a copy under the new key (an add without add permission).
            fields.append(pk.name)
        names = {f.name for f in self.model._meta.concrete_fields}
        for name in (*SERVER_TIME_FIELDS, *self.server_fields, *self.writes_mark):
            if name in names and name not in fields:
                fields.append(name)
        if self.embedding_field() and "embedding_summary" not in fields:
            fields.append("embedding_summary")
        if obj is not None:
            fields += [name for name in self.change_page_fields if name not in fields]
        return fields

    # Embeddings -----------------------------------------------------------
    def embedding_field(self):
        for field in self.model._meta.concrete_fields:
            if isinstance(field, EmbeddingField):
                return field
        return None

    @admin.display(description="stored embedding")
    def embedding_summary(self, obj):
        field = self.embedding_field()
        if obj is None or obj.pk is None or field is None:
            return "-"
        return embedding_summary(getattr(obj, field.name))

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        field = self.embedding_field()
        match = getattr(request, "resolver_match", None)
        if field and match and (match.url_name or "").endswith("_changelist"):
            # Never load vectors for a list: the page's summaries are read
            # in SQL (EmbeddingSummaryChangeList).
            queryset = queryset.defer(field.name)
        return queryset

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("form", LabelledRowForm)
        return super().get_changelist_form(request, **kwargs)

    def get_changelist(self, request, **kwargs):
        if self.embedding_field():
            return EmbeddingSummaryChangeList
        return super().get_changelist(request, **kwargs)

    # Bad URLs: PostgreSQL rejects NUL characters (query parameters: middleware) --
    def get_object(self, request, object_id, from_field=None):
        if contains_nul(object_id):
            return None  # "doesn't exist", as for any unknown id
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and request.method in ("GET", "HEAD") and not self.has_change_permission(request, obj):
            # A read-only record page: its secrets are shown masked. Nothing
            # saves this instance (a POST needs the change permission).
            mask_instance(obj)
        return obj

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET" and ERROR_FLAG in request.GET:
            self.message_user(
                request, "Those filter values are not valid, so the whole list is shown.", messages.WARNING
            )
        return super().changelist_view(request, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        """Django's history page, its change messages with secrets masked."""
        response = super().history_view(request, object_id, extra_context)
        for entry in getattr(response, "context_data", {}).get("action_list") or ():
            entry.change_message = mask_text(entry.change_message)
        return response

    # URL lookups: an allow-list (aria_admin.admin.url_lookups) -------------
    def lookup_allowed(self, lookup, value, request):
        return lookup in self.allowed_lookups(request)

    def allowed_lookups(self, request):
        """The lookups the list's own filters and links use, worked out once
        per set of filters (a list may show a filter only when configured)."""
        filters = tuple(tuple(f) if isinstance(f, list) else f for f in self.get_list_filter(request))
        cache = self.__dict__.setdefault("_allowed_lookups", {})
        if filters not in cache:
            cache[filters] = frozenset(allowed_parameters(self, request))
        return cache[filters]

    def get_sortable_by(self, request):
        """Secret columns never sort: ?o= would order rows by the secret."""
        return [
            name
            for name in super().get_sortable_by(request)
            if not (isinstance(name, str) and is_secret_name(name))
        ]

    # Lists -----------------------------------------------------------------
    def list_cell_for(self, name):
        """The list_display entry for ``name``: ours for FK/long/JSON fields."""
        if not isinstance(name, str):
            return name
        try:
            field = self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return name
        if not getattr(field, "concrete", False) or not needs_list_cell(field):
            return name
        cells = self.__dict__.setdefault("_list_cells", {})
        if name not in cells:
            cells[name] = list_cell(field)
        return cells[name]

    def get_search_fields(self, request):
        """Secret columns are never searched (aria_admin.secrets)."""
        return [
            name
            for name in super().get_search_fields(request)
            if not is_secret_name(name.lstrip("^=@").split("__")[0])
        ]

    def get_search_results(self, request, queryset, search_term):
        """Words and quoted phrases in the declared ``search_fields``, by
        full-text search (aria_admin.admin.search: the rule and why)."""
        if len(search_term) > MAX_SEARCH_CHARS:
            if request is not None:
                self.message_user(
                    request,
                    f"Nothing was searched: a search may be up to {MAX_SEARCH_CHARS} characters long.",
                    messages.ERROR,
                )
            return queryset.none(), False
        spec = SearchSpec(self.model, self.get_search_fields(request))
        return spec.filter(queryset, search_term)

    def get_list_display(self, request):
        return [self.list_cell_for(name) for name in super().get_list_display(request)]

    def get_list_display_links(self, request, list_display):
        links = super().get_list_display_links(request, list_display)
        if links:
            return [self.list_cell_for(name) for name in links]
        return links

    def get_list_filter(self, request):
        """Text columns filter by their known values plus those present;
        a ``success`` column offers "Failed"."""
        return [self.list_filter_for(item) for item in super().get_list_filter(request)]

    def list_filter_for(self, item):
        if isinstance(item, str) and "__" not in item:
            try:
                field = self.model._meta.get_field(item)
            except FieldDoesNotExist:
                return item
            if isinstance(field, (models.CharField, models.TextField)):
                return (item, ValuesFieldListFilter)
            if isinstance(field, models.BooleanField) and item == "success":
                return (item, SuccessFieldListFilter)
        return item

    def get_list_select_related(self, request):
        related = []
        for name in super().get_list_display(request):
            if isinstance(name, str):
                try:
                    field = self.model._meta.get_field(name)
                except FieldDoesNotExist:
                    continue
                if field.many_to_one:
                    related.append(name)
        if isinstance(self.list_select_related, (list, tuple)):
            related += [n for n in self.list_select_related if n not in related]
        return related or self.list_select_related
