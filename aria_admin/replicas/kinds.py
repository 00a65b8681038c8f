"""Which requests read a replica, and each request's statement time limit.

A replica serves pages that only read and that tolerate being a moment
behind: list pages (with their search and filters), autocomplete search,
record history, the insights section, exports, and a record's page shown
read-only (a user without the change permission). Everything else reads the
primary: change and add forms (a save must start from the current row),
the board, imports, every POST, and any page not named here.

Exports stream for minutes on big tables: they get ARIA_EXPORT_TIMEOUT_MS
instead of ARIA_STATEMENT_TIMEOUT_MS. Both are told apart by URL path, so a
view added later under these paths fits without change.
"""

import re

from django.conf import settings

SAFE_METHODS = frozenset({"GET", "HEAD"})
# /admin/<app>/<model>/export/ (any format, any query string).
EXPORT_PATH = re.compile(r"^/admin/[^/]+/[^/]+/export/")
REPLICA_PATHS = (re.compile(r"^/admin/insights/"), EXPORT_PATH)
# Admin URL names (Django's pattern <app>_<model>_<view>) of read-only views.
REPLICA_URL_SUFFIXES = ("_changelist", "_history")
REPLICA_URL_NAMES = frozenset({"autocomplete"})
READ_ONLY_RECORD_SUFFIX = "_change"


def timeout_ms(path):
    """The statement_timeout, in ms, of a request for ``path``."""
    if EXPORT_PATH.match(path):
        return settings.ARIA_EXPORT_TIMEOUT_MS
    return settings.ARIA_STATEMENT_TIMEOUT_MS


def reads_replica(request, view_func):
    """Whether this request's view only reads and may read a replica."""
    if request.method not in SAFE_METHODS:
        return False
    if any(pattern.match(request.path_info) for pattern in REPLICA_PATHS):
        return True
    match = request.resolver_match
    name = (match.url_name or "") if match else ""
    if name in REPLICA_URL_NAMES or name.endswith(REPLICA_URL_SUFFIXES):
        return True
    if name.endswith(READ_ONLY_RECORD_SUFFIX):
        return is_read_only_record(request, view_func)
    return False


def is_read_only_record(request, view_func):
    """A change view the user may only look at. ModelAdmin.get_urls() marks
    each of its views with ``model_admin`` (tests/test_read_replicas.py pins
    this, so a Django upgrade that drops it fails there, not silently)."""
    model_admin = getattr(view_func, "model_admin", None)
    if model_admin is None:
        return False
    return model_admin.has_view_permission(request) and not model_admin.has_change_permission(request)
