"""The changelist's rows, rendered in Python from per-column plans.

Django's ``result_list`` tag resolves every cell from scratch: the column's
field or callable (lookup_field), its display function, a reverse() of the
change URL for every row, a format_html() per cell, then a template loop
over the cells. On a 50-row page that was half of the changelist's time.
Here each column is resolved once per page and each row is string work;
the headers and the table markup still come from Django's
change_list_results.html, so its CSS, JavaScript and template overrides
apply unchanged. The cells are the HTML of Django's items_for_result
(tests/test_result_list.py compares them) except that times show to the
second (display.list_time). A list with list_editable (a formset) keeps
Django's own rendering.
"""

import datetime
import html
from operator import attrgetter

from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (
    display_for_field,
    display_for_value,
    get_fields_from_path,
    lookup_field,
)
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.urls import NoReverseMatch
from django.utils import formats, numberformat, translation
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString

from aria_admin.admin.display import list_time
from aria_admin.admin.urls import SLOT, change_url_pattern, quote_pk

DATE_TYPES = (datetime.date, datetime.time)
NOWRAP_FIELDS = (models.DateField, models.TimeField, models.ForeignKey)


def display_formatter(field, empty, links):
    """value -> the cell's HTML for a model field, as display_for_field()
    would make it (times: list_time); the common types take a short path,
    with their locale formats looked up once per page, not once per cell."""
    empty_html = conditional_escape(empty)
    if getattr(field, "flatchoices", None) or field.name == "password":
        return lambda value: conditional_escape(display_for_field(value, field, empty, avoid_link=links))
    if isinstance(field, models.BooleanField):
        icons = {}

        def boolean(value):
            if value not in icons:
                icons[value] = conditional_escape(display_for_field(value, field, empty))
            return icons[value]

        return boolean
    if isinstance(field, (models.CharField, models.TextField)) and not isinstance(
        field, (models.URLField, models.FileField)
    ):

        def text(value):
            if value is None:
                return empty_html
            value = str(value).strip()
            return html.escape(value) if value else empty_html

        return text
    if isinstance(field, models.DateTimeField):
        return lambda value: empty_html if value is None else list_time(value)
    if isinstance(field, (models.IntegerField, models.FloatField)):
        number = number_formatter()
        return lambda value: empty_html if value is None else html.escape(number(value))
    return lambda value: conditional_escape(display_for_field(value, field, empty, avoid_link=links))


def number_formatter():
    """formats.number_format() with the current language's separators read once."""
    lang = translation.get_language()
    decimal_sep = formats.get_format("DECIMAL_SEPARATOR", lang)
    grouping = formats.get_format("NUMBER_GROUPING", lang)
    thousand_sep = formats.get_format("THOUSAND_SEPARATOR", lang)
    return lambda value: numberformat.format(value, decimal_sep, None, grouping, thousand_sep, use_l10n=True)


def value_formatter(empty, boolean):
    """value -> the cell's HTML for a callable or attribute, as
    display_for_value() would make it (times: list_time); HTML the
    callable built and plain text take a short path."""
    empty_html = conditional_escape(empty)

    def display(value):
        if not boolean:
            if isinstance(value, SafeString):
                return value if value else empty_html
            if type(value) is str:
                value = value.strip()
                return html.escape(value) if value else empty_html
            if isinstance(value, datetime.datetime):
                return list_time(value)
        return conditional_escape(display_for_value(value, empty, boolean))

    return display


