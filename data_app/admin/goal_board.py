"""The goals sprint board: five columns of cards, moves by drag and drop or form.

Aria's own board archives goals as a side effect of being looked at; this one
never writes on GET. A move applies the column -> status rule of
data_app.domain and renumbers the affected columns in one transaction with
one set-based UPDATE per column, so 2,000 cards cost the same few queries as
20. Moves, un-archiving and archiving take one advisory lock first
(lock_board), so concurrent staff wait for each other instead of deadlocking
on each other's rows, and every column stays numbered 0..n-1.
"""

import json
from html import escape as html_escape
from types import SimpleNamespace
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.functions import Now
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.middleware.csrf import get_token
from django.utils.dateparse import parse_datetime
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

from aria_admin.admin.forms import INT4_MAX
from aria_admin.admin.urls import change_url
from aria_admin.bulk_update import log_history, update_returning
from data_app import domain
from data_app.models import Goal

FILTER_PARAMS = ("sprint", "assignee", "priority", "tag", "q")
ARCHIVED_SHOWN = 200
# What a card or an archived row shows; never the (long) description.
CARD_FIELDS = (
    "id", "goal_id", "title", "status", "priority", "progress", "due_date", "completed_at",
    "board_column", "position", "assigned_to", "tags", "updated_at",
)
COLUMN_TITLES = {c: c.replace("_", " ").capitalize() for c in domain.BOARD_COLUMNS}


def lock_board():
    """Wait for any other board write, until this transaction ends.

    Two renumberings lock the same rows in different orders and deadlock;
    taking this lock before any row lock makes them run one after the other.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [domain.BOARD_LOCK_KEY])


class BoardFilters:
    """The board's GET parameters, validated: sprint, assignee, priority, tag, q."""

    def __init__(self, params, default_sprint):
        self.sprint = (params.get("sprint") or "").strip() or default_sprint
        self.assignee = (params.get("assignee") or "").strip()
        priority = (params.get("priority") or "").strip()
        self.priority = int(priority) if priority in {str(p) for p in domain.PRIORITIES} else None
        self.tag = (params.get("tag") or "").strip()
        self.q = (params.get("q") or "").strip()

    def board_scope(self):
        """The goals of this board: the sprint, `backlog` and no sprint."""
        return Goal.objects.filter(
            Q(sprint=self.sprint) | Q(sprint=domain.DEFAULT_SPRINT) | Q(sprint__isnull=True)
        )

    def apply(self, goals):
        if self.assignee:
            goals = goals.filter(assigned_to=self.assignee)
        if self.priority:
            goals = goals.filter(priority=self.priority)
        if self.tag:
            goals = goals.filter(tags__contains=[self.tag])  # jsonb @> '["tag"]'
        if self.q:
            goals = goals.filter(
                Q(title__icontains=self.q)
                | Q(description__icontains=self.q)
                | Q(goal_id__icontains=self.q)
            )
        return goals

    def querystring(self):
        values = {
            "sprint": self.sprint,
            "assignee": self.assignee,
            "priority": self.priority or "",
            "tag": self.tag,
            "q": self.q,
        }
        return urlencode({k: v for k, v in values.items() if v})


class Card:
    """What a card shows of a goal, prepared once so the template stays simple."""

    def __init__(self, goal, change_url, now):
        self.goal = goal
        self.id = str(goal.pk)
        self.change_url = change_url
        self.column = domain.board_column_of(goal.board_column)
        self.priority_label = domain.PRIORITIES.get(goal.priority, str(goal.priority))
        self.progress = max(0, min(100, float(goal.progress or 0)))
        tags = goal.tags if isinstance(goal.tags, list) else []
        self.tags = [t if isinstance(t, str) else json.dumps(t) for t in tags]
        self.version = goal.updated_at.isoformat() if goal.updated_at else ""
        self.due, self.overdue = self.due_text(goal, now)

    @staticmethod
    def due_text(goal, now):
        if not goal.due_date:
            return "", False
        if goal.status in ("completed", "cancelled"):
            return f"due {goal.due_date:%Y-%m-%d}", False
        if goal.due_date < now:
            return f"overdue by {_span(now - goal.due_date)}", True
        return f"due in {_span(goal.due_date - now)}", False


