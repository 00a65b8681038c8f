"""The cron form's live preview: what a schedule means and when it runs next,
as it is typed.

A small JSON view under the cron jobs' admin (staff only, the view
permission on cron jobs). It checks the text exactly as the form does: the
form field's own checks, then the model field's validators, which are
Aria's rule in engine_app.domain; so the preview never accepts what a save
would refuse, and names the same reason.
"""

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.utils import timezone

from aria_admin.times import iso_time, show_time, time_until
from engine_app import domain
from engine_app.models import EngineCronJob

FIELD = "schedule"


def clean_schedule(text):
    """The cron form's checks of ``text``, in the form's order; ValidationError if refused."""
    field = EngineCronJob._meta.get_field(FIELD)
    value = field.formfield().clean(text)
    field.run_validators(value)
    return value


def preview(text, now):
    """(HTTP status, JSON body) for ``text``."""
    try:
        value = clean_schedule(text)
    except ValidationError as error:
        return 400, {"ok": False, "field": FIELD, "errors": error.messages}
    shown = domain.schedule_preview(value, now=now)
    return 200, {
        "ok": True,
        "field": FIELD,
        "meaning": shown["meaning"],
        "next_runs": [
            {"datetime": iso_time(run), "text": show_time(run), "relative": time_until(run, now)}
            for run in shown["next_runs"]
        ],
    }


def schedule_preview_view(model_admin):
    """The view for ``model_admin``'s URLs (wrapped in admin_site.admin_view)."""

    def view(request):
        if not model_admin.has_view_or_change_permission(request):
            return JsonResponse({"ok": False, "errors": ["You may not view cron jobs."]}, status=403)
        status, body = preview(request.GET.get(FIELD, ""), timezone.now())
        return JsonResponse(body, status=status)

    return view
