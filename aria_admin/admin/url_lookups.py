"""Which lookups a changelist URL may carry: an allow-list.

Django's admin applies any ``?column__lookup=value`` on a local column. That
is an oracle: ``?litellm_api_key__regex=^sk-a`` answers "row shown or not",
so anyone who may view a list can read a secret one character at a time;
lookups such as ``__regex=(`` also reach PostgreSQL and fail there. A list
URL may carry only what the page itself offers:

- the parameters of its shown filters (each filter's expected_parameters(),
  date ranges included) and date hierarchy;
- the lookups the admin's own links produce: a related record's "see all"
  link filters by a foreign key (``?session=<pk>``), and a raw-id popup by
  the foreign key's ``limit_choices_to``;
- search (``q``), ordering (``o``), paging and popups, which Django reads
  apart from the lookups (IGNORED_PARAMS).

Anything else is refused with Django's DisallowedModelAdminLookup (a 400
page), for everyone. Secret columns (aria_admin.secrets) are never
allowed, whatever a filter says. An allowed lookup with an invalid value
(a bad date, a word for a number) is Django's IncorrectLookupParameters:
the list again, without filters, and a message.
"""

from django.contrib.admin import FieldListFilter, SimpleListFilter, widgets
from django.contrib.admin.utils import get_fields_from_path
from django.db.models.constants import LOOKUP_SEP

from aria_admin.secrets import is_secret_name

DATE_HIERARCHY_PARTS = ("year", "month", "day")


def filter_parameters(model_admin, request):
    """The query parameters the list's filters read."""
    model = model_admin.model
    parameters = set()
    for item in model_admin.get_list_filter(request):
        if isinstance(item, type) and issubclass(item, SimpleListFilter):
            parameters.add(item.parameter_name)
            continue
        path, filter_class = item if isinstance(item, (list, tuple)) else (item, FieldListFilter.create)
        field = get_fields_from_path(model, path)[-1]
        # Built with no parameters, only to ask which ones it reads.
        spec = filter_class(field, request, {}, model, model_admin, field_path=path)
        parameters.update(spec.expected_parameters())
    if model_admin.date_hierarchy:
        parameters.update(f"{model_admin.date_hierarchy}__{part}" for part in DATE_HIERARCHY_PARTS)
    return parameters


def link_parameters(model):
    """The lookups the admin's own links put in a list URL of ``model``."""
    parameters = set()
    for field in model._meta.concrete_fields:
        if field.many_to_one:
            parameters.update((field.name, field.attname))
    for fk_lookup in model._meta.related_fkey_lookups:
        if callable(fk_lookup):
            fk_lookup = fk_lookup()
        parameters.update(widgets.url_params_from_lookup_dict(fk_lookup))
    return parameters


def allowed_parameters(model_admin, request):
    """Every lookup parameter a list URL of ``model_admin`` may carry."""
    allowed = filter_parameters(model_admin, request) | link_parameters(model_admin.model)
    return {name for name in allowed if not is_secret_name(name.split(LOOKUP_SEP)[0])}
