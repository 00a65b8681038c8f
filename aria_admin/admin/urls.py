"""Admin URLs for many rows at once.

reverse() walks the URL resolver on every call; a list page links each
row to its change form and each foreign key to its record, and the nav
sidebar of every page links all 39 tables. A URL without per-row parts is
reversed once per process (per urlconf and script prefix); a change URL
differs between rows only in the primary key, so its pattern is reversed
once with a slot and the key put in with the quoting reverse() applies.
"""

from functools import lru_cache
from urllib.parse import quote
from uuid import UUID

from django.contrib.admin.utils import quote as admin_quote
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS

SLOT = "ARIAPKSLOT"
PATH_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what reverse() leaves unquoted


@lru_cache(maxsize=1024)
def _cached_reverse(urlconf, prefix, viewname, kwargs, current_app):
    return reverse(viewname, kwargs=dict(kwargs), current_app=current_app)


def cached_reverse(viewname, *, kwargs=None, current_app=None):
    """reverse(), once per process for the same arguments."""
    items = tuple(sorted((kwargs or {}).items()))
    return _cached_reverse(get_urlconf(), get_script_prefix(), viewname, items, current_app)


def change_url_pattern(opts, current_app=None):
    """The change URL of ``opts`` with SLOT for the primary key (raises
    NoReverseMatch when the model has no admin)."""
    return cached_reverse(
        f"admin:{opts.app_label}_{opts.model_name}_change", kwargs={"object_id": SLOT}, current_app=current_app
    )


def quote_pk(pk):
    """The primary key as reverse() would put it in a change URL."""
    if isinstance(pk, UUID):
        return str(pk)  # hex digits and dashes: nothing to quote
    return quote(str(admin_quote(pk)), safe=PATH_SAFE)


def change_url(opts, pk, current_app=None):
    return change_url_pattern(opts, current_app).replace(SLOT, quote_pk(pk), 1)
