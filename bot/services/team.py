"""The care team around a household: the coordinating worker adds a backup, involved workers, a procesregisseur."""
from __future__ import annotations

from sqlalchemy import select

from bot.db.models import CareTeamMember
from bot.domain.roles import CareRole, Role
from bot.services.base import NotAllowed, NotFound, Services, audit, person_by_telegram
from bot.services.caseload import has_place


async def add_to_team(
    svc: Services, *, by_telegram_id: int | None, household_id: int, worker_telegram_id: int, role: CareRole
) -> None:
    """by_telegram_id None: the operator (command line). Otherwise only the household's coordinating worker."""
    if role == CareRole.COORDINATING:
        raise ValueError("use a handover for the coordinating worker")
    now = svc.now()
    async with svc.unit() as session:
        if by_telegram_id is not None:
            actor = await person_by_telegram(session, by_telegram_id)
            if actor is None or not await has_place(session, household_id, actor.id, CareRole.COORDINATING):
                raise NotAllowed("only the coordinating worker builds the team")
        else:
            actor = None
        worker = await person_by_telegram(session, worker_telegram_id)
        if worker is None or worker.role != Role.WORKER or not worker.active:
            raise NotFound("worker")
        existing = (
            await session.execute(
                select(CareTeamMember).where(
                    CareTeamMember.household_id == household_id, CareTeamMember.worker_id == worker.id
                )
            )
        ).scalar_one_or_none()
        if existing is None:
            session.add(CareTeamMember(household_id=household_id, worker_id=worker.id, role=role, since=now))
        else:
            existing.role = role
        from bot.services.nudges import climb_soon

        await climb_soon(session, now, households=[household_id])  # a new backup hears of open nudges now
        audit(session, at=now, action="team.added", actor=actor, subject=worker, scope=role)
        await session.commit()


async def household_of(svc: Services, client_telegram_id: int) -> int | None:
    async with svc.unit() as session:
        client = await person_by_telegram(session, client_telegram_id)
        return client.household_id if client else None


