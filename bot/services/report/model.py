"""The monthly report's shape: lines and sections, the month's bounds, and the small helpers the sections share."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.smallcells import SUPPRESSED

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
VACANCY_DAYS = 7
SILENCE_DAYS = 14
PHASE_ANSWER_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Line:
    key: str  # stable, for the CSV and tests: "households.total", "goals.domain.wonen"
    label: str  # msgid; may hold {subject}
    value: str  # after small-cell suppression: "12", "< 5", "3.4", "+0.6", "80%"
    subject: str | None = None  # msgid put into {subject} (a leefdomein, an outcome)
    kind: str = "count"  # count, mean, median or rate: what a suppressed value hides, and why

    @property
    def suppressed(self) -> bool:
        return self.value == SUPPRESSED


@dataclass(frozen=True)
class Section:
    key: str
    title: str  # msgid
    lines: tuple[Line, ...]
    note: str | None = None  # msgid


@dataclass(frozen=True)
class Report:
    month: str
    start: datetime
    end: datetime
    made_at: datetime
    sections: tuple[Section, ...]

    def value(self, key: str) -> str:
        for section in self.sections:
            for line in section.lines:
                if line.key == key:
                    return line.value
        raise KeyError(key)

    def lines(self) -> list[Line]:
        return [line for section in self.sections for line in section.lines]


def month_bounds(month: str, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """'2026-11' -> (1 Nov 00:00, 1 Dec 00:00) local, as aware UTC. ValueError for anything else."""
    match = MONTH.match(month or "")
    if match is None:
        raise ValueError("use a month like 2026-11")
    year, number = int(match.group(1)), int(match.group(2))
    first = date(year, number, 1)
    following = date(year + number // 12, number % 12 + 1, 1)
    return (datetime.combine(first, datetime.min.time(), zone).astimezone(UTC),
            datetime.combine(following, datetime.min.time(), zone).astimezone(UTC))


def previous_month(now: datetime, zone: ZoneInfo) -> str:
    local = now.astimezone(zone).date().replace(day=1) - timedelta(days=1)
    return f"{local.year:04d}-{local.month:02d}"


def within(at: datetime | None, start: datetime, end: datetime) -> bool:
    return at is not None and start <= at < end


def hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600
