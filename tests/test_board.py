"""The goals sprint board: rules of a move, renumbering, permissions, no writes on GET."""

import itertools
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from data_app import domain
from data_app.models import Goal
from tests.html_forms import form_data

BOARD = "/admin/data_app/goal/board/"
MOVE = "/admin/data_app/goal/board/move/"
ARCHIVE = "/admin/data_app/goal/board/archive/"
UNARCHIVE = "/admin/data_app/goal/board/unarchive/"
ARCHIVE_GOAL = "/admin/data_app/goal/board/archive-goal/"
COLUMN_STATUS = {"backlog": "pending", "todo": "pending", "doing": "active", "on_hold": "paused", "done": "completed"}
pytestmark = pytest.mark.django_db


def staff(username, *codenames):
    user = User.objects.create_user(username, password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="data_app", codename__in=codenames))
    return user


@pytest.fixture
def operator(client):
    client.force_login(staff("operator", "view_goal", "change_goal"))
    return client


@pytest.fixture
def viewer(client):
    client.force_login(staff("viewer", "view_goal"))
    return client


def make_goal(n, column="todo", sprint="sprint-2", **fields):
    fields.setdefault("status", COLUMN_STATUS.get(column, "completed"))
    fields.setdefault("title", f"Goal {n}")
    if column == "done":
        fields.setdefault("completed_at", timezone.now() - timedelta(hours=1))
    return Goal.objects.create(
        goal_id=f"g-{n}", sprint=sprint, board_column=column, position=n, **fields
    )


def move(client, goal, column, position, **extra):
    goal.refresh_from_db()
    data = {"goal": str(goal.pk), "version": goal.updated_at.isoformat(), "column": column,
            "position": str(position), "sprint": "sprint-2", **extra}
    return client.post(MOVE, data, follow=True)


def order(column, sprint="sprint-2"):
    return list(
        Goal.objects.filter(sprint=sprint, board_column=column).order_by("position").values_list("goal_id", "position")
    )


