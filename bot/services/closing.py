"""Closing a household's traject, and the client's few questions about the working relationship afterwards.

The coordinating worker records the outcomes a-g (TrajectClosing) and the household gets `closed_at`. Nothing
of the client's is deleted: plans, crisis card, goals, check-ins and self-scans stay, and the client goes on
in self-management.

Choice: the care-team links END at closing (the care_team rows of the household go; who was on the team stays
in the audit trail, and the coordinating worker in TrajectClosing.worker_id). Otherwise a red check-in would
still alert a worker who no longer works with the client, and nudges would climb a ladder nobody stands on.
What the client shared with those workers is switched off too (Consent.granted False, rows kept), so linking
the same worker again later starts from "nothing shared", as every new link does.

Each client of the household is then asked through the outbox for three statements on the working relationship
and one question on their own goals, 1-5 (RelationScore, saved per answer).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import CareTeamMember, Consent, Household, Person, RelationScore, TrajectClosing
from bot.domain.outcomes import RELATION_KEYS, valid_answer, valid_outcomes
from bot.domain.roles import CareRole, Role
from bot.outbox import store as outbox
from bot.services.base import NotAllowed, NotFound, Services, audit, person_by_telegram, refuse_forged
from bot.services.caseload import has_place


@dataclass(frozen=True)
class ClosingTarget:
    household_id: int
    names: tuple[str, ...]


@dataclass(frozen=True)
class Closed:
    household_id: int
    closed_at: datetime
    clients_asked: int


async def _coordinating_household(
    session: AsyncSession, svc: Services, worker_tg: int, household_id: int
) -> tuple[Person, Household]:
    worker = await person_by_telegram(session, worker_tg)
    household = await session.get(Household, household_id)
    ok = worker is not None and worker.role == Role.WORKER and worker.active and household is not None and (
        await has_place(session, household_id, worker.id, CareRole.COORDINATING))
    if not ok:
        await refuse_forged(
            session, svc.now(), "traject.forged", worker, "only the coordinating worker closes a traject"
        )
    assert worker is not None and household is not None
    return worker, household


async def _clients(session: AsyncSession, household_id: int) -> list[Person]:
    return list((await session.execute(
        select(Person).where(Person.household_id == household_id, Person.role == Role.CLIENT, Person.active)
        .order_by(Person.id)
    )).scalars())


async def closing_target(svc: Services, worker_tg: int, client_id: int) -> ClosingTarget:
    """The household of one of the worker's clients, to close; only for its coordinating worker."""
    async with svc.unit() as session:
        client = await session.get(Person, client_id)
        household_id = client.household_id if client is not None and client.role == Role.CLIENT else None
        if household_id is None:
            worker = await person_by_telegram(session, worker_tg)
            await refuse_forged(session, svc.now(), "traject.forged", worker, "no such client")
        _worker, household = await _coordinating_household(session, svc, worker_tg, household_id)
        if household.closed_at is not None:
            raise NotFound("already closed")
        return ClosingTarget(household.id, tuple(c.name or "?" for c in await _clients(session, household.id)))


async def close_traject(svc: Services, worker_tg: int, household_id: int, outcomes: Mapping[str, int | None]) -> Closed:
    outcomes = valid_outcomes(outcomes)
    now = svc.now()
    async with svc.unit() as session:
        worker, household = await _coordinating_household(session, svc, worker_tg, household_id)
        if household.closed_at is not None:
            raise NotFound("already closed")
        session.add(TrajectClosing(household_id=household.id, worker_id=worker.id, at=now, outcomes=dict(outcomes)))
        household.closed_at = now
        clients = await _clients(session, household.id)
        team = list((await session.execute(
            select(CareTeamMember.worker_id).where(CareTeamMember.household_id == household.id)
        )).scalars())
        for client in clients:
            shared = (await session.execute(select(Consent).where(
                Consent.client_id == client.id, Consent.viewer_id.in_(team), Consent.granted.is_(True)))).scalars()
            for consent in shared:
                consent.granted, consent.changed_at = False, now
                audit(session, at=now, action="consent.ended", actor=worker, subject=client, scope=consent.scope)
        for worker_id in team:
            member = await session.get(Person, worker_id)
            audit(session, at=now, action="team.ended", actor=worker, subject=member, scope=f"household:{household.id}")
            for client in clients:  # what is still queued about them for a worker who leaves is withdrawn
                if member is not None:
                    await outbox.withdraw(session, about=client, person=member)
        await session.execute(delete(CareTeamMember).where(CareTeamMember.household_id == household.id))
        asked = 0
        for client in clients:
            if await outbox.refer(
                session, dedup_key=f"closed:{household.id}:{client.id}:{now.isoformat()}", person=client,
                kind="traject_closed", ref={"worker": worker.id}, about=None, now=now,
            ):
                asked += 1
        audit(session, at=now, action="traject.closed", actor=worker, scope=f"household:{household.id}")
        await session.commit()
        return Closed(household.id, now, asked)


# --- the client's questions --------------------------------------------------------------------------


async def _closed_client(session: AsyncSession, client_tg: int) -> tuple[Person, Household]:
    client = await person_by_telegram(session, client_tg)
    if client is None or client.role != Role.CLIENT or not client.active or client.household_id is None:
        raise NotAllowed("only a client")
    household = await session.get(Household, client.household_id)
    if household is None or household.closed_at is None:
        raise NotAllowed("no closed traject")
    return client, household


async def _row(session: AsyncSession, client: Person, household: Household) -> RelationScore | None:
    return (await session.execute(
        select(RelationScore).where(RelationScore.client_id == client.id, RelationScore.at >= household.closed_at)
        .order_by(RelationScore.id.desc()).limit(1)
    )).scalar_one_or_none()


def _next(answers: Mapping[str, object]) -> str | None:
    return next((key for key in RELATION_KEYS if key not in answers), None)


async def next_question(svc: Services, client_tg: int) -> str | None:
    """The first question not answered yet since the traject closed; None when all are answered."""
    async with svc.unit() as session:
        client, household = await _closed_client(session, client_tg)
        row = await _row(session, client, household)
        return _next(row.answers if row else {})


async def answer_relation(svc: Services, client_tg: int, key: str, value: int) -> str | None:
    """Save one answer at once; returns the next question's key, or None when done."""
    if not valid_answer(key, value):
        raise ValueError("answer 1-5 to a known question")
    now = svc.now()
    async with svc.unit() as session:
        client, household = await _closed_client(session, client_tg)
        row = await _row(session, client, household)
        if row is None:
            row = RelationScore(client_id=client.id, at=now, answers={})
            session.add(row)
        row.answers = {**(row.answers or {}), key: value}
        row.at = now
        following = _next(row.answers)
        if following is None:
            audit(session, at=now, action="relation.answered", actor=client, subject=client)
        await session.commit()
        return following


async def closed_by(session: AsyncSession, ref: dict[str, Any]) -> str:
    """Who closed the traject, for the client's message about it (`ref["worker"]`), read when it is sent."""
    worker = await session.get(Person, int(ref["worker"]))
    return (worker.name if worker is not None else None) or "?"
