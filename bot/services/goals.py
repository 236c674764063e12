"""Goals on the herstelplan: the client's own words, small steps, check-ins at their rhythm, stall detection.

The tick calls `queue_goal_prompts` and `sweep_stalls`; both select what is due with indexed queries, in
batches, and are safe to run twice (rows taken with SKIP LOCKED, outbox de-duplication keys, one stall
episode per goal).

Each goal carries when its stall rules next need a look (`next_look_at`; the pure rule is
`bot.domain.goals.next_look`): a prompt that goes out sets it to when that prompt would count as missed, an
answer or a change sets it to now, and each look to the next moment a rule could start to apply (28 days
without progress, the day after the target date, an open prompt's 48 hours). So the tick looks at what is
due, not at every goal: its cost follows what happens, not how many goals there are.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import callbacks
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
    next_look,
    stall_reasons,
)
from bot.domain.roles import Role
from bot.i18n import N_, translator
from bot.outbox import store as outbox
from bot.services.base import NotAllowed, NotFound, Services, audit, person_by_telegram

STALL_TEXT = N_(
    "Your goal \"{goal}\" is not moving right now. That happens, and it is normal. "
    "What would help?"
)
RECENT_PROMPTS = 6  # enough for every stall rule (2 missed, 3 'nog niet')


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


def _event(
    session: AsyncSession, goal: Goal, kind: str, at: datetime, by: Person | None, detail: object = None
) -> None:
    session.add(GoalEvent(goal_id=goal.id, at=at, kind=kind, by_id=by.id if by else None,
                          detail=json.dumps(detail, ensure_ascii=False, default=str) if detail is not None else None))


def look_now(goal: Goal, now: datetime) -> None:
    """Something happened to the goal (an answer, a change, a resume): the next tick asks the stall rules again.
    A goal that is not active, or in an open episode (its one nudge is out; only progress closes it), needs no
    look until that changes."""
    goal.next_look_at = now if goal.status == GoalStatus.ACTIVE and goal.stall_since is None else None


def look_when_missed(svc: Services, goal: Goal, prompted_at: datetime) -> None:
    """A prompt went out: by the end of its answer window the goal needs a look, if not sooner."""
    if goal.status != GoalStatus.ACTIVE or goal.stall_since is not None:
        return
    missed_at = prompted_at + svc.settings.stall_policy.answer_window
    if goal.next_look_at is None or missed_at < goal.next_look_at:
        goal.next_look_at = missed_at


def remember_prompt(goal: Goal, checkin_id: int, at: datetime) -> None:
    """Keep the goal's own copy of its last prompts (`recent_prompts`) in step with goal_checkins."""
    if goal.recent_prompts is None:
        return  # not known yet: the next look reads goal_checkins
    items = [*goal.recent_prompts, [checkin_id, at.timestamp(), None, None]]
    goal.recent_prompts = sorted(items, key=lambda p: (p[1], p[0]))[-RECENT_PROMPTS:]


def remember_answer(goal: Goal, checkin_id: int, at: datetime, answer: Answer) -> None:
    if goal.recent_prompts is None:
        return
    goal.recent_prompts = [[i, sent, at.timestamp(), answer.value] if i == checkin_id else [i, sent, done, given]
                           for i, sent, done, given in goal.recent_prompts]


def _prompts(packed: list[list[Any]]) -> tuple[Prompt, ...]:
    return tuple(Prompt(datetime.fromtimestamp(sent, UTC),
                        datetime.fromtimestamp(done, UTC) if done is not None else None,
                        Answer(given) if given else None) for _, sent, done, given in packed)


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
            next_look_at=now,  # the next tick works out when the rules can first apply
            recent_prompts=[],
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
            checkin_time=client.checkin_time or time(10), every_weeks=1, recent_prompts=[],
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
        look_now(goal, now)
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
        look_now(goal, now)
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
        asked = {"title": title, "step": step, "target_date": target_date, "checkin_weekday": weekday,
                 "checkin_time": at, "every_weeks": every_weeks}
        changes = {k: v for k, v in asked.items() if v is not None}
        for key, value in changes.items():
            setattr(goal, key, value)
        if "step" in changes:
            goal.stall_since = None  # a new, smaller step is a fresh start
            goal.last_progress_at = now
        _schedule(svc, goal)
        look_now(goal, now)
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
        remember_answer(goal, checkin.id, now, answer)
        if answer in PROGRESS:
            goal.last_progress_at = now
            goal.stall_since = None  # progress ends a stall episode; a new one needs a new stall
        look_now(goal, now)  # an answer decides a prompt; a third "nog niet" stalls at once
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
        remember_prompt(goal, row.id, row.prompted_at)
        look_when_missed(svc, goal, row.prompted_at)
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
    """Tick: prompts for goals whose check-in is due (indexed on status, next_checkin_at), in batches; a batch's
    check-in rows and messages are written together."""
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
            prompted: list[tuple[Goal, Person, datetime | None, GoalCheckin]] = []
            for goal, owner in rows:
                slot = goal.next_checkin_at
                _schedule(svc, goal)
                if owner.reminders_paused or not owner.active or owner.deletion_due_at is not None or owner.unreachable:
                    continue
                checkin = GoalCheckin(goal_id=goal.id, prompted_at=now)
                session.add(checkin)
                prompted.append((goal, owner, slot, checkin))
            await session.flush()  # one insert for the batch's check-ins, which gives their ids
            messages = []
            for goal, owner, slot, checkin in prompted:
                remember_prompt(goal, checkin.id, now)
                look_when_missed(svc, goal, now)
                t = translator(owner.locale, svc.settings.zone)
                text = t.gettext("How did it go with your step \"{step}\"?").format(step=goal.step or goal.title)
                buttons = [[(t.gettext(label), callbacks.make("gchk", answer_key(answer), checkin.id))]
                           for answer, label in ANSWER_LABELS.items()]
                messages.append(outbox.Message(f"goal-checkin:{goal.id}:{slot.isoformat() if slot else now}", owner,
                                               "goal_checkin", text, buttons))
            queued += await outbox.enqueue_many(session, messages, now=now)
            await session.commit()
        if len(rows) < batch:
            return queued




