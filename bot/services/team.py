"""The care team around a household: the coordinating worker adds a backup, involved workers, a procesregisseur."""
from __future__ import annotations

from sqlalchemy import select

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import CareTeamMember, Person
from bot.domain.roles import CareRole, Role
from bot.services.base import NotAllowed, NotFound, Services, audit, person_by_telegram


async def has_place(session: AsyncSession, household_id: int, worker_id: int, role: CareRole | None = None) -> bool:
    """Is this worker in the household's care team (in `role`, when given)?"""
    query = select(CareTeamMember.id).where(
        CareTeamMember.household_id == household_id, CareTeamMember.worker_id == worker_id
    )
    if role is not None:
        query = query.where(CareTeamMember.role == role)
    return (await session.execute(query)).first() is not None


async def team_members(session: AsyncSession, household_id: int | None, roles: tuple[CareRole, ...]) -> list[Person]:
    """The household's active workers in `roles`, coordinating first."""
    if household_id is None:
        return []
    rows = await session.execute(
        select(Person)
        .join(CareTeamMember, CareTeamMember.worker_id == Person.id)
        .where(CareTeamMember.household_id == household_id, CareTeamMember.role.in_(roles), Person.active)
        .order_by(CareTeamMember.role.desc())
    )
    return list(rows.scalars())


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


