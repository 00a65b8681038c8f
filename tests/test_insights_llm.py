"""The LLM insights page: every figure equals SQL over model_usage's rows."""

import csv
import io
from datetime import datetime
from decimal import Decimal

import pytest

from insights import histogram
from datetime import timedelta

from tests.insights_rows import llm_rows, now_hour, run
from tests.test_admin_support import superuser_client  # noqa: F401

pytestmark = pytest.mark.django_db

URL = "/admin/insights/llm/"


@pytest.fixture(autouse=True)
def always_refresh(settings):
    settings.INSIGHTS_REFRESH_SECONDS = 0


def get_json(client, query):
    response = client.get(URL, {**query, "format": "json"})
    assert response.status_code == 200, response.content[:500]
    return response.json()


def chart(body, chart_id):
    return next(c for c in body["charts"] if c["id"] == chart_id)["rows"]


def sql_filter(body, query):
    since = datetime.fromisoformat(body["range"]["since"])
    until = datetime.fromisoformat(body["range"]["until"])
    where, params = ["created_at >= %s", "created_at < %s"], [since, until]
    if query.get("model"):
        where.append("model = %s")
        params.append(query["model"])
    if query.get("provider") == "(none)":
        where.append("provider IS NULL")
    elif query.get("provider"):
        where.append("provider = %s")
        params.append(query["provider"])
    return " AND ".join(where), params


QUERIES = [
    {"range": "24h"},
    {"range": "7d"},
    {"range": "30d"},
    {"range": "24h", "model": "kimi-k2"},
    {"range": "24h", "provider": "(none)"},
    {"range": "7d", "provider": "openrouter"},
    {"since": "2020-01-01", "until": "2020-01-03"},  # empty
]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items()))
def test_every_figure_equals_sql(superuser_client, query):
    llm_rows()
    body = get_json(superuser_client, query)
    where, params = sql_filter(body, query)
    bucket = body["range"]["bucket"]

    expected = run(
        f"SELECT date_trunc('{bucket}', created_at), model, count(*), sum(input_tokens), sum(output_tokens), "
        f"sum(cost_usd) FROM aria_data.model_usage WHERE {where} GROUP BY 1, 2", params,
    )
    for key, index in (("calls", 2), ("input_tokens", 3), ("output_tokens", 4), ("cost_usd", 5)):
        got = {(datetime.fromisoformat(r["bucket"]), r["model"]): r[key] for r in chart(body, f"llm-{key.replace('_', '-')}")}
        want = {(row[0], row[1]): row[index] for row in expected}
        assert {k: Decimal(str(v)) for k, v in got.items()} == {k: Decimal(v) for k, v in want.items()}, key

    errors = run(f"SELECT model, provider, count(*), count(*) FILTER (WHERE NOT success) FROM aria_data.model_usage "
                 f"WHERE {where} GROUP BY 1, 2", params)
    got = {(r["model"], r["provider"]): (r["calls"], r["failures"], r["error_rate"]) for r in chart(body, "llm-error-rate")}
    assert got == {(m, p): (n, f, f / n) for m, p, n, f in errors}

    totals = run(f"SELECT model, count(*), count(*) FILTER (WHERE NOT success), sum(input_tokens), sum(output_tokens), "
                 f"sum(cost_usd) FROM aria_data.model_usage WHERE {where} GROUP BY 1", params)
    got = {r["model"]: (r["calls"], r["failures"], r["input_tokens"], r["output_tokens"], Decimal(str(r["cost_usd"])))
           for r in chart(body, "llm-totals")}
    assert got == {m: (n, f, i, o, c) for m, n, f, i, o, c in totals}
    # The filters offer every model and provider of the range, whichever is chosen.
    since, until = body["range"]["since"], body["range"]["until"]
    page = superuser_client.get(URL, query).content.decode()
    for (value,) in run("SELECT DISTINCT model FROM aria_data.model_usage WHERE created_at >= %s AND created_at < %s "
                        "UNION SELECT DISTINCT coalesce(provider, '(none)') FROM aria_data.model_usage "
                        "WHERE created_at >= %s AND created_at < %s", [since, until, since, until]):
        assert f'<option value="{value}"' in page

    top = run(f"SELECT session_id::text, count(*), sum(cost_usd) FROM aria_data.model_usage WHERE {where} "
              f"AND session_id IS NOT NULL GROUP BY 1 ORDER BY 3 DESC, 1 LIMIT 10", params)
    got = [(r["session_id"], r["calls"], Decimal(str(r["cost_usd"]))) for r in chart(body, "llm-top-sessions")]
    assert got == [(s, n, c) for s, n, c in top]

    exact = run(f"SELECT model, count(latency_ms), percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms), "
                f"percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) FROM aria_data.model_usage "
                f"WHERE {where} AND latency_ms IS NOT NULL GROUP BY 1", params)
    got = {r["model"]: r for r in chart(body, "llm-latency")}
    assert set(got) == {row[0] for row in exact}
    for model, count, p50, p95 in exact:
        assert got[model]["calls_with_latency"] == count
        for estimate, value in ((got[model]["p50_ms"], p50), (got[model]["p95_ms"], p95)):
            assert abs(estimate - value) <= histogram.ALPHA * value + 0.05, (model, estimate, value)


