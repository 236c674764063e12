"""What a worker does with a nudge: open it, acknowledge it, snooze it."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    CareTeamMember,
    Goal,
    Nudge,
    NudgeDelivery,
    Person,
)
from bot.domain.roles import CareRole, Role
from bot.services.base import NotAllowed, NotFound, Services, audit, person_by_telegram
from bot.services.nudges.core import ACK_KINDS, SNOOZE_DAYS, first_name
from bot.services.nudges.reading import nudge_facts
from bot.services.nudges.views import AckResult, NudgeFacts, SnoozeResult

# --- what a worker does with a nudge ------------------------------------------------------------------


async def _worker(session: AsyncSession, telegram_id: int) -> Person:
    worker = await person_by_telegram(session, telegram_id)
    if worker is None or worker.role != Role.WORKER or not worker.active:
        raise NotAllowed("only a worker")
    return worker


async def _nudge_for(svc: Services, session: AsyncSession, worker: Person, nudge_id: int) -> tuple[Nudge, Goal]:
    """The nudge, if this worker was told about it or is on the household's care team; else audited and refused."""
    row = (await session.execute(
        select(Nudge, Goal).join(Goal, Goal.id == Nudge.goal_id).where(Nudge.id == nudge_id)
    )).first()
    if row is None:
        raise NotFound("nudge")
    nudge, goal = row
    told = (await session.execute(select(NudgeDelivery.id).where(
        NudgeDelivery.nudge_id == nudge.id, NudgeDelivery.worker_id == worker.id))).first()
    in_team = (await session.execute(select(CareTeamMember.id).where(
        CareTeamMember.household_id == goal.household_id, CareTeamMember.worker_id == worker.id))).first()
    if told is None and in_team is None:
        owner = await session.get(Person, goal.client_id or goal.owner_id)
        audit(session, at=svc.now(), action="nudge.forged", actor=worker, subject=owner, outcome="denied")
        await session.commit()
        raise NotAllowed("not this worker's nudge")
    return nudge, goal


async def _acknowledger(session: AsyncSession, nudge_id: int) -> tuple[int | None, str | None]:
    row = (await session.execute(
        select(Nudge.acknowledged_by_id, Person.name).outerjoin(Person, Person.id == Nudge.acknowledged_by_id)
        .where(Nudge.id == nudge_id)
    )).first()
    return (row[0], row[1]) if row else (None, None)


async def nudge_message(svc: Services, worker_telegram_id: int, nudge_id: int) -> NudgeFacts:
    """`ndg:open`: the full nudge, as it would be sent, for a worker who may see it."""
    async with svc.unit() as session:
        worker = await _worker(session, worker_telegram_id)
        nudge, goal = await _nudge_for(svc, session, worker, nudge_id)
        rung = (await session.execute(select(NudgeDelivery.rung).where(
            NudgeDelivery.nudge_id == nudge.id, NudgeDelivery.worker_id == worker.id))).scalar_one_or_none()
        message = await nudge_facts(svc, session, worker, nudge, goal, rung)
        await session.commit()  # the audited look
        return message


async def acknowledge(svc: Services, worker_telegram_id: int, nudge_id: int, kind: str) -> AckResult:
    """"I will get in touch" or "seen": the first worker wins (one atomic UPDATE), everyone after hears who did."""
    if kind not in ACK_KINDS:
        raise ValueError(kind)
    now = svc.now()
    async with svc.unit() as session:
        worker = await _worker(session, worker_telegram_id)
        nudge, goal = await _nudge_for(svc, session, worker, nudge_id)
        client = await session.get(Person, goal.client_id or goal.owner_id)
        # The UPDATE is the first write of this unit: on SQLite the second one waits for the first to commit,
        # on PostgreSQL for its row lock; either way it then finds acknowledged_at set and changes nothing.
        result = await session.execute(
            update(Nudge)
            .where(Nudge.id == nudge.id, Nudge.acknowledged_at.is_(None))
            .values(acknowledged_at=now, acknowledged_by_id=worker.id, acknowledgement=kind, next_climb_at=None)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            audit(session, at=now, action="nudge.acknowledged", actor=worker, subject=client, scope=kind)
            await session.commit()
            return AckResult("ok", worker.name, first_name(client), goal.client_id or goal.owner_id)
        by_id, by_name = await _acknowledger(session, nudge.id)
        await session.commit()
        return AckResult("already", by_name or "?", first_name(client), goal.client_id or goal.owner_id,
                         by_me=by_id == worker.id)


async def snooze(svc: Services, worker_telegram_id: int, nudge_id: int, days: int) -> SnoozeResult:
    """"Later": quiet for 1, 3 or 7 days; then the ladder counts again from that moment and this worker gets the
    nudge again. Waiting deliveries to others wait as well."""
    if days not in SNOOZE_DAYS:
        raise ValueError(days)
    now = svc.now()
    until = now + timedelta(days=days)
    async with svc.unit() as session:
        worker = await _worker(session, worker_telegram_id)
        nudge, goal = await _nudge_for(svc, session, worker, nudge_id)
        result = await session.execute(
            update(Nudge).where(Nudge.id == nudge.id, Nudge.acknowledged_at.is_(None))
            .values(snoozed_until=until, next_climb_at=until).execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            _, by_name = await _acknowledger(session, nudge.id)
            await session.commit()
            return SnoozeResult("already", None, by_name or "?")
        mine = (await session.execute(select(NudgeDelivery).where(
            NudgeDelivery.nudge_id == nudge.id, NudgeDelivery.worker_id == worker.id))).scalar_one_or_none()
        if mine is None:  # a team member who opened it without a delivery of their own: their role as the rung
            role = (
                await session.execute(
                    select(CareTeamMember.role).where(
                        CareTeamMember.household_id == goal.household_id, CareTeamMember.worker_id == worker.id
                    )
                )
            ).scalar_one_or_none()
            mine = NudgeDelivery(
                nudge_id=nudge.id, worker_id=worker.id, rung=role or CareRole.INVOLVED, created_at=until
            )
            session.add(mine)
        mine.notified_at, mine.created_at = None, until
        client = await session.get(Person, goal.client_id or goal.owner_id)
        audit(session, at=now, action="nudge.snoozed", actor=worker, subject=client, scope=str(days))
        await session.commit()
        return SnoozeResult("ok", until)
