"""The tick's due work runs its chains side by side on PostgreSQL and in turns on SQLite; either way a failing
part is reported as itself (the status line tells a database away from a bug by the error's kind), and the
next tick does everything."""
from __future__ import annotations

from datetime import time

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from bot import scheduler
from bot.db.models import OutboxMessage
from bot.ops.runtime import is_database_error
from bot.services import people


async def test_a_failing_part_is_raised_as_itself_and_the_next_tick_does_everything(svc, clock, monkeypatch):
    await people.start_as_client(svc, telegram_id=501, chat_id=501, locale="nl")
    await people.set_checkin_time(svc, 501, time(10))
    await people.finish_onboarding(svc, 501)
    clock.advance(hours=1)  # 10:00 local: the check-in is due

    async def database_away(_svc):
        raise OperationalError("select", {}, ConnectionRefusedError("connection refused"))

    monkeypatch.setattr(scheduler.selfscan, "queue_scan_prompts", database_away)
    with pytest.raises(OperationalError) as raised:
        await scheduler.due_work(svc)
    assert is_database_error(raised.value)

    monkeypatch.undo()
    await scheduler.due_work(svc)
    async with svc.unit() as session:
        kinds = list((await session.execute(select(OutboxMessage.kind))).scalars())
    assert kinds == ["checkin"]  # queued once: by the first tick, or by this one if the first was cut short
