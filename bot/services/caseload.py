"""A worker's own caseload: only the clients of households they are part of, and only what each shares; and
who is in a household's care team (has_place, team_members), which the services that tell workers ask."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import CareTeamMember, Goal, GoalEvent, Nudge, NudgeDelivery, Person, SelfScan, TrajectClosing
from bot.domain.consent import Scope
from bot.domain.goals import GoalStatus
from bot.domain.roles import CareRole, Role
from bot.services.base import NotAllowed, Services, granted_scopes, person_by_telegram, refuse_forged
from bot.services.consent import authorize_view


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


# --- the worker's own figures (/rapport for a worker) ------------------------------------------------------


@dataclass(frozen=True)
class CaseloadClient:
    client_id: int
    name: str
    care_role: str


@dataclass(frozen=True)
class CaseloadReport:
    households: int
    coordinating: int  # of these, households this worker coordinates
    clients: int
    sharing_goals: int  # clients who share their goals with this worker
    active_goals: int
    stalled_goals: int
    reached_30_days: int
    zero_metingen: int
    scans_due: int  # next self-scan planned in the past (the invitation went out, no scan since)
    open_nudges: int
    closed_trajects: int  # closed by this worker, all time
    clients_list: tuple[CaseloadClient, ...] = field(default=())


async def caseload_report(svc: Services, worker_tg: int) -> CaseloadReport:
    now = svc.now()
    async with svc.unit() as session:
        worker = await person_by_telegram(session, worker_tg)
        if worker is None or worker.role != Role.WORKER or not worker.active:
            raise NotAllowed("only a worker")
        places, clients = await households_of(session, worker)
        sharing: list[Person] = []
        for client in clients:
            if Scope.GOALS in await granted_scopes(session, client.id, worker.id) and await authorize_view(
                    session, viewer=worker, client=client, scope=Scope.GOALS, now=now):
                sharing.append(client)
        ids = [c.id for c in sharing]

        async def count(query) -> int:
            return int((await session.execute(query)).scalar_one()) if ids else 0

        active = await count(select(func.count()).select_from(Goal).where(
            Goal.owner_id.in_(ids), Goal.status == GoalStatus.ACTIVE))
        stalled = await count(select(func.count()).select_from(Goal).where(
            Goal.owner_id.in_(ids), Goal.status == GoalStatus.ACTIVE, Goal.stall_since.is_not(None)))
        reached = await count(
            select(func.count(func.distinct(GoalEvent.goal_id)))
            .join(Goal, Goal.id == GoalEvent.goal_id)
            .where(Goal.owner_id.in_(ids), GoalEvent.kind == "reached", GoalEvent.at >= now - timedelta(days=30))
        )
        zero = await count(select(func.count(func.distinct(SelfScan.client_id))).where(
            SelfScan.client_id.in_(ids), SelfScan.by_role == "client", SelfScan.complete.is_(True)))
        due = sum(1 for c in sharing if c.next_scan_at is not None and c.next_scan_at <= now)
        open_nudges = int((await session.execute(
            select(func.count(func.distinct(Nudge.id))).join(NudgeDelivery, NudgeDelivery.nudge_id == Nudge.id)
            .where(NudgeDelivery.worker_id == worker.id, Nudge.acknowledged_at.is_(None))
        )).scalar_one())
        closings = int((await session.execute(
            select(func.count()).select_from(TrajectClosing).where(TrajectClosing.worker_id == worker.id)
        )).scalar_one())
        report = CaseloadReport(
            len(places),
            sum(1 for role in places.values() if role == CareRole.COORDINATING),
            len(clients),
            len(sharing),
            active,
            stalled,
            reached,
            zero,
            due,
            open_nudges,
            closings,
            tuple(CaseloadClient(c.id, c.name or "?", places.get(c.household_id, "")) for c in clients),
        )
        await session.commit()
        return report
