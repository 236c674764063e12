"""What a worker reads: the nudge, the morning digest, sent in working time."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import callbacks
from bot.db.models import (
    Goal,
    GoalCheckin,
    Nudge,
    NudgeDelivery,
    Person,
)
from bot.domain.consent import Scope
from bot.domain.disclosure import STATUS_SCOPE, Signal, stall_signal
from bot.domain.goals import ANSWER_LABELS, Answer, StallReason
from bot.domain.ladder import Rung
from bot.domain.roles import CareRole
from bot.domain.workhours import is_working_time
from bot.i18n import Translator, translator
from bot.outbox import store as outbox
from bot.outbox.notices import Rendered, renders
from bot.services.base import Services, audit
from bot.services.caseload import has_place
from bot.services.consent import authorize_view, granted_scopes
from bot.services.nudges import core
from bot.services.nudges.ladder import _absent, _climb
from bot.services.nudges.views import NudgeMessage

# --- what a worker reads ------------------------------------------------------------------------------


def nudge_buttons(t: Translator, nudge_id: int, client_id: int) -> list[list[tuple[str, str]]]:
    """The nudge's buttons as (label, callback data) rows: they travel through the outbox as data."""
    return [
        [(t.gettext("📞 I will get in touch"), callbacks.make("ndg", "contact", nudge_id))],
        [(t.gettext("👀 Seen"), callbacks.make("ndg", "seen", nudge_id))],
        [(t.ngettext("⏰ Later: {n} day", "⏰ Later: {n} days", days).format(n=days),
          callbacks.make("ndg", "later", f"{nudge_id}.{days}")) for days in core.SNOOZE_DAYS],
        [(t.gettext("📂 Open dossier"), callbacks.make("wk", "client", client_id))],
    ]


async def _may_see_goals(svc: Services, session: AsyncSession, worker: Person, client: Person) -> bool:
    """Goal details only with the client's GOALS consent; a look that happens goes through the one audited check."""
    if Scope.GOALS not in await granted_scopes(session, client.id, worker.id):
        return False
    return await authorize_view(session, viewer=worker, client=client, scope=Scope.GOALS, now=svc.now())


async def _render(
    svc: Services, session: AsyncSession, worker: Person, nudge: Nudge, goal: Goal, rung: str | None,
) -> NudgeMessage:
    client = await session.get(Person, goal.client_id or goal.owner_id)
    t = translator(worker.locale, svc.settings.zone)
    name = core.first_name(client)
    reasons = [StallReason(r) for r in nudge.reasons.split(",") if r in set(StallReason)]
    shares = client is not None and await _may_see_goals(svc, session, worker, client)
    if shares:
        lines = [t.gettext(core.NUDGE_HEADER).format(name=name), t.gettext("Goal: {title}").format(title=goal.title)]
        if goal.step:
            lines.append(t.gettext("Step: {step}").format(step=goal.step))
        if reasons:
            lines += ["", t.gettext("What happened:")] + [f"• {t.gettext(core.REASON_TEXTS[r])}" for r in reasons]
        checkins = list((await session.execute(
            select(GoalCheckin).where(GoalCheckin.goal_id == goal.id)
            .order_by(GoalCheckin.prompted_at.desc(), GoalCheckin.id.desc()).limit(core.LAST_CHECKINS)
        )).scalars())
        if checkins:
            lines += ["", t.gettext("Last check-ins:")]
            for row in reversed(checkins):
                answer = t.gettext(ANSWER_LABELS[Answer(row.answer)]) if row.answer else t.gettext("no answer")
                lines.append(f"• {t.day(row.answered_at or row.prompted_at)}: {answer}")
    else:
        # The one sentence a worker may read without consent; the look is audited like any other.
        lines = ["⏸ " + t.gettext(core.SIGNAL_TEXTS[stall_signal(reasons)]).format(name=name),
                 t.gettext(core.NOT_SHARED).format(name=name)]
        audit(session, at=svc.now(), action="view", actor=worker, subject=client, scope=STATUS_SCOPE)
    if rung in (Rung.BACKUP, Rung.PROCESREGISSEUR):
        lines += ["", t.gettext(core.ESCALATED)]
    elif rung == Rung.COORDINATING and not await has_place(
        session, goal.household_id, worker.id, CareRole.COORDINATING
    ):
        lines += ["", t.gettext(core.STANDING_IN)]
    return NudgeMessage("\n".join(lines), nudge_buttons(t, nudge.id, client.id if client else goal.owner_id))


