"""What a client asks about a goal beyond the goal itself: a worker getting in touch; the household size
(whether a goal can be for the whole household)."""
from __future__ import annotations

from sqlalchemy import func, select

from bot.db.models import GoalEvent, Person
from bot.domain.roles import CareRole, Role
from bot.domain.workhours import WorkHours, next_working_moment
from bot.outbox import store as outbox
from bot.services.base import Services, audit
from bot.services.caseload import team_members
from bot.services.goals import acting_client, own_goal  # one rule for whose goal this is


async def ask_worker_contact(svc: Services, client_telegram_id: int, goal_id: int) -> str | None:
    """The client asks their coordinating worker to get in touch about a goal (from the stall message).

    The client asked for it, so no consent scope is needed; the message names the client, not the goal.
    It is not urgent: it is delivered in working hours. Returns the worker's name, or None when the household
    has no (active) coordinating worker. Raises NotAllowed for someone else's goal.
    """
    now = svc.now()
    settings = svc.settings
    async with svc.unit() as session:
        client = await acting_client(session, client_telegram_id)
        goal = await own_goal(session, client, goal_id)
        coordinating = await team_members(session, goal.household_id, (CareRole.COORDINATING,))
        if not coordinating:
            return None
        worker = coordinating[0]
        hours = WorkHours(start=settings.work_start, end=settings.work_end, days=settings.weekdays, zone=settings.zone)
        day = now.astimezone(settings.zone).date()
        await outbox.refer(
            session, dedup_key=f"goal-contact:{goal.id}:{worker.id}:{day.isoformat()}", person=worker,
            kind="contact_request", about=client, ref={}, now=now, not_before=next_working_moment(hours, now),
        )
        session.add(GoalEvent(goal_id=goal.id, at=now, kind="contact_asked", by_id=client.id))
        audit(session, at=now, action="goal.contact_asked", actor=client, subject=worker, scope="goals")
        name = worker.name or "?"
        await session.commit()
        return name


async def household_size(svc: Services, client_telegram_id: int) -> int:
    """How many active clients share this client's household (1 when they are on their own)."""
    async with svc.unit() as session:
        client = await acting_client(session, client_telegram_id)
        if client.household_id is None:
            return 1
        count = (
            await session.execute(
                select(func.count()).select_from(Person).where(
                    Person.household_id == client.household_id, Person.role == Role.CLIENT, Person.active
                )
            )
        ).scalar_one()
        return max(int(count), 1)
