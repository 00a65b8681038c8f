"""What the goals sprint board shows: its filters, its goals, its sprints and assignees.

Reads only (the moves and archiving are data_app.services.goals'). A board
is one sprint plus the `backlog` sprint and the goals with no sprint, as
Aria's own board shows them; the filters narrow it further.
"""

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db.models import Q

from data_app import domain
from data_app.models import Goal

FILTER_PARAMS = ("sprint", "assignee", "priority", "tag", "q")
ARCHIVED_SHOWN = 200
# What a card or an archived row shows; never the (long) description.
CARD_FIELDS = (
    "id", "goal_id", "title", "status", "priority", "progress", "due_date", "completed_at",
    "board_column", "position", "assigned_to", "tags", "updated_at",
)
CARD_ORDER = ("position", "priority", "created_at", "id")  # as services.goals renumbers


class BoardFilters:
    """The board's GET (or POST) parameters, validated: sprint, assignee, priority, tag, q.

    Nonsense values are ignored rather than refused: a filter form is not
    worth an error page.
    """

    def __init__(self, params, default_sprint):
        self.sprint = (params.get("sprint") or "").strip() or default_sprint
        self.assignee = (params.get("assignee") or "").strip()
        priority = (params.get("priority") or "").strip()
        self.priority = int(priority) if priority in {str(p) for p in domain.PRIORITIES} else None
        self.tag = (params.get("tag") or "").strip()
        self.q = (params.get("q") or "").strip()

    @classmethod
    def of(cls, params):
        """The filters of ``params``, on the current sprint when they name none."""
        return cls(params, domain.current_sprint(Goal.objects.all()))

    def items(self):
        """(name, value) of every filter, in FILTER_PARAMS order; "" for unset."""
        values = (self.sprint, self.assignee, self.priority or "", self.tag, self.q)
        return list(zip(FILTER_PARAMS, values))

    def querystring(self):
        return urlencode({name: value for name, value in self.items() if value})


def board_scope(sprint):
    """The goals of ``sprint``'s board: the sprint, `backlog` and no sprint."""
    return Goal.objects.filter(Q(sprint=sprint) | Q(sprint=domain.DEFAULT_SPRINT) | Q(sprint__isnull=True))


def filtered(filters):
    """The goals on the board ``filters`` describe (archived ones included)."""
    goals = board_scope(filters.sprint)
    if filters.assignee:
        goals = goals.filter(assigned_to=filters.assignee)
    if filters.priority:
        goals = goals.filter(priority=filters.priority)
    if filters.tag:
        goals = goals.filter(tags__contains=[filters.tag])  # jsonb @> '["tag"]'
    if filters.q:
        goals = goals.filter(
            Q(title__icontains=filters.q) | Q(description__icontains=filters.q) | Q(goal_id__icontains=filters.q)
        )
    return goals


def board_cards(filters):
    """({column: [row, ...]} in board order, [archived row, ...] newest first).

    Plain dicts of CARD_FIELDS, not model instances: 2,000 instances (with
    their init signals) cost more than the whole rest of the page. NULL or
    unknown columns show in the first column, as Aria's board does.
    """
    rows = filtered(filters).values(*CARD_FIELDS)
    columns = {c: [] for c in domain.BOARD_COLUMNS}
    for row in rows.exclude(board_column=domain.ARCHIVED_COLUMN).order_by(*CARD_ORDER):
        columns[domain.board_column_of(row["board_column"])].append(row)
    archived = list(
        rows.filter(board_column=domain.ARCHIVED_COLUMN).order_by("-completed_at", "-updated_at")[:ARCHIVED_SHOWN]
    )
    return columns, archived


def sprints(shown):
    """Every named sprint (not `backlog`), with ``shown`` among them."""
    names = list(
        Goal.objects.exclude(sprint__isnull=True)
        .exclude(sprint__in=["", domain.DEFAULT_SPRINT])
        .order_by("sprint")
        .values_list("sprint", flat=True)
        .distinct()
    )
    if shown not in names:
        names.append(shown)
    return names


def assignees(sprint):
    """Who has goals on ``sprint``'s board."""
    return list(
        board_scope(sprint)
        .exclude(assigned_to__isnull=True)
        .exclude(assigned_to="")
        .order_by("assigned_to")
        .values_list("assigned_to", flat=True)
        .distinct()
    )


def archivable_done(filters, now=None):
    """The goals on this board that "Archive all done" would archive (the 24-hour rule)."""
    return filtered(filters).filter(domain.archivable_q(now))


def card_row(goal_pk):
    """One goal as a card's row (CARD_FIELDS), or None if there is none with that key."""
    try:
        return Goal.objects.filter(pk=goal_pk).values(*CARD_FIELDS).first()
    except ValidationError:  # not a UUID
        return None
