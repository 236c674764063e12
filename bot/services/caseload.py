"""A worker's own caseload: only the clients of households they are part of, and only what each shares."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bot.db.models import CareTeamMember, Person
from bot.domain.consent import Scope
from bot.domain.roles import Role
from bot.services.base import NotAllowed, Services, audit, person_by_telegram
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


async def client_row(svc: Services, worker_telegram_id: int, client_id: int) -> ClientRow:
    """One client of this worker's caseload; anyone else's id (a forged button) is refused and audited."""
    for row in await my_clients(svc, worker_telegram_id):
        if row.client_id == client_id:
            return row
    async with svc.unit() as session:
        worker = await person_by_telegram(session, worker_telegram_id)
        audit(session, at=svc.now(), action="caseload.forged", actor=worker, outcome="denied")
        await session.commit()
    raise NotAllowed("not in this worker's caseload")