def _span(delta):
    """'3 days', '5 hours', '12 minutes': the largest whole unit of ``delta``.

    Django's timesince() says the same but costs 40 µs a card.
    """
    seconds = int(delta.total_seconds())
    for unit, size in (("year", 365 * 86400), ("month", 30 * 86400), ("week", 7 * 86400),
                       ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = seconds // size
            return f"{n}\xa0{unit}{'s' if n != 1 else ''}"
    return "0\xa0minutes"


def escape(value):
    """HTML-escape text (quotes included): the stdlib's, without Django's lazy wrapper."""
    return html_escape(str(value), quote=True)


class CardRenderer:
    """Card HTML for a whole board, built in Python.

    The Django template engine costs about 0.4 ms a card, which for a sprint
    of 2,000 goals is most of the page; everything every card shares (CSRF
    input, filter inputs, the column select) is built once here and every
    agent-written value goes through escape().
    """

    def __init__(self, request, filters, column_choices, move_url, can_change):
        self.can_change = can_change
        if not can_change:
            return
        hidden = [("csrfmiddlewaretoken", get_token(request))] + [
            (name, "" if value is None else value)
            for name, value in (
                ("sprint", filters.sprint),
                ("assignee", filters.assignee),
                ("priority", filters.priority),
                ("tag", filters.tag),
                ("q", filters.q),
            )
        ]
        self.shared_inputs = "".join(
            f'\n    <input type="hidden" name="{name}" value="{escape(value)}">'
            for name, value in hidden
        )
        self.move_url = escape(move_url)
        self.selects = {
            selected: '<select name="column" aria-label="column">'
            + "".join(
                f'<option value="{escape(value)}"{" selected" if value == selected else ""}>'
                f"{escape(label)}</option>"
                for value, label in column_choices
            )
            + "</select>"
            for selected, _ in column_choices
        }

    def render(self, cards):
        return mark_safe("".join(self.card(card, i) for i, card in enumerate(cards)))

    def card(self, card, index):
        # Only what agents write (title, assignee, tags) needs escaping; ids,
        # versions, URLs, numbers and due texts are made here from typed values.
        goal = card.goal
        progress = f"{card.progress:.0f}"
        meta = ""
        if goal.assigned_to:
            meta += f'<span class="assignee">{escape(goal.assigned_to)}</span>'
        if card.due:
            overdue = " is-overdue" if card.overdue else ""
            meta += f' <span class="due{overdue}">{card.due}</span>'
        tags = ""
        if card.tags:
            tags = (
                '\n  <ul class="tags">'
                + "".join(f"<li>{escape(tag)}</li>" for tag in card.tags)
                + "</ul>"
            )
        form = ""
        if self.can_change:
            form = (
                f'\n  <form method="post" action="{self.move_url}" class="move">'
                f"{self.shared_inputs}"
                f'\n    <input type="hidden" name="goal" value="{card.id}">'
                f'\n    <input type="hidden" name="version" value="{card.version}">'
                f"\n    {self.selects[card.column]}"
                f'\n    <input type="number" name="position" min="0" value="{index}" '
                'aria-label="position" class="position">'
                '\n    <button type="submit">Move</button>\n  </form>'
            )
        priority = int(goal.priority)
        return (
            f'<article class="card priority-{priority}{" overdue" if card.overdue else ""}" '
            f'data-goal="{card.id}"{" draggable=\"true\"" if self.can_change else ""}>'
            f'\n  <header><span class="priority-badge" title="priority {priority}">'
            f"P{priority} {card.priority_label}</span> "
            f'<a href="{card.change_url}">{escape(goal.title)}</a></header>'
            f'\n  <progress max="100" value="{progress}">{progress}%</progress> '
            f"<small>{progress}%</small>"
            f'\n  <p class="meta">{meta}</p>{tags}{form}\n</article>'
        )


class GoalBoard:
    """The board's views, bound to the GoalAdmin that serves them."""

    def __init__(self, model_admin):
        self.model_admin = model_admin

    def url(self, filters=None):
        url = reverse("admin:data_app_goal_board", current_app=self.model_admin.admin_site.name)
        query = filters.querystring() if filters else ""
        return f"{url}?{query}" if query else url

    # Reading -----------------------------------------------------------------
    def view(self, request):
        admin = self.model_admin
        if not admin.has_view_or_change_permission(request):
            raise PermissionDenied
        now = timezone.now()
        filters = BoardFilters(request.GET, domain.current_sprint(Goal.objects.all()))
        scope = filters.board_scope()
        # Plain rows, not model instances: 2,000 instances (with their init
        # signals) cost more than the whole rest of the page.
        goals = filters.apply(scope).values(*CARD_FIELDS)
        site = admin.admin_site.name

        def card(row):
            goal = SimpleNamespace(pk=row["id"], **row)
            return Card(goal, change_url(Goal._meta, goal.pk, site), now)

        columns = {c: [] for c in domain.BOARD_COLUMNS}
        for goal in goals.exclude(board_column=domain.ARCHIVED_COLUMN).order_by(
            "position", "priority", "created_at", "id"
        ):
            item = card(goal)
            columns[item.column].append(item)
        archived = [
            card(g)
            for g in goals.filter(board_column=domain.ARCHIVED_COLUMN).order_by(
                "-completed_at", "-updated_at"
            )[:ARCHIVED_SHOWN]
        ]
        sprints = list(
            Goal.objects.exclude(sprint__isnull=True)
            .exclude(sprint__in=["", domain.DEFAULT_SPRINT])
            .order_by("sprint")
            .values_list("sprint", flat=True)
            .distinct()
        )
        if filters.sprint not in sprints:
            sprints.append(filters.sprint)
        assignees = list(
            scope.exclude(assigned_to__isnull=True)
            .exclude(assigned_to="")
            .order_by("assigned_to")
            .values_list("assigned_to", flat=True)
            .distinct()
        )
        column_choices = [(c, COLUMN_TITLES[c]) for c in domain.BOARD_COLUMNS]
        move_url = reverse("admin:data_app_goal_board_move", current_app=admin.admin_site.name)
        can_change = admin.has_change_permission(request)
        renderer = CardRenderer(request, filters, column_choices, move_url, can_change)
        context = {
            **admin.admin_site.each_context(request),
            "title": f"Goals board: {filters.sprint}",
            "opts": admin.model._meta,
            "filters": filters,
            "sprints": sprints,
            "assignees": assignees,
            "priorities": sorted(domain.PRIORITIES.items()),
            "columns": [
                {
                    "name": c,
                    "title": COLUMN_TITLES[c],
                    "count": len(columns[c]),
                    "cards_html": renderer.render(columns[c]),
                }
                for c in domain.BOARD_COLUMNS
            ],
            "column_choices": column_choices,
            "archived": archived,
            "archived_shown": ARCHIVED_SHOWN,
            "can_change": can_change,
            "board_url": self.url(),
            "move_url": move_url,
        }
        return TemplateResponse(request, "admin/data_app/goal/board.html", context)

    # Writing (POST only: see GoalAdmin.get_urls) -------------------------------
    def _changing(self, request):
        """The filters to return to and the redirect there, for a user who may change goals."""
        if not self.model_admin.has_change_permission(request):
            raise PermissionDenied
        filters = BoardFilters(request.POST, domain.current_sprint(Goal.objects.all()))
        return filters, HttpResponseRedirect(self.url(filters))

    def move(self, request):
        filters, back = self._changing(request)
        column = request.POST.get("column", "")
        position = request.POST.get("position", "")
        if column not in domain.BOARD_COLUMNS:
            messages.error(request, f"Unknown board column {column!r}.")
            return back
        position = position.strip()
        if not (position.isascii() and position.isdigit()):
            messages.error(request, "The position must be a whole number, 0 or more.")
            return back
        # Past the end means last; a number of any length must not reach int() or int4.
        position = min(int(position), INT4_MAX) if len(position) <= 10 else INT4_MAX
        mover = GoalMove(request, filters.sprint)
        mover.move(request.POST.get("goal", ""), request.POST.get("version", ""), column, position)
        return back

    def unarchive(self, request):
        filters, back = self._changing(request)
        GoalMove(request, filters.sprint).unarchive(
            request.POST.get("goal", ""), request.POST.get("version", "")
        )
        return back

    def archive(self, request):
        _, back = self._changing(request)
        with transaction.atomic():
            lock_board()
            goals = update_returning(
                Goal.objects.filter(domain.archivable_q()),
                {"board_column": domain.ARCHIVED_COLUMN, "updated_at": Now()},
                self.model_admin.history_fields,
            )
            log_history(request.user.pk, goals, CHANGE, [{"changed": {"fields": ["Board column"]}}])
        count = len(goals)
        noun = "goal" if count == 1 else "goals"
        messages.success(
            request,
            f"Archived {count} {noun} (completed or cancelled more than 24 hours ago, all sprints).",
        )
        return back


class GoalMove:
    """One card move in one transaction: rule, renumbering, history."""

    RENUMBER_SQL = """
        UPDATE {table} AS g SET position = r.new_position
        FROM (
            SELECT id, (row_number() OVER (ORDER BY sort_key, moved DESC) - 1)::int AS new_position
            FROM (
                SELECT id, id = %(goal)s AS moved,
                       CASE WHEN id = %(goal)s THEN %(position)s - 0.5
                            ELSE row_number() OVER (
                                PARTITION BY id = %(goal)s
                                ORDER BY position, priority, created_at, id) - 1
                       END AS sort_key
                FROM {table}
                WHERE (sprint = %(sprint)s OR sprint = %(backlog)s OR sprint IS NULL)
                  AND (CASE WHEN board_column = ANY(%(columns)s) THEN board_column
                            ELSE %(first_column)s END) = %(column)s
                  AND board_column IS DISTINCT FROM %(archived)s
            ) AS ranked
        ) AS r
        WHERE g.id = r.id AND g.position IS DISTINCT FROM r.new_position
    """

    def __init__(self, request, sprint):
        self.request = request
        self.sprint = sprint

    def _locked_goal(self, goal_id, version):
        """The goal, locked, if it still exists unchanged since the page was loaded."""
        try:
            goal = Goal.objects.select_for_update().filter(pk=goal_id).first()
        except ValidationError:  # not a UUID
            goal = None
        if goal is None:
            messages.error(
                self.request,
                "That goal no longer exists (deleted meanwhile); the board has been reloaded.",
            )
            return None
        try:
            opened = parse_datetime(version or "")
        except ValueError:  # well formed but not a date
            opened = None
        if opened != goal.updated_at:
            messages.error(
                self.request,
                f"“{goal.title}” was changed by someone else (or by Aria) after the board "
                "was loaded; nothing was moved. Look at the reloaded board and move it again.",
            )
            return None
        return goal

    def renumber(self, goal_id, column, position):
        """Positions 0..n-1 in ``column`` of this board, ``goal_id`` at ``position``."""
        sql = self.RENUMBER_SQL.format(table=Goal._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                {
                    "goal": goal_id,
                    "position": position,
                    "sprint": self.sprint,
                    "backlog": domain.DEFAULT_SPRINT,
                    "columns": domain.BOARD_COLUMNS,
                    "first_column": domain.BOARD_COLUMNS[0],
                    "column": column,
                    "archived": domain.ARCHIVED_COLUMN,
                },
            )

    def apply(self, goal, changes, position):
        """Write ``changes`` to the goal, renumber both columns, record history.

        Returns the goal's new position (``position`` past the end means last).
        """
        old_column = domain.board_column_of(goal.board_column)
        changed = [f for f, v in changes.items() if getattr(goal, f) != v]
        Goal.objects.filter(pk=goal.pk).update(**changes, updated_at=Now())
        new_column = domain.board_column_of(changes.get("board_column", goal.board_column))
        self.renumber(goal.pk, new_column, position)
        if old_column != new_column:
            self.renumber(goal.pk, old_column, 0)
        moved_position = Goal.objects.values_list("position", flat=True).get(pk=goal.pk)
        if moved_position != goal.position:
            changed.append("position")
        labels = [capfirst(Goal._meta.get_field(f).verbose_name) for f in changed]
        LogEntry.objects.log_actions(
            self.request.user.pk, [goal], CHANGE, [{"changed": {"fields": labels}}]
        )
        return moved_position

    def move(self, goal_id, version, column, position):
        with transaction.atomic():
            lock_board()
            goal = self._locked_goal(goal_id, version)
            if goal is None:
                return
            was_done = goal.board_column == "done"
            changes = domain.goal_changes_for_column(column, was_done=was_done)
            position = self.apply(goal, changes, position)
        messages.success(
            self.request,
            f"Moved “{goal.title}” to {COLUMN_TITLES[column]}, position {position}"
            + (f" (status {changes['status']})." if changes["status"] != goal.status else "."),
        )

    def unarchive(self, goal_id, version):
        with transaction.atomic():
            lock_board()
            goal = self._locked_goal(goal_id, version)
            if goal is None:
                return
            if goal.board_column != domain.ARCHIVED_COLUMN:
                messages.info(self.request, f"“{goal.title}” is not archived.")
                return
            column = domain.STATUS_TO_COLUMN.get(goal.status, "done")
            self.apply(goal, {"board_column": column}, INT4_MAX)
        messages.success(self.request, f"Un-archived “{goal.title}” to {COLUMN_TITLES[column]}.")
