"""What a client does with their goals: make, accept a proposal, change, pause, reach, answer, add a note."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import or_, select

from bot.db.models import Goal, GoalCheckin, Person
from bot.domain.goals import (
    PROGRESS,
    Answer,
    Domain,
    GoalStatus,
)
from bot.outbox import store as outbox
from bot.services.base import NotAllowed, NotFound, Services, audit, person_by_telegram
from bot.services.goals import core


async def create_goal(
    svc: Services, client_telegram_id: int, *, domain: Domain, title: str, why: str | None = None,
    step: str | None = None, target_date: date | None = None, weekday: int = 1, at: time = time(10),
    every_weeks: int = 1, household: bool = False,
) -> core.GoalView:
    """The client's own goal: active at once."""
    if not 1 <= weekday <= 7 or every_weeks not in (1, 2):
        raise ValueError("bad rhythm")
    now = svc.now()
    async with svc.unit() as session:
        client = await core.acting_client(session, client_telegram_id)
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
        core.schedule_next(svc, goal)
        core.add_event(session, goal, "created", now, client, {"title": title, "step": step})
        audit(session, at=now, action="goal.created", actor=client, subject=client, scope="goals")
        view = core.goal_view(goal)
        await session.commit()
        return view


async def propose_goal(
    svc: Services, worker_telegram_id: int, client_id: int, *, domain: Domain, title: str, step: str | None = None
) -> core.GoalView:
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
        core.add_event(session, goal, "proposed", now, worker, {"title": title})
        await outbox.refer(session, dedup_key=f"goal-proposed:{goal.id}", person=client, kind="goal_proposal",
                           ref={"goal": goal.id}, about=None, now=now)
        view = core.goal_view(goal)
        await session.commit()
        return view


async def decide_proposal(svc: Services, client_telegram_id: int, goal_id: int, *, accept: bool) -> core.GoalView:
    now = svc.now()
    async with svc.unit() as session:
        client = await core.acting_client(session, client_telegram_id)
        goal = await core.own_goal(session, client, goal_id)
        if goal.status != GoalStatus.PROPOSED:
            raise NotFound("no open proposal")
        goal.status = GoalStatus.ACTIVE if accept else GoalStatus.STOPPED
        core.schedule_next(svc, goal)
        core.look_now(goal, now)
        core.add_event(session, goal, "accepted" if accept else "declined", now, client)
        view = core.goal_view(goal)
        await session.commit()
        return view


async def my_goals(svc: Services, client_telegram_id: int, *, include_closed: bool = False) -> list[core.GoalView]:
    async with svc.unit() as session:
        client = await core.acting_client(session, client_telegram_id)
        query = select(Goal).where(
            or_(Goal.client_id == client.id, (Goal.client_id.is_(None)) & (Goal.household_id == client.household_id))
        )
        if not include_closed:
            query = query.where(Goal.status.in_([GoalStatus.ACTIVE, GoalStatus.PAUSED, GoalStatus.PROPOSED]))
        rows = await session.execute(query.order_by(Goal.domain, Goal.id))
        return [core.goal_view(goal) for goal in rows.scalars()]


async def goal(svc: Services, client_telegram_id: int, goal_id: int) -> core.GoalView:
    async with svc.unit() as session:
        client = await core.acting_client(session, client_telegram_id)
        return core.goal_view(await core.own_goal(session, client, goal_id))


async def set_status(svc: Services, client_telegram_id: int, goal_id: int, status: GoalStatus) -> core.GoalView:
    """Pause, resume (ACTIVE), mark reached or stop. History is kept in goal_events."""
    now = svc.now()
    async with svc.unit() as session:
        client = await core.acting_client(session, client_telegram_id)
        goal = await core.own_goal(session, client, goal_id)
        if goal.status in (GoalStatus.REACHED, GoalStatus.STOPPED, GoalStatus.PROPOSED):
            raise NotFound("goal is closed")
        goal.status = status
        if status != GoalStatus.ACTIVE:
            goal.stall_since = None  # a paused or closed goal is not stuck
        core.schedule_next(svc, goal)
        core.look_now(goal, now)
        core.add_event(session, goal, status.value, now, client)
        view = core.goal_view(goal)
        await session.commit()
        return view


