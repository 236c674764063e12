"""/overzicht: the worker's caseload, most urgent first, only what they may see."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Goal,
    GoalCheckin,
    Nudge,
    NudgeDelivery,
    Person,
    PhaseCheckin,
)
from bot.domain.consent import Scope
from bot.domain.disclosure import STATUS_SCOPE, Signal, gets_signal, overview_signal
from bot.domain.goals import GoalStatus
from bot.domain.plans import Phase
from bot.domain.roles import CareRole
from bot.services.base import Services, audit
from bot.services.caseload import households_of
from bot.services.consent import authorize_view, granted_scopes
from bot.services.nudges.acting import _worker
from bot.services.nudges.core import _open_episode
from bot.services.nudges.views import OverviewPage, OverviewRow

# --- /overzicht ---------------------------------------------------------------------------------------

PHASE_RANK = {Phase.RED: 0, Phase.ORANGE: 1}


def _sort_key(row: OverviewRow, no_contact_days: int) -> tuple:
    """Most urgent first, by what this worker can see of the row (hidden facts never change the order)."""
    if row.shares_goals:
        urgent = bool(row.open_nudges)
        quiet = row.days_since_contact if row.days_since_contact is not None else 10**6
    else:
        urgent = row.signal == Signal.STUCK
        quiet = no_contact_days if row.signal == Signal.QUIET else 0
    return (
        0 if urgent else 1,
        PHASE_RANK.get(row.phase, 2) if row.phase else 2,
        -quiet,
        -row.stalled_goals,
        row.name.lower(),
        row.client_id,
    )


async def overview(svc: Services, worker_telegram_id: int, *, page: int = 0, page_size: int = 8) -> OverviewPage:
    """The worker's caseload, most urgent first. Per client only what this worker may see, each look audited:
    the last colour with ALERTS consent; days since contact, stalled goals and open nudges with GOALS consent;
    without it one signal at most ("stuck" or "has not responded") for the coordinating worker, and "stuck" for
    the backup or procesregisseur whom an open nudge about the client reached."""
    now = svc.now()
    zone = svc.settings.zone
    no_contact_days = svc.settings.no_contact_days
    async with svc.unit() as session:
        worker = await _worker(session, worker_telegram_id)
        places, clients = await households_of(session, worker)
        ids = [c.id for c in clients]
        phases = await _last_phases(session, ids)
        answered, stalled, nudges, told = await _overview_facts(session, worker, ids)
        rows = []
        today = now.astimezone(zone).date()
        for client in clients:
            granted = await granted_scopes(session, client.id, worker.id)
            phase = None
            if client.id in phases and Scope.ALERTS in granted and await authorize_view(
                    session, viewer=worker, client=client, scope=Scope.ALERTS, now=now):
                phase = phases[client.id]
            contacts = [at for at in (client.last_seen_at, answered.get(client.id)) if at is not None]
            days = (today - max(contacts).astimezone(zone).date()).days if contacts else None
            base = dict(
                client_id=client.id, household_id=client.household_id or 0, name=client.name or "?", phase=phase
            )
            if Scope.GOALS in granted and await authorize_view(
                    session, viewer=worker, client=client, scope=Scope.GOALS, now=now):
                rows.append(OverviewRow(**base, shares_goals=True, days_since_contact=days,
                                        stalled_goals=stalled.get(client.id, 0), open_nudges=nudges.get(client.id, 0)))
                continue
            # Without consent: the coordinating worker sees the signal; the backup and the procesregisseur only
            # once a nudge about this client reached them (what the client is told: bot/domain/disclosure.py).
            role, signal = places.get(client.household_id), None
            if role == CareRole.COORDINATING:
                signal = overview_signal(stuck=client.id in stalled, days_since_contact=days,
                                         no_contact_days=no_contact_days)
            elif gets_signal(role) and client.id in told:
                signal = Signal.STUCK
            if role == CareRole.COORDINATING or signal is not None:
                audit(session, at=now, action="view", actor=worker, subject=client, scope=STATUS_SCOPE)
            rows.append(OverviewRow(**base, shares_goals=False, signal=signal))
        await session.commit()  # the audited looks
    rows.sort(key=lambda row: _sort_key(row, no_contact_days))
    pages = max(1, -(-len(rows) // page_size))
    page = min(max(page, 0), pages - 1)
    return OverviewPage(rows[page * page_size:(page + 1) * page_size], page, pages, len(rows),
                        has_next=page < pages - 1, has_previous=page > 0)


async def _overview_facts(
    session: AsyncSession, worker: Person, ids: list[int]
) -> tuple[dict[int, datetime], dict[int, int], dict[int, int], set[int]]:
    """Per client of the overview: the last answered goal check-in, the stalled goals, the open nudges, and
    whether an open nudge about them reached this worker."""
    answered = dict((await session.execute(
        select(Goal.owner_id, func.max(GoalCheckin.answered_at)).join(Goal, Goal.id == GoalCheckin.goal_id)
        .where(Goal.owner_id.in_(ids)).group_by(Goal.owner_id)
    )).all()) if ids else {}
    stalled = dict((await session.execute(
        select(Goal.owner_id, func.count()).where(
            Goal.owner_id.in_(ids), Goal.status == GoalStatus.ACTIVE, Goal.stall_since.is_not(None))
        .group_by(Goal.owner_id)
    )).all()) if ids else {}
    nudges = dict((await session.execute(
        select(Goal.owner_id, func.count()).select_from(Nudge).join(Goal, Goal.id == Nudge.goal_id)
        .where(Goal.owner_id.in_(ids), Nudge.acknowledged_at.is_(None), _open_episode())
        .group_by(Goal.owner_id)
    )).all()) if ids else {}
    told = set((await session.execute(
        select(Goal.owner_id).select_from(Nudge).join(Goal, Goal.id == Nudge.goal_id)
        .join(NudgeDelivery, NudgeDelivery.nudge_id == Nudge.id)
        .where(Goal.owner_id.in_(ids), NudgeDelivery.worker_id == worker.id, NudgeDelivery.notified_at.is_not(None),
               Nudge.acknowledged_at.is_(None), _open_episode())
    )).scalars()) if ids else set()
    return answered, stalled, nudges, told


async def _last_phases(session: AsyncSession, client_ids: Sequence[int]) -> dict[int, Phase]:
    if not client_ids:
        return {}
    ranked = (
        select(PhaseCheckin.client_id, PhaseCheckin.phase, func.row_number().over(
            partition_by=PhaseCheckin.client_id, order_by=(PhaseCheckin.at.desc(), PhaseCheckin.id.desc())).label("n"))
        .where(PhaseCheckin.client_id.in_(client_ids)).subquery()
    )
    rows = await session.execute(select(ranked.c.client_id, ranked.c.phase).where(ranked.c.n == 1))
    return {client_id: Phase(phase) for client_id, phase in rows.all()}
