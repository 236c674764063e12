"""The worker's side of stalled goals: the nudge climbs the ladder until someone on the care team responds.

`sweep_stalls` (services/goals.py) opens a stall episode with one `Nudge` and tells the client. The tick then
calls `notify_nudges`: per open nudge the rungs due now (coordinating at once, backup after 2 working days,
procesregisseur after 5; weekends and public holidays do not count) and who is on them (absent workers are
skipped, see `bot.domain.ladder.recipients`). Each new recipient gets a `NudgeDelivery` row; deliveries go
out only in working time, one worker's waiting deliveries together as one morning digest.

A nudge stops climbing once a worker acknowledges it ("I will get in touch" / "seen"), and when progress
closes the stall episode. "Later" snoozes it: the ladder counts again from the end of the snooze, and the
worker who snoozed gets it again then.

The tick looks only at nudges whose look is due (`next_climb_at`): when the next rung comes due, when a snooze
ends, at once after a change in the care team (an absence, a handover, a new member, a worker who left), and
once a day before working hours, which takes in absences that begin or end by the calendar. So the climb
costs what is due, not every open nudge every minute.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import callbacks
from bot.outbox import store as outbox
from bot.config import Settings
from bot.db.models import (
    Absence,
    CareTeamMember,
    Goal,
    GoalCheckin,
    Nudge,
    NudgeDelivery,
    Person,
    PhaseCheckin,
)
from bot.domain.consent import Scope
from bot.domain.disclosure import STATUS_SCOPE, Signal, gets_signal, overview_signal, stall_signal
from bot.domain.goals import Answer, GoalStatus, StallReason
from bot.domain.ladder import LADDER, LadderPolicy, Rung, Team, due_rungs, next_rung_at, recipients
from bot.domain.plans import Phase
from bot.domain.roles import CareRole, Role
from bot.domain.workhours import WorkHours, is_working_time
from bot.i18n import N_, Translator, translator
from bot.services.base import NotAllowed, NotFound, Services, audit, person_by_telegram
from bot.services.caseload import households_of
from bot.services.team import has_place
from bot.services.consent import authorize_view, granted_scopes
from bot.domain.goals import ANSWER_LABELS
from bot.services.notices import Rendered, renders

SNOOZE_DAYS = (1, 3, 7)
ACK_KINDS = ("contact", "seen")
LADDER_ROLES = (CareRole.COORDINATING, CareRole.BACKUP, CareRole.PROCESREGISSEUR)
LAST_CHECKINS = 4  # check-ins shown in a nudge (with consent)
DIGEST_MAX = 30  # nudges named in one digest message; more follow in the next one

NUDGE_HEADER = N_("⏸ A goal of {name} has stalled.")
NOT_SHARED = N_("{name} has not shared goal details with you.")
# Without goals consent a worker reads one of these and nothing more (bot/domain/disclosure.py).
SIGNAL_TEXTS = {
    Signal.QUIET: N_("{name} has not responded for a while."),
    Signal.STUCK: N_("A goal of {name} is stuck. Ask how things are going."),
}
REASON_TEXTS = {
    StallReason.MISSED: N_("The last check-ins were not answered."),
    StallReason.NOT_YET: N_("The last answers were \"not yet\", several times in a row."),
    StallReason.NO_PROGRESS: N_("No progress for four weeks or more."),
    StallReason.OVERDUE: N_("The target date has passed."),
}
ESCALATED = N_("Nobody has responded yet, so this now comes to you as well.")
STANDING_IN = N_("The coordinating worker is away, so this comes to you.")


class BadDates(ValueError):
    """An absence that cannot be: `reason` is "order" (first day after the last) or "past"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class AckResult:
    outcome: str  # "ok" | "already"
    by_name: str | None  # who acknowledged it (the first one, for "already")
    client_name: str = "?"
    client_id: int | None = None
    by_me: bool = False  # "already", and it was this worker


@dataclass(frozen=True)
class SnoozeResult:
    outcome: str  # "ok" | "already" (someone acknowledged it meanwhile)
    until: datetime | None
    by_name: str | None = None


@dataclass(frozen=True)
class NudgeMessage:
    text: str
    buttons: list[list[tuple[str, str]]]


@dataclass(frozen=True)
class AbsenceView:
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class HandoverResult:
    household_id: int
    from_worker_id: int | None
    to_worker_id: int


