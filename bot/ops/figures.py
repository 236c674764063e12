"""What an operator needs to know, read from the database: counts only, never a name, a text or an id.

One function, `read`, serves the minute's status line, `/metrics`, `/healthz` and `houvast status`, so all
four say the same. Its queries use the indexes the tick itself uses, so a scrape costs what is due, not what
exists. It reads the outbox table directly and leaves how `bot/outbox/` claims and sends alone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Goal, Nudge, OutboxMessage, Person, RedAlert

RECENT = timedelta(hours=1)


@dataclass(frozen=True)
class Figures:
    due: dict[str, int]  # work the tick will pick up now, per kind
    backlog: int  # outbox messages due now and not yet sent
    oldest_due_seconds: float  # how long the oldest of those has been waiting (0 without a backlog)
    waiting: int  # outbox messages queued for later: retries after a failure, nudges held for working hours
    claimed: int  # outbox messages a delivery run (this process or another) has claimed and not yet sent
    retrying: int  # unsent messages that failed at least once
    sent_last_hour: int
    failed_last_hour: int
    nudges_unacknowledged: int
    alerts_unacknowledged: int = 0  # rood alerts nobody pressed "Ik pak het op" for yet

    @property
    def due_total(self) -> int:
        return sum(self.due.values())


async def ping(sessions: async_sessionmaker[AsyncSession]) -> None:
    """One round trip; raises when the database cannot be reached."""
    async with sessions() as session:
        await session.execute(text("SELECT 1"))


async def read(sessions: async_sessionmaker[AsyncSession], now: datetime) -> Figures:
    pending = (OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None))
    async with sessions() as session:

        async def count(*where: object, of: object = None) -> int:
            query = select(func.count()).select_from(of) if of is not None else select(func.count())
            return int((await session.execute(query.where(*where))).scalar_one())

        due = {
            "checkin_prompts": await count(Person.next_checkin_at <= now, of=Person),
            "goal_prompts": await count(Goal.status == "active", Goal.next_checkin_at <= now, of=Goal),
            "scan_prompts": await count(Person.next_scan_at <= now, of=Person),
            "deletions": await count(Person.deletion_due_at <= now, of=Person),
            "stall_looks": await count(Goal.next_look_at <= now, of=Goal),
            "nudge_climbs": await count(Nudge.next_climb_at <= now, of=Nudge),
        }
        backlog = await count(*pending, OutboxMessage.next_attempt_at <= now, of=OutboxMessage)
        oldest = (
            await session.execute(
                select(func.min(OutboxMessage.next_attempt_at)).where(*pending, OutboxMessage.next_attempt_at <= now)
            )
        ).scalar_one()
        waiting = await count(*pending, OutboxMessage.next_attempt_at > now, of=OutboxMessage)
        claimed = await count(*pending, OutboxMessage.next_attempt_at > now, OutboxMessage.claim_token.is_not(None),
                              of=OutboxMessage)
        retrying = await count(*pending, OutboxMessage.attempts > 0, of=OutboxMessage)
        sent = await count(OutboxMessage.sent_at > now - RECENT, of=OutboxMessage)
        failed = await count(OutboxMessage.failed_at > now - RECENT, of=OutboxMessage)
        unacknowledged = await count(Nudge.acknowledged_at.is_(None), of=Nudge)
        alerts = await count(RedAlert.taken_at.is_(None), of=RedAlert)
    return Figures(
        due=due,
        backlog=backlog,
        oldest_due_seconds=max((now - oldest).total_seconds(), 0.0) if oldest is not None else 0.0,
        waiting=waiting - claimed,
        claimed=claimed,
        retrying=retrying,
        sent_last_hour=sent,
        failed_last_hour=failed,
        nudges_unacknowledged=unacknowledged,
        alerts_unacknowledged=alerts,
    )
