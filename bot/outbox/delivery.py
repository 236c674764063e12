"""The outbox's sending part: claimed rows go to Telegram, several at once, within Telegram's limits.

Several sends are in flight at a time (`IN_FLIGHT`), so a round trip of 50 or 150 ms does not set the pace.
One `Pacer` per bot and process gives each send its moment: at most `SENDS_PER_SECOND` in all (just under
Telegram's 30, so timer jitter never makes 31 in a second), one a second per chat, and nothing while Telegram
asked to wait: a 429's retry_after pauses every send of this bot, not only the one that got it. The tick and
a flow's `deliver_now` share that pacer. Messages to one chat keep their order.

What each error means: 429 is retried after retry_after; a network error or a timeout is retried with
back-off (a timed-out send may have arrived: like a send in flight at a crash, it can come twice); 403 (the
person blocked the bot) marks them unreachable; 400 (chat not found, a bad text) is given up. When the database
goes away mid-batch, the outcomes of finished sends are kept in memory and written first by the next run,
well within the lease, so nothing is sent twice; the rest of the batch waits for its lease.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import weakref
from collections import deque
from collections.abc import Sequence
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy.exc import InterfaceError, OperationalError
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.outbox import store
from bot.outbox.store import LOST, DeliveryReport, Outcome
from bot.services.base import Services

log = logging.getLogger(__name__)
SENDS_PER_SECOND = 29.4  # Telegram allows 30: the 2% left is room for timer jitter, so it never answers 429
PER_CHAT_GAP = 1.0  # seconds: Telegram allows about one message a second to one chat
WINDOW_MARGIN = 0.015  # seconds beyond a full second after the send `per_window` back (timer jitter)
SHARED_PACE = 0.9  # several processes deliver: together they keep to 90% of SENDS_PER_SECOND
IN_FLIGHT = 8  # sends at once: enough for 30/s over a 150 ms round trip, and the most a crash can leave half-done
PAUSE_PATIENCE = 10.0  # seconds a run waits out a 429 beyond its budget; longer, it gives its rows back
DATABASE_ERRORS = (OperationalError, InterfaceError, OSError, TimeoutError, ConnectionError)
T = TypeVar("T")


class Pacer:
    """When each send may start: `per_second` in all, one per `per_chat_gap` per chat, none while paused.
    Plain arithmetic on a monotonic clock in seconds: each call to `reserve` takes the next free moment."""

    def __init__(self, per_second: float = SENDS_PER_SECOND, per_chat_gap: float = PER_CHAT_GAP) -> None:
        self.per_second = per_second
        self.gap = 1.0 / per_second
        self.per_chat_gap = per_chat_gap
        self.next_free = -math.inf
        self.paused_until = -math.inf
        self._chat_next: dict[int, float] = {}
        # The most sends this process starts in any one second, counted on the moments they really start: an
        # event loop that stalled and wakes late would otherwise start every overdue send at once, and
        # Telegram counts the bunch (429). At the whole pace it never binds; shared, it is this process's part.
        self.per_window = math.ceil(per_second)
        self._started: deque[float] = deque(maxlen=self.per_window)

    def reserve(self, chat_id: int, now: float) -> float:
        """The moment this chat's next send may start (now or later); that moment is taken."""
        start = max(now, self.next_free, self._chat_next.get(chat_id, -math.inf), self.paused_until)
        self.next_free = start + self.gap
        self._chat_next[chat_id] = start + self.per_chat_gap
        if len(self._chat_next) > 10_000:  # chats whose second has passed need no memory
            self._chat_next = {chat: at for chat, at in self._chat_next.items() if at > now}
        return start

    def share(self, processes: int) -> None:
        """Several processes deliver for this bot (the bot and workers): each takes its part of the pace, less
        10% (they do not tick together and their round trips differ, so their sends can bunch up at Telegram),
        and never more than that part in any one second of real starts (`admit`)."""
        share = self.per_second if processes <= 1 else self.per_second * SHARED_PACE / processes
        self.gap = 1.0 / share
        window = math.ceil(share) if processes <= 1 else max(int(share), 1)
        if window != self.per_window:
            self.per_window = window
            self._started = deque(self._started, maxlen=window)

    @property
    def shared(self) -> bool:
        return self.gap > 1.0 / self.per_second

    def admit(self, now: float) -> float:
        """A send is about to start at `now`: 0 when it may (it is counted), else how long to wait first. It may
        once the send `per_window` back started more than a second (and WINDOW_MARGIN) ago."""
        if len(self._started) == self.per_window:
            ready = self._started[0] + 1.0 + WINDOW_MARGIN
            if now < ready:
                return ready - now
        self._started.append(now)
        return 0.0

    def pause(self, until: float) -> None:
        """Telegram said to wait (429): no send of this bot starts before `until`."""
        self.paused_until = max(self.paused_until, until)

    def paused(self, now: float) -> bool:
        return self.paused_until > now


