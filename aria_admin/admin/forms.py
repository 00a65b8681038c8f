"""Form handling every Aria table shares.

Aria writes jsonb, embeddings, int4 counters and text that PostgreSQL is
strict about; these checks turn what the database would reject into form
errors on the right field, so a bad value never reaches an INSERT.
"""

import copy
import json
from datetime import datetime

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core import validators
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import F, UniqueConstraint, Value

from aria_admin.fields import EmbeddingField
from aria_admin.forms import EmbeddingFormField, parse_json_text
from aria_admin.secrets import is_secret_value, mask_field, restore_secrets, stray_masks

INT4_MIN, INT4_MAX = -(2**31), 2**31 - 1

# jsonb columns whose value Aria reads as a list / as an object.
LIST_COLUMNS = {"tags", "skills", "capabilities", "aliases", "input_types", "threat_patterns"}
OBJECT_COLUMNS = {
    "details",
    "metadata",
    "properties",
    "params",
    "context",
    "parameters",
    "rate_limit",
    "extra",
}

# Multi-column unique keys: the field a duplicate is reported on.
UNIQUE_ERROR_FIELD = {"uq_sg_entity_name_type": "name"}


def literal_db_default(field):
    """The literal server default of ``field`` (e.g. 'general', 0, {}), or None.

    Expressions such as now() or gen_random_uuid() have no literal.
    """
    default = getattr(field, "db_default", models.NOT_PROVIDED)
    if isinstance(default, Value):
        default = default.value
    if default is models.NOT_PROVIDED or hasattr(default, "resolve_expression"):
        return None
    return copy.deepcopy(default)


