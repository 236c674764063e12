"""What the nudge services hand back to the chat."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.disclosure import Signal
from bot.domain.goals import Answer, StallReason
from bot.domain.plans import Phase


class BadDates(ValueError):
    """An absence that cannot be: `reason` is "order" (first day after the last) or "past"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class AckResult:
    outcome: str  # "ok" | "already"
    by_name: str | None  # who acknowledged it (the first one, for "already")
    client_name: str = "?"
    client_id: int | None = None
    by_me: bool = False  # "already", and it was this worker


@dataclass(frozen=True)
class SnoozeResult:
    outcome: str  # "ok" | "already" (someone acknowledged it meanwhile)
    until: datetime | None
    by_name: str | None = None


@dataclass(frozen=True)
class AbsenceView:
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class HandoverResult:
    household_id: int
    from_worker_id: int | None
    to_worker_id: int


@dataclass(frozen=True)
class OverviewRow:
    """One client in /overzicht: only what this worker may see (bot/domain/disclosure.py)."""

    client_id: int
    household_id: int
    name: str
    phase: Phase | None  # the last phase check-in; only when the client shares ALERTS with this worker
    shares_goals: bool  # the numbers below are known only with the client's GOALS consent
    days_since_contact: int | None = None
    stalled_goals: int = 0
    open_nudges: int = 0
    signal: Signal | None = None  # without GOALS consent: at most one sentence, for a worker on the ladder


@dataclass(frozen=True)
class OverviewPage:
    rows: list[OverviewRow]
    page: int
    pages: int
    total: int
    has_next: bool
    has_previous: bool


@dataclass(frozen=True)
class NudgeFacts:
    """What a full nudge may say to this worker (conversations/notices/nudges.py writes it). With the client's
    GOALS consent the goal and its last check-ins; without it only `signal`. `note`: "escalated" (it came up the
    ladder to this worker) or "standing_in" (for a coordinating worker who is away)."""

    nudge_id: int
    client_id: int
    name: str  # the client's first name
    reasons: tuple[StallReason, ...]
    note: str | None = None
    signal: Signal | None = None
    title: str | None = None
    step: str | None = None
    checkins: tuple[tuple[datetime, Answer | None], ...] = ()


@dataclass(frozen=True)
class DigestLine:
    """One line of a morning digest: a goal's title with consent, else the client's one signal."""

    nudge_id: int
    name: str
    title: str | None = None
    signal: Signal | None = None