class Sender:
    """Per bot and process: its pacer, its sends in flight, and outcomes still to be written (the database was
    away when they came in)."""

    def __init__(self) -> None:
        self.pacer = Pacer()
        self.slots = asyncio.Semaphore(IN_FLIGHT)
        self.in_flight = 0
        self.rate_limited = 0  # 429s since start
        self.unrecorded: list[tuple[int, str, Outcome]] = []

    async def flush_unrecorded(self, svc: Services, report: DeliveryReport) -> None:
        """Outcomes of sends done while the database was away; raises while it still is."""
        while self.unrecorded:
            message_id, token, outcome = self.unrecorded[0]
            await store.record(svc, message_id, token, outcome, report)
            self.unrecorded.pop(0)


_senders: dict[tuple[int, int], tuple[weakref.ref[Bot], Sender]] = {}


def sender_for(bot: Bot) -> Sender:
    """The one Sender of this bot on the running event loop (the tick and every flow share it)."""
    key = (id(bot), id(asyncio.get_running_loop()))
    found = _senders.get(key)
    if found is not None and found[0]() is bot:
        return found[1]
    for stale in [k for k, (ref, _) in _senders.items() if ref() is None]:
        del _senders[stale]
    sender = Sender()
    _senders[key] = (weakref.ref(bot), sender)
    return sender


def round_robin(claimed: Sequence[T]) -> list[T]:
    """First message of every chat, then every chat's second, ...: one busy chat (a worker with twenty nudges)
    does not hold up everyone else while it waits its one second between messages. Items are (id, chat, ...)."""
    per_chat: dict[int, list[T]] = {}
    for item in claimed:
        per_chat.setdefault(item[1], []).append(item)  # type: ignore[index]
    rounds: list[T] = []
    depth = max((len(items) for items in per_chat.values()), default=0)
    for index in range(depth):
        rounds += [items[index] for items in per_chat.values() if index < len(items)]
    return rounds


async def deliver_due(
    svc: Services, bot: Bot, *, batch: int = 200, budget: float = 45.0, stopping: asyncio.Event | None = None
) -> DeliveryReport:
    """Send what is due, batch after batch, until nothing is due or `budget` seconds have passed (the next
    tick goes on from there); at least one batch. Returns what happened. Once `stopping` is set (SIGTERM),
    the sends in flight finish and the rest of the batch is given back at once instead of after its lease.
    Raises when the database cannot be reached (the tick reports it); what was sent by then is recorded later."""
    sender = sender_for(bot)
    report = DeliveryReport()
    await sender.flush_unrecorded(svc, report)
    loop = asyncio.get_running_loop()
    started = loop.time()
    while True:
        # Sharing the pace with other processes: claim what this one sends in about two seconds, so the rest
        # stays due for the others (and a process that dies holds back little until its lease runs out).
        pacer = sender.pacer
        size = min(batch, max(2 * pacer.per_window, IN_FLIGHT)) if pacer.shared else batch
        claimed = await store.claim(svc, size)
        run = _Run(svc, bot, sender, claimed.token, report, stopping, give_up_at=started + max(budget, PAUSE_PATIENCE))
        await run.send(round_robin(claimed.items))
        if run.database_error is not None:
            raise run.database_error
        if len(claimed.items) < size or loop.time() - started >= budget or run.halted():
            return report


