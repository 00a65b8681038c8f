"""Cron jobs (aria_engine.cron_jobs) and the legacy scheduled jobs.

Aria's own editor blanks payloads; this one keeps them byte for byte, checks
schedules with Aria's exact rules and shows what a schedule means and when it
runs next.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_GET

from aria_admin.admin.display import badge, badge_column, compact_json, time_cell
from aria_admin.admin_base import AriaModelAdmin, values_filter
from aria_admin.admin.actions import enable_disable_actions, report
from aria_admin.bulk_update import bulk_update
from aria_admin.imports.admin import ImportAdminMixin
from aria_admin.text import truncate
from aria_admin.times import show_time
from data_app import domain as data_domain
from data_app.models import HeartbeatLog
from engine_app import aria_files, domain
from engine_app.admin.file_owned import FileOwnedAdminMixin
from engine_app.admin.schedule_preview import schedule_preview_view
from engine_app.models import EngineCronJob, LlmModelEntry, ScheduledJob

RUN_HISTORY_ROWS = 20
# Aria's run outcomes, with "Failed" grouping every failing one.
LAST_STATUS = values_filter(domain.CRON_LAST_STATUSES, failing=data_domain.FAILED_STATUSES)
TAKES_EFFECT = (
    "Aria's scheduler reads the cron jobs only when Aria starts: a change saved here "
    "takes effect at Aria's next restart, not before."
)
FILE_FIELDS_TEXT = (
    "name, schedule, agent, enabled, payload type, payload, session mode, "
    "max duration and retry count"
)
FILE_UNKNOWN = (
    f"If Aria's cron_jobs.yaml lists a job, that start also resets its {FILE_FIELDS_TEXT} "
    "to the file's values (set ARIA_CRON_JOBS_YAML to see which jobs the file owns)."
)
FILE_OWNS_JOB = (
    f"This job is listed in cron_jobs.yaml: at that start Aria resets its {FILE_FIELDS_TEXT} "
    "to the file's values, shown under each field."
)
FILE_LEAVES_JOB = "This job is not in cron_jobs.yaml: Aria's start-up sync leaves it alone."


def schedule_or_none(text):
    try:
        return domain.parse_schedule(text)
    except ValidationError:
        return None


def schedule_cell(text):
    """The schedule with its plain-English meaning (or why it is not one)."""
    schedule = schedule_or_none(text)
    meaning = schedule.describe() if schedule else "not a schedule Aria accepts"
    # Non-breaking spaces keep a cron expression on one line in the list.
    return format_html("<code>{}</code><br><small>{}</small>", text.replace(" ", "\u00a0"), meaning)


def next_runs_cell(text, last_run=None):
    """The next three runs, compact ("in 2 h 14 min"), each a <time> with the
    full UTC time in its title: the list fits, the exact time is a hover away."""
    schedule = schedule_or_none(text)
    if schedule is None:
        return "-"
    now = timezone.now()
    runs = schedule.next_runs(3, after=now, last_run=last_run)
    return format_html_join("", "<div>{}</div>", ((time_cell(t, now),) for t in runs))


def duration_text(ms):
    if ms is None:
        return "-"
    return f"{ms} ms" if ms < 1000 else f"{ms / 1000:.1f} s"


def model_override_choices(stored):
    """The enabled LLM models, after "the agent's default" (empty); a stored
    id that is no longer enabled stays offered, so that saving keeps it."""
    enabled = LlmModelEntry.objects.filter(enabled=True).order_by("sort_order", "name").values_list("id", "name")
    choices = [("", "(the agent's default model)"), *((pk, f"{name} ({pk})") for pk, name in enabled)]
    if stored and stored not in {pk for pk, _ in choices}:
        choices.append((stored, f"{stored} (as stored; not an enabled LLM model)"))
    return choices


class CronJobForm(forms.ModelForm):
    """Keeps the payload exactly as stored or typed (no stripping); the model
    override is one of the enabled LLM models, or empty."""

    payload = forms.CharField(
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 100}),
        help_text="The prompt (payload type prompt) or `skill.function {json args}` (skill).",
    )
    model = forms.TypedChoiceField(
        required=False,
        empty_value=None,
        label="Model override",
        help_text="An LLM model for this job's runs instead of the agent's own. "
        "Aria's cron sync never changes it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = model_override_choices(self.instance.model)

    class Meta:
        model = EngineCronJob
        fields = "__all__"
        help_texts = {"schedule": "Accepted: " + domain.SCHEDULE_FORMATS + ". Times are UTC."}

    def clean_payload(self):
        # A browser submits a textarea's line breaks as CRLF: the same text
        # with the stored line breaks is the stored payload, unchanged.
        value = self.cleaned_data["payload"]
        stored = self.initial.get("payload")
        if stored is not None and value.replace("\r\n", "\n") == stored.replace("\r\n", "\n"):
            return stored
        return value


class CronFileFilter(admin.SimpleListFilter):
    """Jobs listed in cron_jobs.yaml (shown only when the file is usable)."""

    title = "in cron_jobs.yaml"
    parameter_name = "in_file"

    def lookups(self, request, model_admin):
        return [("yes", "Yes: Aria resets them"), ("no", "No")]

    def queryset(self, request, queryset):
        ids = list(aria_files.cron_jobs_file().rows)
        if self.value() == "yes":
            return queryset.filter(pk__in=ids)
        if self.value() == "no":
            return queryset.exclude(pk__in=ids)
        return queryset


@admin.register(EngineCronJob)
class EngineCronJobAdmin(ImportAdminMixin, FileOwnedAdminMixin, AriaModelAdmin):
    form = CronJobForm
    file_fields = aria_files.CRON_FILE_FIELDS
    notice_title = "When changes take effect"
    confirm_label = "I understand Aria will reset this at its next start"
    confirm_error = "cron_jobs.yaml owns this job: at its next start Aria resets these fields to the file's values."
    list_display = [
        "name_and_id",
        "schedule_display",
        "next_run_times",
        "agent_id",
        "payload_and_session",
        "last_run",
        "success_rate",
    ]
    list_display_links = ["name_and_id"]
    list_filter = ["enabled", ("last_status", LAST_STATUS), "agent_id", "payload_type", "session_mode"]
    search_fields = ["id", "name", "agent_id", "schedule", "payload", "last_error", "metadata_json"]
    ordering = ["name"]
    readonly_fields = [
        "schedule_meaning",
        "last_run_at",
        "last_status",
        "last_duration_ms",
        "last_error",
        "next_run_at",
        "run_count",
        "success_count",
        "fail_count",
        "created_at",
        "updated_at",
        "run_history",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "id",
                    "name",
                    "enabled",
                    ("schedule", "schedule_meaning"),
                    "agent_id",
                    "model",
                    "payload_type",
                    "payload",
                    "session_mode",
                    "max_duration_seconds",
                    "retry_count",
                    "metadata_json",
                ],
            },
        ),
        (
            "Runtime state (written by Aria's engine)",
            {
                "fields": [
                    "last_run_at",
                    "last_status",
                    "last_duration_ms",
                    "last_error",
                    "next_run_at",
                    ("run_count", "success_count", "fail_count"),
                    ("created_at", "updated_at"),
                ]
            },
        ),
        (f"Latest {RUN_HISTORY_ROWS} runs (heartbeat log)", {"fields": ["run_history"]}),
    ]
    actions = [
        *enable_disable_actions("selected cron jobs"),
        "reset_counters",
    ]

    class Media:
        js = ["aria_admin/cron_preview.js"]

    def get_urls(self):
        view = self.admin_site.admin_view(require_GET(schedule_preview_view(self)))
        return [
            path("schedule-preview/", view, name="engine_app_enginecronjob_schedule_preview"),
            *super().get_urls(),
        ]

    # cron_jobs.yaml and the scheduler ---------------------------------------
    def aria_file(self):
        return aria_files.cron_jobs_file()

    def file_notice(self, aria_file, obj):
        if not aria_file.usable:
            return f"{TAKES_EFFECT} {FILE_UNKNOWN}"
        if obj is not None and aria_file.owns(obj.pk):
            return f"{TAKES_EFFECT} {FILE_OWNS_JOB}"
        return f"{TAKES_EFFECT} {FILE_LEAVES_JOB}" if obj is not None else TAKES_EFFECT

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        return [*shown, "in_cron_file"] if self.aria_file().usable else shown

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        return [*filters, CronFileFilter] if self.aria_file().usable else filters

    @admin.display(description="in cron_jobs.yaml")
    def in_cron_file(self, job):
        return "yes: Aria resets it" if self.aria_file().owns(job.pk) else "no"

    def changelist_view(self, request, extra_context=None):
        aria_file = self.aria_file()
        notice = f"{TAKES_EFFECT} {'' if aria_file.usable else FILE_UNKNOWN}".strip()
        return super().changelist_view(request, {"takes_effect": notice, **(extra_context or {})})

    @admin.display(description="name / id", ordering="name")
    def name_and_id(self, job):
        """Name, id and, for a job that does not run, a "disabled" badge (one column fewer)."""
        disabled = format_html(" {}", badge("disabled", "idle")) if not job.enabled else ""
        return format_html("<strong>{}</strong>{}<br><code>{}</code>", job.name, disabled, job.id)

    @admin.display(description="schedule", ordering="schedule")
    def schedule_display(self, job):
        return schedule_cell(job.schedule)

    @admin.display(description="next 3 runs")
    def next_run_times(self, job):
        return next_runs_cell(job.schedule, job.last_run_at)

    @admin.display(description="payload", ordering="payload_type")
    def payload_and_session(self, job):
        return format_html("{}<br><small>{} session</small>", job.payload_type, job.session_mode)

    @admin.display(description="meaning and next runs")
    def schedule_meaning(self, job):
        """The stored schedule's meaning and next runs; cron_preview.js keeps
        them current while the schedule is typed (schedule-preview/)."""
        schedule = schedule_or_none(job.schedule) if job and job.pk else None
        meaning = schedule.describe() if schedule else "-"
        runs = next_runs_cell(job.schedule, job.last_run_at) if schedule else ""
        return format_html(
            '<div id="aria-schedule-preview" data-url="{}" aria-live="polite">'
            '<div class="aria-meaning">{}</div><div class="aria-runs">{}</div></div>',
            reverse("admin:engine_app_enginecronjob_schedule_preview"),
            meaning,
            runs,
        )

    @admin.display(description="last run", ordering="last_run_at")
    def last_run(self, job):
        """When, with the status as a badge and how long it took."""
        status = (
            badge(job.last_status, domain.STATUS_TONES.get(job.last_status, "idle"))
            if job.last_status
            else badge("no status", "idle")
        )
        when = time_cell(job.last_run_at, timezone.now(), empty="never")
        return format_html("{}<br>{}<br><small>{}</small>", status, when, duration_text(job.last_duration_ms))

    @admin.display(description="success", ordering="run_count")
    def success_rate(self, job):
        """The three counters in one cell: '92% (23 of 25)'."""
        if not job.run_count:
            return "no runs"
        rate = 100 * job.success_count / job.run_count
        return format_html(
            "{}%<br><small>{} of {}{}</small>",
            f"{rate:.0f}",
            job.success_count,
            job.run_count,
            f", {job.fail_count} failed" if job.fail_count else "",
        )

    @admin.display(description="run history")
    def run_history(self, job):
        if not job or not job.pk:
            return "-"
        # Aria writes the job's name; older rows may carry its id.
        beats = (
            HeartbeatLog.objects.filter(job_name__in={job.name, job.id})
            .order_by("-created_at")
            .only("created_at", "executed_at", "status", "duration_ms", "details")[
                :RUN_HISTORY_ROWS
            ]
        )
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    show_time(b.executed_at or b.created_at),
                    badge(b.status, data_domain.STATUS_TONES.get(b.status, "idle")),
                    "-" if b.duration_ms is None else f"{b.duration_ms} ms",
                    truncate(compact_json(b.details), 120) if b.details else "",
                )
                for b in beats
            ),
        )
        if not rows:
            return "No runs recorded in the heartbeat log."
        return format_html(
            "<table><thead><tr><th>when</th><th>status</th><th>duration</th>"
            "<th>details</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )

    @admin.action(description="Reset run counters of selected cron jobs", permissions=["change"])
    def reset_counters(self, request, queryset):
        changes = {"run_count": 0, "success_count": 0, "fail_count": 0, "last_status": None}
        report(self, request, bulk_update(self, request, queryset, changes), "reset the counters of")


@admin.register(ScheduledJob)
class ScheduledJobAdmin(AriaModelAdmin):
    """Aria's legacy job table: read mostly; same schedule display as cron jobs."""

    list_display = [
        "enabled",
        "name",
        "id",
        "schedule_display",
        "next_run_times",
        "agent_id",
        "last_run_at",
        badge_column("last_status", domain.STATUS_TONES, description="last status"),
        "run_count",
        "synced_at",
    ]
    list_display_links = ["name"]
    list_filter = ["enabled", ("last_status", LAST_STATUS), "agent_id", "schedule_kind"]
    search_fields = ["id", "name", "agent_id", "schedule_expr", "payload_text"]
    ordering = ["-synced_at"]
    readonly_fields = ["synced_at"]
    actions = enable_disable_actions("selected scheduled jobs")  # no updated_at column: none touched

    @admin.display(description="schedule", ordering="schedule_expr")
    def schedule_display(self, job):
        return schedule_cell(job.schedule_expr)

    @admin.display(description="next 3 runs")
    def next_run_times(self, job):
        return next_runs_cell(job.schedule_expr, job.last_run_at)
