"""The one periodic job: every tick selects what is due from the database and delivers the outbox.

Schedules live in tables, not as one in-memory job per person, so a restart loses nothing and a
hundred thousand clients cost one query a tick.
"""
from __future__ import annotations

import asyncio

from telegram.ext import Application, ContextTypes

from bot import outbox
from bot.ops import runtime
from bot.services import alerts, checkins, gdpr, goals, nudges, peers, selfscan
from bot.services.base import Services


async def tick(svc: Services, application: Application, stopping: asyncio.Event | None = None) -> outbox.DeliveryReport:
    """One pass; safe to run twice (everything it queues has a de-duplication key). Once `stopping` is set the
    delivery ends after the send in flight."""
    await due_work(svc)
    await gdpr.purge_due(svc, forget=application.drop_user_data)
    return await outbox.deliver_due(svc, application.bot, stopping=stopping)


async def due_work(svc: Services) -> None:
    """Everything the tick selects from the database, without sending: the part the benchmark times."""
    await alerts.escalate_due(svc)  # first: a rood alert nobody picked up in 30 working minutes
    await checkins.queue_due_prompts(svc)
    await goals.queue_goal_prompts(svc)
    await goals.sweep_stalls(svc)
    await nudges.notify_nudges(svc)
    await peers.offer_waiting(svc)
    await peers.remind_quiet_contacts(svc)
    await peers.purge_relay(svc)
    await selfscan.queue_scan_prompts(svc)


async def _job(context: ContextTypes.DEFAULT_TYPE) -> None:
    application = context.application
    # Timed and counted for the status line and /metrics; a failing tick is reported there, once a minute.
    await runtime.run_tick(application, lambda stopping: tick(application.bot_data["services"], application, stopping))


def schedule_tick(application: Application) -> None:
    svc: Services = application.bot_data["services"]
    application.job_queue.run_repeating(_job, interval=svc.settings.tick_seconds, first=1, name="tick")
