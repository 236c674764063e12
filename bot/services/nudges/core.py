"""The texts and small helpers every part of the nudges uses."""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_

from bot.config import Settings
from bot.db.models import (
    Goal,
    Nudge,
    Person,
)
from bot.domain.goals import GoalStatus, StallReason
from bot.domain.ladder import Rung
from bot.domain.roles import CareRole
from bot.domain.workhours import WorkHours
from bot.i18n import N_
from bot.services.base import Services

SNOOZE_DAYS = (1, 3, 7)
ACK_KINDS = ("contact", "seen")
LADDER_ROLES = (CareRole.COORDINATING, CareRole.BACKUP, CareRole.PROCESREGISSEUR)
LAST_CHECKINS = 4  # check-ins shown in a nudge (with consent)
DIGEST_MAX = 30  # nudges named in one digest message; more follow in the next one

REASON_TEXTS = {
    StallReason.MISSED: N_("The last check-ins were not answered."),
    StallReason.NOT_YET: N_("The last answers were \"not yet\", several times in a row."),
    StallReason.NO_PROGRESS: N_("No progress for four weeks or more."),
    StallReason.OVERDUE: N_("The target date has passed."),
}


def work_hours(settings: Settings) -> WorkHours:
    return WorkHours(start=settings.work_start, end=settings.work_end, days=settings.weekdays, zone=settings.zone)


def first_name(person: Person | None) -> str:
    name = (person.name or "").strip() if person else ""
    return name.split()[0] if name else "?"


def _rungs(raw: str) -> set[Rung]:
    return {Rung(part) for part in raw.split(",") if part}


def _today(svc: Services) -> date:
    return svc.now().astimezone(svc.settings.zone).date()


def _open_episode():
    """The nudge belongs to the goal's current stall episode: progress (stall_since None) or a newer episode
    ends it, and its ladder with it."""
    return and_(Goal.status == GoalStatus.ACTIVE, Goal.stall_since.is_not(None), Goal.stall_since <= Nudge.created_at)