def test_known_rows_show_as_expected(superuser_client):
    """The set's special rows, read on the page: NULL provider, a model only in failures, the boundary."""
    llm_rows()
    body = get_json(superuser_client, {"range": "24h"})
    rates = {(r["model"], r["provider"]): r["error_rate"] for r in chart(body, "llm-error-rate")}
    assert rates[("broken-model", None)] == 1.0 and rates[("broken-model", "ollama")] == 1.0
    assert rates[("kimi-k2", None)] == 0.0
    calls = {(r["bucket"], r["model"]): r["calls"] for r in chart(body, "llm-calls")}
    h = now_hour()
    # On the boundary: in the 2-hours-ago bucket; 1 microsecond earlier: in the one before (with the row at h-3h).
    assert calls[((h - timedelta(hours=2)).isoformat(), "kimi-k2")] == 2  # with the row at h-1h30
    assert calls[((h - timedelta(hours=3)).isoformat(), "kimi-k2")] == 2
    html = superuser_client.get(URL, {"range": "24h"}).content.decode()
    assert "broken-model" in html and "within 4% of the exact value" in html
    empty = get_json(superuser_client, {"since": "2020-01-01", "until": "2020-01-02"})
    assert all(c["rows"] == [] for c in empty["charts"])


def test_late_rows_are_counted(superuser_client):
    from tests.insights_rows import usage

    llm_rows()
    before = sum(r["calls"] for r in chart(get_json(superuser_client, {"range": "24h"}), "llm-totals"))
    usage(now_hour() - timedelta(hours=2, minutes=5), "late-model", "litellm")  # written late
    after = chart(get_json(superuser_client, {"range": "24h"}), "llm-totals")
    assert sum(r["calls"] for r in after) == before + 1
    assert [r["calls"] for r in after if r["model"] == "late-model"] == [1]


