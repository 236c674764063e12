"""The escalation ladder for nudges: coordinating worker, then backup, then procesregisseur.

Deadlines run in working days (see `workhours`), so a nudge sent on Friday afternoon does not escalate over
the weekend or Koningsdag.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.workhours import WorkHours, add_working_days


class Rung(StrEnum):
    COORDINATING = "coordinating"
    BACKUP = "backup"
    PROCESREGISSEUR = "procesregisseur"


LADDER = (Rung.COORDINATING, Rung.BACKUP, Rung.PROCESREGISSEUR)


@dataclass(frozen=True)
class LadderPolicy:
    """Per organisation. Defaults: the backup after 2 working days without acknowledgement,
    the procesregisseur after 5."""

    backup_after_working_days: int = 2
    procesregisseur_after_working_days: int = 5

    def __post_init__(self) -> None:
        if not 0 <= self.backup_after_working_days <= self.procesregisseur_after_working_days:
            raise ValueError("need 0 <= backup_after_working_days <= procesregisseur_after_working_days")


@dataclass(frozen=True)
class Team:
    """Worker ids on each rung for one client; None when the rung is not filled."""

    coordinating: int | None = None
    backup: int | None = None
    procesregisseur: int | None = None
    absent: frozenset[int] = frozenset()  # workers absent now (leave, sickness)

    def on(self, rung: Rung) -> int | None:
        return {
            Rung.COORDINATING: self.coordinating,
            Rung.BACKUP: self.backup,
            Rung.PROCESREGISSEUR: self.procesregisseur,
        }[rung]


def recipients(team: Team, *, rungs_reached: frozenset[Rung]) -> list[int]:
    """Who gets the nudge now, in ladder order, each person once.

    Each reached rung goes to its worker; when that rung is unset or its worker is absent, to the first
    present worker higher up (an absent coordinating worker's nudges go to the backup). Nobody present:
    an empty list.
    Pass only the newly reached rungs to reach only the people not nudged before.
    """
    chosen: list[int] = []
    for index, rung in enumerate(LADDER):
        if rung not in rungs_reached:
            continue
        for higher in LADDER[index:]:
            worker = team.on(higher)
            if worker is not None and worker not in team.absent:
                if worker not in chosen:
                    chosen.append(worker)
                break
    return chosen


def due_rungs(
    sent_at: datetime, *, acknowledged: bool, hours: WorkHours, policy: LadderPolicy, now: datetime
) -> frozenset[Rung]:
    """The rungs a nudge sent at `sent_at` has reached by `now`: the coordinating worker at once; the
    backup when nobody acknowledged it within 2 working days (inclusive: at the deadline itself); the
    procesregisseur after 5 (defaults, see `LadderPolicy`). Once acknowledged it climbs no further."""
    reached = {Rung.COORDINATING}
    if acknowledged:
        return frozenset(reached)
    if now >= add_working_days(hours, sent_at, policy.backup_after_working_days):
        reached.add(Rung.BACKUP)
    if now >= add_working_days(hours, sent_at, policy.procesregisseur_after_working_days):
        reached.add(Rung.PROCESREGISSEUR)
    return frozenset(reached)


def next_rung_at(
    sent_at: datetime, *, hours: WorkHours, policy: LadderPolicy, now: datetime
) -> datetime | None:
    """When the next rung after those `due_rungs` gives at `now` comes due; None when every rung is reached.
    Until then the rungs reached stay the same, so nothing needs to look at the nudge for the ladder's sake."""
    for days in (policy.backup_after_working_days, policy.procesregisseur_after_working_days):
        due = add_working_days(hours, sent_at, days)
        if due > now:
            return due
    return None
