"""The goals page, from the goals table itself (small: thousands of rows)."""

from datetime import UTC

from django.db.models import Count, Q
from django.db.models.functions import Trunc
from django.utils import timezone

from data_app import domain
from data_app.models import Goal
from insights.charts import Chart
from insights.selectors.sql import admin_url, iso

OVERDUE_SHOWN = 25


def overdue_q(now):
    return Q(due_date__lt=now) & ~Q(status__in=domain.TERMINAL_STATUSES) & ~Q(board_column=domain.ARCHIVED_COLUMN)


def goal_charts(rng, filters, user=None):
    goals = Goal.objects.all()
    sprints = sorted(s for s in goals.order_by().values_list("sprint", flat=True).distinct() if s)
    sprint = filters.get("sprint") or domain.current_sprint(goals)
    buckets = [iso(b) for b in rng.buckets()]
    rows = []
    for column, label in (("created_at", "created"), ("completed_at", "completed")):
        counted = (goals.filter(**{f"{column}__gte": rng.since, f"{column}__lt": rng.until})
                   .annotate(bucket=Trunc(column, rng.bucket_name, tzinfo=UTC))
                   .values("bucket").annotate(n=Count("pk")).order_by("bucket"))
        rows += [{"bucket": iso(r["bucket"]), "kind": label, "goals": r["n"]} for r in counted]
    charts = [Chart(
        "goals-created-completed", f"Goals created vs completed per {rng.bucket_name}",
        [("bucket", "Bucket (UTC)"), ("kind", "Kind"), ("goals", "Goals")],
        rows, kind="line", x="bucket", y="goals", series="kind", x_values=buckets,
    )]
    in_sprint = goals.filter(sprint=sprint)
    per_column = {}
    for r in in_sprint.values("board_column").annotate(n=Count("pk")):
        column = r["board_column"] if r["board_column"] == domain.ARCHIVED_COLUMN else domain.board_column_of(r["board_column"])
        per_column[column] = per_column.get(column, 0) + r["n"]
    order = domain.BOARD_COLUMNS + [domain.ARCHIVED_COLUMN]
    charts.append(Chart(
        "goals-columns", f"Cards per column, sprint {sprint}",
        [("column", "Column"), ("cards", "Cards")],
        [{"sprint": sprint, "column": c, "cards": per_column.get(c, 0)} for c in order if c in per_column or c in domain.BOARD_COLUMNS],
        kind="bars", x="column", y="cards",
    ))
    total = in_sprint.count()
    done = list(in_sprint.filter(completed_at__isnull=False, completed_at__lt=rng.until).values_list("completed_at", flat=True))
    burn = []
    for start in rng.buckets():
        end = start + rng.step
        burn.append({"bucket": iso(start), "series": "remaining", "sprint": sprint,
                     "remaining": total - sum(1 for c in done if c < end)})
    charts.append(Chart(
        "goals-burndown", f"Burn-down of sprint {sprint} (goals not completed at each bucket's end)",
        [("bucket", "Bucket (UTC)"), ("remaining", "Remaining")],
        burn, kind="line", x="bucket", y="remaining", series="series", x_values=buckets,
        note="From completed_at: a goal counts as done from the moment it was completed.",
    ))
    now = timezone.now()
    overdue = goals.filter(overdue_q(now)).order_by("due_date")
    charts.append(Chart(
        "goals-overdue", f"Overdue goals ({overdue.count()})",
        [("goal", "Goal"), ("status", "Status"), ("sprint", "Sprint"), ("due_date", "Due")],
        [{"goal": f"{g.goal_id}: {g.title}", "status": g.status, "sprint": g.sprint, "due_date": g.due_date,
          "_url": admin_url("data_app_goal_change", g.pk)} for g in overdue[:OVERDUE_SHOWN]],
        link="_url", note="Past their due date, not completed or cancelled, not archived.",
    ))
    return charts, {"filter_choices": {"sprint": sprints}}