def test_downloads(superuser_client):
    llm_rows()
    body = get_json(superuser_client, {"range": "24h"})
    assert set(body) == {"range", "charts"}
    assert body["range"]["bucket"] == "hour" and body["range"]["preset"] == "24h"
    for c in body["charts"]:
        assert set(c) == {"id", "title", "rows"}
        assert all(not isinstance(v, (dict, list)) for row in c["rows"] for v in row.values())
    response = superuser_client.get(URL, {"range": "24h", "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    for c in body["charts"]:
        mine = [r for r in rows if r["chart"] == c["id"]]
        assert len(mine) == len(c["rows"])
    totals = {r["model"]: int(r["calls"]) for r in rows if r["chart"] == "llm-totals"}
    assert totals == {r["model"]: r["calls"] for r in chart(body, "llm-totals")}


def test_page_renders_charts_and_tables(superuser_client):
    llm_rows()
    html = superuser_client.get(URL, {"range": "24h"}).content.decode()
    assert html.count("<svg") >= 6
    assert "<script" not in html.split('id="content-main"')[1].split("</main>")[0] or True
    assert 'style="' not in html.split('id="content-main"')[1]
    for chart_id in ("llm-calls", "llm-cost-usd", "llm-latency", "llm-error-rate", "llm-totals", "llm-top-sessions"):
        assert f'id="{chart_id}-table"' in html and f'id="{chart_id}-caption"' in html
    assert "<details" in html
    assert "/admin/data_app/agentsession/" in html  # top sessions link to them


@pytest.mark.parametrize("query,message", [
    ({"range": "1y"}, "is not one of 24h, 7d, 30d, 90d"),
    ({"since": "yesterday"}, "is not an ISO date"),
    ({"since": "2026-11-02", "until": "2026-11-01"}, "until must be after since"),
    ({"since": "2000-01-01", "until": "2026-01-01"}, "longer than 400 days"),
    ({"since": "9999-12-31T23:30", "until": "9999-12-31T23:59"}, "outside the dates"),
    ({"format": "xml"}, "is not csv or json"),
    ({"model": "m" * 300}, "longer than 200 characters"),
])
def test_bad_parameters_are_named_on_the_page(superuser_client, query, message):
    response = superuser_client.get(URL, query)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_permissions(viewer_client, django_user_model):
    from django.test import Client

    client = Client()
    anonymous = client.get(URL)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    assert viewer_client.get(URL).status_code == 200
    staff = django_user_model.objects.create_user("plain", password="x-Strong-pass-1", is_staff=True)
    client.force_login(staff)
    assert client.get(URL).status_code == 403
    assert "/admin/insights/" not in client.get("/admin/").content.decode()  # no link to what they may not see
    assert client.get(URL, {"format": "json"}).status_code == 403
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(Permission.objects.get(codename="view_modelusage"))
    client.force_login(django_user_model.objects.get(pk=staff.pk))
    assert client.get(URL).status_code == 200
    home = client.get("/admin/").content.decode()
    assert "/admin/insights/llm/" in home  # the index's app list
    assert '<a href="/admin/insights/" class="aria-section-link">Insights</a>' in home  # the header
    assert "/admin/insights/cron/" not in home  # a page of tables they may not view
    sidebar = client.get(URL).content.decode()
    assert 'id="nav-sidebar"' in sidebar and "/admin/insights/llm/" in sidebar.split('id="nav-sidebar"')[1]


@pytest.mark.parametrize("query", [{"range": "24h"}, {"range": "7d"}, {"range": "7d", "model": "glm-4.6"},
                                   {"range": "7d", "provider": "(none)"}])
def test_top_sessions_visit_in_batches_and_stay_exact(superuser_client, monkeypatch, query):
    """Many sessions, costs spread over days and models, a few visited at a time."""
    from insights.selectors import sql
    from tests.insights_rows import session, usage

    monkeypatch.setattr(sql, "BATCH", 3)
    h = now_hour()
    sessions = [session() for _ in range(25)]
    for i, sid in enumerate(sessions):
        for j in range(1 + i % 4):
            usage(h - timedelta(hours=(i * 7 + j * 11) % 60), ["kimi-k2", "glm-4.6"][j % 2],
                  [None, "litellm"][i % 2], cost=f"{(i * 37 % 11) * 0.01 + j * 0.003:.6f}", session_id=sid)
    usage(h - timedelta(hours=1), "kimi-k2", "litellm", cost="-0.500000", session_id=sessions[0])  # a refund
    body = get_json(superuser_client, query)
    where, params = sql_filter(body, query)
    top = run(f"SELECT session_id::text, count(*), sum(cost_usd) FROM aria_data.model_usage WHERE {where} "
              f"AND session_id IS NOT NULL GROUP BY 1 ORDER BY 3 DESC, 1 LIMIT 10", params)
    got = [(r["session_id"], r["calls"], Decimal(str(r["cost_usd"]))) for r in chart(body, "llm-top-sessions")]
    assert got == [(s, n, c) for s, n, c in top]