async def change_goal(
    svc: Services, client_telegram_id: int, goal_id: int, *, title: str | None = None, step: str | None = None,
    target_date: date | None = None, weekday: int | None = None, at: time | None = None, every_weeks: int | None = None,
) -> core.GoalView:
    now = svc.now()
    async with svc.unit() as session:
        client = await core.acting_client(session, client_telegram_id)
        goal = await core.own_goal(session, client, goal_id)
        asked = {"title": title, "step": step, "target_date": target_date, "checkin_weekday": weekday,
                 "checkin_time": at, "every_weeks": every_weeks}
        changes = {k: v for k, v in asked.items() if v is not None}
        for key, value in changes.items():
            setattr(goal, key, value)
        if "step" in changes:
            goal.stall_since = None  # a new, smaller step is a fresh start
            goal.last_progress_at = now
        core.schedule_next(svc, goal)
        core.look_now(goal, now)
        core.add_event(session, goal, "changed", now, client, changes)
        view = core.goal_view(goal)
        await session.commit()
        return view


@dataclass(frozen=True)
class Answered:
    goal: core.GoalView
    answer: Answer
    checkin_id: int


async def answer_checkin(svc: Services, client_telegram_id: int, checkin_id: int, answer: Answer) -> Answered:
    """An answer to a prompt (or to an unprompted check-in from the menu: checkin_id of `open_checkin`)."""
    now = svc.now()
    async with svc.unit() as session:
        client = await core.acting_client(session, client_telegram_id)
        checkin = await session.get(GoalCheckin, checkin_id)
        if checkin is None:
            raise NotFound("check-in")
        goal = await core.own_goal(session, client, checkin.goal_id)
        checkin.answer, checkin.answered_at = answer, now
        core.remember_answer(goal, checkin.id, now, answer)
        if answer in PROGRESS:
            goal.last_progress_at = now
            goal.stall_since = None  # progress ends a stall episode; a new one needs a new stall
        core.look_now(goal, now)  # an answer decides a prompt; a third "nog niet" stalls at once
        core.add_event(session, goal, "answer", now, client, {"answer": answer.value})
        result = Answered(core.goal_view(goal), answer, checkin.id)
        await session.commit()
        return result


async def open_checkin(svc: Services, client_telegram_id: int, goal_id: int) -> int:
    """A check-in the client starts from the menu: a prompt row of its own, answered right away."""
    async with svc.unit() as session:
        client = await core.acting_client(session, client_telegram_id)
        goal = await core.own_goal(session, client, goal_id)
        row = GoalCheckin(goal_id=goal.id, prompted_at=svc.now())
        session.add(row)
        await session.flush()
        core.remember_prompt(goal, row.id, row.prompted_at)
        core.look_when_missed(svc, goal, row.prompted_at)
        checkin_id = row.id
        await session.commit()
        return checkin_id


async def add_note(svc: Services, client_telegram_id: int, checkin_id: int, *, text: str | None = None,
                   voice_file_id: str | None = None) -> None:
    async with svc.unit() as session:
        client = await core.acting_client(session, client_telegram_id)
        checkin = await session.get(GoalCheckin, checkin_id)
        if checkin is None:
            raise NotFound("check-in")
        await core.own_goal(session, client, checkin.goal_id)
        if text is not None:
            checkin.note = text[:4000]
        if voice_file_id is not None:
            checkin.voice_file_id = voice_file_id
        await session.commit()




async def goal_history(svc: Services, client_telegram_id: int, goal_id: int) -> list[tuple[datetime, Answer | None]]:
    async with svc.unit() as session:
        client = await core.acting_client(session, client_telegram_id)
        goal = await core.own_goal(session, client, goal_id)
        rows = await session.execute(
            select(GoalCheckin.prompted_at, GoalCheckin.answer)
            .where(GoalCheckin.goal_id == goal.id)
            .order_by(GoalCheckin.prompted_at)
        )
        return [(at, Answer(answer) if answer else None) for at, answer in rows.all()]