class _Run:
    """One claimed batch on its way out."""

    def __init__(self, svc: Services, bot: Bot, sender: Sender, token: str, report: DeliveryReport,
                 stopping: asyncio.Event | None, give_up_at: float) -> None:
        self.svc, self.bot, self.sender, self.token, self.report = svc, bot, sender, token, report
        self.stopping = stopping
        self.give_up_at = give_up_at
        self.loop = asyncio.get_running_loop()
        self.database_error: BaseException | None = None
        self.give_back: list[int] = []

    def halted(self) -> bool:
        """Stop starting sends: a stop was asked for, the database is away, or Telegram's pause outlasts us."""
        return (
            (self.stopping is not None and self.stopping.is_set())
            or self.database_error is not None
            or self.sender.pacer.paused_until > self.give_up_at
        )

    async def send(self, items: list[tuple[int, int]]) -> None:
        turns: dict[int, asyncio.Event] = {}  # per chat: the previous message has had its turn
        tasks = []
        for message_id, chat_id in items:
            if not self.halted():
                await self.sender.slots.acquire()
                if self.halted():
                    self.sender.slots.release()
            if self.halted():
                self.give_back.append(message_id)
                continue
            turn = asyncio.Event()
            tasks.append(asyncio.create_task(self._one(message_id, chat_id, turns.get(chat_id), turn)))
            turns[chat_id] = turn
        if tasks:
            await asyncio.gather(*tasks)
        if self.give_back and self.database_error is None:
            # Due again at once (a stop), or when Telegram's pause is over.
            wait = max(self.sender.pacer.paused_until - self.loop.time(), 0.0)
            at = self.svc.now() + timedelta(seconds=wait) if wait else None
            await store.release(self.svc, self.token, self.give_back, at=at)

    async def _one(self, message_id: int, chat_id: int, previous: asyncio.Event | None, turn: asyncio.Event) -> None:
        try:
            try:
                message = await store.prepare(self.svc, message_id, self.token)
            except DATABASE_ERRORS as exc:
                self.database_error = self.database_error or exc
                return
            except Exception:
                log.exception("outbox message %s could not be prepared; given up", message_id)
                await self._record(message_id, Outcome("failed", "render error"))
                return
            if message == LOST:
                self.report.lost += 1
                return
            if message is None:
                self.report.withdrawn += 1
                return
            if previous is not None:
                await previous.wait()  # this chat's earlier message first
            if not await self._wait_turn(chat_id):
                self.give_back.append(message_id)
                return
            turn.set()
            self.sender.in_flight += 1
            try:
                outcome = await _send(self.bot, chat_id, message)
            finally:
                self.sender.in_flight -= 1
            if outcome.retry_after:
                self.sender.pacer.pause(self.loop.time() + outcome.retry_after)
                self.sender.rate_limited += 1
                self.report.rate_limited += 1
            await self._record(message_id, outcome)
        finally:
            turn.set()
            self.sender.slots.release()

    async def _record(self, message_id: int, outcome: Outcome) -> None:
        try:
            await store.record(self.svc, message_id, self.token, outcome, self.report)
        except DATABASE_ERRORS as exc:
            # Sent, but not written down: kept, and written first thing next time (within the lease).
            self.sender.unrecorded.append((message_id, self.token, outcome))
            self.database_error = self.database_error or exc

    async def _wait_turn(self, chat_id: int) -> bool:
        """Until this send's moment; False when the run halts meanwhile (its row is given back)."""
        pacer = self.sender.pacer
        while not self.halted():
            now = self.loop.time()
            start = pacer.reserve(chat_id, now)
            if start > now:
                await self._sleep(start - now)
            if self.halted():
                return False
            while not pacer.paused(now := self.loop.time()) and (wait := pacer.admit(now)) > 0:
                await self._sleep(wait)  # this second's sends are used up (after a stall, or a shared pace)
                if self.halted():
                    return False
            if not pacer.paused(self.loop.time()):
                return True
            # A 429 came in while this send waited: its moment is void, it takes a new one after the pause.
        return False

    async def _sleep(self, seconds: float) -> None:
        if self.stopping is None:
            await asyncio.sleep(seconds)
            return
        with contextlib.suppress(TimeoutError):  # a stop ends the wait at once
            await asyncio.wait_for(self.stopping.wait(), seconds)


def _markup(payload: dict[str, Any]) -> InlineKeyboardMarkup | None:
    rows = payload.get("buttons") or []
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows])


async def _send(bot: Bot, chat_id: int, payload: dict[str, Any]) -> Outcome:
    """Sent, retry (network trouble, a timeout, 429), blocked (403), or failed for good (400)."""
    try:
        await bot.send_message(chat_id, payload["text"], reply_markup=_markup(payload))
        return Outcome("sent")
    except RetryAfter as exc:
        delay = exc.retry_after
        seconds = delay if isinstance(delay, (int, float)) else delay.total_seconds()
        return Outcome("retry", "RetryAfter", float(seconds))
    except Forbidden:
        return Outcome("blocked", "Forbidden")
    except BadRequest as exc:  # before NetworkError: a BadRequest is one
        return Outcome("failed", f"BadRequest: {exc.message[:120]}")
    except NetworkError as exc:  # a dropped connection, a timeout (TimedOut)
        return Outcome("retry", type(exc).__name__)
    except TelegramError as exc:  # anything else Telegram says: tried again with back-off, up to MAX_ATTEMPTS
        return Outcome("retry", type(exc).__name__)


__all__ = ["IN_FLIGHT", "PER_CHAT_GAP", "SENDS_PER_SECOND", "Pacer", "Sender", "deliver_due", "round_robin",
           "sender_for"]
