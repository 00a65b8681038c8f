"""Rollups: histograms within their bound, no double counting under
concurrent refreshes (threads with their own connections), late rows."""

import random
import threading
from datetime import timedelta

import pytest
from django.db import connection, connections

from insights import histogram, rollups
from tests.insights_rows import now_hour, run, usage


def test_histogram_percentiles_within_the_bound():
    rng = random.Random(12)
    for _ in range(30):
        values = [int(rng.lognormvariate(6, 1.5)) for _ in range(rng.randint(1, 400))]
        counts = {}
        for v in values:
            b = histogram.ZERO_BIN if v < 1 else __import__("math").ceil(__import__("math").log(v) / histogram.LN_GAMMA)
            counts[b] = counts.get(b, 0) + 1
        ordered = sorted(values)
        for q in (0.5, 0.95, 0.99):
            rank = q * (len(ordered) - 1)
            lo, hi = int(rank), min(int(rank) + 1, len(ordered) - 1)
            exact = ordered[lo] + (rank - lo) * (ordered[hi] - ordered[lo])
            assert abs(histogram.percentile(counts, q) - exact) <= histogram.ALPHA * exact + 1e-9
    assert histogram.percentile({}, 0.5) is None


def totals():
    return run("SELECT coalesce(sum(calls), 0)::bigint, coalesce(sum(cost_usd), 0) FROM insights_llmusage WHERE grain = 1")[0], \
        run("SELECT coalesce(sum(calls), 0)::bigint, coalesce(sum(cost_usd), 0) FROM insights_llmusage WHERE grain = 24")[0]


def raw_totals():
    return run("SELECT count(*), coalesce(sum(cost_usd), 0) FROM aria_data.model_usage")[0]


@pytest.mark.django_db(transaction=True)
def test_concurrent_refreshes_never_double_count(settings):
    settings.INSIGHTS_REFRESH_SECONDS = 0
    h = now_hour()
    for i in range(30):
        usage(h - timedelta(hours=i % 3, minutes=i), cost="0.500000")
    errors = []
    start = threading.Barrier(6)

    def worker():
        try:
            start.wait()
            for _ in range(5):
                rollups.refresh(rollups.LLM, force=True)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(5)]
    for t in threads:
        t.start()
    start.wait()
    for i in range(20):  # Aria keeps writing meanwhile, some rows late
        usage(h - timedelta(hours=i % 2, minutes=i), cost="0.250000")
    for t in threads:
        t.join()
    assert errors == []
    rollups.refresh(rollups.LLM, force=True)
    hours, days = totals()
    assert hours == days == raw_totals() == (50, 20)
    # and readers that find the lock taken read the last committed state
    connection.close()


@pytest.mark.django_db
def test_late_rows_within_the_trailing_window(settings):
    settings.INSIGHTS_REFRESH_SECONDS = 0
    h = now_hour()
    usage(h - timedelta(minutes=5))
    assert rollups.refresh(rollups.LLM)
    usage(h - timedelta(hours=2, minutes=30))  # late by more than two hours
    rollups.refresh(rollups.LLM)
    assert totals()[0][0] == 2


@pytest.mark.django_db
def test_refresh_is_skipped_while_fresh(settings):
    settings.INSIGHTS_REFRESH_SECONDS = 3600
    usage(now_hour())
    assert rollups.refresh(rollups.LLM) is True
    assert rollups.refresh(rollups.LLM) is False


@pytest.mark.django_db
def test_rollups_never_write_to_arias_schemas():
    tables = {source.table for source in rollups.SOURCES.values()}
    for source in rollups.SOURCES.values():
        for fact in source.facts:
            assert fact.table.startswith("insights_") and fact.table not in tables
    schemas = run("SELECT DISTINCT schemaname FROM pg_tables WHERE tablename LIKE 'insights_%%'")
    assert schemas == [("public",)]
