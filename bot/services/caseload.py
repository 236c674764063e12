"""A worker's own caseload: only the clients of households they are part of, and only what each shares."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import CareTeamMember, Person
from bot.domain.consent import Scope
from bot.domain.roles import Role
from bot.services.base import Services, person_by_telegram, refuse_forged
from bot.services.consent import granted_scopes


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
