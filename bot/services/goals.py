"""Goals on the herstelplan: the client's own words, small steps, check-ins at their rhythm, stall detection.

The tick calls `queue_goal_prompts` and `sweep_stalls`; both select what is due with indexed queries, in
batches, and are safe to run twice (outbox de-duplication keys, one stall episode per goal).
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import callbacks, outbox
from bot.db.models import Goal, GoalCheckin, GoalEvent, Nudge, Person
from bot.domain.goals import (  # the labels and answer keys live with the rules; prompts here still use them
    ANSWER_LABELS,
    PROGRESS,
    STALL_CHOICES,
    Answer,
    Domain,
    GoalFacts,
    GoalStatus,
    Prompt,
    StallPolicy,
    StallReason,
    answer_key,
    next_goal_checkin,
    stall_reasons,
)
from bot.domain.roles import Role
from bot.i18n import N_, translator
from bot.services.base import NotAllowed, NotFound, Services, audit, person_by_telegram

STALL_TEXT = N_(
    "Your goal \"{goal}\" is not moving right now. That happens, and it is normal. "
    "What would help?"
)
RECENT_PROMPTS = 6  # enough for every stall rule (2 missed, 3 'nog niet')
# Each active goal is looked at about once an hour, so a minute's tick handles ~1/60 of them: the rules work in
# hours and days, and the cost per tick stays flat however many goals there are.
SWEEP_EVERY = timedelta(hours=1)


@dataclass(frozen=True)
class GoalView:
    id: int
    domain: Domain
    title: str
    why: str | None
    step: str | None
    target_date: date | None
    status: GoalStatus
    household: bool
    owner_id: int
    checkin_weekday: int
    checkin_time: time
    every_weeks: int
    next_checkin_at: datetime | None
    stalled: bool


def _view(goal: Goal) -> GoalView:
    return GoalView(
        goal.id, Domain(goal.domain), goal.title, goal.why, goal.step, goal.target_date, GoalStatus(goal.status),
        goal.client_id is None, goal.owner_id, goal.checkin_weekday, goal.checkin_time, goal.every_weeks,
        goal.next_checkin_at, goal.stall_since is not None,
    )


async def acting_client(session: AsyncSession, telegram_id: int) -> Person:
    person = await person_by_telegram(session, telegram_id)
    if person is None or person.role != Role.CLIENT or not person.active:
        raise NotAllowed("only a client")
    return person


async def own_goal(session: AsyncSession, client: Person, goal_id: int) -> Goal:
    """A goal of this client, or of their household. Anything else (a forged id) is refused."""
    goal = await session.get(Goal, goal_id)
    if goal is None or not (
        goal.client_id == client.id or (goal.client_id is None and goal.household_id == client.household_id)
    ):
        raise NotAllowed("not this client's goal")
    return goal


def _event(session: AsyncSession, goal: Goal, kind: str, at: datetime, by: Person | None, detail: object = None) -> None:
    session.add(GoalEvent(goal_id=goal.id, at=at, kind=kind, by_id=by.id if by else None,
                          detail=json.dumps(detail, ensure_ascii=False, default=str) if detail is not None else None))


def _schedule(svc: Services, goal: Goal) -> None:
    goal.next_checkin_at = (
        next_goal_checkin(goal.checkin_weekday, goal.checkin_time, goal.every_weeks, now=svc.now(),
                          zone=svc.settings.zone, anchor=goal.created_at.date())
        if goal.status == GoalStatus.ACTIVE else None
    )


async def create_goal(
    svc: Services, client_telegram_id: int, *, domain: Domain, title: str, why: str | None = None,
    step: str | None = None, target_date: date | None = None, weekday: int = 1, at: time = time(10),
    every_weeks: int = 1, household: bool = False,
) -> GoalView:
    """The client's own goal: active at once."""
    if not 1 <= weekday <= 7 or every_weeks not in (1, 2):
        raise ValueError("bad rhythm")
    now = svc.now()
    async with svc.unit() as session:
        client = await acting_client(session, client_telegram_id)
        if client.household_id is None:
            raise NotAllowed("no household")
        goal = Goal(
            household_id=client.household_id, client_id=None if household else client.id, owner_id=client.id,
            domain=domain, title=title, why=why, step=step, target_date=target_date, status=GoalStatus.ACTIVE,
            created_at=now, checkin_weekday=weekday, checkin_time=at, every_weeks=every_weeks,
            last_swept_at=now - SWEEP_EVERY,  # looked at in the next tick, then about once an hour
        )
        session.add(goal)
        await session.flush()
        _schedule(svc, goal)
        _event(session, goal, "created", now, client, {"title": title, "step": step})
        audit(session, at=now, action="goal.created", actor=client, subject=client, scope="goals")
        view = _view(goal)
        await session.commit()
        return view


