"""What a worker reads: the nudge, the morning digest, sent in working time."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Goal,
    GoalCheckin,
    Nudge,
    NudgeDelivery,
    Person,
)
from bot.domain.consent import Scope
from bot.domain.disclosure import STATUS_SCOPE, Signal, stall_signal
from bot.domain.goals import Answer, StallReason
from bot.domain.ladder import Rung
from bot.domain.roles import CareRole
from bot.domain.workhours import is_working_time
from bot.outbox import store as outbox
from bot.services.base import Services, audit
from bot.services.caseload import has_place
from bot.services.consent import authorize_view, granted_scopes
from bot.services.nudges import core
from bot.services.nudges.ladder import _absent, _climb
from bot.services.nudges.views import DigestLine, NudgeFacts

# --- what a worker reads ------------------------------------------------------------------------------


async def _may_see_goals(svc: Services, session: AsyncSession, worker: Person, client: Person) -> bool:
    """Goal details only with the client's GOALS consent; a look that happens goes through the one audited check."""
    if Scope.GOALS not in await granted_scopes(session, client.id, worker.id):
        return False
    return await authorize_view(session, viewer=worker, client=client, scope=Scope.GOALS, now=svc.now())


async def nudge_facts(
    svc: Services, session: AsyncSession, worker: Person, nudge: Nudge, goal: Goal, rung: str | None,
) -> NudgeFacts:
    """What the full nudge may say to this worker now: goal details with the client's GOALS consent (the look
    audited by the consent check), else only the one signal (audited as a status look)."""
    client = await session.get(Person, goal.client_id or goal.owner_id)
    reasons = tuple(StallReason(r) for r in nudge.reasons.split(",") if r in set(StallReason))
    note = None
    if rung in (Rung.BACKUP, Rung.PROCESREGISSEUR):
        note = "escalated"
    elif rung == Rung.COORDINATING and not await has_place(session, goal.household_id, worker.id,
                                                            CareRole.COORDINATING):
        note = "standing_in"
    facts = NudgeFacts(nudge.id, client.id if client else goal.owner_id, core.first_name(client), reasons, note)
    if client is None or not await _may_see_goals(svc, session, worker, client):
        # The one sentence a worker may read without consent; the look is audited like any other.
        audit(session, at=svc.now(), action="view", actor=worker, subject=client, scope=STATUS_SCOPE)
        return replace(facts, signal=stall_signal(reasons))
    checkins = list((await session.execute(
        select(GoalCheckin).where(GoalCheckin.goal_id == goal.id)
        .order_by(GoalCheckin.prompted_at.desc(), GoalCheckin.id.desc()).limit(core.LAST_CHECKINS)
    )).scalars())
    return replace(facts, title=goal.title, step=goal.step, checkins=tuple(
        (row.answered_at or row.prompted_at, Answer(row.answer) if row.answer else None) for row in reversed(checkins)))


async def digest_facts(
    svc: Services, session: AsyncSession, worker: Person, items: Sequence[tuple[Nudge, Goal]]
) -> list[DigestLine]:
    """One line per nudge for clients who share their goals with this worker; one line per client (the signal,
    never how many goals) for clients who do not."""
    lines: list[DigestLine] = []
    signals: dict[int, int] = {}  # client id -> its line, for clients without consent
    for nudge, goal in items:
        client = await session.get(Person, goal.client_id or goal.owner_id)
        name = core.first_name(client)
        if client is not None and await _may_see_goals(svc, session, worker, client):
            lines.append(DigestLine(nudge.id, name, title=goal.title))
            continue
        signal = stall_signal(r for r in nudge.reasons.split(",") if r in set(StallReason))
        key = client.id if client is not None else -goal.owner_id
        if key in signals:  # a second nudge of the same client: no count, at most "stuck" instead of "quiet"
            index = signals[key]
            if lines[index].signal == Signal.QUIET and signal == Signal.STUCK:
                lines[index] = replace(lines[index], signal=signal)
            continue
        audit(session, at=svc.now(), action="view", actor=worker, subject=client, scope=STATUS_SCOPE)
        signals[key] = len(lines)
        lines.append(DigestLine(nudge.id, name, signal=signal))
    return lines


