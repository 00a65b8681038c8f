"""Changelist rows are rendered in Python (aria_admin.admin.result_list);
for every table they must be the cells Django's items_for_result makes,
except that times show to the second, and the page must show them."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.admin.templatetags.admin_list import items_for_result
from django.db import models
from django.utils import formats, timezone

from aria_admin.admin.display import list_time
from aria_admin.admin.result_list import RowRenderer
from aria_admin.fields import EmbeddingField
from engine_app.models import EngineConfigEntry
from tests.sample_rows import orm_values
from tests.test_admin_support import ARIA_MODELS, admin_url, model_id, superuser_client  # noqa: F401

TEXT = '  <b>"Quoted" & bold</b>\n\n  second   line  ' + "long words " * 20


def text_for(field):
    if field.max_length and field.max_length < len(TEXT):
        return TEXT.strip()[: field.max_length]
    return TEXT


def full_values(model, flip):
    """Values for every column (nullable ones too), of each display type."""
    values = orm_values(model)
    for field in model._meta.concrete_fields:
        if field.name in values or field.primary_key or isinstance(field, EmbeddingField):
            continue
        if field.is_relation:
            parent = field.related_model
            values[field.name] = parent._default_manager.create(**orm_values(parent))
        elif field.choices:
            values[field.name] = field.choices[-1 if flip else 0][0]
        elif isinstance(field, models.BooleanField):
            values[field.name] = flip
        elif isinstance(field, (models.CharField, models.TextField)):
            values[field.name] = "   " if flip and field.null else text_for(field)
        elif isinstance(field, models.DecimalField):
            values[field.name] = Decimal("12.5")
        elif isinstance(field, models.FloatField):
            values[field.name] = 0.125
        elif isinstance(field, models.IntegerField):
            values[field.name] = 1234567
        elif isinstance(field, models.JSONField):
            values[field.name] = {"html": "<i>x</i>", "list": [1, 2.5, None], "deep": {"k": "v"}}
        elif isinstance(field, models.DateTimeField):
            values[field.name] = datetime.datetime(2026, 11, 25, 13, 5, 9, tzinfo=datetime.UTC)
    return values


def django_cells(cl, obj):
    """items_for_result's cells, with Django's text for each time replaced
    by the list's (to the second)."""
    cells = [str(cell) for cell in items_for_result(cl, obj, None)]
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname, None)
        if isinstance(value, datetime.datetime):
            django_text = formats.localize(timezone.template_localtime(value))
            cells = [cell.replace(f">{django_text}<", f">{list_time(value)}<") for cell in cells]
    return cells


@pytest.mark.parametrize("model", ARIA_MODELS, ids=model_id)
def test_rows_are_djangos_cells_and_shown_on_the_page(superuser_client, model):
    for flip in (False, True):
        model._default_manager.create(**full_values(model, flip))

    response = superuser_client.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    cl = response.context["cl"]
    assert len(cl.result_list) >= 2
    page = response.content.decode()
    if cl.formset:  # list_editable: Django renders the rows itself
        assert 'name="form-0-' in page
        return
    renderer = RowRenderer(cl)
    for obj in cl.result_list:
        cells = renderer.cells(obj)
        assert cells == django_cells(cl, obj)
        assert "<tr>" + "".join(cells) + "</tr>" in page


def test_times_show_to_the_second_in_utc_and_say_so(superuser_client, settings):
    from data_app.models import ActivityLog

    ActivityLog.objects.create(action="a", created_at=datetime.datetime(2026, 11, 25, 23, 59, 58, tzinfo=datetime.UTC))
    settings.TIME_ZONE = "Europe/Paris"

    page = superuser_client.get(admin_url(ActivityLog, "changelist")).content.decode()

    assert '<td class="field-created_at nowrap">2026-11-25 23:59:58 UTC</td>' in page


def test_links_quote_awkward_keys_and_keep_the_list_filters(superuser_client):
    key = 'a/b_c d%?#é<x>"'
    EngineConfigEntry.objects.create(key=key, value={"v": 1})
    from django.contrib.admin.utils import quote
    from django.urls import reverse

    # Search finds whole words; the parser reads "a/b_c" as one (a path).
    response = superuser_client.get(admin_url(EngineConfigEntry, "changelist"), {"q": "a/b_c"})

    page = response.content.decode()
    url = reverse("admin:engine_app_engineconfigentry_change", args=[quote(key)])
    assert f'href="{url}?_changelist_filters=q%3Da%252Fb_c"' in page
    follow = superuser_client.get(url)
    assert follow.status_code == 200
    assert follow.context["original"].key == key


def test_popup_rows_carry_the_value_for_the_opener(superuser_client):
    from data_app.models import KnowledgeEntity

    entity = KnowledgeEntity.objects.create(**orm_values(KnowledgeEntity))

    page = superuser_client.get(admin_url(KnowledgeEntity, "changelist"), {"_popup": "1", "_to_field": "id"})

    assert f'data-popup-opener="{entity.pk}"' in page.content.decode()


def test_a_cell_whose_lookup_fails_shows_empty_as_django_does(superuser_client, monkeypatch):
    from django.contrib import admin

    from data_app.models import Goal

    def owner(goal):
        raise Goal.DoesNotExist

    goal_admin = admin.site._registry[Goal]
    monkeypatch.setattr(goal_admin, "list_display", ["goal_id", owner, "title"])
    Goal.objects.create(**orm_values(Goal))

    response = superuser_client.get(admin_url(Goal, "changelist"))

    assert response.status_code == 200
    cl = response.context["cl"]
    obj = cl.result_list[0]
    cells = RowRenderer(cl).cells(obj)
    assert cells == django_cells(cl, obj)
    assert '<td class="field-owner">-</td>' in cells
