"""The time range of a page, from ``?range=`` or ``?since=&until=`` (UTC).

Ranges are whole buckets: hours for spans up to 48 hours, days above, so
every figure is a sum of rollup buckets. A preset ends with the current
bucket (24h: the current hour and the 23 before it; 7d: today and the 6 days
before). ``since``/``until`` are widened to whole buckets, and the page says
which range it shows.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from insights.models import DAY, HOUR
from insights.rollups import day_floor, hour_floor

PRESETS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30), "90d": timedelta(days=90)}
DEFAULT = "7d"
HOURLY_UP_TO = timedelta(hours=48)
LONGEST = timedelta(days=400)


@dataclass(frozen=True)
class Range:
    since: datetime
    until: datetime
    grain: int  # models.HOUR or models.DAY
    preset: str = ""  # "" for since/until

    @property
    def step(self):
        return timedelta(hours=self.grain)

    @property
    def bucket_name(self):
        return "hour" if self.grain == HOUR else "day"

    def buckets(self):
        moment, out = self.since, []
        while moment < self.until:
            out.append(moment)
            moment += self.step
        return out

    def label(self):
        fmt = "%Y-%m-%d %H:%M" if self.grain == HOUR else "%Y-%m-%d"
        end = self.until - (self.step if self.grain == DAY else timedelta(0))
        word = "to" if self.grain == HOUR else "through"
        return f"{self.since.strftime(fmt)} {word} {end.strftime(fmt)} UTC, by {self.bucket_name}"

    def as_json(self):
        return {
            "preset": self.preset or None,
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "bucket": self.bucket_name,
        }


def preset_range(name, now=None):
    now = now or timezone.now()
    span = PRESETS[name]
    grain = HOUR if span <= HOURLY_UP_TO else DAY
    until = (hour_floor(now) + timedelta(hours=1)) if grain == HOUR else (day_floor(now) + timedelta(days=1))
    return Range(until - span, until, grain, name)


def parse_moment(text, *, end=False):
    """An ISO date or datetime as an aware UTC datetime, or None.

    A bare date ends at the end of that day when ``end``.
    """
    try:
        moment = parse_datetime(text)
        if moment is None and (day := parse_date(text)) is not None:
            moment = datetime(day.year, day.month, day.day) + (timedelta(days=1) if end else timedelta(0))
    except (ValueError, OverflowError):
        return None
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def parse_range(params, now=None):
    """(Range, [problems]) from query parameters; problems fall back to the default."""
    now = now or timezone.now()
    problems = []
    since_text, until_text = params.get("since", "").strip(), params.get("until", "").strip()
    if since_text or until_text:
        since = parse_moment(since_text) if since_text else None
        until = parse_moment(until_text, end=True) if until_text else now
        if since_text and since is None:
            problems.append(f"since: {since_text[:40]!r} is not an ISO date or datetime (UTC), e.g. 2026-11-01 or 2026-11-01T06:00.")
        elif not since_text:
            problems.append("since: give a start with until, e.g. since=2026-11-01.")
        if until is None:
            problems.append(f"until: {until_text[:40]!r} is not an ISO date or datetime (UTC), e.g. 2026-11-08.")
        if not problems:
            try:
                return _custom(since, until), problems
            except ValueError as error:
                problems.append(str(error))
            except OverflowError:
                problems.append("since/until: the range is outside the dates this page can show.")
        return preset_range(DEFAULT, now), problems
    name = params.get("range", "") or DEFAULT
    if name not in PRESETS:
        problems.append(f"range: {name[:40]!r} is not one of {', '.join(PRESETS)}; showing {DEFAULT}.")
        name = DEFAULT
    return preset_range(name, now), problems


def _custom(since, until):
    if since >= until:
        raise ValueError("until must be after since.")
    if until - since > LONGEST:
        raise ValueError(f"The range is longer than {LONGEST.days} days; choose a shorter one.")
    grain = HOUR if until - since <= HOURLY_UP_TO else DAY
    floor = hour_floor if grain == HOUR else day_floor
    start = floor(since)
    end = floor(until)
    if end < until:
        end += timedelta(hours=grain)
    if end - start > HOURLY_UP_TO and grain == HOUR:  # widening crossed 48 h
        return _custom(day_floor(since), day_floor(until) + (timedelta(days=1) if day_floor(until) < until else timedelta(0)))
    return Range(start, end, grain)
