"""Bad input for the outbox: 429 with retry_after, 403, 400, a timeout, a connection dropped mid-batch, a clock
jump of a day, a database away for a while. Each is retried or given up on as its kind says; nothing is lost and
nothing is sent twice. And the pacing rules themselves: 30 a second in all, one a second per chat, a 429 pauses
every send."""
from __future__ import annotations

import asyncio
import math
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from bot import outbox
from bot.db.models import OutboxMessage
from bot.outbox import store
from bot.outbox.delivery import WINDOW_MARGIN, Pacer
from tests.services.test_outbox_claims import fast_bot, seed_rows, texts_sent


async def rows(svc):
    async with svc.unit() as session:
        return list((await session.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars())


def test_the_pacer_keeps_30_a_second_and_one_a_second_per_chat():
    pacer = Pacer(per_second=30, per_chat_gap=1.0)
    starts = [pacer.reserve(chat, now=0.0) for chat in range(60)]
    assert starts == pytest.approx([i / 30 for i in range(60)])
    assert pacer.reserve(0, now=0.0) == pytest.approx(2.0)  # after the others, and a second after chat 0's first
    again = Pacer(per_second=30, per_chat_gap=1.0)
    assert [again.reserve(7, now=0.0) for _ in range(3)] == pytest.approx([0.0, 1.0, 2.0])


def test_a_429_pauses_every_chat_not_only_the_one_that_got_it():
    pacer = Pacer(per_second=30, per_chat_gap=1.0)
    pacer.reserve(1, now=10.0)
    pacer.pause(until=15.0)
    assert pacer.paused(12.0) and not pacer.paused(15.0)
    assert min(pacer.reserve(chat, now=10.1) for chat in range(2, 40)) >= 15.0
    pacer.pause(until=11.0)  # a shorter pause does not cut a longer one short
    assert pacer.paused_until == 15.0


def test_a_moment_is_never_given_in_the_past():
    pacer = Pacer(per_second=30, per_chat_gap=1.0)
    assert pacer.reserve(1, now=100.0) == 100.0  # idle for a while: no burst to catch up
    assert pacer.reserve(2, now=100.0) == pytest.approx(100.0 + 1 / 30)


def leave(pacer: Pacer, chat: int, now: float) -> float:
    """A send that was ready at `now` and left on its moment, or at `now` when that had passed."""
    moment = pacer.moment(chat, now)
    pacer.take(chat, moment)
    return moment


def test_sends_leave_a_spacing_apart_and_one_a_little_late_costs_the_pace_nothing():
    pacer = Pacer(per_second=30, per_chat_gap=1.0)
    assert [leave(pacer, chat, now=0.0) for chat in range(3)] == pytest.approx([0.0, 1 / 30, 2 / 30])
    assert pacer.moment(3, now=0.0) == pytest.approx(3 / 30)  # a moment is only looked at: nothing is taken
    assert pacer.moment(3, now=0.0) == pytest.approx(3 / 30)
    pacer.take(3, now=3 / 30 + 0.01)  # woke 10 ms late (under half a spacing)
    assert pacer.moment(4, now=3 / 30 + 0.01) == pytest.approx(4 / 30)  # still on time: nothing lost


def test_after_a_stall_the_sends_held_up_go_one_by_one_at_the_spacing_not_in_a_bunch():
    pacer = Pacer(per_second=30, per_chat_gap=1.0)
    for chat in range(10):
        leave(pacer, chat, now=0.0)  # the tenth at 0.3 s
    # The event loop stalls half a second: every waiting send's moment has gone by when it wakes at 0.8.
    woke = 0.8
    assert pacer.late(10, now=woke) and not pacer.late(10, now=10 / 30 + 0.01)  # 10 ms late is not a stall
    pacer.resume(woke)  # the send before may have left just now (the stall fell after its moment)
    held_up = [leave(pacer, chat, now=woke) for chat in range(10, 16)]
    assert held_up == pytest.approx([woke + i / 30 for i in range(1, 7)])  # one by one, a spacing apart
    assert not pacer.late(16, now=woke + 7 / 30)
    pacer.resume(2.0)  # another stall; the wait of one spacing ends late again (the machine is busy) ...
    assert not pacer.late(16, now=2.5)  # ... but nothing left since: it goes, no waiting a spacing again and again
    assert not Pacer().late(1, now=100.0)  # nothing sent yet: the first send goes at once


def test_a_429_pauses_every_send_waiting_for_a_moment_and_the_spacing_goes_on_from_its_end():
    pacer = Pacer(per_second=30, per_chat_gap=1.0)
    leave(pacer, 1, now=10.0)
    pacer.pause(until=12.0)  # the send of chat 1 got a 429 with retry_after 2
    assert all(pacer.moment(chat, now=10.1) == 12.0 for chat in range(2, 40))
    assert pacer.moment(1, now=11.5) == 12.0
    assert [leave(pacer, chat, now=12.0) for chat in range(2, 5)] == pytest.approx([12.0, 12.0 + 1 / 30, 12.0 + 2 / 30])


def test_a_chat_waits_its_second_from_when_its_last_message_really_left():
    pacer = Pacer(per_second=30, per_chat_gap=1.0)
    pacer.take(7, now=5.25)  # its moment was 5.0; it left late
    assert pacer.chat_free(7) == 6.25 and pacer.moment(7, now=5.3) == 6.25
    assert pacer.moment(8, now=5.3) == 5.3  # another chat is not held up by it


async def test_retry_after_pauses_all_sends_and_the_message_goes_after_it(svc, api, clock):
    await seed_rows(svc, api, rows=6, chats=6)
    bot = await fast_bot(api)
    outbox.sender_for(bot).pacer = Pacer(per_second=1_000, per_chat_gap=0)
    loop = asyncio.get_running_loop()
    moments: list[tuple[str, float]] = []
    api.listeners.append(
        lambda event, message: moments.append((message.text, loop.time())) if event == "sent" else None)
    api.fail_next("sendMessage", retry_after=1)
    failed_at = [0.0]
    original = api.dispatch

    async def dispatch(method, params):
        status, body = await original(method, params)
        if status == 429:
            failed_at[0] = loop.time()
        return status, body

    api.dispatch = dispatch
    report = await outbox.deliver_due(svc, bot)
    assert (report.sent, report.retried, report.rate_limited) == (5, 1, 1)
    assert failed_at[0] and all(at >= failed_at[0] + 1 for text, at in moments)  # nothing went during the pause
    [retried] = [r for r in await rows(svc) if r.sent_at is None]
    assert retried.next_attempt_at == clock.now() + timedelta(seconds=1) and retried.claim_token is None
    clock.advance(seconds=1)
    assert (await outbox.deliver_due(svc, bot)).sent == 1
    assert set(texts_sent(api).values()) == {1}


async def test_a_long_retry_after_gives_the_batch_back_for_later(svc, api, clock):
    await seed_rows(svc, api, rows=20, chats=20)
    bot = await fast_bot(api)
    outbox.sender_for(bot).pacer = Pacer(per_second=1_000, per_chat_gap=0)
    api.fail_next("sendMessage", retry_after=600)  # ten minutes: longer than a run waits
    report = await outbox.deliver_due(svc, bot)
    assert report.rate_limited == 1 and report.sent < 20
    waiting = [r for r in await rows(svc) if r.sent_at is None]
    assert waiting and all(r.claim_token is None for r in waiting)  # given back, not held by a lease
    assert all(r.next_attempt_at >= clock.now() + timedelta(minutes=9) for r in waiting)  # after the pause
    clock.advance(minutes=10)
    outbox.sender_for(bot).pacer = Pacer(per_second=1_000, per_chat_gap=0)  # ten minutes later
    await outbox.deliver_due(svc, bot)
    sent = texts_sent(api)
    assert len(sent) == 20 and set(sent.values()) == {1}


@pytest.mark.parametrize("failure", [{"network_error": True}, {"timed_out": True}], ids=["dropped", "timed-out"])
async def test_a_connection_dropped_or_timed_out_mid_batch_is_retried_and_sent_once(svc, api, clock, failure):
    await seed_rows(svc, api, rows=10, chats=10)
    bot = await fast_bot(api)
    api.fail_next("sendMessage", times=3, **failure)
    report = await outbox.deliver_due(svc, bot)
    assert (report.sent, report.retried) == (7, 3)
    clock.advance(outbox.backoff(1))
    assert (await outbox.deliver_due(svc, bot)).sent == 3
    sent = texts_sent(api)
    assert len(sent) == 10 and set(sent.values()) == {1}
    assert all(r.sent_at is not None and r.payload is None for r in await rows(svc))


async def test_403_marks_unreachable_and_400_gives_up_without_holding_up_the_rest(svc, api):
    await seed_rows(svc, api, rows=6, chats=3)
    bot = await fast_bot(api)
    api.block(80_001)  # its two messages: 403
    api.fail_next("sendMessage", status=400, description="Bad Request: chat not found")  # the first send
    report = await outbox.deliver_due(svc, bot)
    # Several sends are in flight at once, so the 400 meets whichever reaches Telegram first: another chat's
    # message (3 sent, 3 failed) or one of the blocked chat's two (4 sent, 2 failed). Either way the blocked chat
    # is marked unreachable, nothing is retried, and the rest goes.
    assert (report.sent, report.failed) in {(3, 3), (4, 2)} and report.sent + report.failed == 6
    assert (report.retried, report.unreachable) == (0, [10_001])
    assert api.messages(80_001) == []  # the blocked chat got nothing
    assert all(r.sent_at is not None or r.failed_at is not None for r in await rows(svc))
    assert all(r.payload is None for r in await rows(svc))  # sent or failed for good: no text kept


async def test_a_day_long_clock_jump_neither_loses_nor_doubles(svc, api, clock):
    await seed_rows(svc, api, rows=10, chats=10)
    bot = await fast_bot(api)
    stale = await outbox.claim(svc, 5)  # claimed just before the jump
    clock.advance(days=1)
    await outbox.deliver_due(svc, bot)  # every lease has run out: everything is due, once
    for message_id, _ in stale.items:
        assert await outbox.prepare(svc, message_id, stale.token) == "lost"
    sent = texts_sent(api)
    assert len(sent) == 10 and set(sent.values()) == {1}


async def test_a_database_away_mid_batch_loses_nothing_and_sends_nothing_twice(svc, api, clock, monkeypatch):
    await seed_rows(svc, api, rows=12, chats=12)
    bot = await fast_bot(api)
    real_record, calls = store.record, Counter()

    async def flaky_record(svc_, message_id, token, outcome, report):
        calls["record"] += 1
        if calls["record"] > 4:  # the database goes away after four outcomes were written
            raise OperationalError("UPDATE outbox", {}, ConnectionRefusedError("database away"))
        await real_record(svc_, message_id, token, outcome, report)

    monkeypatch.setattr(store, "record", flaky_record)
    with pytest.raises(OperationalError):
        await outbox.deliver_due(svc, bot)  # the tick fails and says so
    in_flight = len(texts_sent(api))
    assert 4 < in_flight <= 4 + outbox.IN_FLIGHT  # sends that were under way finished; no new ones started
    kept = len(outbox.sender_for(bot).unrecorded)
    assert kept == in_flight - 4
    with pytest.raises(OperationalError):
        await outbox.deliver_due(svc, bot)  # still away: nothing new is sent, nothing is forgotten
    assert len(texts_sent(api)) == in_flight and len(outbox.sender_for(bot).unrecorded) == kept
    monkeypatch.setattr(store, "record", real_record)  # back, a minute later: well within the lease
    clock.advance(minutes=1)
    report = await outbox.deliver_due(svc, bot)
    clock.advance(outbox.LEASE)  # and the leases of the rows it had claimed but not sent run out
    report2 = await outbox.deliver_due(svc, bot)
    sent = texts_sent(api)
    assert len(sent) == 12 and set(sent.values()) == {1}, sent
    assert report.sent + report2.sent == 12 - 4 and not outbox.sender_for(bot).unrecorded
    assert all(r.sent_at is not None for r in await rows(svc))
    assert math.isfinite(outbox.sender_for(bot).pacer.next_free)


def test_a_shared_pace_never_starts_more_than_its_part_in_any_one_second():
    pacer = Pacer(per_second=30, per_chat_gap=0)
    pacer.share(2)  # the bot and a worker: 30 x 0.9 / 2 = 13.5 a second each
    assert pacer.gap == pytest.approx(1 / 13.5) and pacer.per_window == 13 and pacer.shared
    # An event loop that stalled wakes with every reserved moment past: the sends would all start at once.
    assert [pacer.admit(5.0) for _ in range(13)] == [0.0] * 13
    assert pacer.admit(5.0) == pytest.approx(1.0 + WINDOW_MARGIN)  # the fourteenth waits out the second
    assert pacer.admit(6.0 + WINDOW_MARGIN) == 0.0
    pacer.share(1)  # alone again: the whole pace, and at most 30 starts in any second
    assert pacer.gap == pytest.approx(1 / 30) and pacer.per_window == 30 and not pacer.shared
    assert sum(pacer.admit(8.0) == 0.0 for _ in range(40)) == 30
    steady = Pacer()  # at the whole pace (29.4/s) the window never holds a send up
    assert all(steady.admit(steady.reserve(chat, now=0.0)) == 0.0 for chat in range(300))


async def test_a_day_long_clock_jump_the_tick_goes_on_and_prompts_once(svc, api, clock):
    """Down from before a client's check-in time until the next day: the first tick prompts once (not once per
    missed slot), a second tick nothing, and the next prompt is in the future."""
    from datetime import time

    from bot.db.models import Person
    from bot.scheduler import worker_tick
    from bot.services import people

    await people.start_as_client(svc, telegram_id=501, chat_id=501, locale="nl")
    await people.set_checkin_time(svc, 501, time(10))
    await people.finish_onboarding(svc, 501)
    api.add_user(501, "Sam")
    bot = await fast_bot(api)
    await worker_tick(svc, bot)  # 09:00 local: nothing due yet
    clock.advance(days=1, hours=2)
    first = await worker_tick(svc, bot)
    second = await worker_tick(svc, bot)
    assert (first.sent, second.sent) == (1, 0) and len(api.messages(501)) == 1
    async with svc.unit() as session:
        person = (await session.execute(select(Person).where(Person.telegram_id == 501))).scalar_one()
    assert person.next_checkin_at > clock.now()


async def test_the_worker_goes_on_while_the_database_is_away_a_minute_and_sends_each_message_once(
        svc, api, clock, monkeypatch):
    from sqlalchemy.exc import OperationalError as Away

    from bot.ops.worker import Worker
    from bot.services.base import Services

    await seed_rows(svc, api, rows=10, chats=10)
    bot = await fast_bot(api)
    real_claim, calls = store.claim, Counter()

    async def away_for_a_minute(svc_, limit):
        calls["claim"] += 1
        if calls["claim"] <= 3:  # three ticks, twenty seconds apart
            clock.advance(seconds=20)
            raise Away("UPDATE outbox", {}, ConnectionRefusedError("database away"))
        return await real_claim(svc_, limit)

    monkeypatch.setattr(store, "claim", away_for_a_minute)
    quick = Services(svc.sessions, clock, svc.settings.model_copy(update={"tick_seconds": 0}))
    worker = Worker(quick, bot)
    running = asyncio.create_task(worker.run())
    for _ in range(200):
        if len(texts_sent(api)) == 10:
            break
        await asyncio.sleep(0.05)
    worker.request_stop()
    await asyncio.wait_for(running, 10)
    assert worker.monitor.tick_failures == 3 and worker.monitor.failing_since is None  # and it went on
    sent = texts_sent(api)
    assert len(sent) == 10 and set(sent.values()) == {1}
    assert all(r.sent_at is not None for r in await rows(svc))
