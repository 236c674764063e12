"""When the next check-in prompt is due. Local wall-clock times in the configured zone, stored as UTC."""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class Rhythm(StrEnum):
    DAILY = "daily"
    WEEKDAYS = "weekdays"
    OFF = "off"


def next_checkin(at: time, rhythm: Rhythm | str, *, now: datetime, zone: ZoneInfo) -> datetime | None:
    """The first moment after `now` at local time `at` that fits the rhythm (None when off).
    Combining date and wall-clock time per day keeps 10:00 at 10:00 across daylight-saving changes."""
    if Rhythm(rhythm) == Rhythm.OFF:
        return None
    local_now = now.astimezone(zone)
    day = local_now.date()
    for _ in range(8):
        candidate = datetime.combine(day, at, zone)
        if candidate > local_now and (Rhythm(rhythm) == Rhythm.DAILY or candidate.weekday() < 5):
            return candidate.astimezone(UTC)
        day += timedelta(days=1)
    raise AssertionError("unreachable: a week always has a weekday")
