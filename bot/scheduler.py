"""The one periodic job: every tick selects what is due from the database and delivers the outbox.

Schedules live in tables, not as one in-memory job per person, so a restart loses nothing and a
hundred thousand clients cost what is due this minute, not what exists.

Beside the bot, `houvast worker` processes may tick and deliver too (bot/ops/worker.py): the due work is done
by one process at a time (whoever has the tick's turn), outbox rows are claimed exactly once, and Telegram's
pace is divided between the processes that deliver.
"""
from __future__ import annotations

import asyncio

from telegram import Bot
from telegram.ext import Application, ContextTypes

from bot import outbox
from bot.ops import runtime, single
from bot.services import (
    alerts,
    checkins,
    gdpr,
    goals,
    nudges,
    peers,
    selfscan,
)
from bot.services.base import Services
from conversations import notices  # noqa: F401 - every queued kind can be written when it is delivered


async def tick(svc: Services, application: Application, stopping: asyncio.Event | None = None) -> outbox.DeliveryReport:
    """One pass of the bot; safe to run twice (everything it queues has a de-duplication key). Once `stopping`
    is set the delivery ends after the sends in flight. Deletions stay here: the bot holds the conversation
    states they also clear."""
    await shared_due_work(svc)
    await gdpr.purge_due(svc, forget=application.drop_user_data)
    return await deliver(svc, application.bot, stopping)


async def worker_tick(svc: Services, bot: Bot, stopping: asyncio.Event | None = None) -> outbox.DeliveryReport:
    """One pass of `houvast worker`: the due work when it is this process's turn, then the outbox."""
    await shared_due_work(svc)
    return await deliver(svc, bot, stopping)


async def shared_due_work(svc: Services) -> bool:
    """`due_work` unless another process is doing it this minute. True when it ran here."""
    async with single.tick_turn(svc.engine) as mine:
        if mine:
            await due_work(svc)
        return mine


async def deliver(svc: Services, bot: Bot, stopping: asyncio.Event | None = None) -> outbox.DeliveryReport:
    outbox.sender_for(bot).pacer.share(await single.deliverers(svc.engine))
    return await outbox.deliver_due(svc, bot, stopping=stopping)


async def due_work(svc: Services) -> None:
    """Everything the tick selects from the database, without sending: the part the benchmark times."""
    await alerts.escalate_due(svc)  # first: a rood alert nobody picked up in 30 working minutes
    chains = (checkins.queue_due_prompts, _goal_work, _peer_work, selfscan.queue_scan_prompts)
    if svc.engine.dialect.name == "postgresql":
        # The chains touch different rows, so on PostgreSQL they run side by side, each on a connection of its
        # own: one's wait for the server is another's time to compute. SQLite has one writer, so there they
        # take turns.
        try:
            async with asyncio.TaskGroup() as group:
                for chain in chains:
                    group.create_task(chain(svc))
        except ExceptionGroup as failed:  # the others were cancelled; report the cause as a tick in turns would
            raise failed.exceptions[0] from None
    else:
        for chain in chains:
            await chain(svc)


async def _goal_work(svc: Services) -> None:
    await goals.queue_goal_prompts(svc)
    await goals.sweep_stalls(svc)  # after the prompts, which move the goals' next looks
    await nudges.notify_nudges(svc)  # after the sweep, so a new stall reaches the team this minute


async def _peer_work(svc: Services) -> None:
    await peers.offer_waiting(svc)
    await peers.remind_quiet_contacts(svc)
    await peers.purge_relay(svc)


async def _job(context: ContextTypes.DEFAULT_TYPE) -> None:
    application = context.application
    # Timed and counted for the status line and /metrics; a failing tick is reported there, once a minute.
    await runtime.run_tick(application, lambda stopping: tick(application.bot_data["services"], application, stopping))


def schedule_tick(application: Application) -> None:
    svc: Services = application.bot_data["services"]
    application.job_queue.run_repeating(_job, interval=svc.settings.tick_seconds, first=1, name="tick")
