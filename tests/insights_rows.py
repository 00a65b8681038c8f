"""Known rows for the Insights tests, written with plain SQL as Aria does."""

import uuid
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from insights.rollups import hour_floor


def run(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall() if cursor.description else None


def session(agent="aria"):
    sid = uuid.uuid4()
    run("INSERT INTO aria_data.agent_sessions (id, agent_id) VALUES (%s, %s)", [sid, agent])
    return sid


def usage(at, model="kimi-k2", provider="litellm", *, input_tokens=100, output_tokens=10, cost="0.010000",
          latency=500, success=True, session_id=None, error=None):
    run(
        "INSERT INTO aria_data.model_usage (model, provider, input_tokens, output_tokens, cost_usd, latency_ms, "
        "success, error_message, session_id, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [model, provider, input_tokens, output_tokens, cost, latency, success, error, session_id, at],
    )


def now_hour():
    return hour_floor(timezone.now())


def llm_rows():
    """A known set: NULL latency, NULL provider, a model only in failures,
    rows on both sides of an hour boundary, and rows outside 24 h and 7 d."""
    h = now_hour()
    s1, s2, s3 = session(), session(), session()
    usage(h - timedelta(hours=2), "kimi-k2", "litellm", latency=100, cost="0.100000", session_id=s1)  # on a boundary
    usage(h - timedelta(hours=2, microseconds=1), "kimi-k2", "litellm", latency=300, cost="0.200000", session_id=s1)
    usage(h - timedelta(hours=1, minutes=30), "kimi-k2", None, latency=None, cost="0.050000", session_id=s2)
    usage(h - timedelta(hours=1, minutes=10), "glm-4.6", "openrouter", latency=2500, cost="1.500000", session_id=s3)
    usage(h - timedelta(minutes=50), "glm-4.6", "openrouter", latency=0, success=False, error="rate limit")
    usage(h - timedelta(hours=5), "broken-model", "ollama", latency=None, cost="0", success=False, error="down")
    usage(h - timedelta(hours=5), "broken-model", None, latency=12, success=False, error="down", session_id=s2)
    for i in range(40):  # a spread of latencies for the percentiles
        usage(h - timedelta(hours=3, minutes=i), "kimi-k2", "litellm", latency=80 + i * i * 13,
              input_tokens=1000 + i, output_tokens=i, cost=f"{0.001 * i:.6f}", session_id=s3 if i % 3 else None)
    usage(h - timedelta(days=2), "kimi-k2", "litellm", latency=700, cost="3.000000", session_id=s2)  # 7d only
    usage(h - timedelta(days=20), "qwen3-coder", "moonshot", latency=900, cost="9.000000")  # 30d only
    usage(h + timedelta(hours=3), "kimi-k2", "litellm", cost="7.000000")  # future: in no range
    return s1, s2, s3
