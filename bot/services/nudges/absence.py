"""A worker away, and handing a household over to another coordinating worker."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete, select

from bot.db.models import (
    Absence,
    CareTeamMember,
)
from bot.domain.roles import CareRole, Role
from bot.services.base import NotAllowed, NotFound, Services, audit, person_by_telegram
from bot.services.nudges.acting import _worker
from bot.services.nudges.core import _today
from bot.services.nudges.ladder import climb_soon
from bot.services.nudges.views import AbsenceView, BadDates, HandoverResult

# --- absence and handover -----------------------------------------------------------------------------


async def set_absence(svc: Services, worker_telegram_id: int, starts_on: date, ends_on: date) -> AbsenceView:
    """/afwezig: from `starts_on` to `ends_on` (both included) the worker's nudges go to the backup.
    An earlier absence overlapping these days is replaced."""
    if starts_on > ends_on:
        raise BadDates("order")
    if ends_on < _today(svc):
        raise BadDates("past")
    async with svc.unit() as session:
        worker = await _worker(session, worker_telegram_id)
        await session.execute(delete(Absence).where(
            Absence.worker_id == worker.id, Absence.starts_on <= ends_on, Absence.ends_on >= starts_on))
        session.add(Absence(worker_id=worker.id, starts_on=starts_on, ends_on=ends_on))
        await climb_soon(session, svc.now(), worker_id=worker.id)  # away from today: the backup, at once
        audit(session, at=svc.now(), action="absence.set", actor=worker, subject=worker)
        await session.commit()
        return AbsenceView(starts_on, ends_on)


async def my_absences(svc: Services, worker_telegram_id: int) -> list[AbsenceView]:
    """The worker's current and coming absences, soonest first."""
    async with svc.unit() as session:
        worker = await _worker(session, worker_telegram_id)
        rows = await session.execute(
            select(Absence.starts_on, Absence.ends_on)
            .where(Absence.worker_id == worker.id, Absence.ends_on >= _today(svc)).order_by(Absence.starts_on)
        )
        return [AbsenceView(start, end) for start, end in rows.all()]


async def clear_absence(svc: Services, worker_telegram_id: int) -> bool:
    """Back early: the current absence ends yesterday and coming ones are dropped. False when there was none."""
    today = _today(svc)
    async with svc.unit() as session:
        worker = await _worker(session, worker_telegram_id)
        rows = list((await session.execute(
            select(Absence).where(Absence.worker_id == worker.id, Absence.ends_on >= today))).scalars())
        for row in rows:
            if row.starts_on < today:
                row.ends_on = today - timedelta(days=1)  # the days already away stay on record
            else:
                await session.delete(row)
        if rows:
            await climb_soon(session, svc.now(), worker_id=worker.id)
            audit(session, at=svc.now(), action="absence.cleared", actor=worker, subject=worker)
        await session.commit()
        return bool(rows)


async def handover(
    svc: Services, *, household_id: int, to_worker_telegram_id: int, by_telegram_id: int | None,
    keep_previous: bool = True,
) -> HandoverResult:
    """The coordinating role moves to another worker. The previous one stays as "involved" (or leaves the team
    with `keep_previous=False`). Goals, check-ins, versions, consents and the audit trail stay as they are.
    Only the current coordinating worker, or the operator (`by_telegram_id` None), may do this."""
    now = svc.now()
    async with svc.unit() as session:
        actor = await person_by_telegram(session, by_telegram_id) if by_telegram_id is not None else None
        current = (
            await session.execute(
                select(CareTeamMember).where(
                    CareTeamMember.household_id == household_id, CareTeamMember.role == CareRole.COORDINATING
                )
            )
        ).scalar_one_or_none()
        if by_telegram_id is not None and (actor is None or current is None or current.worker_id != actor.id):
            audit(session, at=now, action="team.handover", actor=actor, outcome="denied")
            await session.commit()
            raise NotAllowed("only the coordinating worker hands over")
        target = await person_by_telegram(session, to_worker_telegram_id)
        if target is None or target.role != Role.WORKER or not target.active:
            raise NotFound("worker")
        previous_id = current.worker_id if current else None
        if previous_id == target.id:
            return HandoverResult(household_id, previous_id, target.id)
        if current is not None:
            if keep_previous:
                current.role = CareRole.INVOLVED
            else:
                await session.delete(current)
            await session.flush()
        row = (await session.execute(select(CareTeamMember).where(
            CareTeamMember.household_id == household_id, CareTeamMember.worker_id == target.id))).scalar_one_or_none()
        if row is None:
            session.add(
                CareTeamMember(household_id=household_id, worker_id=target.id, role=CareRole.COORDINATING, since=now)
            )
        else:
            row.role, row.since = CareRole.COORDINATING, now
        await climb_soon(session, now, households=[household_id])
        audit(session, at=now, action="team.handover", actor=actor, subject=target, scope=CareRole.COORDINATING)
        await session.commit()
        return HandoverResult(household_id, previous_id, target.id)