def page_messages(response):
    return [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize("source,target", list(itertools.product(domain.BOARD_COLUMNS, repeat=2)))
def test_move_applies_column_status_rule_for_every_column_pair(operator, source, target):
    goal = make_goal(1, source)
    make_goal(2, target)
    before_completed = Goal.objects.get(pk=goal.pk).completed_at
    response = move(operator, goal, target, 0)
    assert response.status_code == 200
    goal.refresh_from_db()
    assert goal.board_column == target
    assert goal.status == COLUMN_STATUS[target]
    if target == "done" and source == "done":
        assert goal.completed_at == before_completed  # staying in done keeps the time
    elif target == "done":
        assert goal.completed_at is not None and goal.completed_at > timezone.now() - timedelta(minutes=1)
    else:
        assert goal.completed_at is None  # leaving done clears it
    assert goal.position == 0
    assert [p for _, p in order(target)] == list(range(len(order(target))))
    entry = LogEntry.objects.get(object_id=str(goal.pk))
    assert entry.user.username == "operator"
    if source != target:
        assert "Board column" in entry.get_change_message()


def test_reorder_within_a_column_renumbers_from_zero(operator):
    goals = [make_goal(n, "doing", status="active") for n in range(4)]  # positions 0..3
    Goal.objects.filter(pk=goals[2].pk).update(position=17)  # a gap left by Aria
    move(operator, goals[3], "doing", 0)
    assert order("doing") == [("g-3", 0), ("g-0", 1), ("g-1", 2), ("g-2", 3)]
    move(operator, goals[3], "doing", 99)  # past the end: last
    assert order("doing") == [("g-0", 0), ("g-1", 1), ("g-2", 2), ("g-3", 3)]


def test_move_across_columns_renumbers_both(operator):
    todo = [make_goal(n, "todo") for n in range(3)]
    doing = [make_goal(n, "doing") for n in range(3, 5)]
    move(operator, todo[1], "doing", 1)
    assert order("todo") == [("g-0", 0), ("g-2", 1)]
    assert order("doing") == [("g-3", 0), ("g-1", 1), ("g-4", 2)]
    assert doing


def test_viewer_sees_read_only_board_and_cannot_move(viewer):
    goal = make_goal(1, "todo")
    page = viewer.get(BOARD + "?sprint=sprint-2")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Goal 1" in html and 'draggable="true"' not in html and "board/move/" not in html
    assert "board.js" not in html
    response = viewer.post(MOVE, {"goal": str(goal.pk), "version": goal.updated_at.isoformat(),
                                  "column": "doing", "position": "0"})
    assert response.status_code == 403
    assert viewer.post(ARCHIVE).status_code == 403
    goal.refresh_from_db()
    assert goal.board_column == "todo"


def test_operator_board_has_forms_and_drag(operator):
    make_goal(1, "todo")
    html = operator.get(BOARD + "?sprint=sprint-2").content.decode()
    assert 'draggable="true"' in html and 'name="csrfmiddlewaretoken"' in html
    assert "aria_admin/board/board.js" in html
    assert reverse("admin:data_app_goal_board") in operator.get("/admin/data_app/goal/").content.decode()


def test_stale_and_deleted_goals_give_a_message_not_an_error(operator):
    goal = make_goal(1, "todo")
    version = goal.updated_at.isoformat()
    Goal.objects.filter(pk=goal.pk).update(title="Changed by Aria", updated_at=timezone.now() + timedelta(seconds=1))
    response = operator.post(MOVE, {"goal": str(goal.pk), "version": version, "column": "doing",
                                    "position": "0", "sprint": "sprint-2"}, follow=True)
    assert response.status_code == 200
    assert any("changed by someone else" in m for m in page_messages(response))
    assert Goal.objects.get(pk=goal.pk).board_column == "todo"
    Goal.objects.filter(pk=goal.pk).delete()
    response = operator.post(MOVE, {"goal": str(goal.pk), "version": version, "column": "doing",
                                    "position": "0"}, follow=True)
    assert response.status_code == 200
    assert any("no longer exists" in m for m in page_messages(response))
    for bad in ({"goal": "not-a-uuid", "column": "doing", "position": "0"},
                {"goal": str(goal.pk), "column": "nowhere", "position": "0"},
                {"goal": str(goal.pk), "column": "doing", "position": "-1"},
                {"goal": str(goal.pk), "column": "doing", "position": "²"}):
        response = operator.post(MOVE, bad, follow=True)
        assert response.status_code == 200 and page_messages(response)


def test_board_shows_sprint_backlog_and_no_sprint_with_filters(operator):
    make_goal(1, "todo", assigned_to="aria", tags=["infra", "db"], priority=1)
    make_goal(2, "doing", sprint="backlog", assigned_to="bob", tags=["ui"])
    make_goal(3, "on_hold", sprint=None, assigned_to="aria", due_date=timezone.now() - timedelta(days=2))
    make_goal(4, "todo", sprint="sprint-1")
    make_goal(5, "todo", title="x")
    Goal.objects.filter(goal_id="g-5").update(board_column="archived", status="completed")
    html = operator.get(BOARD).content.decode()  # current sprint: newest non-backlog goal's
    assert "Goal 1" in html and "Goal 2" in html and "Goal 3" in html and "Goal 4" not in html
    assert "overdue by 2" in html and "Un-archive" in html
    assert "Goal 4" in operator.get(BOARD + "?sprint=sprint-1").content.decode()
    tagged = operator.get(BOARD + "?sprint=sprint-2&tag=infra").content.decode()
    assert "Goal 1" in tagged and "Goal 2" not in tagged
    assigned = operator.get(BOARD + "?sprint=sprint-2&assignee=aria&priority=1").content.decode()
    assert "Goal 1" in assigned and "Goal 3" not in assigned
    assert "Goal 2" in operator.get(BOARD + "?sprint=sprint-2&q=goal+2").content.decode()
    # Nonsense parameters are ignored, not errors.
    assert operator.get(BOARD + "?priority=x&sprint=").status_code == 200


def test_agent_text_is_escaped(operator):
    make_goal(1, "todo", tags=["<script>alert(1)</script>", {"k": "<b>"}])
    Goal.objects.filter(goal_id="g-1").update(title="<img src=x onerror=alert(2)>")
    html = operator.get(BOARD + "?sprint=sprint-2").content.decode()
    assert "<script>alert(1)" not in html and "<img src=x" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x" in html
    assert "onclick=" not in html


def test_get_never_writes(operator):
    make_goal(1, "done", completed_at=timezone.now() - timedelta(days=3))  # archivable
    with CaptureQueriesContext(connection) as queries:
        assert operator.get(BOARD + "?sprint=sprint-2").status_code == 200
        assert operator.get(ARCHIVE).status_code == 405
    writes = [q["sql"] for q in queries if q["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []
    assert Goal.objects.get(goal_id="g-1").board_column == "done"


def test_archive_button_archives_old_completed_and_cancelled_only(operator):
    old = timezone.now() - timedelta(days=2)
    make_goal(1, "done", completed_at=old)
    make_goal(2, "done", status="cancelled", completed_at=old)
    make_goal(3, "done")  # completed an hour ago
    make_goal(4, "doing", completed_at=old)  # active
    confirm = operator.post(ARCHIVE, {"sprint": "sprint-2"})
    assert confirm.status_code == 200 and "Yes, archive 2 goals" in confirm.content.decode()
    assert not Goal.objects.filter(board_column="archived").exists()  # asked, nothing written yet
    response = operator.post(ARCHIVE, {"sprint": "sprint-2", "confirmed": "yes"}, follow=True)
    assert any("Archived 2 goals" in m for m in page_messages(response))
    assert set(Goal.objects.filter(board_column="archived").values_list("goal_id", flat=True)) == {"g-1", "g-2"}
    assert LogEntry.objects.filter(user__username="operator").count() == 2
    goal = Goal.objects.get(goal_id="g-2")
    response = operator.post(UNARCHIVE, {"goal": str(goal.pk), "version": goal.updated_at.isoformat(),
                                         "sprint": "sprint-2"}, follow=True)
    goal.refresh_from_db()
    assert goal.board_column == "done" and goal.status == "cancelled"
    assert any("Un-archived" in m for m in page_messages(response))


def test_query_count_does_not_grow_with_cards(operator):
    def board_queries(count):
        Goal.objects.all().delete()
        Goal.objects.bulk_create(
            Goal(goal_id=f"q-{n}", title=f"Goal {n}", sprint="sprint-2", status="pending",
                 board_column=domain.BOARD_COLUMNS[n % 5], position=n, tags=["a", "b"],
                 assigned_to=f"agent-{n % 7}", due_date=timezone.now() + timedelta(days=n % 9 - 4))
            for n in range(count)
        )
        Goal.objects.filter(goal_id__in=["q-0", "q-1"]).update(board_column="archived", status="completed")
        with CaptureQueriesContext(connection) as queries:
            response = operator.get(BOARD + "?sprint=sprint-2")
        assert response.status_code == 200
        assert response.content.decode().count('class="card ') == count - 2
        return len(queries)

    assert board_queries(20) == board_queries(2000)


# Bulk actions on the goals changelist -------------------------------------------------
CHANGELIST = "/admin/data_app/goal/"


def run_action(client, action, goals, **values):
    data = {"action": action, "_selected_action": [str(g.pk) for g in goals], **values}
    with CaptureQueriesContext(connection) as queries:
        response = client.post(CHANGELIST, data, follow=True)
    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "aria_data"."goals"')]
    return page_messages(response), updates


def state(goal):
    goal.refresh_from_db()
    return goal.status, goal.board_column, goal.completed_at


def test_bulk_set_status_applies_status_to_column_rule(operator):
    earlier = timezone.now() - timedelta(days=5)
    done = make_goal(1, "done", completed_at=earlier)
    doing = make_goal(2, "doing")
    other = make_goal(3, "todo")
    messages, updates = run_action(operator, "set_status", [done, doing], status="completed")
    assert len(updates) == 1 and any("2 goals" in m for m in messages)
    assert state(done) == ("completed", "done", earlier)  # keeps its completion time
    status, column, completed_at = state(doing)
    assert (status, column) == ("completed", "done") and completed_at > earlier
    assert state(other)[:2] == ("pending", "todo")
    run_action(operator, "set_status", [done, doing], status="active")
    assert state(done) == ("active", "doing", None) and state(doing) == ("active", "doing", None)
    run_action(operator, "set_status", [done], status="cancelled")
    assert state(done)[:2] == ("cancelled", "done")
    for status, column in (("paused", "on_hold"), ("pending", "todo")):
        run_action(operator, "set_status", [doing], status=status)
        assert state(doing) == (status, column, None)
    assert LogEntry.objects.filter(object_id=str(doing.pk)).count() == 4
    assert "Status" in LogEntry.objects.filter(object_id=str(doing.pk)).first().get_change_message()


def test_bulk_move_to_column_applies_column_to_status_rule(operator):
    earlier = timezone.now() - timedelta(days=5)
    done = make_goal(1, "done", completed_at=earlier)
    todo = make_goal(2, "todo")
    _, updates = run_action(operator, "move_to_column", [done, todo], column="done")
    assert len(updates) == 1
    assert state(done) == ("completed", "done", earlier)
    assert state(todo)[:2] == ("completed", "done") and state(todo)[2] is not None
    run_action(operator, "move_to_column", [done, todo], column="on_hold")
    assert state(done) == ("paused", "on_hold", None) and state(todo) == ("paused", "on_hold", None)


def test_bulk_sprint_priority_archive_and_unarchive(operator):
    old = timezone.now() - timedelta(days=2)
    completed = make_goal(1, "done", completed_at=old)
    active = make_goal(2, "doing")
    messages, updates = run_action(operator, "set_sprint", [completed, active], sprint="sprint-9")
    assert len(updates) == 1 and set(Goal.objects.values_list("sprint", flat=True)) == {"sprint-9"}
    run_action(operator, "set_priority", [active], priority="1")
    assert Goal.objects.get(pk=active.pk).priority == 1 and Goal.objects.get(pk=completed.pk).priority == 2
    messages, _ = run_action(operator, "archive", [completed, active])
    assert any("Archived 1 goal" in m for m in messages)
    assert state(completed)[1] == "archived" and state(active)[1] == "doing"
    messages, _ = run_action(operator, "unarchive", [completed, active])
    assert any("Un-archived 1 goal" in m for m in messages) and state(completed)[1] == "done"
    messages, updates = run_action(operator, "set_status", [active])  # no status chosen
    assert updates == [] and any("needs a status" in m for m in messages)


def test_viewer_has_no_bulk_actions(viewer):
    goal = make_goal(1, "todo")
    response = viewer.post(CHANGELIST, {"action": "set_status", "status": "active",
                                        "_selected_action": [str(goal.pk)]})
    assert response.status_code in (200, 302, 403)
    assert state(goal)[:2] == ("pending", "todo")


def test_a_position_past_the_end_is_reported_as_the_real_one(operator):
    make_goal(1, "doing")
    goal = make_goal(2, "todo")
    response = move(operator, goal, "doing", 10**12)
    assert any("to Doing, position 1 (status active)." in m for m in page_messages(response))
    response = operator.post(MOVE, {"goal": str(goal.pk), "version": "2026-13-45T99:00:00", "column": "todo",
                                    "position": "0"}, follow=True)
    assert any("changed by someone else" in m for m in page_messages(response))


def test_bulk_archive_applies_the_boards_24_hour_rule(operator):
    old = make_goal(1, "done", completed_at=timezone.now() - timedelta(days=2))
    recent = make_goal(2, "done")  # completed an hour ago: stays in done, as on the board
    messages, _ = run_action(operator, "archive", [old, recent])
    assert any("Archived 1 goal" in m for m in messages)
    assert state(old)[1] == "archived" and state(recent)[1] == "done"


def test_change_form_status_edit_applies_the_status_to_column_rule(operator):
    goal = make_goal(1, "doing")
    url = reverse("admin:data_app_goal_change", args=[goal.pk])
    data = form_data(operator.get(url).content, "goal_form")
    response = operator.post(url, {**data, "status": "completed", "_save": "Save"})
    assert response.status_code == 302
    status, column, completed_at = state(goal)
    assert (status, column) == ("completed", "done") and completed_at is not None


# Archiving from the board: one card, or the done goals of the sprint on screen ---------
def test_archive_all_is_scoped_to_the_sprint_on_screen_and_counts_first(operator):
    old = timezone.now() - timedelta(days=2)
    make_goal(1, "done", completed_at=old, title="Old in sprint 2")
    make_goal(2, "done", completed_at=old, sprint="backlog", title="Old in the backlog sprint")
    make_goal(3, "done", completed_at=old, sprint="sprint-1", title="Old in sprint 1")
    make_goal(4, "done", title="Finished an hour ago")
    board = operator.get(BOARD + "?sprint=sprint-2").content.decode()
    assert "Archive all done: 2 goals of sprint-2 finished over 24 hours ago" in board
    confirm = operator.post(ARCHIVE, {"sprint": "sprint-2"}).content.decode()
    assert "Old in sprint 2" in confirm and "Old in the backlog sprint" in confirm
    assert "Old in sprint 1" not in confirm and "Finished an hour ago" not in confirm
    assert "Yes, archive 2 goals" in confirm
    response = operator.post(ARCHIVE, {"sprint": "sprint-2", "confirmed": "yes"}, follow=True)
    assert any("Archived 2 goals of the sprint-2 board" in m for m in page_messages(response))
    assert set(Goal.objects.filter(board_column="archived").values_list("goal_id", flat=True)) == {"g-1", "g-2"}
    assert Goal.objects.get(goal_id="g-3").board_column == "done"  # another sprint's board
    # Filters on screen narrow it too: only what the staff member sees is archived.
    make_goal(5, "done", completed_at=old, assigned_to="bob")
    make_goal(6, "done", completed_at=old, assigned_to="aria")
    operator.post(ARCHIVE, {"sprint": "sprint-2", "assignee": "bob", "confirmed": "yes"})
    assert Goal.objects.get(goal_id="g-5").board_column == "archived"
    assert Goal.objects.get(goal_id="g-6").board_column == "done"
    nothing = operator.post(ARCHIVE, {"sprint": "sprint-9"}).content.decode()
    assert "nothing to archive" in nothing and "Yes, archive" not in nothing


def test_a_card_archive_button_asks_then_archives_even_a_goal_finished_minutes_ago(operator):
    recent = make_goal(1, "done", title="Done a minute ago", completed_at=timezone.now() - timedelta(minutes=1))
    make_goal(2, "done", title="Placed after it")
    active = make_goal(3, "doing", title="Still going")
    board = operator.get(BOARD + "?sprint=sprint-2").content.decode()
    assert 'aria-label="Archive Done a minute ago"' in board and 'aria-label="Archive Still going"' not in board
    assert 'aria-label="Column for Done a minute ago"' in board and 'aria-label="Move Done a minute ago"' in board
    assert 'data-goal-id="g-1"' in board and 'data-column="done"' in board
    fields = {"goal": str(recent.pk), "version": recent.updated_at.isoformat(), "sprint": "sprint-2"}
    confirm = operator.post(ARCHIVE_GOAL, fields).content.decode()
    assert "Archive <strong>Done a minute ago</strong>" in confirm and "less than 24 hours ago" in confirm
    assert Goal.objects.get(pk=recent.pk).board_column == "done"
    response = operator.post(ARCHIVE_GOAL, {**fields, "confirmed": "yes"}, follow=True)
    assert any("Archived “Done a minute ago”" in m for m in page_messages(response))
    assert Goal.objects.get(pk=recent.pk).board_column == "archived"
    assert order("done") == [("g-2", 0)]  # its column renumbered from 0
    assert "Board column" in LogEntry.objects.get(object_id=str(recent.pk)).get_change_message()
    # An active goal, a stale version, a goal already archived: a message, nothing written.
    response = operator.post(ARCHIVE_GOAL, {"goal": str(active.pk), "version": active.updated_at.isoformat(),
                                            "sprint": "sprint-2", "confirmed": "yes"}, follow=True)
    assert any("not completed or cancelled" in m for m in page_messages(response))
    assert Goal.objects.get(pk=active.pk).board_column == "doing"
    response = operator.post(ARCHIVE_GOAL, {**fields, "confirmed": "yes"}, follow=True)
    assert any("changed by someone else" in m for m in page_messages(response))
    recent.refresh_from_db()
    response = operator.post(ARCHIVE_GOAL, {**fields, "version": recent.updated_at.isoformat(),
                                            "confirmed": "yes"}, follow=True)
    assert any("was already archived" in m for m in page_messages(response))
    # And back: un-archive stays possible.
    response = operator.post(UNARCHIVE, {**fields, "version": recent.updated_at.isoformat()}, follow=True)
    assert Goal.objects.get(pk=recent.pk).board_column == "done"


def test_viewers_cannot_archive_cards(viewer):
    goal = make_goal(1, "done")
    data = {"goal": str(goal.pk), "version": goal.updated_at.isoformat(), "confirmed": "yes"}
    assert viewer.post(ARCHIVE_GOAL, data).status_code == 403
    assert viewer.post(ARCHIVE, {"confirmed": "yes"}).status_code == 403
    assert Goal.objects.get(pk=goal.pk).board_column == "done"


def test_board_times_are_utc_with_seconds(operator):
    goal = make_goal(1, "done", completed_at=timezone.now().replace(2026, 11, 2, 9, 8, 7, 0))
    Goal.objects.filter(pk=goal.pk).update(board_column="archived")
    make_goal(2, "todo", due_date=timezone.now().replace(2031, 1, 2, 3, 4, 5, 0))
    html = operator.get(BOARD + "?sprint=sprint-2").content.decode()
    assert "2026-11-02 09:08:07 UTC" in html and 'title="due 2031-01-02 03:04:05 UTC"' in html


def test_card_template_filled_per_card_equals_the_engines_own_rendering(operator):
    """render.CardTemplate fills a pattern made from board_card.html: the same HTML as rendering it."""
    from django.template.loader import render_to_string

    from data_app.admin.board.render import BoardRenderer, CardTemplate, safe
    from data_app.selectors.board import CARD_FIELDS

    make_goal(1, "done", title="<b>{braces}</b> & \"quotes\"", tags=["a{0}", {"k": "<v>"}], assigned_to="{x}")
    make_goal(2, "todo", due_date=timezone.now() + timedelta(days=2), priority=1)
    renderer = BoardRenderer(site_name="admin", now=timezone.now())
    column = {"editable": True, "shared_inputs": "<input type=hidden name=s value=1>", "move_url": "/m/",
              "archive_goal_url": "/a/", "options": "<option>x</option>"}
    cards = [renderer.card(row) for row in Goal.objects.order_by("goal_id").values(*CARD_FIELDS)]
    filled = CardTemplate(column).render(cards)
    rendered = "".join(render_to_string(CardTemplate.NAME, {"column": column, "card": safe(card)}) for card in cards)
    assert filled == rendered
    assert "&lt;b&gt;{braces}&lt;/b&gt; &amp; &quot;quotes&quot;" in filled and "Archive" in filled


def test_filters_that_look_like_card_slots_stay_text(operator):
    """The card pattern's slots cannot be forged from a filter typed into the board's URL."""
    from data_app.admin.board.render import CardTemplate

    forged = ("{title}", "{0}", "\x1fbogus\x1f", f"{CardTemplate.MARKER}title;", "card-slot-0000000000000000-title;")
    for n, q in enumerate(forged):
        make_goal(n, "todo", title=f"{q} card")  # the filter finds it, so its form repeats the filter
        response = operator.get(BOARD, {"sprint": "sprint-2", "q": q})
        assert response.status_code == 200 and f"{q} card" in response.content.decode()
    html = operator.get(BOARD, {"sprint": "sprint-2", "q": "{title}"}).content.decode()
    assert 'name="q" value="{title}"' in html