async def _send_waiting(svc: Services, *, batch: int) -> int:
    """In working time only: each worker's waiting deliveries, one as the full nudge, several as one digest."""
    now, today = svc.now(), core._today(svc)
    if not is_working_time(core.work_hours(svc.settings), now):
        return 0
    waiting = (
        select(NudgeDelivery.worker_id)
        .join(Nudge, Nudge.id == NudgeDelivery.nudge_id)
        .join(Goal, Goal.id == Nudge.goal_id)
        .where(NudgeDelivery.notified_at.is_(None), Nudge.acknowledged_at.is_(None), core._open_episode())
        .where(or_(Nudge.snoozed_until.is_(None), Nudge.snoozed_until <= now))
    )
    queued = 0
    after_worker = 0
    while True:
        async with svc.unit() as session:
            worker_ids = list((await session.execute(
                waiting.where(NudgeDelivery.worker_id > after_worker)
                .group_by(NudgeDelivery.worker_id).order_by(NudgeDelivery.worker_id).limit(batch)
            )).scalars())
            if not worker_ids:
                return queued
            after_worker = worker_ids[-1]
            absent = await _absent(session, worker_ids, today)
            rows = list((await session.execute(
                select(NudgeDelivery, Nudge, Goal)
                .join(Nudge, Nudge.id == NudgeDelivery.nudge_id)
                .join(Goal, Goal.id == Nudge.goal_id)
                .where(NudgeDelivery.worker_id.in_(worker_ids), NudgeDelivery.notified_at.is_(None))
                .where(Nudge.acknowledged_at.is_(None), core._open_episode())
                .where(or_(Nudge.snoozed_until.is_(None), Nudge.snoozed_until <= now))
                .order_by(NudgeDelivery.worker_id, NudgeDelivery.id)
                .with_for_update(skip_locked=True, of=NudgeDelivery)
            )).all())
            per_worker: dict[int, list[tuple[NudgeDelivery, Nudge, Goal]]] = defaultdict(list)
            for delivery, nudge, goal in rows:
                per_worker[delivery.worker_id].append((delivery, nudge, goal))
            for worker_id, items in per_worker.items():
                worker = await session.get(Person, worker_id)
                if worker is None or worker_id in absent:
                    continue  # away: it waits for their return (the ladder already went on to the backup)
                if not worker.active:
                    for delivery, _, _ in items:
                        delivery.notified_at = now  # nobody to tell any more
                    continue
                for chunk_start in range(0, len(items), core.DIGEST_MAX):
                    chunk = items[chunk_start:chunk_start + core.DIGEST_MAX]
                    queued += await _queue(svc, session, worker, chunk, now)
            await session.commit()
        if len(worker_ids) < batch:
            return queued


async def _queue(
    svc: Services,
    session: AsyncSession,
    worker: Person,
    items: Sequence[tuple[NudgeDelivery, Nudge, Goal]],
    now: datetime,
) -> int:
    """Queue references, not texts: what the worker reads is rendered when it is sent (`_render_nudge`), so it
    follows the client's consent at that moment and goes with a deleted account."""
    if len(items) == 1:
        delivery, nudge, goal = items[0]
        key = f"nudge:{nudge.id}:{worker.id}"
        if nudge.snoozed_until is not None:
            key += f":{nudge.snoozed_until:%Y%m%d%H%M}"  # after a snooze it comes once more
        client = await session.get(Person, goal.client_id or goal.owner_id)
        added = await outbox.refer(session, dedup_key=key, person=worker, kind="nudge", about=client, now=now,
                                   ref={"nudge": nudge.id, "rung": delivery.rung})
    else:
        # A digest is about several clients: it is tied to none; a client's deleted nudges drop out of it.
        ref = {"nudges": [nudge.id for _, nudge, _ in items]}
        key = f"digest:{worker.id}:{now.astimezone(svc.settings.zone).date().isoformat()}"
        added = await outbox.refer(session, dedup_key=key, person=worker, kind="nudge_digest", about=None, ref=ref,
                                   now=now)
        if not added:  # a second digest the same day (deliveries are marked below, so never the same ones)
            added = await outbox.refer(session, dedup_key=f"{key}:{items[0][0].id}", person=worker,
                                       kind="nudge_digest", about=None, ref=ref, now=now)
    for delivery, _, _ in items:
        delivery.notified_at = now
    return 1 if added else 0


async def nudge_to_send(svc: Services, session: AsyncSession, worker: Person, ref: dict[str, Any]) -> NudgeFacts | None:
    """A queued "nudge" when it is sent; None when the client's account is gone or this worker no longer works
    with them."""
    row = (await session.execute(
        select(Nudge, Goal).join(Goal, Goal.id == Nudge.goal_id).where(Nudge.id == int(ref["nudge"]))
    )).first()
    if row is None or not worker.active or not await has_place(session, row[1].household_id, worker.id):
        return None
    return await nudge_facts(svc, session, worker, row[0], row[1], ref.get("rung"))


async def digest_to_send(svc: Services, session: AsyncSession, worker: Person, ref: dict[str, Any]
                         ) -> list[DigestLine] | None:
    """A queued "nudge_digest" when it is sent: the nudges still there and still this worker's, in their order."""
    ids = [int(i) for i in ref.get("nudges", [])]
    rows = (await session.execute(
        select(Nudge, Goal).join(Goal, Goal.id == Nudge.goal_id).where(Nudge.id.in_(ids))
    )).all() if ids else []
    order = {nudge_id: index for index, nudge_id in enumerate(ids)}
    items = sorted([(nudge, goal) for nudge, goal in rows if await has_place(session, goal.household_id, worker.id)],
                   key=lambda item: order[item[0].id])
    if not items or not worker.active:
        return None
    return await digest_facts(svc, session, worker, items)


async def notify_nudges(svc: Services, *, batch: int = 500) -> int:
    """Tick, after `goals.sweep_stalls`: climb the ladder, then queue what may go out now. Returns the number of
    messages queued (a digest counts once). Safe to run twice: deliveries are marked, outbox keys de-duplicate."""
    await _climb(svc, batch=batch)
    return await _send_waiting(svc, batch=batch)
