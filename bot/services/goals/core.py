"""A goal as the flows see it, whose goal it is, its events, and the bookkeeping of its prompts and next look."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Goal, GoalEvent, Person
from bot.domain.goals import (
    Answer,
    Domain,
    GoalStatus,
    Prompt,
    next_goal_checkin,
)
from bot.domain.roles import Role
from bot.services.base import NotAllowed, Services, person_by_telegram

RECENT_PROMPTS = 6  # enough for every stall rule (2 missed, 3 'nog niet')


class GoalSchedule(Protocol):
    """What the bookkeeping of prompts and looks reads and writes: a Goal, or the tick's row of its columns."""

    status: str
    created_at: datetime
    checkin_weekday: int
    checkin_time: time
    every_weeks: int
    next_checkin_at: datetime | None
    stall_since: datetime | None
    next_look_at: datetime | None
    recent_prompts: list[Any] | None


@dataclass(frozen=True)
class GoalView:
    id: int
    domain: Domain
    title: str
    why: str | None
    step: str | None
    target_date: date | None
    status: GoalStatus
    household: bool
    owner_id: int
    checkin_weekday: int
    checkin_time: time
    every_weeks: int
    next_checkin_at: datetime | None
    stalled: bool


def goal_view(goal: Goal) -> GoalView:
    return GoalView(
        goal.id, Domain(goal.domain), goal.title, goal.why, goal.step, goal.target_date, GoalStatus(goal.status),
        goal.client_id is None, goal.owner_id, goal.checkin_weekday, goal.checkin_time, goal.every_weeks,
        goal.next_checkin_at, goal.stall_since is not None,
    )


async def acting_client(session: AsyncSession, telegram_id: int) -> Person:
    person = await person_by_telegram(session, telegram_id)
    if person is None or person.role != Role.CLIENT or not person.active:
        raise NotAllowed("only a client")
    return person


async def own_goal(session: AsyncSession, client: Person, goal_id: int) -> Goal:
    """A goal of this client, or of their household. Anything else (a forged id) is refused."""
    goal = await session.get(Goal, goal_id)
    if goal is None or not (
        goal.client_id == client.id or (goal.client_id is None and goal.household_id == client.household_id)
    ):
        raise NotAllowed("not this client's goal")
    return goal


def add_event(
    session: AsyncSession, goal: Goal, kind: str, at: datetime, by: Person | None, detail: object = None
) -> None:
    session.add(GoalEvent(goal_id=goal.id, at=at, kind=kind, by_id=by.id if by else None,
                          detail=json.dumps(detail, ensure_ascii=False, default=str) if detail is not None else None))


def look_now(goal: Goal, now: datetime) -> None:
    """Something happened to the goal (an answer, a change, a resume): the next tick asks the stall rules again.
    A goal that is not active, or in an open episode (its one nudge is out; only progress closes it), needs no
    look until that changes."""
    goal.next_look_at = now if goal.status == GoalStatus.ACTIVE and goal.stall_since is None else None


def look_when_missed(svc: Services, goal: GoalSchedule, prompted_at: datetime) -> None:
    """A prompt went out: by the end of its answer window the goal needs a look, if not sooner."""
    if goal.status != GoalStatus.ACTIVE or goal.stall_since is not None:
        return
    missed_at = prompted_at + svc.settings.stall_policy.answer_window
    if goal.next_look_at is None or missed_at < goal.next_look_at:
        goal.next_look_at = missed_at


def remember_prompt(goal: GoalSchedule, checkin_id: int, at: datetime) -> None:
    """Keep the goal's own copy of its last prompts (`recent_prompts`) in step with goal_checkins."""
    if goal.recent_prompts is None:
        return  # not known yet: the next look reads goal_checkins
    items = [*goal.recent_prompts, [checkin_id, at.timestamp(), None, None]]
    goal.recent_prompts = sorted(items, key=lambda p: (p[1], p[0]))[-RECENT_PROMPTS:]


def remember_answer(goal: Goal, checkin_id: int, at: datetime, answer: Answer) -> None:
    if goal.recent_prompts is None:
        return
    goal.recent_prompts = [[i, sent, at.timestamp(), answer.value] if i == checkin_id else [i, sent, done, given]
                           for i, sent, done, given in goal.recent_prompts]


def unpack_prompts(packed: list[list[Any]]) -> tuple[Prompt, ...]:
    return tuple(Prompt(datetime.fromtimestamp(sent, UTC),
                        datetime.fromtimestamp(done, UTC) if done is not None else None,
                        Answer(given) if given else None) for _, sent, done, given in packed)


def schedule_next(svc: Services, goal: GoalSchedule) -> None:
    goal.next_checkin_at = (
        next_goal_checkin(goal.checkin_weekday, goal.checkin_time, goal.every_weeks, now=svc.now(),
                          zone=svc.settings.zone, anchor=goal.created_at.date())
        if goal.status == GoalStatus.ACTIVE else None
    )
