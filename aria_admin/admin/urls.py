"""Change URLs for many rows at once.

reverse() walks the URL resolver on every call; a list page links each
row to its change form and each foreign key to its record, so a 50-row
page paid for a hundred walks. A model's change URL differs between rows
only in the primary key, so it is reversed once and the key put in with
the same quoting reverse() applies.
"""

from functools import lru_cache
from urllib.parse import quote
from uuid import UUID

from django.contrib.admin.utils import quote as admin_quote
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS

SLOT = "ARIAPKSLOT"
PATH_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what reverse() leaves unquoted


class ChangeURLTemplate:
    """A model's admin change URL with a slot for the primary key."""

    def __init__(self, opts, current_app=None):
        self.pattern = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change", args=[SLOT], current_app=current_app
        )

    @staticmethod
    def quote_pk(pk):
        if isinstance(pk, UUID):
            return str(pk)  # hex digits and dashes: nothing to quote
        return quote(str(admin_quote(pk)), safe=PATH_SAFE)

    def url(self, pk):
        return self.pattern.replace(SLOT, self.quote_pk(pk), 1)


@lru_cache(maxsize=512)
def _cached(urlconf, prefix, opts, current_app):
    return ChangeURLTemplate(opts, current_app)


def change_url_template(opts, current_app=None):
    """The ChangeURLTemplate of ``opts`` for the current urlconf and script
    prefix (raises NoReverseMatch when the model has no admin)."""
    return _cached(get_urlconf(), get_script_prefix(), opts, current_app)


@lru_cache(maxsize=1024)
def _cached_reverse(urlconf, prefix, viewname, kwargs, current_app):
    return reverse(viewname, kwargs=dict(kwargs), current_app=current_app)


def cached_reverse(viewname, *, kwargs=None, current_app=None):
    """reverse() of a URL without per-row arguments, once per process (per
    urlconf and script prefix): for the links every page repeats."""
    items = tuple(sorted((kwargs or {}).items()))
    return _cached_reverse(get_urlconf(), get_script_prefix(), viewname, items, current_app)
