"""The goals sprint board: five columns of cards, moves by drag and drop or form.

Aria's own board archives goals as a side effect of being looked at; this one
never writes on GET. Moves, un-archiving and archiving are
data_app.services.goals' (the rules, the renumbering, the board lock and
the stale check); the views here parse the POST and say what happened.
"""

import json
from html import escape as html_escape
from types import SimpleNamespace
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.middleware.csrf import get_token
from django.utils.safestring import mark_safe

from aria_admin.admin.forms import INT4_MAX
from aria_admin.admin.urls import change_url
from data_app import domain
from data_app.models import Goal
from data_app.services import goals
from data_app.services.goals import GoalConflict, GoalMove

FILTER_PARAMS = ("sprint", "assignee", "priority", "tag", "q")
ARCHIVED_SHOWN = 200
# What a card or an archived row shows; never the (long) description.
CARD_FIELDS = (
    "id", "goal_id", "title", "status", "priority", "progress", "due_date", "completed_at",
    "board_column", "position", "assigned_to", "tags", "updated_at",
)
COLUMN_TITLES = {c: c.replace("_", " ").capitalize() for c in domain.BOARD_COLUMNS}


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
        self.version = goals.version_of(goal)
        self.due, self.overdue = self.due_text(goal, now)

    @staticmethod
    def due_text(goal, now):
        if not goal.due_date:
            return "", False
        if goal.status in domain.TERMINAL_STATUSES:
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
        rows = filters.apply(scope).values(*CARD_FIELDS)
        site = admin.admin_site.name

        def card(row):
            goal = SimpleNamespace(pk=row["id"], **row)
            return Card(goal, change_url(Goal._meta, goal.pk, site), now)

        columns = {c: [] for c in domain.BOARD_COLUMNS}
        for goal in rows.exclude(board_column=domain.ARCHIVED_COLUMN).order_by(
            "position", "priority", "created_at", "id"
        ):
            item = card(goal)
            columns[item.column].append(item)
        archived = [
            card(g)
            for g in rows.filter(board_column=domain.ARCHIVED_COLUMN).order_by(
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
        mover = GoalMove(filters.sprint, request.user.pk)
        try:
            goal, changes, position = mover.move(
                request.POST.get("goal", ""), request.POST.get("version", ""), column, position
            )
        except GoalConflict as conflict:
            messages.error(request, str(conflict))
            return back
        messages.success(
            request,
            f"Moved “{goal.title}” to {COLUMN_TITLES[column]}, position {position}"
            + (f" (status {changes['status']})." if changes["status"] != goal.status else "."),
        )
        return back

    def unarchive(self, request):
        filters, back = self._changing(request)
        try:
            goal, column = GoalMove(filters.sprint, request.user.pk).unarchive(
                request.POST.get("goal", ""), request.POST.get("version", "")
            )
        except GoalConflict as conflict:
            messages.error(request, str(conflict))
            return back
        if column is None:
            messages.info(request, f"“{goal.title}” is not archived.")
        else:
            messages.success(request, f"Un-archived “{goal.title}” to {COLUMN_TITLES[column]}.")
        return back

    def archive(self, request):
        _, back = self._changing(request)
        count = len(goals.archive(Goal.objects.all(), user_id=request.user.pk))
        noun = "goal" if count == 1 else "goals"
        messages.success(
            request,
            f"Archived {count} {noun} (completed or cancelled more than 24 hours ago, all sprints).",
        )
        return back
