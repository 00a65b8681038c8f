"""What staff see when the warehouse and the models disagree.

A table with drift answers a page naming each difference (503: the table
cannot be served until the schema is mended) instead of a 500; the other
tables go on working. A warehouse still at v3.0.0 says so on every page,
with the command that upgrades it.
"""

import psycopg
from django.contrib import admin
from django.db.utils import ProgrammingError
from django.template.response import TemplateResponse

from aria_admin import schema_health

MISSING_OBJECT_ERRORS = (psycopg.errors.UndefinedTable, psycopg.errors.UndefinedColumn)


def schema_drift_response(request, model, lines, state):
    context = {
        **admin.site.each_context(request),
        "title": f"{model._meta.verbose_name_plural.capitalize()} cannot be shown",
        "table": schema_health.table_of(model),
        "lines": lines,
        "state": state,
        "upgrade_command": schema_health.UPGRADE_COMMAND,
        "needs_upgrade_only": state.upgrade_pending and all(_is_upgrade_piece(model, line) for line in lines),
    }
    return TemplateResponse(request, "aria_admin/schema_drift.html", context, status=503)


def _is_upgrade_piece(model, line):
    table = schema_health.table_of(model)
    pieces = [f"missing column {t}.{c}" for t, c in schema_health.MAIN_COLUMNS]
    pieces += [f"missing table {t}" for t in schema_health.MAIN_TABLES]
    return table in {*schema_health.MAIN_TABLES, *(t for t, _ in schema_health.MAIN_COLUMNS)} and line in pieces


def model_of(match):
    """The model whose admin serves this URL: its own views carry
    ``model_admin``; extra views (the goals board) are named after it."""
    if match is None:
        return None
    model_admin = getattr(match.func, "model_admin", None)
    if model_admin is not None:
        return model_admin.model
    if match.app_name != "admin" or not match.url_name:
        return None
    for model in admin.site._registry:
        if match.url_name.startswith(f"{model._meta.app_label}_{model._meta.model_name}_"):
            return model
    return None


def _staff(request):
    user = getattr(request, "user", None)
    return user is not None and user.is_active and user.is_staff


class SchemaDriftMiddleware:
    """Before a table's admin view runs, and when a query finds a table or
    column gone: the drift page for that table."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        model = model_of(request.resolver_match)
        if model is None or not _staff(request):
            return None
        state = schema_health.current()
        if lines := state.problems_for(model):
            return schema_drift_response(request, model, lines, state)
        return None

    def process_exception(self, request, exception):
        if not (isinstance(exception, ProgrammingError) and isinstance(exception.__cause__, MISSING_OBJECT_ERRORS)):
            return None
        model = model_of(getattr(request, "resolver_match", None))
        if model is None or not _staff(request):
            return None
        error = str(exception.__cause__).splitlines()[0]
        try:
            state = schema_health.current(max_age=0)  # something changed since the last check
        except Exception:  # noqa: BLE001 - e.g. the failed query aborted a transaction
            return schema_drift_response(request, model, [error], schema_health.SchemaState(level="unknown"))
        return schema_drift_response(request, model, state.problems_for(model) or [error], state)


def schema_state(request):
    """Context processor: the schema state for the banner of every admin page."""
    if not _staff(request):
        return {}
    try:
        return {"aria_schema": schema_health.current()}
    except Exception:  # noqa: BLE001 - a page must render if the check cannot run
        return {}
