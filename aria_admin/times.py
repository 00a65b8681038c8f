"""One time format everywhere: ``YYYY-MM-DD HH:MM:SS UTC``.

Lists, related tables, the cron previews and the recent-changes page call
``show_time()``; Django's own displays (read-only fields, history, the
|date filter) read the same format from aria_admin/formats/en/formats.py.
Times are shown in UTC, the time Aria's engine and its schedules use, and
say so: a time without its zone is a guess for whoever reads it.
"""

from datetime import timezone as dt_timezone

TIME_FORMAT = "%Y-%m-%d %H:%M:%S UTC"


def show_time(value):
    """``value`` (aware or naive-UTC datetime) as 'YYYY-MM-DD HH:MM:SS UTC'; '-' for None."""
    if value is None:
        return "-"
    if value.tzinfo is not None:
        value = value.astimezone(dt_timezone.utc)
    return value.strftime(TIME_FORMAT)


def iso_time(value):
    """The machine-readable form for a <time datetime=...> attribute."""
    if value.tzinfo is not None:
        value = value.astimezone(dt_timezone.utc)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def time_until(value, now):
    """'in 2 h 14 min', 'in 45 s', '3 min ago': compact, for narrow cells."""
    seconds = int((value - now).total_seconds())
    ago = seconds < 0
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        text = f"{days} d {hours} h" if hours else f"{days} d"
    elif hours:
        text = f"{hours} h {minutes} min" if minutes else f"{hours} h"
    elif minutes:
        text = f"{minutes} min"
    else:
        text = f"{secs} s"
    return f"{text} ago" if ago else f"in {text}"