@dataclass(frozen=True)
class OverviewRow:
    """One client in /overzicht: only what this worker may see (bot/domain/disclosure.py)."""

    client_id: int
    household_id: int
    name: str
    phase: Phase | None  # the last phase check-in; only when the client shares ALERTS with this worker
    shares_goals: bool  # the numbers below are known only with the client's GOALS consent
    days_since_contact: int | None = None
    stalled_goals: int = 0
    open_nudges: int = 0
    signal: Signal | None = None  # without GOALS consent: at most one sentence, for a worker on the ladder


@dataclass(frozen=True)
class OverviewPage:
    rows: list[OverviewRow]
    page: int
    pages: int
    total: int
    has_next: bool
    has_previous: bool


def work_hours(settings: Settings) -> WorkHours:
    return WorkHours(start=settings.work_start, end=settings.work_end, days=settings.weekdays, zone=settings.zone)


def first_name(person: Person | None) -> str:
    name = (person.name or "").strip() if person else ""
    return name.split()[0] if name else "?"


def _rungs(raw: str) -> set[Rung]:
    return {Rung(part) for part in raw.split(",") if part}


def _today(svc: Services) -> date:
    return svc.now().astimezone(svc.settings.zone).date()


def _open_episode():
    """The nudge belongs to the goal's current stall episode: progress (stall_since None) or a newer episode
    ends it, and its ladder with it."""
    return and_(Goal.status == GoalStatus.ACTIVE, Goal.stall_since.is_not(None), Goal.stall_since <= Nudge.created_at)


# --- the ladder ---------------------------------------------------------------------------------------


def daily_look(nudge_id: int, now: datetime, hours: WorkHours) -> datetime:
    """Tomorrow before working hours start, spread over the night by nudge: an absence that begins or ends by
    the calendar reroutes the nudge before anyone reads it."""
    night = max(hours.start.hour * 60 + hours.start.minute, 1)
    tomorrow = now.astimezone(hours.zone).date() + timedelta(days=1)
    return (datetime.combine(tomorrow, time(0), hours.zone) + timedelta(minutes=nudge_id % night)).astimezone(UTC)


async def climb_soon(session: AsyncSession, now: datetime, *, households: Iterable[int] = (),
                     worker_id: int | None = None) -> None:
    """The care team changed (an absence, a handover, a member joined or left): the open nudges of these
    households, or of every household this worker is on the team of, are looked at in the next tick."""
    ids = set(households)
    if worker_id is not None:
        ids |= set((await session.execute(
            select(CareTeamMember.household_id).where(CareTeamMember.worker_id == worker_id))).scalars())
    if not ids:
        return
    await session.execute(
        update(Nudge)
        .where(Nudge.next_climb_at.is_not(None), Nudge.next_climb_at > now,
               Nudge.goal_id.in_(select(Goal.id).where(Goal.household_id.in_(ids))))
        .values(next_climb_at=now)
        .execution_options(synchronize_session=False)
    )


async def care_teams(session: AsyncSession, household_ids: Iterable[int], today: date) -> dict[int, Team]:
    """Per household: who holds the coordinating, backup and procesregisseur place, and who of them is absent today."""
    ids = set(household_ids)
    if not ids:
        return {}
    rows = (await session.execute(
        select(CareTeamMember.household_id, CareTeamMember.worker_id, CareTeamMember.role)
        .join(Person, Person.id == CareTeamMember.worker_id)
        .where(CareTeamMember.household_id.in_(ids), CareTeamMember.role.in_(LADDER_ROLES), Person.active)
        .order_by(CareTeamMember.id)
    )).all()
    slots: dict[int, dict[str, int]] = defaultdict(dict)
    for household_id, worker_id, role in rows:
        slots[household_id].setdefault(role, worker_id)  # the earliest on a role holds the rung
    workers = {worker_id for _, worker_id, _ in rows}
    absent = await _absent(session, workers, today)
    return {
        household_id: Team(
            coordinating=roles.get(CareRole.COORDINATING), backup=roles.get(CareRole.BACKUP),
            procesregisseur=roles.get(CareRole.PROCESREGISSEUR), absent=frozenset(absent & set(roles.values())),
        )
        for household_id, roles in slots.items()
    }


async def _absent(session: AsyncSession, worker_ids: Iterable[int], today: date) -> set[int]:
    ids = set(worker_ids)
    if not ids:
        return set()
    rows = await session.execute(
        select(Absence.worker_id).where(
            Absence.worker_id.in_(ids), Absence.starts_on <= today, Absence.ends_on >= today
        )
    )
    return set(rows.scalars())


