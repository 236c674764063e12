"""Op- en afschalen for the coordinating worker: Houvast suggests, the worker decides and says why.

`suggestions` looks at the households the worker coordinates (an open traject only) and applies the pure rule
of bot/domain/scaling.py to what the worker may see: the client's scans and stalled goals with Scope.GOALS, the
colours with Scope.ALERTS (each look audited), and the worker's own scans. Without consent a fact is unknown,
so no suggestion can rest on data the client did not share. `decide` stores the worker's decision
(ScaleDecision); nothing else changes by it.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import CareTeamMember, Goal, Household, Person, PhaseCheckin, ScaleDecision, SelfScan
from bot.domain.consent import Scope
from bot.domain.goals import GoalStatus
from bot.domain.plans import Phase
from bot.domain.roles import CareRole, Role
from bot.domain.scaling import Direction, Reason, ScalingFacts, ScalingPolicy, Suggestion, combine, suggest
from bot.services.base import NotAllowed, NotFound, Services, audit, person_by_telegram
from bot.services.consent import authorize_view, granted_scopes

MAX_REASON = 1000


@dataclass(frozen=True)
class SuggestionRow:
    household_id: int
    names: tuple[str, ...]  # the household's clients
    direction: Direction
    reasons: tuple[Reason, ...]


async def _worker(session: AsyncSession, telegram_id: int) -> Person:
    worker = await person_by_telegram(session, telegram_id)
    if worker is None or worker.role != Role.WORKER or not worker.active:
        raise NotAllowed("only a worker")
    return worker


async def _coordinated(session: AsyncSession, worker: Person) -> list[int]:
    rows = await session.execute(
        select(CareTeamMember.household_id).join(Household, Household.id == CareTeamMember.household_id)
        .where(CareTeamMember.worker_id == worker.id, CareTeamMember.role == CareRole.COORDINATING,
               Household.closed_at.is_(None))
        .order_by(CareTeamMember.household_id)
    )
    return list(rows.scalars())


async def _scans(session: AsyncSession, client_id: int, by_role: str, limit: int | None = None) -> list[SelfScan]:
    query = select(SelfScan).where(SelfScan.client_id == client_id, SelfScan.by_role == by_role,
                                   SelfScan.complete.is_(True)).order_by(SelfScan.at.desc(), SelfScan.id.desc())
    if limit:
        query = query.limit(limit)
    return list((await session.execute(query)).scalars())


async def _facts(
    svc: Services, session: AsyncSession, worker: Person, client: Person, policy: ScalingPolicy,
    last_decision: tuple | None,
) -> ScalingFacts:
    now = svc.now()
    granted = await granted_scopes(session, client.id, worker.id)
    # Only a scope the client ticked is looked at (and that look is audited): no rows of refused looks per tick.
    goals_ok = Scope.GOALS in granted and await authorize_view(
        session, viewer=worker, client=client, scope=Scope.GOALS, now=now
    )
    alerts_ok = Scope.ALERTS in granted and await authorize_view(
        session, viewer=worker, client=client, scope=Scope.ALERTS, now=now
    )
    latest: list = []
    client_scans: tuple = ()
    stalled = 0
    if goals_ok:
        mine = await _scans(session, client.id, "client", limit=2)
        client_scans = tuple((row.at, row.scores or {}) for row in mine)
        latest += [mine[0].scores or {}] if mine else []
        stalled = len(
            list(
                (
                    await session.execute(
                        select(Goal.id).where(
                            Goal.owner_id == client.id, Goal.status == GoalStatus.ACTIVE, Goal.stall_since.is_not(None)
                        )
                    )
                ).scalars()
            )
        )
    theirs = await _scans(session, client.id, "worker", limit=1)  # the worker's own scores: staff notes
    latest += [theirs[0].scores or {}] if theirs else []
    phases: tuple = ()
    if alerts_ok:
        start = now - max(policy.calm_period, policy.red_within)
        recent = (
            await session.execute(
                select(PhaseCheckin.at, PhaseCheckin.phase).where(
                    PhaseCheckin.client_id == client.id, PhaseCheckin.at > start
                )
            )
        ).all()
        before = (
            await session.execute(
                select(PhaseCheckin.at, PhaseCheckin.phase)
                .where(PhaseCheckin.client_id == client.id, PhaseCheckin.at <= start)
                .order_by(PhaseCheckin.at.desc())
                .limit(1)
            )
        ).all()
        phases = tuple((at, Phase(phase)) for at, phase in [*before, *recent])
    return ScalingFacts(tuple(latest), client_scans, phases, stalled, last_decision)


async def suggestions(svc: Services, worker_tg: int, *, policy: ScalingPolicy | None = None) -> list[SuggestionRow]:
    """The suggestions for this worker's coordinated households, most urgent (up) first."""
    policy = policy or ScalingPolicy()
    now = svc.now()
    rows: list[SuggestionRow] = []
    async with svc.unit() as session:
        worker = await _worker(session, worker_tg)
        for household_id in await _coordinated(session, worker):
            clients = list((await session.execute(
                select(Person).where(Person.household_id == household_id, Person.role == Role.CLIENT, Person.active)
                .order_by(Person.id)
            )).scalars())
            decision = (await session.execute(
                select(ScaleDecision.at, ScaleDecision.suggestion).where(ScaleDecision.household_id == household_id)
                .order_by(ScaleDecision.at.desc(), ScaleDecision.id.desc()).limit(1)
            )).first()
            last = (decision[0], Direction(decision[1])) if decision else None
            found: list[Suggestion | None] = []
            for client in clients:
                found.append(suggest(await _facts(svc, session, worker, client, policy, last), policy, now=now))
            chosen = combine(found)
            if chosen is not None:
                rows.append(
                    SuggestionRow(household_id, tuple(c.name or "?" for c in clients), chosen.direction, chosen.reasons)
                )
        await session.commit()  # the audited looks
    rows.sort(key=lambda r: (r.direction != Direction.UP, r.household_id))
    return rows


async def decide(
    svc: Services, worker_tg: int, household_id: int, *, suggestion: Direction, decision: Direction,
    reason: str | None = None,
) -> int:
    """The coordinating worker's decision on a suggestion; returns the ScaleDecision id (for the reason later)."""
    suggestion, decision = Direction(suggestion), Direction(decision)
    if suggestion == Direction.SAME:
        raise ValueError("a suggestion is up or down")
    now = svc.now()
    async with svc.unit() as session:
        worker = await _worker(session, worker_tg)
        if household_id not in await _coordinated(session, worker):
            audit(session, at=now, action="scale.forged", actor=worker, outcome="denied")
            await session.commit()
            raise NotAllowed("not this worker's household")
        row = ScaleDecision(household_id=household_id, worker_id=worker.id, at=now, suggestion=suggestion,
                            decision=decision, reason=(reason or "").strip()[:MAX_REASON] or None)
        session.add(row)
        await session.flush()
        audit(session, at=now, action="scale.decided", actor=worker, scope=decision)
        decision_id = row.id
        await session.commit()
        return decision_id


async def set_reason(svc: Services, worker_tg: int, decision_id: int, reason: str) -> None:
    async with svc.unit() as session:
        worker = await _worker(session, worker_tg)
        row = await session.get(ScaleDecision, decision_id)
        if row is None:
            raise NotFound("decision")
        if row.worker_id != worker.id:
            raise NotAllowed("not this worker's decision")
        row.reason = reason.strip()[:MAX_REASON] or None
        await session.commit()
