"""Change forms of rows that one of Aria's files owns (engine_app.aria_files).

The file's value is shown under each field it controls; a save that changes
such a field to something other than the file's value is refused, with the
problem named on a "I understand" checkbox, until that box is ticked. A
missing or invalid file is said in a message and the page works on without.
"""

import json

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import flatten_fieldsets
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from aria_admin.text import truncate

CONFIRM_FIELD = "confirm_file_reset"
SHORT_VALUE = 120


def file_value_html(value):
    """The file's value as text: JSON for lists, the full text on demand."""
    if isinstance(value, (list, dict)):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = "(empty)" if value in (None, "") else str(value)
    if len(text) <= SHORT_VALUE and "\n" not in text:
        return format_html("<code>{}</code>", text)
    return format_html("<details><summary>{}</summary><pre>{}</pre></details>", truncate(text, 60), text)


def same_value(submitted, in_file):
    if isinstance(submitted, str) and isinstance(in_file, str):
        return submitted.replace("\r\n", "\n") == in_file.replace("\r\n", "\n")
    return submitted == in_file


class FileOwnedFormMixin(forms.Form):
    """Shows ``file_values`` beside the fields and asks for ``CONFIRM_FIELD``."""

    confirm_file_reset = forms.BooleanField(required=False)
    file_label = ""
    file_values = {}
    confirm_label = "I understand"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[CONFIRM_FIELD].label = self.confirm_label
        for name, value in self.file_values.items():
            target = self.fields.get(self.file_field_names().get(name, name))
            if target is not None:
                # Django's admin renders help_text as HTML; ours is already safe.
                target.help_text = format_html(
                    '{}<div class="aria-file-value">{}: {}</div>',
                    mark_safe(target.help_text or ""),
                    self.file_label,
                    self.describe_file_value(name, value),
                )

    def file_field_names(self):
        """{column: form field} where the form edits a column under another name."""
        return {}

    def describe_file_value(self, name, value):
        return file_value_html(value)

    def changed_file_fields(self):
        """The file-controlled columns this save changes away from the file."""
        return [
            name
            for name, value in self.file_values.items()
            if name in self.changed_data
            and name in self.cleaned_data
            and not same_value(self.cleaned_data[name], value)
        ]

    def clean(self):
        cleaned = super().clean()
        if self.file_values and not cleaned.get(CONFIRM_FIELD):
            changed = self.changed_file_fields()
            if changed:
                names = ", ".join(str(self.fields[self.file_field_names().get(n, n)].label or n) for n in changed)
                self.add_error(CONFIRM_FIELD, f"{self.confirm_error} Changed: {names}. Tick the box to save anyway.")
        return cleaned


class FileOwnedAdminMixin:
    """For an AriaModelAdmin whose rows one of Aria's files may own.

    Subclasses say which file (``aria_file``), whether it owns a row
    (``file_owns``), and the texts of the notice and the confirmation.
    """

    file_form_mixin = FileOwnedFormMixin
    file_fields = ()
    confirm_label = "I understand"
    confirm_error = ""
    notice_title = "Aria's files"

    def aria_file(self):
        raise NotImplementedError

    def file_owns(self, aria_file, obj):
        return aria_file.usable and obj is not None and aria_file.owns(obj.pk)

    def file_notice(self, aria_file, obj):
        raise NotImplementedError

    def warn_about_file(self, request, aria_file):
        """A message for a configured file the page cannot use; GETs only,
        so that it is said once, on the page it concerns."""
        if request.method == "GET" and aria_file.configured and aria_file.problem:
            self.message_user(
                request, f"{aria_file.label}: {aria_file.problem}. This page works on without it.", messages.WARNING
            )

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The checkbox is the mixin's, not the model's: Django's form factory
        # would call it an unknown field.
        fields = kwargs.get("fields")
        if fields is None:
            fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        kwargs["fields"] = [name for name in fields if name != CONFIRM_FIELD]
        form = super().get_form(request, obj, change=change, **kwargs)
        aria_file = self.aria_file()
        if not self.file_owns(aria_file, obj):
            return form
        values = aria_file.rows[obj.pk]
        return type(
            form.__name__,
            (self.file_form_mixin, form),
            {
                "file_label": aria_file.label,
                "file_values": {name: values[name] for name in self.file_fields if name in values},
                "confirm_label": self.confirm_label,
                "confirm_error": self.confirm_error,
            },
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        aria_file = self.aria_file()
        notice = self.file_notice(aria_file, obj)
        if self.file_owns(aria_file, obj) and self.has_change_permission(request, obj):
            return [(aria_file.label, {"description": notice, "fields": [CONFIRM_FIELD]}), *fieldsets]
        if notice:
            return [(self.notice_title, {"description": notice, "fields": []}), *fieldsets]
        return fieldsets

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        self.warn_about_file(request, self.aria_file())
        return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        self.warn_about_file(request, self.aria_file())
        return super().changelist_view(request, extra_context)