async def _climb(svc: Services, *, batch: int) -> int:
    """Record the rungs each nudge whose look is due reached by now and add a delivery for each new recipient;
    give it its next look."""
    now, today = svc.now(), _today(svc)
    hours, policy = work_hours(svc.settings), LadderPolicy()
    added = 0
    while True:
        async with svc.unit() as session:
            due = list((await session.execute(
                select(Nudge, Goal)
                .join(Goal, Goal.id == Nudge.goal_id)
                .where(Nudge.next_climb_at <= now)
                .order_by(Nudge.next_climb_at).limit(batch)
                .with_for_update(skip_locked=True, of=Nudge)
            )).all())
            if not due:
                return added
            rows = []
            for nudge, goal in due:
                open_episode = (goal.status == GoalStatus.ACTIVE and goal.stall_since is not None
                                and goal.stall_since <= nudge.created_at)
                if nudge.acknowledged_at is not None or not open_episode:
                    nudge.next_climb_at = None  # acknowledged, or progress closed its episode: it climbs no more
                elif nudge.snoozed_until is not None and nudge.snoozed_until > now:
                    nudge.next_climb_at = nudge.snoozed_until
                else:
                    sent_at = max(nudge.created_at, nudge.snoozed_until or nudge.created_at)
                    rung = next_rung_at(sent_at, hours=hours, policy=policy, now=now)
                    daily = daily_look(nudge.id, now, hours)
                    nudge.next_climb_at = min(rung, daily) if rung is not None else daily
                    rows.append((nudge, goal))
            teams = await care_teams(session, {goal.household_id for _, goal in rows}, today)
            delivered: dict[int, set[int]] = defaultdict(set)
            for nudge_id, worker_id in (await session.execute(
                select(NudgeDelivery.nudge_id, NudgeDelivery.worker_id)
                .where(NudgeDelivery.nudge_id.in_([n.id for n, _ in rows]))
            )).all():
                delivered[nudge_id].add(worker_id)
            for nudge, goal in rows:
                team = teams.get(goal.household_id, Team())
                sent_at = max(nudge.created_at, nudge.snoozed_until or nudge.created_at)
                due = due_rungs(sent_at, acknowledged=False, hours=hours, policy=policy, now=now)
                reached = _rungs(nudge.rungs)
                new = [rung for rung in LADDER if rung in due and rung not in reached]
                if new:
                    nudge.rungs = ",".join(rung for rung in LADDER if rung in reached or rung in new)
                    owner = await session.get(Person, goal.client_id or goal.owner_id)
                    for rung in new:
                        audit(session, at=now, action="nudge.escalated", subject=owner, scope=rung)
                # Every reached rung, not only the new ones: an absence or a handover since then reroutes it.
                for rung in LADDER:
                    if rung not in due:
                        continue
                    for worker_id in recipients(team, rungs_reached=frozenset({rung})):
                        if worker_id in delivered[nudge.id]:
                            continue
                        delivered[nudge.id].add(worker_id)
                        session.add(NudgeDelivery(nudge_id=nudge.id, worker_id=worker_id, rung=rung, created_at=now))
                        added += 1
            await session.commit()
        if len(due) < batch:
            return added


# --- what a worker reads ------------------------------------------------------------------------------


