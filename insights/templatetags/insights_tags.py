from datetime import datetime
from decimal import Decimal

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def cell(chart, row, key, first=False):
    """A table cell's text: rates as percentages, numbers grouped, links on the first cell."""
    value = row.get(key)
    if value is None:
        text = "-" if key.endswith(("rate", "_ms", "_at")) or key in ("bucket",) else "(none)"
    elif key.endswith("rate"):
        text = f"{value:.2%}"
    elif isinstance(value, Decimal):
        text = f"{value:,.6f}".rstrip("0").rstrip(".") if value else "0"
    elif isinstance(value, float):
        text = f"{value:,.2f}"
    elif isinstance(value, int) and not isinstance(value, bool):
        text = f"{value:,}"
    elif isinstance(value, datetime):
        text = value.strftime("%Y-%m-%d %H:%M")
    else:
        text = str(value)
        if len(text) >= 25 and text[10:11] == "T":
            text = text[:16].replace("T", " ")
    url = row.get(chart.link) if chart.link else None
    if first and url:
        return format_html('<a href="{}">{}</a>', url, text)
    return text


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key) or ""


@register.simple_tag
def cell_class(row, key):
    value = row.get(key)
    return "ins-num" if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) else "ins-text"
