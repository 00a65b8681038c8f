"""Bad input on every add form: a form error on the field, nothing written.

The add page is read the way a browser submits it (its defaults included),
every required box is filled with a valid value, then one field at a time
gets a value PostgreSQL would reject: too long, beyond int4 or the
numeric precision, a NUL character, invalid or wrongly shaped JSON, an
embedding of the wrong dimension, a foreign key naming no row.
"""

import json
import uuid

import pytest
from django import forms
from django.contrib import admin
from django.db import models

from aria_admin.admin.forms import JSONTextField
from aria_admin.fields import EmbeddingField
from aria_admin.forms import EmbeddingFormField
from tests.html_forms import form_data
from tests.test_admin_support import EDITABLE_MODELS, admin_url, aria_rows, model_id, superuser_client  # noqa: F401


def add_page(client, model):
    response = client.get(admin_url(model, "add"))
    assert response.status_code == 200
    form = response.context["adminform"].form
    return form, form_data(response.content.decode(), f"{model._meta.model_name}_form")


def valid_value(model, name, formfield, aria_rows, serial):
    """A string a person could type that the column accepts."""
    if isinstance(formfield, EmbeddingFormField):
        return json.dumps([0.25] * formfield.dimensions)
    if isinstance(formfield, JSONTextField):
        return "[]" if formfield.shape is list else '{"typed": "by staff"}'
    if isinstance(formfield, forms.ModelChoiceField):
        field = model._meta.get_field(name)
        parent = field.related_model._default_manager.get(pk=aria_rows(field.related_model))
        return str(getattr(parent, field.target_field.attname))
    if isinstance(formfield, forms.ChoiceField):
        return next(str(v) for v, _ in formfield.choices if v not in ("", None))
    if isinstance(formfield, forms.SplitDateTimeField):
        return ["2026-01-02", "03:04:05"]
    if isinstance(formfield, forms.UUIDField):
        return str(uuid.uuid4())
    if isinstance(formfield, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
        return "1"
    if name == "schedule":
        return "15m"
    return f"v{serial}"[: formfield.max_length or 100]


def valid_post(client, model, aria_rows):
    form, data = add_page(client, model)
    for serial, (name, formfield) in enumerate(form.fields.items()):
        if formfield.required or isinstance(formfield, EmbeddingFormField):
            value = valid_value(model, name, formfield, aria_rows, serial)
            if isinstance(value, list):
                data[f"{name}_0"], data[f"{name}_1"] = value
            elif not data.get(name):
                data[name] = value
    return form, data


def bad_values(model, form):
    """(field name, bad value) pairs for the fields of this add form."""
    for name, formfield in form.fields.items():
        field = model._meta.get_field(name) if name in {f.name for f in model._meta.fields} else None
        if field is None:
            continue
        if isinstance(formfield, EmbeddingFormField):
            yield name, json.dumps([0.5] * (formfield.dimensions - 1))
            yield name, "[0.5, "
        elif isinstance(formfield, JSONTextField):
            yield name, '{"unclosed": '
            yield name, '"nul \\u0000 inside"'
            if formfield.shape is list:
                yield name, '{"not": "a list"}'
            elif formfield.shape is dict:
                yield name, '["not", "an object"]'
        elif isinstance(formfield, forms.ModelChoiceField):
            yield name, "no-such-row-0"
            yield name, "nul\x00id"
        elif isinstance(field, models.DecimalField):
            yield name, "1" + "0" * (field.max_digits - field.decimal_places)
        elif isinstance(field, models.IntegerField) and not field.choices:
            yield name, "2147483648"
            yield name, "-2147483649"
        elif isinstance(field, models.FloatField):
            yield name, "1e400"
        elif isinstance(field, (models.CharField, models.TextField)) and not field.choices:
            if field.max_length:
                yield name, "x" * (field.max_length + 1)
            yield name, "nul\x00char"


@pytest.mark.parametrize("model", EDITABLE_MODELS, ids=model_id)
def test_every_bad_value_is_a_form_error_on_its_field_and_nothing_is_written(superuser_client, aria_rows, model):
    form, data = valid_post(superuser_client, model, aria_rows)
    url = admin_url(model, "add")
    rows = model._default_manager.count()
    cases = list(bad_values(model, form))
    assert cases
    for name, bad in cases:
        response = superuser_client.post(url, {**data, name: bad})
        assert response.status_code == 200, (name, bad)
        errors = response.context["adminform"].form.errors
        assert name in errors, (name, bad, errors)
        assert model._default_manager.count() == rows, (name, bad)
    # The same form with valid values saves one row (the test data was sound).
    response = superuser_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert model._default_manager.count() == rows + 1


# Columns whose Aria-written sample value must also pass Aria's own rules.
VALID_AS_ARIA = {
    "enginecronjob": {"schedule": "15m"},
    "goal": {"tags": None},  # nullable jsonb holding NULL stays NULL
    "heartbeatlog": {"details": None},
}


@pytest.mark.parametrize("model", EDITABLE_MODELS, ids=model_id)
def test_a_row_aria_wrote_saves_back_unchanged_from_its_change_page(superuser_client, aria_rows, model):
    pk = aria_rows(model, **VALID_AS_ARIA.get(model._meta.model_name, {}))
    before = model._default_manager.filter(pk=pk).values().get()
    url = admin_url(model, "change", pk)
    data = form_data(superuser_client.get(url).content.decode(), f"{model._meta.model_name}_form")
    response = superuser_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    after = model._default_manager.filter(pk=pk).values().get()
    # auto_now: a save is a change; and a save marks what the admin's writes_mark says.
    mark = admin.site._registry[model].writes_mark
    stamps = {"updated_at", *mark}
    assert {k: v for k, v in after.items() if k not in stamps} == {k: v for k, v in before.items() if k not in stamps}
    assert {k: after[k] for k in mark} == mark