def nudge_buttons(t: Translator, nudge_id: int, client_id: int) -> list[list[tuple[str, str]]]:
    """The nudge's buttons as (label, callback data) rows: they travel through the outbox as data."""
    return [
        [(t.gettext("📞 I will get in touch"), callbacks.make("ndg", "contact", nudge_id))],
        [(t.gettext("👀 Seen"), callbacks.make("ndg", "seen", nudge_id))],
        [(t.ngettext("⏰ Later: {n} day", "⏰ Later: {n} days", days).format(n=days),
          callbacks.make("ndg", "later", f"{nudge_id}.{days}")) for days in SNOOZE_DAYS],
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
    name = first_name(client)
    reasons = [StallReason(r) for r in nudge.reasons.split(",") if r in set(StallReason)]
    shares = client is not None and await _may_see_goals(svc, session, worker, client)
    if shares:
        lines = [t.gettext(NUDGE_HEADER).format(name=name), t.gettext("Goal: {title}").format(title=goal.title)]
        if goal.step:
            lines.append(t.gettext("Step: {step}").format(step=goal.step))
        if reasons:
            lines += ["", t.gettext("What happened:")] + [f"• {t.gettext(REASON_TEXTS[r])}" for r in reasons]
        checkins = list((await session.execute(
            select(GoalCheckin).where(GoalCheckin.goal_id == goal.id)
            .order_by(GoalCheckin.prompted_at.desc(), GoalCheckin.id.desc()).limit(LAST_CHECKINS)
        )).scalars())
        if checkins:
            lines += ["", t.gettext("Last check-ins:")]
            for row in reversed(checkins):
                answer = t.gettext(ANSWER_LABELS[Answer(row.answer)]) if row.answer else t.gettext("no answer")
                lines.append(f"• {t.day(row.answered_at or row.prompted_at)}: {answer}")
    else:
        # The one sentence a worker may read without consent; the look is audited like any other.
        lines = ["⏸ " + t.gettext(SIGNAL_TEXTS[stall_signal(reasons)]).format(name=name),
                 t.gettext(NOT_SHARED).format(name=name)]
        audit(session, at=svc.now(), action="view", actor=worker, subject=client, scope=STATUS_SCOPE)
    if rung in (Rung.BACKUP, Rung.PROCESREGISSEUR):
        lines += ["", t.gettext(ESCALATED)]
    elif rung == Rung.COORDINATING and not await has_place(
        session, goal.household_id, worker.id, CareRole.COORDINATING
    ):
        lines += ["", t.gettext(STANDING_IN)]
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
        name = first_name(client)
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
                lines[index] = f"{index + 1}. " + t.gettext(SIGNAL_TEXTS[signal]).format(name=name)
            continue
        audit(session, at=svc.now(), action="view", actor=worker, subject=client, scope=STATUS_SCOPE)
        signals[key] = (len(lines), signal)
        lines.append(f"{len(lines) + 1}. " + t.gettext(SIGNAL_TEXTS[signal]).format(name=name))
        buttons.append([(f"📂 {len(lines)}. {name}"[:60], callbacks.make("ndg", "open", nudge.id))])
    header = t.ngettext("One message about your clients:", "{n} messages about your clients:",
                        len(lines)).format(n=len(lines))
    lines = [header, *lines, "", t.gettext("Tap a name to see more and respond.")]
    return NudgeMessage("\n".join(lines), buttons)


async def _send_waiting(svc: Services, *, batch: int) -> int:
    """In working time only: each worker's waiting deliveries, one as the full nudge, several as one digest."""
    now, today = svc.now(), _today(svc)
    if not is_working_time(work_hours(svc.settings), now):
        return 0
    waiting = (
        select(NudgeDelivery.worker_id)
        .join(Nudge, Nudge.id == NudgeDelivery.nudge_id)
        .join(Goal, Goal.id == Nudge.goal_id)
        .where(NudgeDelivery.notified_at.is_(None), Nudge.acknowledged_at.is_(None), _open_episode())
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
                .where(Nudge.acknowledged_at.is_(None), _open_episode())
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
                for chunk_start in range(0, len(items), DIGEST_MAX):
                    chunk = items[chunk_start:chunk_start + DIGEST_MAX]
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


# --- what a worker does with a nudge ------------------------------------------------------------------


async def _worker(session: AsyncSession, telegram_id: int) -> Person:
    worker = await person_by_telegram(session, telegram_id)
    if worker is None or worker.role != Role.WORKER or not worker.active:
        raise NotAllowed("only a worker")
    return worker


async def _nudge_for(svc: Services, session: AsyncSession, worker: Person, nudge_id: int) -> tuple[Nudge, Goal]:
    """The nudge, if this worker was told about it or is on the household's care team; else audited and refused."""
    row = (await session.execute(
        select(Nudge, Goal).join(Goal, Goal.id == Nudge.goal_id).where(Nudge.id == nudge_id)
    )).first()
    if row is None:
        raise NotFound("nudge")
    nudge, goal = row
    told = (await session.execute(select(NudgeDelivery.id).where(
        NudgeDelivery.nudge_id == nudge.id, NudgeDelivery.worker_id == worker.id))).first()
    in_team = (await session.execute(select(CareTeamMember.id).where(
        CareTeamMember.household_id == goal.household_id, CareTeamMember.worker_id == worker.id))).first()
    if told is None and in_team is None:
        owner = await session.get(Person, goal.client_id or goal.owner_id)
        audit(session, at=svc.now(), action="nudge.forged", actor=worker, subject=owner, outcome="denied")
        await session.commit()
        raise NotAllowed("not this worker's nudge")
    return nudge, goal


async def _acknowledger(session: AsyncSession, nudge_id: int) -> tuple[int | None, str | None]:
    row = (await session.execute(
        select(Nudge.acknowledged_by_id, Person.name).outerjoin(Person, Person.id == Nudge.acknowledged_by_id)
        .where(Nudge.id == nudge_id)
    )).first()
    return (row[0], row[1]) if row else (None, None)


async def nudge_message(svc: Services, worker_telegram_id: int, nudge_id: int) -> NudgeMessage:
    """`ndg:open`: the full nudge, as it would be sent, for a worker who may see it."""
    async with svc.unit() as session:
        worker = await _worker(session, worker_telegram_id)
        nudge, goal = await _nudge_for(svc, session, worker, nudge_id)
        rung = (await session.execute(select(NudgeDelivery.rung).where(
            NudgeDelivery.nudge_id == nudge.id, NudgeDelivery.worker_id == worker.id))).scalar_one_or_none()
        message = await _render(svc, session, worker, nudge, goal, rung)
        await session.commit()  # the audited look
        return message


async def acknowledge(svc: Services, worker_telegram_id: int, nudge_id: int, kind: str) -> AckResult:
    """"I will get in touch" or "seen": the first worker wins (one atomic UPDATE), everyone after hears who did."""
    if kind not in ACK_KINDS:
        raise ValueError(kind)
    now = svc.now()
    async with svc.unit() as session:
        worker = await _worker(session, worker_telegram_id)
        nudge, goal = await _nudge_for(svc, session, worker, nudge_id)
        client = await session.get(Person, goal.client_id or goal.owner_id)
        # The UPDATE is the first write of this unit: on SQLite the second one waits for the first to commit,
        # on PostgreSQL for its row lock; either way it then finds acknowledged_at set and changes nothing.
        result = await session.execute(
            update(Nudge)
            .where(Nudge.id == nudge.id, Nudge.acknowledged_at.is_(None))
            .values(acknowledged_at=now, acknowledged_by_id=worker.id, acknowledgement=kind, next_climb_at=None)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            audit(session, at=now, action="nudge.acknowledged", actor=worker, subject=client, scope=kind)
            await session.commit()
            return AckResult("ok", worker.name, first_name(client), goal.client_id or goal.owner_id)
        by_id, by_name = await _acknowledger(session, nudge.id)
        await session.commit()
        return AckResult("already", by_name or "?", first_name(client), goal.client_id or goal.owner_id,
                         by_me=by_id == worker.id)


async def snooze(svc: Services, worker_telegram_id: int, nudge_id: int, days: int) -> SnoozeResult:
    """"Later": quiet for 1, 3 or 7 days; then the ladder counts again from that moment and this worker gets the
    nudge again. Waiting deliveries to others wait as well."""
    if days not in SNOOZE_DAYS:
        raise ValueError(days)
    now = svc.now()
    until = now + timedelta(days=days)
    async with svc.unit() as session:
        worker = await _worker(session, worker_telegram_id)
        nudge, goal = await _nudge_for(svc, session, worker, nudge_id)
        result = await session.execute(
            update(Nudge).where(Nudge.id == nudge.id, Nudge.acknowledged_at.is_(None))
            .values(snoozed_until=until, next_climb_at=until).execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            _, by_name = await _acknowledger(session, nudge.id)
            await session.commit()
            return SnoozeResult("already", None, by_name or "?")
        mine = (await session.execute(select(NudgeDelivery).where(
            NudgeDelivery.nudge_id == nudge.id, NudgeDelivery.worker_id == worker.id))).scalar_one_or_none()
        if mine is None:  # a team member who opened it without a delivery of their own: their role as the rung
            role = (
                await session.execute(
                    select(CareTeamMember.role).where(
                        CareTeamMember.household_id == goal.household_id, CareTeamMember.worker_id == worker.id
                    )
                )
            ).scalar_one_or_none()
            mine = NudgeDelivery(
                nudge_id=nudge.id, worker_id=worker.id, rung=role or CareRole.INVOLVED, created_at=until
            )
            session.add(mine)
        mine.notified_at, mine.created_at = None, until
        client = await session.get(Person, goal.client_id or goal.owner_id)
        audit(session, at=now, action="nudge.snoozed", actor=worker, subject=client, scope=str(days))
        await session.commit()
        return SnoozeResult("ok", until)


# --- absence and handover -----------------------------------------------------------------------------


async def set_absence(svc: Services, worker_telegram_id: int, starts_on: date, ends_on: date) -> AbsenceView:
    """/afwezig: from `starts_on` to `ends_on` (both included) the worker's nudges go to the backup.
    An earlier absence overlapping these days is replaced."""
    if starts_on > ends_on:
        raise BadDates("order")
    if ends_on < _today(svc):
        raise BadDates("past")
    async with svc.unit() as session:
        worker = await _worker(session, worker_telegram_id)
        await session.execute(delete(Absence).where(
            Absence.worker_id == worker.id, Absence.starts_on <= ends_on, Absence.ends_on >= starts_on))
        session.add(Absence(worker_id=worker.id, starts_on=starts_on, ends_on=ends_on))
        await climb_soon(session, svc.now(), worker_id=worker.id)  # away from today: the backup, at once
        audit(session, at=svc.now(), action="absence.set", actor=worker, subject=worker)
        await session.commit()
        return AbsenceView(starts_on, ends_on)


async def my_absences(svc: Services, worker_telegram_id: int) -> list[AbsenceView]:
    """The worker's current and coming absences, soonest first."""
    async with svc.unit() as session:
        worker = await _worker(session, worker_telegram_id)
        rows = await session.execute(
            select(Absence.starts_on, Absence.ends_on)
            .where(Absence.worker_id == worker.id, Absence.ends_on >= _today(svc)).order_by(Absence.starts_on)
        )
        return [AbsenceView(start, end) for start, end in rows.all()]


async def clear_absence(svc: Services, worker_telegram_id: int) -> bool:
    """Back early: the current absence ends yesterday and coming ones are dropped. False when there was none."""
    today = _today(svc)
    async with svc.unit() as session:
        worker = await _worker(session, worker_telegram_id)
        rows = list((await session.execute(
            select(Absence).where(Absence.worker_id == worker.id, Absence.ends_on >= today))).scalars())
        for row in rows:
            if row.starts_on < today:
                row.ends_on = today - timedelta(days=1)  # the days already away stay on record
            else:
                await session.delete(row)
        if rows:
            await climb_soon(session, svc.now(), worker_id=worker.id)
            audit(session, at=svc.now(), action="absence.cleared", actor=worker, subject=worker)
        await session.commit()
        return bool(rows)


async def handover(
    svc: Services, *, household_id: int, to_worker_telegram_id: int, by_telegram_id: int | None,
    keep_previous: bool = True,
) -> HandoverResult:
    """The coordinating role moves to another worker. The previous one stays as "involved" (or leaves the team
    with `keep_previous=False`). Goals, check-ins, versions, consents and the audit trail stay as they are.
    Only the current coordinating worker, or the operator (`by_telegram_id` None), may do this."""
    now = svc.now()
    async with svc.unit() as session:
        actor = await person_by_telegram(session, by_telegram_id) if by_telegram_id is not None else None
        current = (
            await session.execute(
                select(CareTeamMember).where(
                    CareTeamMember.household_id == household_id, CareTeamMember.role == CareRole.COORDINATING
                )
            )
        ).scalar_one_or_none()
        if by_telegram_id is not None and (actor is None or current is None or current.worker_id != actor.id):
            audit(session, at=now, action="team.handover", actor=actor, outcome="denied")
            await session.commit()
            raise NotAllowed("only the coordinating worker hands over")
        target = await person_by_telegram(session, to_worker_telegram_id)
        if target is None or target.role != Role.WORKER or not target.active:
            raise NotFound("worker")
        previous_id = current.worker_id if current else None
        if previous_id == target.id:
            return HandoverResult(household_id, previous_id, target.id)
        if current is not None:
            if keep_previous:
                current.role = CareRole.INVOLVED
            else:
                await session.delete(current)
            await session.flush()
        row = (await session.execute(select(CareTeamMember).where(
            CareTeamMember.household_id == household_id, CareTeamMember.worker_id == target.id))).scalar_one_or_none()
        if row is None:
            session.add(
                CareTeamMember(household_id=household_id, worker_id=target.id, role=CareRole.COORDINATING, since=now)
            )
        else:
            row.role, row.since = CareRole.COORDINATING, now
        await climb_soon(session, now, households=[household_id])
        audit(session, at=now, action="team.handover", actor=actor, subject=target, scope=CareRole.COORDINATING)
        await session.commit()
        return HandoverResult(household_id, previous_id, target.id)


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
