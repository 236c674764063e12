"""The ladder: when a nudge climbs to the next rung, and who is on it."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Absence,
    CareTeamMember,
    Goal,
    Nudge,
    NudgeDelivery,
    Person,
)
from bot.domain.goals import GoalStatus
from bot.domain.ladder import LADDER, LadderPolicy, Team, due_rungs, next_rung_at, recipients
from bot.domain.roles import CareRole
from bot.domain.workhours import WorkHours
from bot.services.base import Services, audit
from bot.services.nudges.core import LADDER_ROLES, _rungs, _today, work_hours

# --- the ladder ---------------------------------------------------------------------------------------


def daily_look(nudge_id: int, now: datetime, hours: WorkHours) -> datetime:
    """Tomorrow before working hours start, spread over the night by nudge: an absence that begins or ends by
    the calendar reroutes the nudge before anyone reads it."""
    night = max(hours.start.hour * 60 + hours.start.minute, 1)
    tomorrow = now.astimezone(hours.zone).date() + timedelta(days=1)
    return (datetime.combine(tomorrow, time(0), hours.zone) + timedelta(minutes=nudge_id % night)).astimezone(UTC)


async def climb_soon(session: AsyncSession, now: datetime, *, households: Iterable[int] = (),
                     worker_id: int | None = None) -> None:
    """The care team changed (an absence, a handover, a member joined or left): the open nudges of these
    households, or of every household this worker is on the team of, are looked at in the next tick."""
    ids = set(households)
    if worker_id is not None:
        ids |= set((await session.execute(
            select(CareTeamMember.household_id).where(CareTeamMember.worker_id == worker_id))).scalars())
    if not ids:
        return
    await session.execute(
        update(Nudge)
        .where(Nudge.next_climb_at.is_not(None), Nudge.next_climb_at > now,
               Nudge.goal_id.in_(select(Goal.id).where(Goal.household_id.in_(ids))))
        .values(next_climb_at=now)
        .execution_options(synchronize_session=False)
    )


async def care_teams(session: AsyncSession, household_ids: Iterable[int], today: date) -> dict[int, Team]:
    """Per household: who holds the coordinating, backup and procesregisseur place, and who of them is absent today."""
    ids = set(household_ids)
    if not ids:
        return {}
    rows = (await session.execute(
        select(CareTeamMember.household_id, CareTeamMember.worker_id, CareTeamMember.role)
        .join(Person, Person.id == CareTeamMember.worker_id)
        .where(CareTeamMember.household_id.in_(ids), CareTeamMember.role.in_(LADDER_ROLES), Person.active)
        .order_by(CareTeamMember.id)
    )).all()
    slots: dict[int, dict[str, int]] = defaultdict(dict)
    for household_id, worker_id, role in rows:
        slots[household_id].setdefault(role, worker_id)  # the earliest on a role holds the rung
    workers = {worker_id for _, worker_id, _ in rows}
    absent = await _absent(session, workers, today)
    return {
        household_id: Team(
            coordinating=roles.get(CareRole.COORDINATING), backup=roles.get(CareRole.BACKUP),
            procesregisseur=roles.get(CareRole.PROCESREGISSEUR), absent=frozenset(absent & set(roles.values())),
        )
        for household_id, roles in slots.items()
    }


async def _absent(session: AsyncSession, worker_ids: Iterable[int], today: date) -> set[int]:
    ids = set(worker_ids)
    if not ids:
        return set()
    rows = await session.execute(
        select(Absence.worker_id).where(
            Absence.worker_id.in_(ids), Absence.starts_on <= today, Absence.ends_on >= today
        )
    )
    return set(rows.scalars())


def _still_climbs(nudge: Nudge, goal: Goal, now: datetime, hours: WorkHours, policy: LadderPolicy) -> bool:
    """Give the nudge its next look; True when it may reach a new rung now (not acknowledged, its episode still
    open, not snoozed)."""
    open_episode = (goal.status == GoalStatus.ACTIVE and goal.stall_since is not None
                    and goal.stall_since <= nudge.created_at)
    if nudge.acknowledged_at is not None or not open_episode:
        nudge.next_climb_at = None  # acknowledged, or progress closed its episode: it climbs no more
        return False
    if nudge.snoozed_until is not None and nudge.snoozed_until > now:
        nudge.next_climb_at = nudge.snoozed_until
        return False
    sent_at = max(nudge.created_at, nudge.snoozed_until or nudge.created_at)
    rung = next_rung_at(sent_at, hours=hours, policy=policy, now=now)
    daily = daily_look(nudge.id, now, hours)
    nudge.next_climb_at = min(rung, daily) if rung is not None else daily
    return True


async def _climb(svc: Services, *, batch: int) -> int:
    """Record the rungs each nudge whose look is due reached by now and add a delivery for each new recipient;
    give it its next look."""
    now, today = svc.now(), _today(svc)
    hours, policy = work_hours(svc.settings), LadderPolicy()
    added = 0
    while True:
        async with svc.unit() as session:
            due = list((await session.execute(
                select(Nudge, Goal)
                .join(Goal, Goal.id == Nudge.goal_id)
                .where(Nudge.next_climb_at <= now)
                .order_by(Nudge.next_climb_at).limit(batch)
                .with_for_update(skip_locked=True, of=Nudge)
            )).all())
            if not due:
                return added
            rows = [(nudge, goal) for nudge, goal in due if _still_climbs(nudge, goal, now, hours, policy)]
            teams = await care_teams(session, {goal.household_id for _, goal in rows}, today)
            delivered: dict[int, set[int]] = defaultdict(set)
            for nudge_id, worker_id in (await session.execute(
                select(NudgeDelivery.nudge_id, NudgeDelivery.worker_id)
                .where(NudgeDelivery.nudge_id.in_([n.id for n, _ in rows]))
            )).all():
                delivered[nudge_id].add(worker_id)
            for nudge, goal in rows:
                team = teams.get(goal.household_id, Team())
                sent_at = max(nudge.created_at, nudge.snoozed_until or nudge.created_at)
                # Not `due`: that name holds this batch, and a full batch means there may be more to take.
                rungs_due = due_rungs(sent_at, acknowledged=False, hours=hours, policy=policy, now=now)
                reached = _rungs(nudge.rungs)
                new = [rung for rung in LADDER if rung in rungs_due and rung not in reached]
                if new:
                    nudge.rungs = ",".join(rung for rung in LADDER if rung in reached or rung in new)
                    owner = await session.get(Person, goal.client_id or goal.owner_id)
                    for rung in new:
                        audit(session, at=now, action="nudge.escalated", subject=owner, scope=rung)
                # Every reached rung, not only the new ones: an absence or a handover since then reroutes it.
                for rung in LADDER:
                    if rung not in rungs_due:
                        continue
                    for worker_id in recipients(team, rungs_reached=frozenset({rung})):
                        if worker_id in delivered[nudge.id]:
                            continue
                        delivered[nudge.id].add(worker_id)
                        session.add(NudgeDelivery(nudge_id=nudge.id, worker_id=worker_id, rung=rung, created_at=now))
                        added += 1
            await session.commit()
        if len(due) < batch:
            return added
