"""Log-spaced histograms of latencies and durations, for percentiles from rollups.

A value v >= 1 falls in bin ceil(log_g(v)), which holds (g^(i-1), g^i];
values below 1 (0 ms) fall in bin ZERO_BIN and stand for 0. Reading bin i as
2 g^i / (g + 1) is off by at most ALPHA relative to any value in it (the
DDSketch bound). Percentiles interpolate between the two ranks that
PostgreSQL's percentile_cont interpolates between, so they too are within
ALPHA of percentile_cont over the raw rows: stated on the pages, tested in
tests/test_insights_figures.py.
"""

import math

ALPHA = 0.04  # relative error bound (the issue asks <= 5 %)
GAMMA = (1 + ALPHA) / (1 - ALPHA)
LN_GAMMA = math.log(GAMMA)
ZERO_BIN = -1


def bin_sql(column):
    """SQL for the bin of ``column`` (NULL stays NULL)."""
    return (
        f"CASE WHEN {column} < 1 THEN {ZERO_BIN} "
        f"ELSE ceil(ln({column}::float8) / {LN_GAMMA!r})::int END"
    )


def representative(bin_index):
    """The value a bin stands for."""
    if bin_index == ZERO_BIN:
        return 0.0
    return 2 * GAMMA**bin_index / (GAMMA + 1)


def percentile(counts, fraction):
    """percentile_cont(fraction) estimated from {bin: count}; None if empty."""
    total = sum(counts.values())
    if not total:
        return None
    rank = fraction * (total - 1)  # 0-based, as percentile_cont
    low, high = math.floor(rank), math.ceil(rank)
    values = {}
    seen = 0
    for bin_index in sorted(counts):
        n = counts[bin_index]
        for wanted in (low, high):
            if wanted not in values and seen <= wanted < seen + n:
                values[wanted] = representative(bin_index)
        seen += n
        if high in values:
            break
    return values[low] + (rank - low) * (values[high] - values[low])
