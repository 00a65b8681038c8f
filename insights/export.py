"""?format=csv and ?format=json: every chart's rows of a page.

JSON: {"range": {...}, "charts": [{"id", "title", "rows": [flat records]}]}.
CSV: one table, a "chart" column first, then the union of the charts'
columns in order (a chart's cells are empty under the columns it lacks).
"""

import csv
import io
import json
from datetime import datetime
from decimal import Decimal

from django.http import HttpResponse


def _plain(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def as_json(rng, charts, filename):
    body = {
        "range": rng.as_json(),
        "charts": [{"id": c.id, "title": c.title, "rows": c.export_rows()} for c in charts],
    }
    response = HttpResponse(json.dumps(body, default=_plain), content_type="application/json")
    response["Content-Disposition"] = f'inline; filename="{filename}.json"'
    return response


def as_csv(charts, filename):
    columns = []
    for chart in charts:
        for row in chart.export_rows():
            for key in row:
                if key not in columns:
                    columns.append(key)
    out = io.StringIO()
    writer = csv.DictWriter(out, ["chart", *columns])
    writer.writeheader()
    for chart in charts:
        for row in chart.export_rows():
            writer.writerow({"chart": chart.id, **{k: _cell(v) for k, v in row.items()}})
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value  # not a formula when opened in a spreadsheet
    return value
