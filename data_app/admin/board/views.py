"""The board's views: read the request, call the selector or the service, say what happened.

Aria's own board archives goals as a side effect of being looked at; this one
never writes on GET. Every write is a POST (GoalAdmin.get_urls) to a
data_app.services.goals function; the views here only parse the POST, turn
the result or its GoalConflict into a flash message and go back to the board
with its filters. Archiving asks first: the board's buttons post to a
confirmation page (no JavaScript needed), whose own form posts `confirmed`.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from aria_admin.admin.forms import INT4_MAX
from data_app import domain
from data_app.admin.board.render import COLUMN_TITLES, BoardRenderer
from data_app.models import Goal
from data_app.selectors import board
from data_app.services import goals
from data_app.services.goals import GoalConflict, GoalMove

CONFIRMED = "confirmed"  # the POST field of a confirmation page's "Yes" button
CONFIRM_LISTED = 50  # titles a confirmation page lists of the goals it will archive


class GoalBoard:
    """The board's views, bound to the GoalAdmin that serves them."""

    def __init__(self, model_admin):
        self.model_admin = model_admin

    def reverse(self, name):
        return reverse(f"admin:data_app_goal_board{name}", current_app=self.model_admin.admin_site.name)

    def url(self, filters=None):
        url = self.reverse("")
        query = filters.querystring() if filters else ""
        return f"{url}?{query}" if query else url

    def context(self, request, filters, **extra):
        admin = self.model_admin
        return {
            **admin.admin_site.each_context(request),
            "opts": admin.model._meta,
            "filters": filters,
            "board_url": self.url(),
            "back_url": self.url(filters),
            **extra,
        }

    # Reading -----------------------------------------------------------------
    def view(self, request):
        admin = self.model_admin
        if not admin.has_view_or_change_permission(request):
            raise PermissionDenied
        filters = board.BoardFilters.of(request.GET)
        rows, archived = board.board_cards(filters)
        renderer = BoardRenderer(site_name=admin.admin_site.name, now=timezone.now())
        can_change = admin.has_change_permission(request)
        form = None
        if can_change:
            form = {
                "shared_inputs": renderer.shared_inputs(request, filters),
                "move_url": self.reverse("_move"),
                "archive_goal_url": self.reverse("_archive_goal"),
            }
        columns = renderer.columns(rows, form)
        context = self.context(
            request,
            filters,
            title=f"Goals board: {filters.sprint}",
            sprints=board.sprints(filters.sprint),
            assignees=board.assignees(filters.sprint),
            priorities=sorted(domain.PRIORITIES.items()),
            columns=columns,
            archived=[renderer.archived(row) for row in archived],
            archived_shown=board.ARCHIVED_SHOWN,
            # Counted from the cards already read: the board's query count stays constant.
            sweepable=sum(card["sweepable"] for column in columns for card in column["cards"]),
            can_change=can_change,
            archive_url=self.reverse("_archive"),
            unarchive_url=self.reverse("_unarchive"),
            **(form or {}),
        )
        return TemplateResponse(request, "admin/data_app/goal/board.html", context)

    # Writing (POST only: see GoalAdmin.get_urls) -------------------------------
    def _changing(self, request):
        """The filters to return to and the redirect there, for a user who may change goals."""
        if not self.model_admin.has_change_permission(request):
            raise PermissionDenied
        filters = board.BoardFilters.of(request.POST)
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

    # GoalMove's one-goal changes: what to say when done(goal, result), and when there was nothing to do.
    SINGLE = {
        "unarchive": (
            lambda goal, column: f"Un-archived “{goal.title}” to {COLUMN_TITLES[column]}.",
            "“{goal.title}” is not archived.",
        ),
        "archive": (
            lambda goal, _: f"Archived “{goal.title}”. Un-archive it from the list below the board.",
            "“{goal.title}” was already archived.",
        ),
    }

    def _single(self, request, filters, change):
        """GoalMove(...).<change>(goal, version) for the POSTed goal, then SINGLE's
        message for it, or the GoalConflict's if it refused."""
        done, undone = self.SINGLE[change]
        mover = GoalMove(filters.sprint, request.user.pk)
        try:
            goal, result = getattr(mover, change)(request.POST.get("goal", ""), request.POST.get("version", ""))
        except GoalConflict as conflict:
            messages.error(request, str(conflict))
            return
        if result:
            messages.success(request, done(goal, result))
        else:
            messages.info(request, undone.format(goal=goal))

    def _confirmation(self, request, filters, **context):
        """The page that asks before archiving; its "Yes" posts the same fields plus CONFIRMED."""
        return TemplateResponse(
            request, "admin/data_app/goal/board_archive_confirm.html", self.context(request, filters, **context)
        )

    def unarchive(self, request):
        filters, back = self._changing(request)
        self._single(request, filters, "unarchive")
        return back

    def archive_goal(self, request):
        """A card's Archive button: a confirmation page, then GoalMove.archive (any age)."""
        filters, back = self._changing(request)
        if CONFIRMED not in request.POST:
            row = board.card_row(request.POST.get("goal", ""))
            if row is None:
                messages.error(request, "That goal no longer exists (deleted meanwhile).")
                return back
            card = BoardRenderer(site_name=self.model_admin.admin_site.name, now=timezone.now()).archived(row)
            return self._confirmation(
                request, filters, title=f"Archive “{row['title']}”?", card=card, count=1,
                version=request.POST.get("version", ""), action_url=self.reverse("_archive_goal"),
            )
        self._single(request, filters, "archive")
        return back

    def archive(self, request):
        """"Archive all done": the sprint's board only, the 24-hour rule, after a confirmation page."""
        filters, back = self._changing(request)
        if CONFIRMED not in request.POST:
            now = timezone.now()
            sweep = board.archivable_done(filters, now).order_by("-completed_at")
            renderer = BoardRenderer(site_name=self.model_admin.admin_site.name, now=now)
            listed = [renderer.archived(row) for row in sweep.values(*board.CARD_FIELDS)[:CONFIRM_LISTED]]
            count = sweep.count() if len(listed) == CONFIRM_LISTED else len(listed)
            return self._confirmation(
                request, filters, title=f"Archive {count} done goal{'s' if count != 1 else ''} of {filters.sprint}?",
                listed=listed, count=count, more=count - len(listed), action_url=self.reverse("_archive"),
                narrowed=any(value for name, value in filters.items() if name != "sprint"),
            )
        count = len(goals.archive(board.filtered(filters), user_id=request.user.pk))
        noun = "goal" if count == 1 else "goals"
        messages.success(
            request,
            f"Archived {count} {noun} of the {filters.sprint} board "
            "(completed or cancelled more than 24 hours ago).",
        )
        return back