async def propose_goal(
    svc: Services, worker_telegram_id: int, client_id: int, *, domain: Domain, title: str, step: str | None = None
) -> GoalView:
    """A worker proposes; nothing is active until the client accepts (the client is the regisseur)."""
    from bot.services.caseload import client_row

    await client_row(svc, worker_telegram_id, client_id)  # raises NotAllowed outside the caseload
    now = svc.now()
    async with svc.unit() as session:
        worker = await person_by_telegram(session, worker_telegram_id)
        client = await session.get(Person, client_id)
        assert worker is not None and client is not None and client.household_id is not None
        goal = Goal(
            household_id=client.household_id, client_id=client.id, owner_id=client.id, domain=domain, title=title,
            step=step, status=GoalStatus.PROPOSED, proposed_by_id=worker.id, created_at=now, checkin_weekday=1,
            checkin_time=client.checkin_time or time(10), every_weeks=1, last_swept_at=now - SWEEP_EVERY,
        )
        session.add(goal)
        await session.flush()
        _event(session, goal, "proposed", now, worker, {"title": title})
        t = translator(client.locale, svc.settings.zone)
        await outbox.enqueue(
            session, dedup_key=f"goal-proposed:{goal.id}", person=client, kind="goal_proposal",
            text=t.gettext("{worker} proposes a goal for you: \"{goal}\". Do you want it? You decide.").format(
                worker=worker.name or "?", goal=title),
            buttons=[[(t.gettext("👍 Yes, I want it"), callbacks.make("goal", "accept", goal.id)),
                      (t.gettext("👎 No, thank you"), callbacks.make("goal", "decline", goal.id))]],
            now=now,
        )
        view = _view(goal)
        await session.commit()
        return view


async def decide_proposal(svc: Services, client_telegram_id: int, goal_id: int, *, accept: bool) -> GoalView:
    now = svc.now()
    async with svc.unit() as session:
        client = await acting_client(session, client_telegram_id)
        goal = await own_goal(session, client, goal_id)
        if goal.status != GoalStatus.PROPOSED:
            raise NotFound("no open proposal")
        goal.status = GoalStatus.ACTIVE if accept else GoalStatus.STOPPED
        _schedule(svc, goal)
        _event(session, goal, "accepted" if accept else "declined", now, client)
        view = _view(goal)
        await session.commit()
        return view


async def my_goals(svc: Services, client_telegram_id: int, *, include_closed: bool = False) -> list[GoalView]:
    async with svc.unit() as session:
        client = await acting_client(session, client_telegram_id)
        query = select(Goal).where(
            or_(Goal.client_id == client.id, (Goal.client_id.is_(None)) & (Goal.household_id == client.household_id))
        )
        if not include_closed:
            query = query.where(Goal.status.in_([GoalStatus.ACTIVE, GoalStatus.PAUSED, GoalStatus.PROPOSED]))
        rows = await session.execute(query.order_by(Goal.domain, Goal.id))
        return [_view(goal) for goal in rows.scalars()]


async def goal(svc: Services, client_telegram_id: int, goal_id: int) -> GoalView:
    async with svc.unit() as session:
        return _view(await own_goal(session, await acting_client(session, client_telegram_id), goal_id))


async def set_status(svc: Services, client_telegram_id: int, goal_id: int, status: GoalStatus) -> GoalView:
    """Pause, resume (ACTIVE), mark reached or stop. History is kept in goal_events."""
    now = svc.now()
    async with svc.unit() as session:
        client = await acting_client(session, client_telegram_id)
        goal = await own_goal(session, client, goal_id)
        if goal.status in (GoalStatus.REACHED, GoalStatus.STOPPED, GoalStatus.PROPOSED):
            raise NotFound("goal is closed")
        goal.status = status
        if status != GoalStatus.ACTIVE:
            goal.stall_since = None  # a paused or closed goal is not stuck
        _schedule(svc, goal)
        _event(session, goal, status.value, now, client)
        view = _view(goal)
        await session.commit()
        return view


