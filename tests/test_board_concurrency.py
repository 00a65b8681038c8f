"""Staff moving cards on one board at the same moment: no deadlock, no lost
move, every column numbered 0..n-1; a write conflict anywhere is retried
once and then answers 409, never the outage page."""

import random
import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client

from data_app import domain
from data_app.services.goals import GoalMove
from data_app.models import Goal
from tests.sample_rows import insert_as_aria

MOVE = "/admin/data_app/goal/board/move/"
STAFF, MOVES_EACH, CARDS_EACH = 4, 12, 4


def column_positions():
    """{column: sorted positions} over the sprint's board (archived left out)."""
    positions = {}
    for column, position in Goal.objects.exclude(board_column=domain.ARCHIVED_COLUMN).values_list(
        "board_column", "position"
    ):
        positions.setdefault(domain.board_column_of(column), []).append(position)
    return {column: sorted(values) for column, values in positions.items()}


@pytest.mark.django_db(transaction=True)
def test_concurrent_moves_on_one_board_all_apply_and_keep_positions_dense():
    users = [User.objects.create_superuser(f"staff{i}", f"s{i}@example.org", None) for i in range(STAFF)]
    cards = [
        [
            insert_as_aria(Goal, goal_id=f"g{i}-{n}", title=f"card {i}-{n}", sprint="sprint-1", board_column="todo", position=i * CARDS_EACH + n)
            for n in range(CARDS_EACH)
        ]
        for i in range(STAFF)
    ]
    expected, failures = {}, []
    start = threading.Barrier(STAFF)

    def staff_member(index):
        client = Client()
        client.force_login(users[index])
        rng = random.Random(index)
        try:
            start.wait()
            for _ in range(MOVES_EACH):
                pk = rng.choice(cards[index])
                column = rng.choice(domain.BOARD_COLUMNS)
                goal = Goal.objects.get(pk=pk)
                response = client.post(
                    MOVE,
                    {"goal": str(pk), "version": goal.updated_at.isoformat(), "column": column,
                     "position": str(rng.randint(0, 6)), "sprint": "sprint-1"},
                )
                if response.status_code != 302:
                    failures.append((index, response.status_code))
                expected[pk] = column
        except Exception as exc:  # reported below, with the thread's index
            failures.append((index, repr(exc)))
        finally:
            connection.close()

    threads = [threading.Thread(target=staff_member, args=(i,)) for i in range(STAFF)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert {pk: Goal.objects.get(pk=pk).board_column for pk in expected} == expected  # no move lost
    for column, positions in column_positions().items():
        assert positions == list(range(len(positions))), column


def raise_sqlstate(sqlstate, message):
    """Have PostgreSQL itself raise the error a real clash raises."""
    with connection.cursor() as cursor:
        cursor.execute(f"DO $$ BEGIN RAISE EXCEPTION '{message}' USING ERRCODE = '{sqlstate}'; END $$")


@pytest.fixture
def board_goal(db, client):
    client.force_login(User.objects.create_superuser("boss", "boss@example.org", None))
    client.raise_request_exception = False
    goal = Goal.objects.get(pk=insert_as_aria(Goal, sprint="sprint-1", board_column="todo"))
    data = {"goal": str(goal.pk), "version": goal.updated_at.isoformat(), "column": "doing", "position": "0", "sprint": "sprint-1"}
    return client, goal, data


@pytest.mark.parametrize("sqlstate", ["40P01", "40001"])
def test_a_write_conflict_that_repeats_is_a_409_not_the_outage_page(board_goal, monkeypatch, sqlstate):
    client, goal, data = board_goal
    calls = []

    def clashing(self, *args):
        calls.append(args)
        raise_sqlstate(sqlstate, "deadlock detected")

    monkeypatch.setattr(GoalMove, "renumber", clashing)
    response = client.post(MOVE, data)
    assert response.status_code == 409
    assert "Someone else was changing this at the same moment" in response.content.decode()
    assert len(calls) == 2  # tried, then retried once
    assert Goal.objects.get(pk=goal.pk).board_column == "todo"  # rolled back


def test_a_write_conflict_once_is_retried_and_the_move_applies(board_goal, monkeypatch):
    client, goal, data = board_goal
    real, calls = GoalMove.renumber, []

    def clashing_once(self, *args):
        calls.append(args)
        if len(calls) == 1:
            raise_sqlstate("40P01", "deadlock detected")
        return real(self, *args)

    monkeypatch.setattr(GoalMove, "renumber", clashing_once)
    response = client.post(MOVE, data)
    assert response.status_code == 302
    assert Goal.objects.get(pk=goal.pk).board_column == "doing"


def test_an_unreachable_database_is_still_the_503_page(board_goal, monkeypatch):
    client, goal, data = board_goal

    def unreachable(self, *args):
        raise_sqlstate("08006", "connection failure")

    monkeypatch.setattr(GoalMove, "renumber", unreachable)
    response = client.post(MOVE, data)
    assert response.status_code == 503
