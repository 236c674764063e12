"""A worker's own caseload: only the clients of households they are part of, and only what each shares; and
who is in a household's care team (has_place, team_members), which the services that tell workers ask."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import CareTeamMember, Person
from bot.domain.consent import Scope
from bot.domain.roles import CareRole, Role
from bot.services.base import Services, granted_scopes, person_by_telegram, refuse_forged


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


@dataclass(frozen=True)
class ClientRow:
    client_id: int
    name: str
    care_role: str
    shared: frozenset[Scope]


async def my_clients(svc: Services, worker_telegram_id: int) -> list[ClientRow]:
    async with svc.unit() as session:
        worker = await person_by_telegram(session, worker_telegram_id)
        if worker is None or worker.role != Role.WORKER or not worker.active:
            return []
        rows = await session.execute(
            select(Person, CareTeamMember.role)
            .join(CareTeamMember, CareTeamMember.household_id == Person.household_id)
            .where(CareTeamMember.worker_id == worker.id, Person.role == Role.CLIENT, Person.active)
            .order_by(Person.id)
        )
        return [
            ClientRow(client.id, client.name or "?", role, await granted_scopes(session, client.id, worker.id))
            for client, role in rows.all()
        ]


async def households_of(session: AsyncSession, worker: Person) -> tuple[dict[int, str], list[Person]]:
    """The households this worker has a place in (household id -> care role) and their active clients, by id."""
    places = dict((await session.execute(
        select(CareTeamMember.household_id, CareTeamMember.role).where(CareTeamMember.worker_id == worker.id)
    )).all())
    clients = list((await session.execute(
        select(Person).where(Person.household_id.in_(list(places)), Person.role == Role.CLIENT, Person.active)
        .order_by(Person.id)
    )).scalars()) if places else []
    return places, clients


async def client_row(svc: Services, worker_telegram_id: int, client_id: int) -> ClientRow:
    """One client of this worker's caseload; anyone else's id (a forged button) is refused and audited."""
    for row in await my_clients(svc, worker_telegram_id):
        if row.client_id == client_id:
            return row
    async with svc.unit() as session:
        worker = await person_by_telegram(session, worker_telegram_id)
        await refuse_forged(session, svc.now(), "caseload.forged", worker, "not in this worker's caseload")