async def change_goal(
    svc: Services, client_telegram_id: int, goal_id: int, *, title: str | None = None, step: str | None = None,
    target_date: date | None = None, weekday: int | None = None, at: time | None = None, every_weeks: int | None = None,
) -> GoalView:
    now = svc.now()
    async with svc.unit() as session:
        client = await acting_client(session, client_telegram_id)
        goal = await own_goal(session, client, goal_id)
        changes = {k: v for k, v in {"title": title, "step": step, "target_date": target_date, "checkin_weekday": weekday,
                                     "checkin_time": at, "every_weeks": every_weeks}.items() if v is not None}
        for key, value in changes.items():
            setattr(goal, key, value)
        if "step" in changes:
            goal.stall_since = None  # a new, smaller step is a fresh start
            goal.last_progress_at = now
        _schedule(svc, goal)
        _event(session, goal, "changed", now, client, changes)
        view = _view(goal)
        await session.commit()
        return view


@dataclass(frozen=True)
class Answered:
    goal: GoalView
    answer: Answer
    checkin_id: int


async def answer_checkin(svc: Services, client_telegram_id: int, checkin_id: int, answer: Answer) -> Answered:
    """An answer to a prompt (or to an unprompted check-in from the menu: checkin_id of `open_checkin`)."""
    now = svc.now()
    async with svc.unit() as session:
        client = await acting_client(session, client_telegram_id)
        checkin = await session.get(GoalCheckin, checkin_id)
        if checkin is None:
            raise NotFound("check-in")
        goal = await own_goal(session, client, checkin.goal_id)
        checkin.answer, checkin.answered_at = answer, now
        if answer in PROGRESS:
            goal.last_progress_at = now
            goal.stall_since = None  # progress ends a stall episode; a new one needs a new stall
        _event(session, goal, "answer", now, client, {"answer": answer.value})
        result = Answered(_view(goal), answer, checkin.id)
        await session.commit()
        return result


async def open_checkin(svc: Services, client_telegram_id: int, goal_id: int) -> int:
    """A check-in the client starts from the menu: a prompt row of its own, answered right away."""
    async with svc.unit() as session:
        client = await acting_client(session, client_telegram_id)
        goal = await own_goal(session, client, goal_id)
        row = GoalCheckin(goal_id=goal.id, prompted_at=svc.now())
        session.add(row)
        await session.flush()
        checkin_id = row.id
        await session.commit()
        return checkin_id


async def add_note(svc: Services, client_telegram_id: int, checkin_id: int, *, text: str | None = None,
                   voice_file_id: str | None = None) -> None:
    async with svc.unit() as session:
        client = await acting_client(session, client_telegram_id)
        checkin = await session.get(GoalCheckin, checkin_id)
        if checkin is None:
            raise NotFound("check-in")
        await own_goal(session, client, checkin.goal_id)
        if text is not None:
            checkin.note = text[:4000]
        if voice_file_id is not None:
            checkin.voice_file_id = voice_file_id
        await session.commit()


async def queue_goal_prompts(svc: Services, *, batch: int = 500) -> int:
    """Tick: prompts for goals whose check-in is due (indexed on status, next_checkin_at), in batches."""
    now = svc.now()
    queued = 0
    while True:
        async with svc.unit() as session:
            rows = list((await session.execute(
                select(Goal, Person)
                .join(Person, Person.id == Goal.owner_id)
                .where(Goal.status == GoalStatus.ACTIVE, Goal.next_checkin_at <= now)
                .order_by(Goal.next_checkin_at).limit(batch).with_for_update(skip_locked=True, of=Goal)
            )).all())
            for goal, owner in rows:
                slot = goal.next_checkin_at
                _schedule(svc, goal)
                if owner.reminders_paused or not owner.active or owner.deletion_due_at is not None or owner.unreachable:
                    continue
                checkin = GoalCheckin(goal_id=goal.id, prompted_at=now)
                session.add(checkin)
                await session.flush()
                t = translator(owner.locale, svc.settings.zone)
                text = t.gettext("How did it go with your step \"{step}\"?").format(step=goal.step or goal.title)
                buttons = [[(t.gettext(label), callbacks.make("gchk", answer_key(answer), checkin.id))]
                           for answer, label in ANSWER_LABELS.items()]
                if await outbox.enqueue(session, dedup_key=f"goal-checkin:{goal.id}:{slot.isoformat() if slot else now}",
                                        person=owner, kind="goal_checkin", text=text, buttons=buttons, now=now):
                    queued += 1
            await session.commit()
        if len(rows) < batch:
            return queued




