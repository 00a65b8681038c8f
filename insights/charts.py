"""Charts as data (what CSV, JSON and the HTML tables show) and as SVG.

The SVG is drawn on the server: no script, nothing inline but presentation
attributes, colours from CSS classes (static/insights/insights.css) that
follow the admin's light and dark themes. Hover titles come from SVG
<title> elements. See the README for why not a JavaScript library.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from html import escape

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

WIDTH, HEIGHT = 720, 220
PAD_LEFT, PAD_BOTTOM, PAD_TOP = 60, 24, 10
MAX_SERIES = 8  # more series are drawn as "other" (the table keeps them all)
OTHER = "other"


@dataclass
class Chart:
    """One chart: its rows are flat records, as exported."""

    id: str
    title: str
    columns: list  # [(key, label)] shown in the table, in order
    rows: list
    kind: str = "table"  # "stacked", "line", "bars" or "table" (no drawing)
    x: str = ""  # key of the bucket (stacked, line) or category (bars)
    y: str = ""  # key of the value drawn
    series: str = ""  # key whose values are stacked / drawn as lines
    x_values: list = field(default_factory=list)  # every bucket, empty ones too
    note: str = ""
    link: str = ""  # key of a URL per row (shown on the row's first cell, not exported)
    table: str = ""  # the HTML table, set by the view (tables.table_html)

    def export_rows(self):
        return [{k: v for k, v in row.items() if not k.startswith("_")} for row in self.rows]

    def svg(self):
        if self.kind in ("stacked", "line") and self.x_values:
            return time_chart(self)
        if self.kind == "bars" and self.rows:
            return bar_chart(self)
        return ""


def number(value):
    return float(value) if isinstance(value, Decimal) else (value or 0)


def short(value):
    value = float(value)
    for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.3g}{suffix}"
    return f"{value:.3g}"


def series_order(chart):
    totals = {}
    for row in chart.rows:
        key = _label(row.get(chart.series))
        totals[key] = totals.get(key, 0) + abs(number(row.get(chart.y)))
    names = sorted(totals, key=lambda k: -totals[k])
    # the largest series, then by name: one model keeps its colour across charts
    if len(names) > MAX_SERIES:
        return sorted(names[: MAX_SERIES - 1]), True
    return sorted(names), False


def _label(value):
    return "(none)" if value is None else str(value)


def time_chart(chart):
    names, other = series_order(chart)
    shown = names + ([OTHER] if other else [])
    index = {x: i for i, x in enumerate(chart.x_values)}
    grid = {name: [0.0] * len(chart.x_values) for name in shown}
    for row in chart.rows:
        i = index.get(row.get(chart.x))
        if i is None:
            continue
        name = _label(row.get(chart.series))
        grid[name if name in grid else OTHER][i] += number(row.get(chart.y))
    if chart.kind == "stacked":
        top = max((sum(grid[n][i] for n in shown) for i in range(len(chart.x_values))), default=0)
    else:
        top = max((v for n in shown for v in grid[n]), default=0)
    bottom = min(0.0, min((v for n in shown for v in grid[n]), default=0)) if chart.kind == "line" else 0.0
    top = top if top > bottom else bottom + 1
    plot_w, plot_h = WIDTH - PAD_LEFT - 8, HEIGHT - PAD_BOTTOM - PAD_TOP
    step = plot_w / max(1, len(chart.x_values))

    def y_of(value):
        return PAD_TOP + plot_h - (value - bottom) / (top - bottom) * plot_h

    parts = [_axes(chart, top, bottom, y_of)]
    escaped = {name: escape(name) for name in shown}
    if chart.kind == "stacked":
        width = f"{max(step * 0.8, 0.5):.1f}"
        for i, x in enumerate(chart.x_values):
            base = 0.0
            left, when = f"{PAD_LEFT + i * step + step * 0.1:.1f}", escape(_x_text(x))
            for s, name in enumerate(shown):
                value = grid[name][i]
                if value <= 0:
                    continue
                y0, y1 = y_of(base), y_of(base + value)
                # f-string, not format_html: thousands of bars; only the names need escaping
                parts.append(
                    f'<rect class="ins-s{s}" x="{left}" y="{y1:.1f}" width="{width}" height="{max(y0 - y1, 0.5):.1f}">'
                    f"<title>{when} {escaped[name]}: {short(value)}</title></rect>"
                )
                base += value
    else:
        for s, name in enumerate(shown):
            points = " ".join(
                f"{PAD_LEFT + i * step + step / 2:.1f},{y_of(v):.1f}" for i, v in enumerate(grid[name])
            )
            parts.append(format_html('<polyline class="ins-line ins-s{}" points="{}"><title>{}</title></polyline>', s, points, name))
    return _frame(chart, parts, shown)


def bar_chart(chart):
    """Horizontal bars per row; ``y`` may name several values (one bar each)."""
    rows = chart.rows[:20]
    keys = chart.y if isinstance(chart.y, tuple) else (chart.y,)
    top = max((number(r.get(k)) for r in rows for k in keys), default=0) or 1
    bar_h = 14
    group_h = len(keys) * bar_h + 6
    height = PAD_TOP + len(rows) * group_h + 4
    label_w = 220
    parts = []
    for i, row in enumerate(rows):
        name = _label(row.get(chart.x))
        y = PAD_TOP + i * group_h
        parts.append(format_html(
            '<text class="ins-label" x="{}" y="{}" text-anchor="end">{}</text>', label_w - 6, y + 11, name[:34],
        ))
        for k, key in enumerate(keys):
            value = number(row.get(key))
            width = (WIDTH - label_w - 70) * value / top
            yk = y + k * bar_h
            parts.append(format_html(
                '<rect class="ins-s{}" x="{}" y="{}" width="{}" height="{}"><title>{} {}: {}</title></rect>'
                '<text class="ins-label" x="{}" y="{}">{}</text>',
                k, label_w, yk, f"{max(width, 0.5):.1f}", bar_h - 2, name, key, short(value),
                f"{label_w + width + 4:.1f}", yk + 11, short(value),
            ))
    legend = format_html_join("", '<li><span class="ins-swatch ins-s{}"></span>{}</li>', enumerate(keys)) if len(keys) > 1 else ""
    return format_html(
        '<svg class="ins-chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-caption">{}</svg>{}',
        WIDTH, height, chart.id, mark_safe("".join(parts)), format_html('<ul class="ins-legend">{}</ul>', legend) if legend else "",
    )


def _axes(chart, top, bottom, y_of):
    lines = []
    for value in (bottom, (top + bottom) / 2, top):
        y = y_of(value)
        lines.append(format_html(
            '<line class="ins-grid" x1="{}" x2="{}" y1="{}" y2="{}"></line><text class="ins-label" x="{}" y="{}" text-anchor="end">{}</text>',
            PAD_LEFT, WIDTH - 8, f"{y:.1f}", f"{y:.1f}", PAD_LEFT - 4, f"{y + 4:.1f}", short(value),
        ))
    xs = chart.x_values
    for i in sorted({0, len(xs) // 2, len(xs) - 1}):
        x = PAD_LEFT + (i + 0.5) * (WIDTH - PAD_LEFT - 8) / max(1, len(xs))
        lines.append(format_html(
            '<text class="ins-label" x="{}" y="{}" text-anchor="middle">{}</text>', f"{x:.1f}", HEIGHT - 6, _x_text(xs[i]),
        ))
    return mark_safe("".join(lines))


def _x_text(x):
    text = str(x)
    return text[5:16].replace("T", " ") if len(text) > 10 and text[10] == "T" else text


def _frame(chart, parts, shown):
    legend = format_html_join(
        "", '<li><span class="ins-swatch ins-s{}"></span>{}</li>', ((i, n) for i, n in enumerate(shown))
    )
    return format_html(
        '<svg class="ins-chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-caption">{}</svg>'
        '<ul class="ins-legend">{}</ul>',
        WIDTH, HEIGHT, chart.id, mark_safe("".join(parts)), legend,
    )