def has_nul(value):
    """Whether a parsed JSON value holds a NUL character anywhere."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_nul(v) for v in value)
    return False


class JSONTextField(forms.JSONField):
    """jsonb as pretty-printed, validated JSON text.

    ``shape`` is list, dict or None (any JSON). An empty box means the
    column's server default (``empty``) or, for a nullable column without
    one, NULL; NULL is never written into a NOT NULL column.
    """

    default_error_messages = {
        "invalid": "Not valid JSON: %(error)s. Your text is kept below.",
        "shape": "Enter a JSON %(shape)s.",
        "null": "This column cannot be null.",
        "nul": "JSON text cannot contain NUL characters (\\u0000): PostgreSQL rejects them.",
    }
    SHAPE_NAMES = {list: "list, e.g. [\"a\", \"b\"]", dict: "object, e.g. {\"key\": \"value\"}"}

    def __init__(self, *, shape=None, empty=None, nullable=False, **kwargs):
        self.shape, self.empty, self.nullable = shape, empty, nullable
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 8, "class": "vLargeTextField aria-json"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if self.disabled:
            return value
        if value in (None, "") or (isinstance(value, str) and not value.strip()):
            return copy.deepcopy(self.empty)
        if not isinstance(value, str):
            return value
        try:
            parsed = parse_json_text(value, self.decoder)
        except ValidationError as exc:
            if exc.code == "invalid":
                raise ValidationError(self.error_messages["invalid"], code="invalid", params=exc.params) from None
            raise
        if parsed is None and not self.nullable:
            raise ValidationError(self.error_messages["null"], code="null")
        if self.shape and parsed is not None and not isinstance(parsed, self.shape):
            raise ValidationError(
                self.error_messages["shape"], code="shape", params={"shape": self.SHAPE_NAMES[self.shape]}
            )
        if has_nul(parsed):
            raise ValidationError(self.error_messages["nul"], code="nul")
        if isinstance(parsed, str):
            return forms.fields.JSONString(parsed)
        return parsed

    def bound_data(self, data, initial):
        """The posted text re-shown as typed when it is not acceptable JSON."""
        if self.disabled:
            return initial
        if data is None:
            return None
        try:
            return parse_json_text(data, self.decoder)
        except ValidationError:
            return forms.fields.InvalidJSONInput(data)

    def validate(self, value):
        # {} and [] are values, not "empty": only a missing value is.
        if value is None and self.required:
            raise ValidationError(self.error_messages["required"], code="required")

    def prepare_value(self, value):
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        if value is None:
            return ""  # NULL, or no value yet: an empty box
        return json.dumps(value, indent=2, ensure_ascii=False, cls=self.encoder)


def json_formfield_kwargs(db_field):
    """The JSONTextField options for a model JSONField."""
    shape = list if db_field.column in LIST_COLUMNS else dict if db_field.column in OBJECT_COLUMNS else None
    empty = literal_db_default(db_field)
    return {
        "form_class": JSONTextField,
        "shape": shape,
        "empty": empty,
        "nullable": db_field.null,
        "required": empty is None and not db_field.null and not db_field.blank,
    }


def limit_to_int4(formfield):
    """An int4 column: values outside its range are a form error, not a DataError."""
    formfield.validators += [validators.MinValueValidator(INT4_MIN), validators.MaxValueValidator(INT4_MAX)]
    formfield.widget.attrs.setdefault("min", INT4_MIN)
    formfield.widget.attrs.setdefault("max", INT4_MAX)


# Words that make a numeric column a count, duration, cost, TTL or token
# number: never negative, whatever the database allows (Aria owns the schema,
# so this is form validation, not a constraint). Aria's narrower known ranges
# (cron max_duration_seconds, retry_count, pheromone_score, ...) are the
# models' own validators.
NON_NEGATIVE_WORDS = {
    "count", "occurrences", "failures", "tokens", "cost", "usd", "ms", "seconds", "hours",
    "window", "interval", "jobs", "total", "position",
}


def is_non_negative(column):
    """Whether a numeric column holds a count, duration, cost, TTL or tokens
    (tokens_used, ttl_hours, last_duration_ms, cost_input, jobs_failed, ...)."""
    return bool(NON_NEGATIVE_WORDS & set(column.split("_")))


def require_non_negative(formfield):
    formfield.validators.append(validators.MinValueValidator(0))
    formfield.widget.attrs["min"] = 0


def constraint_fields(constraint):
    """The field names a UniqueConstraint covers (plain fields or F() expressions)."""
    if constraint.fields:
        return list(constraint.fields)
    return [e.name for e in constraint.expressions if isinstance(e, F)]


INVALID_TEXT_MESSAGE = (
    "This text arrived as invalid UTF-8 (shown with \ufffd where the bad bytes were): nothing was saved; retype it."
)
NUL_MESSAGE = "NUL characters (\\x00) are not allowed: PostgreSQL rejects them."


def contains_nul(value):
    if isinstance(value, (list, tuple)):
        return any(contains_nul(v) for v in value)
    return isinstance(value, str) and "\x00" in value


class NulSafeModelChoiceField(forms.ModelChoiceField):
    """A raw id naming a row; a NUL in it is an error, not a database error."""

    def to_python(self, value):
        if contains_nul(value):
            raise ValidationError(NUL_MESSAGE, code="nul")
        return super().to_python(value)


class AriaFormMixin:
    """What every Aria admin form does on top of its ModelForm.

    - an embedding box left empty on a change form keeps the stored embedding;
    - a status (etc.) Aria wrote that is not among the known choices stays
      selectable and saves unchanged;
    - a duplicate unique key is an error on the field, even for Aria's
      expression and multi-column unique indexes;
    - secrets in jsonb (and a config value whose key names a secret) are
      shown masked, and a mask posted back unchanged saves the stored
      secret (aria_admin.secrets explains why a round trip, not a
      replace/clear field); a mask that matches nothing stored is an error,
      so a save never writes a mask over a secret.
    - text the browser sent as invalid UTF-8 (``invalid_text_fields``, set
      per request by aria_admin.middleware) is an error on its field, never
      stored with replacement characters.
    """

    invalid_text_fields = frozenset()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unknown_choices = {}
        self.stored_secrets = {}
        editing = not self.instance._state.adding
        for name, formfield in self.fields.items():
            if isinstance(formfield, JSONTextField) and editing and name in self.initial:
                masked = mask_field(self.instance, name, self.initial[name])
                if masked != self.initial[name]:
                    self.stored_secrets[name] = self.initial[name]
                    self.initial[name] = masked
            if isinstance(formfield, EmbeddingFormField) and editing:
                formfield.required = False
                formfield.help_text = "Leave empty to keep the stored embedding."
            current = self.initial.get(name)
            if isinstance(formfield, JSONTextField) and editing and formfield.nullable and current is None:
                formfield.empty = None  # a stored NULL left empty stays NULL
            choices = getattr(formfield, "choices", None)
            if (
                isinstance(formfield, forms.ChoiceField)
                and not isinstance(formfield, forms.ModelChoiceField)
                and current not in (None, "")
                and str(current) not in {str(value) for value, _ in choices}
            ):
                formfield.choices = [*choices, (current, f"{current} (written by Aria)")]
                self.unknown_choices[name] = current

    def _clean_fields(self):
        super()._clean_fields()
        # Before any clean(): the row-version check compares real values.
        for name, stored in self.stored_secrets.items():
            if name not in self.cleaned_data:
                continue
            secret = is_secret_value(self.instance, name)
            value = restore_secrets(self.cleaned_data[name], stored, secret=secret)
            if stray := stray_masks(value, secret=secret, path=name):
                del self.cleaned_data[name]
                self.add_error(
                    name,
                    f"{', '.join(stray)}: this is a hidden value's mask, not a secret it belongs to; "
                    "type the secret itself, or put back the mask that was shown.",
                )
            else:
                self.cleaned_data[name] = value

    def clean(self):
        cleaned = super().clean()
        for name in sorted(self.invalid_text_fields):
            self.add_error(name if name in self.fields else None, ValidationError(INVALID_TEXT_MESSAGE, code="encoding"))
        for name in self.fields_with_nul():
            self.add_error(name, ValidationError(NUL_MESSAGE, code="nul"))
        if not self.instance._state.adding:
            for name, formfield in self.fields.items():
                if isinstance(formfield, EmbeddingFormField) and cleaned.get(name) is None:
                    cleaned[name] = getattr(self.instance, name)
                stored = self.initial.get(name)
                # The widgets show whole seconds: the same second keeps Aria's microseconds.
                if isinstance(stored, datetime) and cleaned.get(name) == stored.replace(microsecond=0):
                    cleaned[name] = stored
        return cleaned

    def fields_with_nul(self):
        """Fields whose posted text holds a NUL: checkboxes and split date
        widgets included, whose cleaned value would hide it."""
        posted = getattr(self.data, "getlist", None)
        if posted is None:
            return []
        names = []
        for name, field in self.fields.items():
            key = self.add_prefix(name)
            raw = [v for k in self.data if k == key or k.startswith(f"{key}_") for v in posted(k)]
            if name not in self.errors and not field.disabled and contains_nul(raw):
                names.append(name)
        return names

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        for name, value in self.unknown_choices.items():
            if str(self.cleaned_data.get(name)) == str(value):
                exclude.add(name)  # kept as Aria wrote it
        return exclude

    def validate_constraints(self):
        """Each violated constraint becomes an error on its field."""
        exclude = self._get_validation_exclusions()
        model = type(self.instance)
        errors = {}
        for constraint in model._meta.constraints:
            try:
                constraint.validate(model, self.instance, exclude=exclude)
            except ValidationError as exc:
                field = None
                if isinstance(constraint, UniqueConstraint):
                    names = [n for n in constraint_fields(constraint) if n in self.fields]
                    field = UNIQUE_ERROR_FIELD.get(constraint.name) or (names[-1] if names else None)
                    if len(constraint_fields(constraint)) > 1 or not constraint.fields:
                        exc = ValidationError(self.duplicate_message(constraint), code="unique")
                errors.setdefault(field or NON_FIELD_ERRORS, []).append(exc)
        if errors:
            self._update_errors(ValidationError(errors))

    def duplicate_message(self, constraint):
        opts = self.instance._meta
        labels = [str(opts.get_field(n).verbose_name) for n in constraint_fields(constraint)]
        return f"A {opts.verbose_name} with this {' and '.join(labels)} already exists."


class AriaModelForm(AriaFormMixin, forms.ModelForm):
    pass


def is_embedding(field):
    return isinstance(field, EmbeddingField)


class UtcSplitDateTime(AdminSplitDateTime):
    """Django's date and time boxes (shown as YYYY-MM-DD and HH:MM:SS,
    aria_admin/formats), the time labelled with its zone: UTC."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["time_label"] = "Time (UTC):"
        return context
