"""A chart's data as an HTML table, rendered in Python.

A chart of 30 days by 15 models has 450 rows per table and a page has
several: rendered by template tags, the cells took most of the page's time
(about 0.5 s for the LLM page at 1M rows), joined here in a few ms.
"""

from datetime import datetime
from decimal import Decimal
from html import escape

from django.utils.html import format_html
from django.utils.safestring import mark_safe


def text(key, value):
    """A cell's text: rates as percentages, numbers grouped, times to the minute (UTC)."""
    if value is None:
        return "-" if key.endswith(("rate", "_ms", "_at")) or key == "bucket" else "(none)"
    if key.endswith("rate"):
        return f"{value:.2%}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return f"{value:,.6f}".rstrip("0").rstrip(".") if value else "0"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    value = str(value)
    if len(value) >= 25 and value[10:11] == "T":
        return value[:16].replace("T", " ")
    return value


def is_number(value):
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def table_html(chart, caption):
    """The chart's rows as a table; a time chart's as one row per bucket and a
    column per series (the flat rows stay in CSV and JSON)."""
    if chart.kind in ("stacked", "line") and chart.series:
        columns, rows = pivot(chart)
    else:
        columns, rows = chart.columns, chart.rows
    head = "".join(f'<th scope="col">{escape(str(label))}</th>' for _, label in columns)
    keys = [key for key, _ in columns]
    body = []
    for row in rows:
        cells = []
        for i, key in enumerate(keys):
            value = row.get(key)
            shown = escape(text(key, value))
            if i == 0:
                url = row.get(chart.link) if chart.link else None
                if url:
                    shown = f'<a href="{escape(url)}">{shown}</a>'
                cells.append(f'<th scope="row">{shown}</th>')
            else:
                cells.append(f'<td class="{"ins-num" if is_number(value) else "ins-text"}">{shown}</td>')
        body.append(f"<tr>{''.join(cells)}</tr>")
    if not body:
        body.append(f'<tr><td colspan="{len(keys)}">No rows in this range.</td></tr>')
    return format_html(
        '<table class="ins-table" id="{}-table"><caption id="{}-caption">{}</caption>'
        "<thead><tr>{}</tr></thead><tbody>{}</tbody></table>",
        chart.id, chart.id, caption, mark_safe(head), mark_safe("".join(body)),
    )


def pivot(chart):
    """(columns, rows): one row per bucket with a value, a column per series."""
    names = sorted({row.get(chart.series) for row in chart.rows}, key=lambda v: (v is None, str(v)))
    keys = {name: f"s{i}" for i, name in enumerate(names)}
    by_bucket = {}
    for row in chart.rows:
        line = by_bucket.setdefault(row[chart.x], {chart.x: row[chart.x]})
        line[keys[row.get(chart.series)]] = row.get(chart.y)
    label = dict(chart.columns)
    columns = [(chart.x, label.get(chart.x, chart.x))] + [
        (keys[name], "(none)" if name is None else str(name)) for name in names
    ]
    return columns, [by_bucket[x] for x in chart.x_values if x in by_bucket]