class Column:
    """One list_display entry: how to get a row's value and how to show it,
    decided from the first row (the same for every row of the model)."""

    def __init__(self, cl, index, name, links):
        self.model_admin = cl.model_admin
        self.name = name
        self.links = links
        self.css_name = admin_list._coerce_field_name(name, index)
        self.value = None

    def resolve(self, obj):
        """The decisions items_for_result takes for every cell, taken once."""
        name = self.name
        field, attr, _ = lookup_field(name, obj, self.model_admin)
        if field is not None:
            self.value = attrgetter(name)
        elif callable(name):
            self.value = name
        elif hasattr(self.model_admin, name) and name != "__str__":
            self.value = getattr(self.model_admin, name)
        else:  # a model attribute, property or related path
            self.value = lambda row: lookup_field(name, row, self.model_admin)[2]
        empty = getattr(attr, "empty_value_display", self.model_admin.get_empty_value_display())
        self.empty_html = conditional_escape(empty)
        if field is None and isinstance(name, str) and LOOKUP_SEP in name:
            try:
                field = get_fields_from_path(obj._meta.model, name)[-1]
            except FieldDoesNotExist:
                pass
        self.classes = f"field-{self.css_name}"
        if field is None or field.auto_created:
            boolean = getattr(attr, "boolean", False)
            if isinstance(attr, property) and hasattr(attr, "fget"):
                boolean = getattr(attr.fget, "boolean", False)
            self.display = value_formatter(empty, boolean)
            self.dates_nowrap = True
            if name == "action_checkbox":
                self.classes = "action-checkbox"
        else:
            self.dates_nowrap = False
            if isinstance(field.remote_field, models.ManyToOneRel):
                self.display = lambda value: self.empty_html if value is None else conditional_escape(value)
            else:
                self.display = display_formatter(field, empty, self.links)
            if isinstance(field, NOWRAP_FIELDS):
                self.classes += " nowrap"

    def html(self, obj):
        """The cell's escaped inner HTML and its classes."""
        if self.value is None:
            try:
                self.resolve(obj)
            except ObjectDoesNotExist:  # as Django shows it; learn from the next row
                return conditional_escape(self.model_admin.get_empty_value_display()), f"field-{self.css_name}"
        try:
            value = self.value(obj)
        except ObjectDoesNotExist:
            return self.empty_html, self.classes
        if self.dates_nowrap and isinstance(value, DATE_TYPES):
            return self.display(value), self.classes + " nowrap"
        return self.display(value), self.classes


class RowRenderer:
    """Renders a page of results as Django's <td>/<th> cells, row by row."""

    def __init__(self, cl):
        self.cl = cl
        self.columns = [
            Column(cl, index, name, self.links_to_change(index, name)) for index, name in enumerate(cl.list_display)
        ]
        self.change_url = self.change_url_with_filters()

    def links_to_change(self, index, name):
        links = self.cl.list_display_links
        if links is None:
            return False
        if not links:
            return index == 0
        return name in links

    def change_url_with_filters(self):
        """The change URL with SLOT for the pk and the list's filters
        preserved, or None."""
        opts = self.cl.opts
        try:
            pattern = change_url_pattern(opts, self.cl.model_admin.admin_site.name)
        except NoReverseMatch:
            return None
        return add_preserved_filters({"preserved_filters": self.cl.preserved_filters, "opts": opts}, pattern)

    def link(self, obj, text):
        if self.change_url is None:
            return text
        href = escape(self.change_url.replace(SLOT, quote_pk(getattr(obj, self.cl.pk_attname)), 1))
        opener = ""
        if self.cl.is_popup:
            value = obj.serializable_value(str(self.cl.to_field) if self.cl.to_field else self.cl.opts.pk.attname)
            opener = f' data-popup-opener="{conditional_escape(value)}"'
        return f'<a href="{href}"{opener}>{text}</a>'

    def cells(self, obj):
        """The row's cells, as items_for_result yields them."""
        cells = []
        linked = False
        for column in self.columns:
            text, classes = column.html(obj)
            if column.links:
                tag = "td" if linked else "th"
                linked = True
                cells.append(f'<{tag} class="{classes}">{self.link(obj, text)}</{tag}>')
            else:
                cells.append(f'<td class="{classes}">{text}</td>')
        return cells

    def row(self, obj):
        return SafeString("".join(self.cells(obj)))


def result_list(cl):
    """The context of Django's change_list_results.html, rows pre-rendered."""
    if cl.formset:
        return admin_list.result_list(cl)
    renderer = RowRenderer(cl)
    headers = list(admin_list.result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": [],
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": [admin_list.ResultList(None, [renderer.row(obj)]) for obj in cl.result_list],
    }
