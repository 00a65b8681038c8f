"""The one view behind every Insights page: range and filters from the URL,
rollups refreshed, charts read, then HTML, CSV or JSON.

Bad parameters never fail the page: each is named in a message at the top
and the page falls back to its default (7 days, no filter).
"""

from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from insights import export, pages, rollups
from insights.tables import table_html
from insights.ranges import PRESETS, parse_range
from insights.selectors import activity, cron, goals, llm, overview, sentiment

FORMATS = ("html", "csv", "json")
MAX_FILTER = 200
BUILDERS = {
    "": overview.overview_charts,
    "llm": llm.llm_charts,
    "cron": cron.cron_charts,
    "activity": activity.activity_charts,
    "goals": goals.goal_charts,
    "sentiment": sentiment.sentiment_charts,
}


def read_filters(page, params):
    values, problems = {}, []
    for name in page.filters:
        value = params.get(name, "").strip()
        if len(value) > MAX_FILTER:
            problems.append(f"{name}: longer than {MAX_FILTER} characters; filter ignored.")
            continue
        values[name] = value
    return values, problems


def page_view(request, page):
    allowed = pages.overview_allowed(request.user) if page is pages.OVERVIEW else page.allowed(request.user)
    if not allowed:
        raise PermissionDenied
    rng, problems = parse_range(request.GET)
    filters, more = read_filters(page, request.GET)
    problems += more
    fmt = request.GET.get("format", "html") or "html"
    if fmt not in FORMATS:
        problems.append(f"format: {fmt[:20]!r} is not csv or json; showing the page.")
        fmt = "html"
    for name in page.sources:
        rollups.refresh(rollups.SOURCES[name])
    result = BUILDERS[page.slug](rng, filters, user=request.user)
    charts, extra = (result if isinstance(result, tuple) else (result, {}))
    filename = f"insights-{page.slug or 'overview'}-{rng.since:%Y%m%d%H}-{rng.until:%Y%m%d%H}"
    if fmt == "json":
        return export.as_json(rng, charts, filename)
    if fmt == "csv":
        return export.as_csv(charts, filename)
    for chart in charts:
        chart.table = table_html(chart, f"{chart.title}, {rng.label()}")
    kept = {k: v for k, v in request.GET.items() if k in ("range", "since", "until", *page.filters) and v}
    context = {
        **admin.site.each_context(request),
        "title": page.title,
        "page": page,
        "pages": pages.visible_pages(request.user),
        "range": rng,
        "presets": [(name, urlencode({**{k: v for k, v in kept.items() if k not in ("since", "until")}, "range": name}))
                    for name in PRESETS],
        "problems": problems,
        "charts": charts,
        "filters": filters,
        "filter_choices": extra.pop("filter_choices", {}),
        "csv_query": urlencode({**kept, "format": "csv"}),
        "json_query": urlencode({**kept, "format": "json"}),
        "since_value": request.GET.get("since", "")[:40],
        "until_value": request.GET.get("until", "")[:40],
        **extra,
    }
    return TemplateResponse(request, "insights/page.html", context)