async def _recent_checkins(session: AsyncSession, goal_ids: Sequence[int]) -> dict[int, list[list[Any]]]:
    """The last few prompts of each goal from goal_checkins, in one query (a window function: the same on SQLite
    and PostgreSQL), packed as `recent_prompts`."""
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
        select(ranked.c.goal_id, ranked.c.id, ranked.c.prompted_at, ranked.c.answered_at, ranked.c.answer)
        .where(ranked.c.n <= RECENT_PROMPTS)
        .order_by(ranked.c.goal_id, ranked.c.prompted_at, ranked.c.id)
    )
    out: dict[int, list[list[Any]]] = {}
    for goal_id, checkin_id, prompted_at, answered_at, answer in rows.all():
        out.setdefault(goal_id, []).append(
            [checkin_id, prompted_at.timestamp(), answered_at.timestamp() if answered_at else None, answer])
    return out


@dataclass(frozen=True)
class Stall:
    goal_id: int
    nudge_id: int
    reasons: tuple[StallReason, ...]


async def sweep_stalls(svc: Services, *, batch: int = 1000, policy: StallPolicy | None = None) -> list[Stall]:
    """Tick: look at the goals whose look is due (a range on the next_look_at index). An active goal that
    stalled and is not in an open episode opens one, with one nudge, and a gentle message to the client. Every
    goal looked at gets its next look (`next_look`), so it leaves the range until then. Only the columns the
    rules need are read (no decrypting of titles and steps), except for a goal that stalls."""
    policy = policy or svc.settings.stall_policy
    now, zone = svc.now(), svc.settings.zone
    stalls: list[Stall] = []
    while True:
        async with svc.unit() as session:
            rows = (await session.execute(
                select(Goal.id, Goal.status, Goal.stall_since, Goal.created_at, Goal.target_date, Goal.last_progress_at,
                       Goal.recent_prompts)
                .where(Goal.next_look_at <= now)
                .order_by(Goal.next_look_at).limit(batch).with_for_update(skip_locked=True)
            )).all()
            if not rows:
                return stalls
            # Not active, or an open episode: no look until that changes (a resume, progress).
            looked = [row for row in rows if row.status == GoalStatus.ACTIVE and row.stall_since is None]
            unknown = await _recent_checkins(session, [row.id for row in looked if row.recent_prompts is None])
            changes = {row.id: {"id": row.id, "next_look_at": None} for row in rows}
            stalled: list[tuple[int, tuple[StallReason, ...]]] = []
            for row in looked:
                packed = row.recent_prompts
                if packed is None:  # the goal's first look since the upgrade: its copy is made now
                    packed = changes[row.id]["recent_prompts"] = unknown.get(row.id, [])
                facts = GoalFacts(GoalStatus.ACTIVE, row.created_at, row.target_date, _prompts(packed),
                                  row.last_progress_at, False)
                look = next_look(facts, policy, now=now, zone=zone)
                if look == now:
                    stalled.append((row.id, stall_reasons(facts, policy, now=now, zone=zone)))
                else:
                    changes[row.id]["next_look_at"] = look
            for keys in ({"id", "next_look_at"}, {"id", "next_look_at", "recent_prompts"}):
                same = [change for change in changes.values() if set(change) == keys]
                if same:
                    await session.execute(update(Goal), same)
            for goal_id, reasons in stalled:
                stalls.append(await _open_episode(svc, session, goal_id, reasons, now))
            await session.commit()
        if len(rows) < batch:
            return stalls


async def _open_episode(svc: Services, session: AsyncSession, goal_id: int, reasons: tuple[StallReason, ...],
                        now: datetime) -> Stall:
    """A stall episode begins: one nudge for the care team (bot/services/nudges.py) and a gentle message to the
    client with three ways on."""
    goal = await session.get(Goal, goal_id)
    assert goal is not None
    goal.stall_since = now
    nudge = Nudge(goal_id=goal.id, reasons=",".join(reasons), created_at=now, rungs="", next_climb_at=now)
    session.add(nudge)
    await session.flush()
    _event(session, goal, "stalled", now, None, {"reasons": list(reasons)})
    owner = await session.get(Person, goal.owner_id)
    if owner is not None and owner.active and not owner.unreachable and owner.deletion_due_at is None:
        t = translator(owner.locale, svc.settings.zone)
        await outbox.enqueue(
            session, dedup_key=f"stall-client:{nudge.id}", person=owner, kind="stall", now=now,
            text=t.gettext(STALL_TEXT).format(goal=goal.title),
            buttons=[[(t.gettext(label), callbacks.make("gstall", key, goal.id))]
                     for key, label in STALL_CHOICES.items()],
        )
    return Stall(goal.id, nudge.id, reasons)


async def goal_history(svc: Services, client_telegram_id: int, goal_id: int) -> list[tuple[datetime, Answer | None]]:
    async with svc.unit() as session:
        client = await acting_client(session, client_telegram_id)
        goal = await own_goal(session, client, goal_id)
        rows = await session.execute(
            select(GoalCheckin.prompted_at, GoalCheckin.answer)
            .where(GoalCheckin.goal_id == goal.id)
            .order_by(GoalCheckin.prompted_at)
        )
        return [(at, Answer(answer) if answer else None) for at, answer in rows.all()]