async def _digest(
    svc: Services, session: AsyncSession, worker: Person, items: Sequence[tuple[Nudge, Goal]]
) -> NudgeMessage:
    """One line per nudge for clients who share their goals with this worker; one line per client (the signal,
    never how many goals) for clients who do not."""
    t = translator(worker.locale, svc.settings.zone)
    lines: list[str] = []
    buttons: list[list[tuple[str, str]]] = []
    signals: dict[int, tuple[int, Signal]] = {}  # client id -> (line index, signal) for clients without consent
    for nudge, goal in items:
        client = await session.get(Person, goal.client_id or goal.owner_id)
        name = core.first_name(client)
        if client is not None and await _may_see_goals(svc, session, worker, client):
            lines.append(f"{len(lines) + 1}. {name}: {goal.title}")
            buttons.append([(f"📂 {len(lines)}. {name}"[:60], callbacks.make("ndg", "open", nudge.id))])
            continue
        signal = stall_signal(r for r in nudge.reasons.split(",") if r in set(StallReason))
        key = client.id if client is not None else -goal.owner_id
        if key in signals:  # a second nudge of the same client: no count, at most "stuck" instead of "quiet"
            index, before = signals[key]
            if before == Signal.QUIET and signal == Signal.STUCK:
                signals[key] = (index, signal)
                lines[index] = f"{index + 1}. " + t.gettext(core.SIGNAL_TEXTS[signal]).format(name=name)
            continue
        audit(session, at=svc.now(), action="view", actor=worker, subject=client, scope=STATUS_SCOPE)
        signals[key] = (len(lines), signal)
        lines.append(f"{len(lines) + 1}. " + t.gettext(core.SIGNAL_TEXTS[signal]).format(name=name))
        buttons.append([(f"📂 {len(lines)}. {name}"[:60], callbacks.make("ndg", "open", nudge.id))])
    header = t.ngettext("One message about your clients:", "{n} messages about your clients:",
                        len(lines)).format(n=len(lines))
    lines = [header, *lines, "", t.gettext("Tap a name to see more and respond.")]
    return NudgeMessage("\n".join(lines), buttons)


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


@renders("nudge")
async def _render_nudge(
    svc: Services, session: AsyncSession, worker: Person, client: Person | None, ref: dict
) -> Rendered | None:
    row = (await session.execute(
        select(Nudge, Goal).join(Goal, Goal.id == Nudge.goal_id).where(Nudge.id == int(ref["nudge"]))
    )).first()
    if row is None or not worker.active or not await has_place(session, row[1].household_id, worker.id):
        return None  # the client's account is gone, or this worker no longer works with them
    message = await _render(svc, session, worker, row[0], row[1], ref.get("rung"))
    return Rendered(message.text, message.buttons)


@renders("nudge_digest")
async def _render_digest(
    svc: Services, session: AsyncSession, worker: Person, _about: Person | None, ref: dict
) -> Rendered | None:
    ids = [int(i) for i in ref.get("nudges", [])]
    rows = (await session.execute(
        select(Nudge, Goal).join(Goal, Goal.id == Nudge.goal_id).where(Nudge.id.in_(ids))
    )).all() if ids else []
    order = {nudge_id: index for index, nudge_id in enumerate(ids)}
    items = sorted([(nudge, goal) for nudge, goal in rows if await has_place(session, goal.household_id, worker.id)],
                   key=lambda item: order[item[0].id])
    if not items or not worker.active:
        return None
    message = await _digest(svc, session, worker, items)
    return Rendered(message.text, message.buttons)


async def notify_nudges(svc: Services, *, batch: int = 500) -> int:
    """Tick, after `goals.sweep_stalls`: climb the ladder, then queue what may go out now. Returns the number of
    messages queued (a digest counts once). Safe to run twice: deliveries are marked, outbox keys de-duplicate."""
    await _climb(svc, batch=batch)
    return await _send_waiting(svc, batch=batch)
