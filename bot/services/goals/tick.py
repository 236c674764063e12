"""The tick's part: prompts for the goals that are due, and the stall looks that are due (`next_look_at`)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import bulk
from bot.db.models import Goal, GoalCheckin, Nudge, Person
from bot.domain.goals import (
    GoalFacts,
    GoalStatus,
    StallPolicy,
    StallReason,
    next_look,
    stall_reasons,
)
from bot.outbox import store as outbox
from bot.services.base import Services
from bot.services.goals import core


@dataclass(frozen=True)
class _Owner:
    id: int
    chat_id: int


@dataclass
class _DueGoal:
    """A goal whose prompt is due, as the tick reads it: the columns the schedule rules use (core.GoalSchedule)
    and its owner's, not ORM objects (no identity map, no decrypting of titles, no unit of work to flush)."""

    id: int
    status: str
    created_at: datetime
    checkin_weekday: int
    checkin_time: time
    every_weeks: int
    next_checkin_at: datetime | None
    stall_since: datetime | None
    next_look_at: datetime | None
    recent_prompts: list[Any] | None
    owner: outbox.Addressee
    owner_quiet: bool  # paused, gone, leaving or unreachable: the goal moves on without a prompt


_DUE_COLUMNS = (Goal.id, Goal.status, Goal.created_at, Goal.checkin_weekday, Goal.checkin_time, Goal.every_weeks,
                Goal.next_checkin_at, Goal.stall_since, Goal.next_look_at, Goal.recent_prompts)


async def queue_goal_prompts(svc: Services, *, batch: int = 500) -> int:
    """Tick: prompts for goals whose check-in is due (indexed on status, next_checkin_at), in batches. A batch
    costs four statements whatever its size: the due rows, one INSERT for the check-ins, one for the messages,
    one UPDATE for the goals' new times and recent prompts (bulk.set_columns)."""
    now = svc.now()
    queued = 0
    while True:
        async with svc.unit() as session:
            rows = (await session.execute(
                select(*_DUE_COLUMNS, Person.id.label("owner_id"), Person.chat_id, Person.reminders_paused,
                       Person.active, Person.deletion_due_at, Person.unreachable)
                .join(Person, Person.id == Goal.owner_id)
                .where(Goal.status == GoalStatus.ACTIVE, Goal.next_checkin_at <= now)
                .order_by(Goal.next_checkin_at).limit(batch).with_for_update(skip_locked=True, of=Goal)
            )).all()
            due = [_due_goal(row) for row in rows]
            prompted: list[tuple[_DueGoal, datetime | None]] = []
            for goal in due:
                slot = goal.next_checkin_at
                core.schedule_next(svc, goal)
                if not goal.owner_quiet:
                    prompted.append((goal, slot))
            # One INSERT for the batch's check-ins, returning their ids by goal (a goal has one in a batch).
            checkin_ids = dict((await session.execute(
                insert(GoalCheckin).returning(GoalCheckin.goal_id, GoalCheckin.id),
                [{"goal_id": goal.id, "prompted_at": now} for goal, _ in prompted],
            )).all()) if prompted else {}
            prompts = []
            for goal, slot in prompted:
                checkin_id = checkin_ids[goal.id]
                core.remember_prompt(goal, checkin_id, now)
                core.look_when_missed(svc, goal, now)
                key = f"goal-checkin:{goal.id}:{slot.isoformat() if slot else now}"
                ref = {"goal": goal.id, "checkin": checkin_id}
                prompts.append(outbox.Reference(key, goal.owner, "goal_checkin", ref))
            queued += await outbox.refer_many(session, prompts, now=now)
            await bulk.set_columns(session, Goal, ("next_checkin_at", "next_look_at", "recent_prompts"), {
                goal.id: (goal.next_checkin_at, goal.next_look_at, goal.recent_prompts) for goal in due})
            await session.commit()
        if len(rows) < batch:
            return queued


def _due_goal(row: Any) -> _DueGoal:
    quiet = row.reminders_paused or not row.active or row.deletion_due_at is not None or row.unreachable
    return _DueGoal(*row[:len(_DUE_COLUMNS)], owner=_Owner(row.owner_id, row.chat_id), owner_quiet=bool(quiet))


@dataclass(frozen=True)
class GoalNotice:
    """What a message about a client's own goal says (conversations/notices/goals.py): read when it is sent."""

    goal_id: int
    title: str
    step: str | None
    proposer: str | None  # the name of the worker who proposed it, if one did


async def goal_notice(session: AsyncSession, owner: Person, ref: dict[str, Any]) -> GoalNotice | None:
    """The goal of a queued message (`ref["goal"]`); None when it is gone or is not the recipient's."""
    goal = await session.get(Goal, int(ref["goal"]))
    if goal is None or goal.owner_id != owner.id:
        return None
    proposer = await session.get(Person, goal.proposed_by_id) if goal.proposed_by_id is not None else None
    return GoalNotice(goal.id, goal.title, goal.step, (proposer.name or "?") if proposer is not None else None)


