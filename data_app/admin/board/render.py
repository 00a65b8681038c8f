"""The board's card view-model: what each card shows, and the cards' HTML from their template.

A board may hold 2,000 cards. Rendered by Django's template engine one by
one, they would cost about 50 µs each (100 ms a board, twice the rest of the
page), so the card template (templates/admin/data_app/goal/board_card.html)
is rendered by the engine once per page and variant (may change or not,
archivable or not) with a marker in place of each card value; that output,
turned into a str.format() pattern, is then filled per card with values
escaped here once (CardTemplate). The markup stays in the template; only
filling its slots is done in Python. What that costs the template: a card
value is output as is (no filters), and an {% if %} on a card may test only
a variant flag (CardTemplate.FLAGS). tests/test_board.py checks that the
filled pattern equals the engine's own rendering of a card.
"""

import json
import re
import secrets
from datetime import UTC
from types import SimpleNamespace

from html import escape as html_escape

from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString, mark_safe

from aria_admin.admin.urls import SLOT, change_url_pattern
from data_app import domain
from data_app.models import Goal
from data_app.services import goals

COLUMN_TITLES = {c: c.replace("_", " ").capitalize() for c in domain.BOARD_COLUMNS}


def utc_text(value):
    """``value`` as "2026-11-28 21:34:24 UTC" ("" for None).

    The site-wide format (issue 14); isoformat() costs a fifth of strftime().
    """
    return f"{value.astimezone(UTC).isoformat(' ', 'seconds')[:19]} UTC" if value else ""


def span(delta):
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


def due_text(row, now):
    """(what the card says of its due date, whether it is overdue)."""
    due = row["due_date"]
    if not due:
        return "", False
    if row["status"] in domain.TERMINAL_STATUSES:
        return f"due {due:%Y-%m-%d}", False
    if due < now:
        return f"overdue by {span(now - due)}", True
    return f"due in {span(due - now)}", False


def text(value):
    """``value`` escaped once (quotes too), for a card's pattern or, made safe, a template."""
    return html_escape(str(value), quote=True)


def safe(card):
    """A card's values marked safe, for templates that output them (they are escaped already)."""
    return {key: SafeString(value) if isinstance(value, str) else value for key, value in card.items()}


class BoardRenderer:
    """Turns the selector's rows into the cards, columns and archived rows of one page."""

    def __init__(self, *, site_name, now):
        self.now = now
        # One reverse() a page, not a card: the change URL with a slot for the key.
        self.change_url = change_url_pattern(Goal._meta, site_name)
        self.badges = {p: text(f"P{p} {label}") for p, label in domain.PRIORITIES.items()}

    def card(self, row, position=0):
        """One card's values, as escaped text made from typed values or escaped here.

        Numbers too are text already (the template engine would localize an
        int with number_format, which costs more than the rest of its output).
        """
        # What the goal rules read, without a model instance.
        goal = SimpleNamespace(status=row["status"], completed_at=row["completed_at"], updated_at=row["updated_at"])
        tags = row["tags"] if isinstance(row["tags"], list) else []
        due, overdue = due_text(row, self.now)
        priority = int(row["priority"] or 0)
        pk = str(row["id"])  # a UUID: hex digits and dashes, nothing to quote or escape
        return {
            "id": pk,
            "goal_id": text(row["goal_id"]),
            "title": text(row["title"]),
            "classes": f"priority-{priority} overdue" if overdue else f"priority-{priority}",
            "badge": self.badges.get(priority) or text(f"P{priority}"),
            "change_url": self.change_url.replace(SLOT, pk, 1),
            "progress": f"{max(0, min(100, float(row['progress'] or 0))):.0f}",
            "position": str(position),
            "assignee": text(row["assigned_to"] or ""),
            # One text, not a list: a nested loop in the template would cost 10 µs a card.
            "tags": text(", ".join(t if isinstance(t, str) else json.dumps(t) for t in tags)),
            "due": due,  # made here from a date and a number
            "due_class": "due is-overdue" if overdue else "due",
            "due_title": f"due {utc_text(row['due_date'])}" if due else "",
            "overdue": overdue,
            "status": text(row["status"] or ""),
            "version": text(goals.version_of(goal)),
            "archivable": goals.can_archive_by_hand(row["status"]),  # its own Archive button
            "sweepable": domain.is_archivable(goal, self.now),  # what "Archive all done" takes
        }

    def archived(self, row):
        """A row of the Archived list (or a confirmation page): a card's values, made safe, and
        when it was finished."""
        return safe({**self.card(row), "completed_at": utc_text(row["completed_at"])})

    def columns(self, rows_by_column, form=None):
        """The five columns: name, title, count, cards (their values) and cards_html.

        ``form`` (for staff who may move cards) is what every card's form
        shares: shared_inputs, move_url, archive_goal_url.
        """
        columns = []
        for name, rows in rows_by_column.items():
            column = {
                "editable": form is not None,
                **(form or {}),
                "name": name,
                "title": COLUMN_TITLES[name],
                "count": len(rows),
                "cards": [self.card(row, position) for position, row in enumerate(rows)],
                "options": render_to_string(
                    "admin/data_app/goal/board_column_options.html",
                    {"choices": COLUMN_TITLES.items(), "selected": name},
                ),
            }
            column["cards_html"] = CardTemplate(column).render(column["cards"])
            columns.append(column)
        return columns


    def shared_inputs(self, request, filters):
        """The hidden inputs of every card's form (CSRF token, the filters to return to), rendered once."""
        return render_to_string(
            "admin/data_app/goal/board_shared_inputs.html", {"filters": filters.items()}, request=request
        )


class CardTemplate:
    """board_card.html for one column, rendered by the engine once per variant, filled per card."""

    NAME = "admin/data_app/goal/board_card.html"
    FIELDS = (
        "id", "goal_id", "title", "classes", "badge", "change_url", "progress", "position",
        "assignee", "tags", "due", "due_class", "due_title", "version",
    )
    FLAGS = ("archivable",)  # the per-card values an {% if %} in the template may test
    # Before a field's name in the rendered variant. Random per process: the column's values
    # (the filters a user typed among them) are in that output too and must not make a slot.
    MARKER = f"card-slot-{secrets.token_hex(8)}-"
    SLOT = re.compile(re.escape(MARKER) + "(" + "|".join(FIELDS) + ");")

    def __init__(self, column):
        self.template = get_template(self.NAME)
        self.column = column
        self.patterns = {}

    def pattern(self, flags):
        """The variant for ``flags`` as a str.format() pattern with one slot per FIELDS."""
        if flags not in self.patterns:
            card = {field: SafeString(f"{self.MARKER}{field};") for field in self.FIELDS}
            card.update(zip(self.FLAGS, flags))
            html = self.template.render({"column": self.column, "card": card})
            html = html.replace("{", "{{").replace("}", "}}")
            self.patterns[flags] = self.SLOT.sub(r"{\1}", html)
        return self.patterns[flags]

    def render(self, cards):
        return mark_safe(
            "".join(self.pattern(tuple(card[f] for f in self.FLAGS)).format_map(card) for card in cards)
        )
