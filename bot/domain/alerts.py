"""Rood alerts: who is told at once, when nobody picked it up, and what the client hears. Pure rules.

A rood alert comes from a red check-in, from crisis language, from a self-scan answer of 1 ("acuut
probleem") or from a peer expert's "Zorg melden". It goes at once, day or night, to the coordinating and the
backup worker who are present (not on /afwezig) and have the client's consent for alerts. It carries "Ik pak
het op": the first worker to press it has it. Nobody within 30 minutes of working time: the procesregisseur is
told that a client needs someone (never why). Unlike a stalled goal's nudge (`ladder`), nothing waits for
working hours and nobody without consent is told; the client is told exactly who was told, or that nobody was.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.ladder import Team
from bot.domain.workhours import WorkHours, add_working_time, is_working_time, morning_digest_time

ESCALATE_AFTER = timedelta(minutes=30)  # of working time, see `escalate_at`
# An alert nobody picked up stays the client's one open alert this long: a second signal in the meantime
# (crisis language after a red check-in) is added to it instead of starting a second alert and a second timer.
OPEN_FOR = timedelta(hours=12)


class Source(StrEnum):
    """What raised the alert. Each source tells the worker its own line; none carries the client's words."""

    CHECKIN = "red_checkin"  # a red check-in
    CRISIS = "crisis_language"  # crisis language in anything the client typed
    SCAN = "scan_acute"  # a self-scan answer of 1, "acuut probleem: ik heb nu hulp nodig"
    WORRY = "peer_worry"  # the peer expert's "Zorg melden"
    ASKED = "asked_once"  # nobody had consent; the client said "ja, laat het weten" this once


@dataclass(frozen=True)
class Route:
    """Who hears about one alert now.

    told: present workers with consent (coordinating first), alerted at once.
    away: workers who would have been told but are absent.
    ask_about: when nobody is told, the present worker the client can allow to be told now
        (the coordinating worker, or the backup while the coordinating one is away); None when nobody is there.
    """

    told: tuple[int, ...]
    away: tuple[int, ...] = ()
    ask_about: int | None = None


def _front_line(team: Team) -> list[int]:
    """The coordinating and the backup worker, in that order, each once."""
    return list(dict.fromkeys(w for w in (team.coordinating, team.backup) if w is not None))


def route(team: Team, allowed: frozenset[int]) -> Route:
    """`allowed`: the workers the client lets hear about a crisis (consent for alerts, or "ja" this once)."""
    front = _front_line(team)
    told = tuple(w for w in front if w in allowed and w not in team.absent)
    away = tuple(w for w in front if w in allowed and w in team.absent)
    if told:
        return Route(told, away)
    present = [w for w in front if w not in team.absent]
    return Route((), away, present[0] if present else None)


def may_allow_once(team: Team) -> int | None:
    """When the client says "ja, laat het weten": the one present worker who is then told this once."""
    return route(team, frozenset()).ask_about


def escalation_target(team: Team, already_told: frozenset[int]) -> int | None:
    """Who gets an alert nobody picked up: the procesregisseur when present and not told already."""
    worker = team.procesregisseur
    if worker is None or worker in team.absent or worker in already_told:
        return None
    return worker


def escalate_at(hours: WorkHours, created_at: datetime) -> datetime:
    """30 minutes of working time after the alert: at 10:00 that is 10:30, at 16:50 it is 09:20 the next
    working day, and in the weekend it is Monday 09:30."""
    return add_working_time(hours, created_at, ESCALATE_AFTER)


def unread_until(hours: WorkHours, now: datetime) -> datetime | None:
    """Outside working hours: the start of the next working day, from when someone will probably read it.
    None inside working hours."""
    if is_working_time(hours, now):
        return None
    return morning_digest_time(hours, now)


def is_open(created_at: datetime, taken: bool, now: datetime) -> bool:
    """An alert nobody picked up is open for `OPEN_FOR`; a new signal after that starts a new alert."""
    return not taken and now - created_at < OPEN_FOR