async def _recent_checkins(session: AsyncSession, goal_ids: Sequence[int]) -> dict[int, list[list[Any]]]:
    """The last few prompts of each goal from goal_checkins, in one query (a window function: the same on SQLite
    and PostgreSQL), packed as `recent_prompts`."""
    if not goal_ids:
        return {}
    ranked = (
        select(
            GoalCheckin.goal_id, GoalCheckin.id, GoalCheckin.prompted_at, GoalCheckin.answered_at, GoalCheckin.answer,
            func.row_number().over(
                partition_by=GoalCheckin.goal_id, order_by=(GoalCheckin.prompted_at.desc(), GoalCheckin.id.desc())
            ).label("n"),
        )
        .where(GoalCheckin.goal_id.in_(goal_ids))
        .subquery()
    )
    rows = await session.execute(
        select(ranked.c.goal_id, ranked.c.id, ranked.c.prompted_at, ranked.c.answered_at, ranked.c.answer)
        .where(ranked.c.n <= core.RECENT_PROMPTS)
        .order_by(ranked.c.goal_id, ranked.c.prompted_at, ranked.c.id)
    )
    out: dict[int, list[list[Any]]] = {}
    for goal_id, checkin_id, prompted_at, answered_at, answer in rows.all():
        out.setdefault(goal_id, []).append(
            [checkin_id, prompted_at.timestamp(), answered_at.timestamp() if answered_at else None, answer])
    return out


@dataclass(frozen=True)
class Stall:
    goal_id: int
    nudge_id: int
    reasons: tuple[StallReason, ...]


async def sweep_stalls(svc: Services, *, batch: int = 1000, policy: StallPolicy | None = None) -> list[Stall]:
    """Tick: look at the goals whose look is due (a range on the next_look_at index). An active goal that
    stalled and is not in an open episode opens one, with one nudge, and a gentle message to the client. Every
    goal looked at gets its next look (`next_look`), so it leaves the range until then. Only the columns the
    rules need are read (no decrypting of titles and steps), except for a goal that stalls."""
    policy = policy or svc.settings.stall_policy
    now, zone = svc.now(), svc.settings.zone
    stalls: list[Stall] = []
    while True:
        async with svc.unit() as session:
            rows = (await session.execute(
                select(Goal.id, Goal.status, Goal.stall_since, Goal.created_at, Goal.target_date, Goal.last_progress_at,
                       Goal.recent_prompts)
                .where(Goal.next_look_at <= now)
                .order_by(Goal.next_look_at).limit(batch).with_for_update(skip_locked=True)
            )).all()
            if not rows:
                return stalls
            # Not active, or an open episode: no look until that changes (a resume, progress).
            looked = [row for row in rows if row.status == GoalStatus.ACTIVE and row.stall_since is None]
            unknown = await _recent_checkins(session, [row.id for row in looked if row.recent_prompts is None])
            looks: dict[int, datetime | None] = dict.fromkeys(row.id for row in rows)
            copies: dict[int, list[list[Any]]] = {}
            stalled: list[tuple[int, tuple[StallReason, ...]]] = []
            for row in looked:
                packed = row.recent_prompts
                if packed is None:  # the goal's first look since the upgrade: its copy is made now
                    packed = copies[row.id] = unknown.get(row.id, [])
                facts = GoalFacts(GoalStatus.ACTIVE, row.created_at, row.target_date, core.unpack_prompts(packed),
                                  row.last_progress_at, False)
                look = next_look(facts, policy, now=now, zone=zone)
                if look == now:
                    stalled.append((row.id, stall_reasons(facts, policy, now=now, zone=zone)))
                else:
                    looks[row.id] = look
            await bulk.set_column(session, Goal.next_look_at, looks)
            if copies:
                await session.execute(update(Goal), [{"id": i, "recent_prompts": p} for i, p in copies.items()])
            for goal_id, reasons in stalled:
                stalls.append(await _open_episode(svc, session, goal_id, reasons, now))
            await session.commit()
        if len(rows) < batch:
            return stalls


async def _open_episode(svc: Services, session: AsyncSession, goal_id: int, reasons: tuple[StallReason, ...],
                        now: datetime) -> Stall:
    """A stall episode begins: one nudge for the care team (bot/services/nudges.py) and a gentle message to the
    client with three ways on."""
    goal = await session.get(Goal, goal_id)
    assert goal is not None
    goal.stall_since = now
    nudge = Nudge(goal_id=goal.id, reasons=",".join(reasons), created_at=now, rungs="", next_climb_at=now)
    session.add(nudge)
    await session.flush()
    core.add_event(session, goal, "stalled", now, None, {"reasons": list(reasons)})
    owner = await session.get(Person, goal.owner_id)
    if owner is not None and owner.active and not owner.unreachable and owner.deletion_due_at is None:
        await outbox.refer(session, dedup_key=f"stall-client:{nudge.id}", person=owner, kind="stall",
                           ref={"goal": goal.id}, about=None, now=now)
    return Stall(goal.id, nudge.id, reasons)
