"""Natural and text primary keys are never edited after creation: Django
would save a copy under the new key, an add without add permission."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from aria_admin.aria_tables import aria_models
from tests.html_forms import form_data
from tests.sample_rows import insert_as_aria
from tests.test_admin_support import READ_ONLY_MODELS

# Values a form accepts where Aria's sample text would not be.
VALID = {"enginecronjob": {"schedule": "15m"}}
EDITABLE_KEYS = [
    m for m in aria_models()
    if m._meta.pk.editable and m._meta.pk is not m._meta.auto_field and m not in READ_ONLY_MODELS
]


@pytest.fixture
def superuser_client(client, db):
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.org", "x-Strong-pass-1"))
    return client


def test_the_tables_with_natural_keys_are_covered():
    assert {m._meta.model_name for m in EDITABLE_KEYS} == {
        "scheduledjob", "enginecronjob", "engineagentstate", "engineconfigentry", "llmmodelentry",
    }
    assert all(m in admin.site._registry for m in EDITABLE_KEYS)


@pytest.mark.parametrize("model", EDITABLE_KEYS, ids=lambda m: m._meta.model_name)
def test_a_posted_key_change_creates_no_row_and_keeps_the_key(superuser_client, model):
    opts = model._meta
    pk = insert_as_aria(model, **{opts.pk.column: f"key-{opts.model_name}", **VALID.get(opts.model_name, {})})
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])
    page = superuser_client.get(url)
    data = form_data(page.content, f"{opts.model_name}_form")
    assert opts.pk.name not in data, "the key is not an input on the change form"
    assert f"key-{opts.model_name}" in page.content.decode()  # but it is shown

    response = superuser_client.post(url, {**data, opts.pk.name: "a-copy", "_save": "Save"})

    errors = re.findall(r"errorlist[^>]*>(.*?)</ul>", response.content.decode(), re.S)
    assert response.status_code == 302, errors
    assert not model.objects.filter(pk="a-copy").exists()
    assert list(model.objects.values_list("pk", flat=True)) == [pk]


@pytest.mark.parametrize("model", EDITABLE_KEYS, ids=lambda m: m._meta.model_name)
def test_the_key_is_still_entered_on_the_add_form(superuser_client, model):
    opts = model._meta
    page = superuser_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert opts.pk.name in form_data(page.content, f"{opts.model_name}_form")
