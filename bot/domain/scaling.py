"""Op- en afschalen: when Houvast suggests more (or less) support. Houvast only suggests; the worker decides.

Pure rules over facts the service gathers (and may show: only what the client shares with the worker).

Scale **up** when all three hold (defaults of `ScalingPolicy`):
  1. a leefdomein scored 1 ("acute problem") in the latest complete scan, the client's or the worker's;
  2. a red check-in within the last 14 days (inclusive: exactly 14 days ago still counts);
  3. at least one stalled goal (an open stall episode).
Scale **down** when all hold:
  1. the client checked in for at least 3 months (91 days): there is a check-in on or before the start of
     that period, so "3 months of calm" is not just a new client;
  2. in those 3 months only green and yellow, and at least `min_calm_checkins` (4) check-ins;
  3. the total scan score rose: the latest complete client scan against the one before it, compared on the
     domains both scored;
  4. no scale-up reason at the same time (up wins).
After the worker decided on a suggestion, the same suggestion stays quiet for `quiet_after_decision` (30 days).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.plans import Phase
from bot.domain.selfscan import clean, rising
from bot.i18n import N_


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"
    SAME = "same"  # only as a decision: keep the support as it is


class Reason(StrEnum):
    ACUTE_DOMAIN = "acute_domain"
    RECENT_RED = "recent_red"
    STALLED_GOAL = "stalled_goal"
    CALM_MONTHS = "calm_months"
    RISING_SCAN = "rising_scan"


REASON_TEXTS = {
    Reason.ACUTE_DOMAIN: N_("A life area was scored 1 (acute problem) in the latest scan."),
    Reason.RECENT_RED: N_("A red check-in in the last 14 days."),
    Reason.STALLED_GOAL: N_("At least one goal has stalled."),
    Reason.CALM_MONTHS: N_("Only green and yellow check-ins for 3 months."),
    Reason.RISING_SCAN: N_("The self-scan total went up."),
}
DIRECTION_NAMES = {
    Direction.UP: N_("⬆️ More support"),
    Direction.DOWN: N_("⬇️ Less support"),
    Direction.SAME: N_("↔️ Keep it as it is"),
}


@dataclass(frozen=True)
class ScalingPolicy:
    acute_score: int = 1
    red_within: timedelta = timedelta(days=14)
    calm_period: timedelta = timedelta(days=91)
    min_calm_checkins: int = 4
    quiet_after_decision: timedelta = timedelta(days=30)

    def __post_init__(self) -> None:
        if not 1 <= self.acute_score <= 5:
            raise ValueError("acute_score must be a score 1-5")
        if min(self.red_within, self.calm_period, self.quiet_after_decision) <= timedelta(0):
            raise ValueError("periods must be positive")
        if self.min_calm_checkins < 1:
            raise ValueError("min_calm_checkins must be at least 1")


@dataclass(frozen=True)
class ScalingFacts:
    """What the service could see about one client. None/empty where the client does not share it."""

    latest_scans: tuple[Mapping[str, int], ...] = ()  # the latest complete client scan and worker scan, if any
    client_scans: tuple[tuple[datetime, Mapping[str, int]], ...] = ()  # complete client scans, any order
    phases: tuple[tuple[datetime, Phase], ...] = ()  # phase check-ins, any order
    stalled_goals: int = 0
    last_decision: tuple[datetime, Direction] | None = None  # (when, which suggestion it answered)


@dataclass(frozen=True)
class Suggestion:
    direction: Direction
    reasons: tuple[Reason, ...]


def up_reasons(facts: ScalingFacts, policy: ScalingPolicy, *, now: datetime) -> tuple[Reason, ...]:
    """All three scale-up reasons, or () when any one is missing."""
    acute = any(value <= policy.acute_score for scores in facts.latest_scans for value in clean(scores).values())
    red = any(phase == Phase.RED and timedelta(0) <= now - at <= policy.red_within for at, phase in facts.phases)
    stalled = facts.stalled_goals >= 1
    return (Reason.ACUTE_DOMAIN, Reason.RECENT_RED, Reason.STALLED_GOAL) if acute and red and stalled else ()


def down_reasons(facts: ScalingFacts, policy: ScalingPolicy, *, now: datetime) -> tuple[Reason, ...]:
    start = now - policy.calm_period
    covered = any(at <= start for at, _ in facts.phases)
    window = [phase for at, phase in facts.phases if start < at <= now]
    calm = covered and len(window) >= policy.min_calm_checkins and all(
        phase in (Phase.GREEN, Phase.YELLOW) for phase in window
    )
    scans = sorted(facts.client_scans, key=lambda scan: scan[0])
    up = len(scans) >= 2 and rising(clean(scans[-2][1]), clean(scans[-1][1]))
    return (Reason.CALM_MONTHS, Reason.RISING_SCAN) if calm and up else ()


def suggest(facts: ScalingFacts, policy: ScalingPolicy | None = None, *, now: datetime) -> Suggestion | None:
    """Up, down, or nothing. Quiet when the worker already decided on the same suggestion recently."""
    policy = policy or ScalingPolicy()
    reasons = up_reasons(facts, policy, now=now)
    direction = Direction.UP if reasons else None
    if direction is None:
        reasons = down_reasons(facts, policy, now=now)
        direction = Direction.DOWN if reasons else None
    if direction is None:
        return None
    if facts.last_decision is not None:
        at, answered = facts.last_decision
        if answered == direction and now - at < policy.quiet_after_decision:
            return None
    return Suggestion(direction, reasons)


def combine(suggestions: Sequence[Suggestion | None]) -> Suggestion | None:
    """One household, several members: up when anyone needs more; down only when everyone may have less."""
    ups = [s for s in suggestions if s is not None and s.direction == Direction.UP]
    if ups:
        return ups[0]
    if suggestions and all(s is not None and s.direction == Direction.DOWN for s in suggestions):
        return suggestions[0]
    return None