async def _recent_prompts(session: AsyncSession, goal_ids: Sequence[int]) -> dict[int, list[Prompt]]:
    """The last few prompts of each goal in one query (window function: same on SQLite and PostgreSQL)."""
    if not goal_ids:
        return {}
    ranked = (
        select(
            GoalCheckin.goal_id, GoalCheckin.id, GoalCheckin.prompted_at, GoalCheckin.answered_at, GoalCheckin.answer,
            func.row_number().over(
                partition_by=GoalCheckin.goal_id, order_by=(GoalCheckin.prompted_at.desc(), GoalCheckin.id.desc())
            ).label("n"),
        )
        .where(GoalCheckin.goal_id.in_(goal_ids))
        .subquery()
    )
    rows = await session.execute(
        select(ranked.c.goal_id, ranked.c.prompted_at, ranked.c.answered_at, ranked.c.answer)
        .where(ranked.c.n <= RECENT_PROMPTS)
        .order_by(ranked.c.goal_id, ranked.c.prompted_at, ranked.c.id)
    )
    out: dict[int, list[Prompt]] = {}
    for goal_id, prompted_at, answered_at, answer in rows.all():
        out.setdefault(goal_id, []).append(Prompt(prompted_at, answered_at, Answer(answer) if answer else None))
    return out


@dataclass(frozen=True)
class Stall:
    goal_id: int
    nudge_id: int
    reasons: tuple[StallReason, ...]


async def sweep_stalls(svc: Services, *, batch: int = 1000, policy: StallPolicy | None = None) -> list[Stall]:
    """Tick: find active goals that stalled and are not in an open episode; open one, with one nudge, and a
    gentle message to the client. Each batch takes the goals swept longest ago, a range on the
    (status, last_swept_at) index; sweeping moves them past the cutoff, so the next batch is the next range."""
    policy = policy or svc.settings.stall_policy
    now = svc.now()
    stalls: list[Stall] = []
    while True:
        async with svc.unit() as session:
            goals = list((await session.execute(
                select(Goal)
                .where(Goal.status == GoalStatus.ACTIVE, Goal.last_swept_at <= now - SWEEP_EVERY)
                .order_by(Goal.last_swept_at).limit(batch).with_for_update(skip_locked=True)
            )).scalars())
            if not goals:
                return stalls
            prompts = await _recent_prompts(session, [g.id for g in goals])
            for goal in goals:
                goal.last_swept_at = now
                if goal.stall_since is not None:
                    continue  # an open episode: its one nudge is out; only progress closes it
                facts = GoalFacts(GoalStatus(goal.status), goal.created_at, goal.target_date,
                                  tuple(prompts.get(goal.id, ())), goal.last_progress_at, False)
                reasons = stall_reasons(facts, policy, now=now, zone=svc.settings.zone)
                if not reasons:
                    continue
                goal.stall_since = now
                nudge = Nudge(goal_id=goal.id, reasons=",".join(reasons), created_at=now, rungs="")
                session.add(nudge)
                await session.flush()
                _event(session, goal, "stalled", now, None, {"reasons": list(reasons)})
                owner = await session.get(Person, goal.owner_id)
                if owner is not None and owner.active and not owner.unreachable and owner.deletion_due_at is None:
                    t = translator(owner.locale, svc.settings.zone)
                    await outbox.enqueue(
                        session, dedup_key=f"stall-client:{nudge.id}", person=owner, kind="stall", now=now,
                        text=t.gettext(STALL_TEXT).format(goal=goal.title),
                        buttons=[[(t.gettext(label), callbacks.make("gstall", key, goal.id))] for key, label in STALL_CHOICES.items()],
                    )
                stalls.append(Stall(goal.id, nudge.id, reasons))
            await session.commit()
        if len(goals) < batch:
            return stalls


async def goal_history(svc: Services, client_telegram_id: int, goal_id: int) -> list[tuple[datetime, Answer | None]]:
    async with svc.unit() as session:
        client = await acting_client(session, client_telegram_id)
        goal = await own_goal(session, client, goal_id)
        rows = await session.execute(
            select(GoalCheckin.prompted_at, GoalCheckin.answer).where(GoalCheckin.goal_id == goal.id).order_by(GoalCheckin.prompted_at)
        )
        return [(at, Answer(answer) if answer else None) for at, answer in rows.all()]
