"""Working time of a team: which moments count for escalation deadlines and the morning digest.

All functions take and return aware datetimes; results are in UTC. Local wall-clock rules (09:00-17:00,
Monday to Friday, no public holidays) are applied in the team's zone, so they survive daylight-saving changes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# A year holds at least one working day unless `days` is empty; this bounds every search below.
_SEARCH_DAYS = 370


@dataclass(frozen=True)
class WorkHours:
    """Defaults: 09:00-17:00 (end exclusive), ISO weekdays 1-5 (Monday to Friday), Europe/Amsterdam,
    Dutch public holidays. An empty `country_holidays` means: no holidays at all."""

    start: time = time(9)
    end: time = time(17)
    days: frozenset[int] = frozenset({1, 2, 3, 4, 5})
    zone: ZoneInfo = AMSTERDAM
    country_holidays: str = "NL"

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError("start must be before end")
        if not self.days or not self.days <= set(range(1, 8)):
            raise ValueError("days must be a non-empty set of ISO weekdays 1-7")


@lru_cache(maxsize=128)
def _holidays(country: str, year: int) -> frozenset[date]:
    # Building the calendar is slow-ish and called per day in loops: cache per country and year.
    if not country:
        return frozenset()
    return frozenset(holidays.country_holidays(country, years=year))


def is_holiday(hours: WorkHours, day: date) -> bool:
    """A public holiday as the `holidays` package knows it. For NL that includes Goede Vrijdag and
    Bevrijdingsdag only in lustrum years (2025, 2030, ...)."""
    return day in _holidays(hours.country_holidays, day.year)


def is_working_day(hours: WorkHours, day: date) -> bool:
    return day.isoweekday() in hours.days and not is_holiday(hours, day)


def is_working_time(hours: WorkHours, moment: datetime) -> bool:
    """Inside [start, end) local time on a working day."""
    local = moment.astimezone(hours.zone)
    return is_working_day(hours, local.date()) and hours.start <= local.time() < hours.end


def _day_start(hours: WorkHours, day: date) -> datetime:
    return datetime.combine(day, hours.start, hours.zone).astimezone(UTC)


def _next_working_day(hours: WorkHours, day: date) -> date:
    """The first working day strictly after `day`."""
    for _ in range(_SEARCH_DAYS):
        day += timedelta(days=1)
        if is_working_day(hours, day):
            return day
    raise ValueError("no working day within a year")


def morning_digest_time(hours: WorkHours, moment: datetime) -> datetime:
    """The first start of a working day at or after `moment`.
    Non-urgent nudges wait for it, bundled into one morning digest."""
    day = moment.astimezone(hours.zone).date()
    if is_working_day(hours, day) and _day_start(hours, day) >= moment:
        return _day_start(hours, day)
    return _day_start(hours, _next_working_day(hours, day))


def next_working_moment(hours: WorkHours, moment: datetime) -> datetime:
    """`moment` itself (in UTC) when it is working time, else the next start of a working day."""
    if is_working_time(hours, moment):
        return moment.astimezone(UTC)
    return morning_digest_time(hours, moment)


def add_working_days(hours: WorkHours, moment: datetime, days: int) -> datetime:
    """`days` working days after `moment`, at the same local clock time; weekends and holidays are skipped.

    A moment outside working time is first moved to the next working moment: the clock only runs while the
    team works, so 'Friday 20:00 + 2' is 'Monday 09:00 + 2' = Wednesday 09:00, and 'Friday 15:00 + 2' is
    Tuesday 15:00.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    start = next_working_moment(hours, moment).astimezone(hours.zone)
    day = start.date()
    for _ in range(days):
        day = _next_working_day(hours, day)
    return datetime.combine(day, start.time(), hours.zone).astimezone(UTC)


def add_working_time(hours: WorkHours, moment: datetime, delta: timedelta) -> datetime:
    """The moment when `delta` of working time has passed since `moment` (in UTC).

    The clock runs only inside working hours: 16:50 + 30 minutes is 09:20 the next working day, and a moment
    at night or in the weekend starts counting at the next start of a working day.
    """
    if delta < timedelta():
        raise ValueError("delta must not be negative")
    current = next_working_moment(hours, moment)
    remaining = delta
    for _ in range(_SEARCH_DAYS):
        local_day = current.astimezone(hours.zone).date()
        day_end = datetime.combine(local_day, hours.end, hours.zone).astimezone(UTC)
        room = day_end - current
        if remaining <= room:
            return current + remaining
        remaining -= room
        current = _day_start(hours, _next_working_day(hours, local_day))
    raise ValueError("delta spans more than a year of working time")
