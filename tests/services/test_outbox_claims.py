"""Exactly-once claims: a row is sent by one delivery run only, in one process or several, and a run whose lease
ran out neither sends its rows nor overwrites what the run that took them over recorded."""
from __future__ import annotations

import asyncio
import json
from collections import Counter
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy import func, select
from telegram import Bot

from bot import outbox
from bot.db.models import OutboxMessage, Person
from bot.db.session import make_engine, make_sessionmaker
from bot.local.botapi import LocalBotApi, LocalRequest
from bot.services.base import Services

ROWS = 1_000
CHATS = 100


async def seed_rows(svc: Services, api: LocalBotApi, rows: int = ROWS, chats: int = CHATS) -> None:
    now = svc.now()
    async with svc.unit() as session:
        await session.execute(sa.insert(Person.__table__), [
            {"id": 10_000 + c, "telegram_id": 80_000 + c, "chat_id": 80_000 + c, "role": "client", "locale": "nl",
             "pseudonym": f"claims{c}", "created_at": now, "onboarded": True, "active": True,
             "reminders_paused": False, "unreachable": False, "checkin_rhythm": "daily"}
            for c in range(chats)])
        await session.execute(sa.insert(OutboxMessage.__table__), [
            {"dedup_key": f"claims:{i}", "person_id": 10_000 + i % chats, "chat_id": 80_000 + i % chats,
             "kind": "test", "payload": json.dumps({"text": f"bericht {i}", "buttons": []}), "created_at": now,
             "next_attempt_at": now, "attempts": 0}
            for i in range(rows)])
        await session.commit()
    for c in range(chats):
        api.add_user(80_000 + c, f"Cliënt {c}")


async def fast_bot(api: LocalBotApi) -> Bot:
    """A bot of its own, as a second process has; paced far above Telegram's limits so the test is quick (the
    pacing itself is tested in test_outbox_faults.py and measured in `houvast bench`)."""
    bot = Bot("123:TEST", request=LocalRequest(api), get_updates_request=LocalRequest(api))
    await bot.initialize()
    outbox.sender_for(bot).pacer = outbox.Pacer(per_second=100_000, per_chat_gap=0)
    return bot


def texts_sent(api: LocalBotApi) -> Counter[str]:
    """Each text Telegram accepted, with how often (a call that failed is not a send)."""
    return Counter(message.text for chat in range(80_000, 80_000 + CHATS) for message in api.messages(chat))


async def unsent(svc: Services) -> int:
    async with svc.unit() as session:
        return (await session.execute(select(func.count()).select_from(OutboxMessage)
                                      .where(OutboxMessage.sent_at.is_(None)))).scalar_one()


async def test_two_delivery_runs_in_one_process_send_each_of_1000_rows_once(svc, api):
    # The minute tick and a flow's deliver_now at the same moment: one engine, one bot (10 alerts gave 19 sends).
    await seed_rows(svc, api)
    bot = await fast_bot(api)
    reports = await asyncio.gather(outbox.deliver_due(svc, bot, batch=200), outbox.deliver_due(svc, bot, batch=20))
    sent = texts_sent(api)
    assert len(sent) == ROWS and set(sent.values()) == {1}
    assert sum(r.sent for r in reports) == ROWS and await unsent(svc) == 0


async def test_two_delivery_runs_as_two_processes_send_each_of_1000_rows_once(svc, api, settings, clock):
    # Two engines and two bots, as two processes have: they meet only in the database.
    await seed_rows(svc, api)
    other_engine = make_engine(settings.database_url)
    other = Services(make_sessionmaker(other_engine), clock, settings)
    try:
        first, second = await fast_bot(api), await fast_bot(api)
        reports = await asyncio.gather(outbox.deliver_due(svc, first, batch=100),
                                       outbox.deliver_due(other, second, batch=100))
    finally:
        await other_engine.dispose()
    sent = texts_sent(api)
    assert len(sent) == ROWS and set(sent.values()) == {1}
    assert sum(r.sent for r in reports) == ROWS and await unsent(svc) == 0
    assert all(r.sent > 0 for r in reports), "one run took everything: the test did not run them side by side"


async def test_a_run_whose_lease_ran_out_neither_sends_nor_overwrites(svc, api, clock):
    await seed_rows(svc, api, rows=10, chats=10)
    bot = await fast_bot(api)
    stale = await outbox.claim(svc, 10)  # a run claims ten rows ... and stalls past its lease
    assert len(stale.items) == 10
    assert (await outbox.deliver_due(svc, bot)).sent == 0  # another run leaves them alone meanwhile
    clock.advance(outbox.LEASE + timedelta(seconds=1))
    assert (await outbox.deliver_due(svc, bot)).sent == 10  # after the lease another run takes them over
    report = outbox.DeliveryReport()
    message_id = stale.items[0][0]
    assert await outbox.prepare(svc, message_id, stale.token) == "lost"  # the stalled run may not send it
    await outbox.record(svc, message_id, stale.token, outbox.Outcome("retry", "NetworkError"), report)
    assert report.lost == 1 and report.retried == 0
    async with svc.unit() as session:
        row = await session.get(OutboxMessage, message_id)
    assert row.sent_at is not None and row.attempts == 1 and row.last_error is None  # what the other run wrote
    assert set(texts_sent(api).values()) == {1}


async def test_a_claim_takes_only_due_unsent_rows_and_release_gives_them_back(svc, api, clock):
    await seed_rows(svc, api, rows=6, chats=3)
    async with svc.unit() as session:
        await session.execute(sa.update(OutboxMessage).where(OutboxMessage.dedup_key == "claims:0")
                              .values(next_attempt_at=clock.now() + timedelta(minutes=5)))
        await session.execute(sa.update(OutboxMessage).where(OutboxMessage.dedup_key == "claims:1")
                              .values(sent_at=clock.now()))
        await session.commit()
    first = await outbox.claim(svc, 3)
    second = await outbox.claim(svc, 10)
    assert len(first.items) == 3 and len(second.items) == 1 and first.token != second.token
    assert not {i for i, _ in first.items} & {i for i, _ in second.items}
    await outbox.release(svc, first.token, [i for i, _ in first.items])
    await outbox.release(svc, "not-the-token", [i for i, _ in second.items])  # only the claimant gives back
    third = await outbox.claim(svc, 10)
    assert sorted(third.items) == sorted(first.items)
