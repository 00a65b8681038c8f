from django.db import connection, models
from django.db.models.functions import Now

# The Aria levels aria_bootstrap knows (see README, "Pointing it at an
# existing Aria warehouse").
MAIN = "main 2026-02-28"
V3 = "v3.0.0"
EMPTY = "empty"


class WarehouseEvent(models.Model):
    """One run of ``aria_bootstrap`` that changed or adopted the warehouse."""

    CREATED, ADOPTED, UPGRADED = "created", "adopted", "upgraded"
    ACTIONS = [(CREATED, "created"), (ADOPTED, "adopted"), (UPGRADED, "upgraded")]

    action = models.CharField(max_length=20, choices=ACTIONS)
    level_found = models.CharField(max_length=50)
    detail = models.TextField(blank=True, default="")
    at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "aria_admin_warehouse_event"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.action} ({self.level_found}) at {self.at:%Y-%m-%d %H:%M}"


def record(action, level_found, detail=""):
    return WarehouseEvent.objects.create(action=action, level_found=level_found, detail=detail)


def latest_level():
    """The last thing aria_bootstrap did, for the dashboard; None if nothing
    is recorded (a warehouse bootstrapped before these records existed, or
    not bootstrapped at all).

    ``{"action": "upgraded", "level_found": "v3.0.0", "level": "main 2026-02-28",
    "at": datetime, "detail": "..."}``; ``level`` is the level it is at now.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('public.aria_admin_warehouse_event')")
        if cursor.fetchone()[0] is None:
            return None
    event = WarehouseEvent.objects.first()
    if event is None:
        return None
    return {
        "action": event.action,
        "level_found": event.level_found,
        "level": MAIN,
        "at": event.at,
        "detail": event.detail,
    }
