"""The outbox's sending part: claimed rows go to Telegram, several at once, within Telegram's limits.

Several sends are in flight at a time (`IN_FLIGHT`), so a round trip of 50 or 150 ms does not set the pace.
One `Pacer` per bot and process gives each send its moment: at most `SENDS_PER_SECOND` in all (just under
Telegram's 30, so timer jitter never makes 31 in a second), one a second per chat, and nothing while Telegram
asked to wait: a 429's retry_after pauses every send of this bot, not only the one that got it. The tick and
a flow's `deliver_now` share that pacer. Messages to one chat keep their order, also across batches.
The sends that are ready wait in line at the pacer's gate; only the first in line waits for a moment, and
takes it as it leaves, so an event loop that stalled never lets several go at once. The
next batch is claimed while the last one's sends are still on their way, so there is no gap at the joins.

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
WINDOW_MARGIN = 0.02  # seconds beyond a full second after the send `per_window` back (jitter between a send's
#                      moment and its request leaving: at 29.4/s, 31 sends on time span 1.0204 s, so it binds
#                      only on sends that left late)
SHARED_PACE = 0.9  # several processes deliver: together they keep to 90% of SENDS_PER_SECOND
IN_FLIGHT = 8  # sends at once: enough for 30/s over a 150 ms round trip, and the most a crash can leave half-done
PAUSE_PATIENCE = 10.0  # seconds a run waits out a 429 beyond its budget; longer, it gives its rows back
DATABASE_ERRORS = (OperationalError, InterfaceError, OSError, TimeoutError, ConnectionError)
T = TypeVar("T")


class Pacer:
    """When each send may leave: `per_second` in all, one per `per_chat_gap` per chat, none while paused.
    Plain arithmetic on a monotonic clock in seconds, so tests drive it with their own `now`: `moment` says when
    a chat's next send may leave, `take` marks that it left. The moment is taken when the send really leaves
    (one send at a time waits for it, see `_Run._take_moment`), not handed out in advance: an event loop that
    stalled and wakes late finds one send waiting for a moment, not several whose moments all went by."""

    def __init__(self, per_second: float = SENDS_PER_SECOND, per_chat_gap: float = PER_CHAT_GAP) -> None:
        self.per_second = per_second
        self.gap = 1.0 / per_second
        self.per_chat_gap = per_chat_gap
        self.next_free = -math.inf
        self._sent_since_resume = False  # a send left since the last `resume` (or ever)
        self.paused_until = -math.inf
        self._chat_next: dict[int, float] = {}
        # The most sends this process starts in any one second, counted on the moments they really leave: the
        # hard cap under the spacing (a send that leaves a little late may leave less than a spacing before the
        # next). At the whole pace it barely binds; shared, it is this process's part.
        self.per_window = math.ceil(per_second)
        self._started: deque[float] = deque(maxlen=self.per_window)

    def moment(self, chat_id: int, now: float) -> float:
        """The earliest moment this chat's next send may leave (now or later); nothing is taken."""
        return max(now, self.next_free, self.chat_free(chat_id), self.paused_until)

    def chat_free(self, chat_id: int) -> float:
        """When this chat may have its next message (a second after its last one left)."""
        return self._chat_next.get(chat_id, -math.inf)

    def late(self, chat_id: int, now: float) -> bool:
        """This chat's moment went by half a spacing ago or more: the event loop or the process stalled (or
        nothing was waiting). Then no one knows when the send before really left (a stall can fall between its
        moment and its request leaving, so it may have just gone): see `resume`."""
        if not self._sent_since_resume:  # nothing left since the last stall was seen: no send can be just gone
            return False
        planned = max(self.next_free, self.chat_free(chat_id), self.paused_until)
        return now - planned >= self.gap / 2

    def resume(self, now: float) -> None:
        """After a stall the spacing starts again one spacing from now, as if the send before had just left:
        the sends held up go one by one at the spacing, never faster to catch up. (Going at once got 429s: the
        send before had been held up after its moment, and the two reached Telegram together.)"""
        self.next_free = now + self.gap
        self._sent_since_resume = False

    def take(self, chat_id: int, now: float) -> None:
        """A send to this chat leaves at `now`, on its moment or a little after (less than half a spacing, else
        `late`). The next moment is one spacing after this one's planned moment, so a send that left a little
        late costs the pace nothing."""
        planned = max(self.next_free, self.chat_free(chat_id), self.paused_until)
        base = planned if now - planned < self.gap / 2 else now
        self.next_free = base + self.gap
        self._sent_since_resume = True
        self._chat_next[chat_id] = now + self.per_chat_gap
        if len(self._chat_next) > 10_000:  # chats whose second has passed need no memory
            self._chat_next = {chat: at for chat, at in self._chat_next.items() if at > now}

    def reserve(self, chat_id: int, now: float) -> float:
        """`moment` and `take` at once, as if the send leaves right on its moment: the pace's arithmetic."""
        start = self.moment(chat_id, now)
        self.take(chat_id, start)
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
        """A send is about to leave at `now`: 0 when it may (it is counted), else how long to wait first. It may
        once the send `per_window` back left more than a second (and WINDOW_MARGIN) ago."""
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
        self.slots = asyncio.Semaphore(IN_FLIGHT)  # messages prepared and on their way, until written down
        self.gate = asyncio.Lock()  # first come, first served: the send at its head waits for the pacer's moment
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
    Raises when the database cannot be reached (the tick reports it); what was sent by then is recorded later.
    The next batch is claimed while the last sends of the one before are still on their way, so the pace
    does not drop at the joins; a chat's messages keep their order across batches."""
    sender = sender_for(bot)
    report = DeliveryReport()
    await sender.flush_unrecorded(svc, report)
    loop = asyncio.get_running_loop()
    started = loop.time()
    delivery = _Delivery(svc, bot, sender, report, stopping, give_up_at=started + max(budget, PAUSE_PATIENCE))
    runs: list[_Run] = []
    try:
        while True:
            # Sharing the pace with other processes: claim what this one sends in about two seconds, so the
            # rest stays due for the others (and a process that dies holds back little until its lease runs out).
            pacer = sender.pacer
            size = min(batch, max(2 * pacer.per_window, IN_FLIGHT)) if pacer.shared else batch
            claimed = await store.claim(svc, size)
            runs.append(_Run(delivery, claimed.token))
            await runs[-1].start(round_robin(claimed.items))  # back once its last message is under way
            if len(runs) > 1:
                await runs[-2].finish()
            if len(claimed.items) < size or loop.time() - started >= budget or delivery.halted():
                break
    finally:
        for run in runs:
            await run.finish()
    if delivery.database_error is not None:
        raise delivery.database_error
    return report


class _Delivery:
    """One `deliver_due` call: what its batches share."""

    def __init__(self, svc: Services, bot: Bot, sender: Sender, report: DeliveryReport,
                 stopping: asyncio.Event | None, give_up_at: float) -> None:
        self.svc, self.bot, self.sender, self.report = svc, bot, sender, report
        self.stopping = stopping
        self.give_up_at = give_up_at
        self.loop = asyncio.get_running_loop()
        self.database_error: BaseException | None = None
        self.turns: dict[int, asyncio.Event] = {}  # per chat: its latest message so far has had its turn

    def halted(self) -> bool:
        """Stop starting sends: a stop was asked for, the database is away, or Telegram's pause outlasts us."""
        return (
            (self.stopping is not None and self.stopping.is_set())
            or self.database_error is not None
            or self.sender.pacer.paused_until > self.give_up_at
        )

    async def sleep(self, seconds: float) -> None:
        if self.stopping is None:
            await asyncio.sleep(seconds)
            return
        with contextlib.suppress(TimeoutError):  # a stop ends the wait at once
            await asyncio.wait_for(self.stopping.wait(), seconds)


class _Run:
    """One claimed batch on its way out."""

    def __init__(self, delivery: _Delivery, token: str) -> None:
        self.delivery, self.token = delivery, token
        self.svc, self.sender, self.report = delivery.svc, delivery.sender, delivery.report
        self.give_back: list[int] = []
        self.tasks: list[asyncio.Task[None]] = []
        self.finished = False

    async def start(self, items: list[tuple[int, int]]) -> None:
        """A task per message, as a slot frees up (IN_FLIGHT); back when the last one has its task."""
        delivery = self.delivery
        for message_id, chat_id in items:
            if not delivery.halted():
                await self.sender.slots.acquire()
                if delivery.halted():
                    self.sender.slots.release()
            if delivery.halted():
                self.give_back.append(message_id)
                continue
            turn = asyncio.Event()
            previous = delivery.turns.get(chat_id)
            self.tasks.append(asyncio.create_task(self._one(message_id, chat_id, previous, turn)))
            delivery.turns[chat_id] = turn

    async def finish(self) -> None:
        """Wait for this batch's sends; what was not sent is given back."""
        if self.finished:
            return
        self.finished = True
        if self.tasks:
            await asyncio.gather(*self.tasks)
        if self.give_back and self.delivery.database_error is None:
            # Due again at once (a stop), or when Telegram's pause is over.
            wait = max(self.sender.pacer.paused_until - self.delivery.loop.time(), 0.0)
            at = self.svc.now() + timedelta(seconds=wait) if wait else None
            await store.release(self.svc, self.token, self.give_back, at=at)

    async def _one(self, message_id: int, chat_id: int, previous: asyncio.Event | None, turn: asyncio.Event) -> None:
        try:
            try:
                message = await store.prepare(self.svc, message_id, self.token)
            except DATABASE_ERRORS as exc:
                self.delivery.database_error = self.delivery.database_error or exc
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
            if not await self._chat_ready(chat_id):
                self.give_back.append(message_id)
                return
            if not await self._take_moment(chat_id):
                self.give_back.append(message_id)
                return
            turn.set()
            self.sender.in_flight += 1
            try:
                outcome = await _send(self.delivery.bot, chat_id, message)
            finally:
                self.sender.in_flight -= 1
            if outcome.retry_after:
                self.sender.pacer.pause(self.delivery.loop.time() + outcome.retry_after)
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
            self.delivery.database_error = self.delivery.database_error or exc

    async def _chat_ready(self, chat_id: int) -> bool:
        """Until this chat's second and any pause are over, waited out apart (not holding up other chats);
        False when the run halts meanwhile (its row is given back)."""
        delivery, pacer = self.delivery, self.sender.pacer
        while not delivery.halted():
            wait = max(pacer.chat_free(chat_id), pacer.paused_until) - delivery.loop.time()
            if wait <= 0:
                return True
            await delivery.sleep(wait)
        return False

    async def _take_moment(self, chat_id: int) -> bool:
        """In line at the gate, then until this send's moment, which it takes as it leaves; False when the run
        halts meanwhile (its row is given back). A 429 that comes in while it waits moves its moment on."""
        delivery, pacer = self.delivery, self.sender.pacer
        async with self.sender.gate:
            while not delivery.halted():
                now = delivery.loop.time()
                at = pacer.moment(chat_id, now)
                if at > now:
                    await delivery.sleep(at - now)
                    continue
                if pacer.late(chat_id, now):
                    pacer.resume(now)
                    continue
                if (wait := pacer.admit(now)) > 0:
                    await delivery.sleep(wait)  # this second's sends are used up (a shared pace, or late sends)
                    continue
                pacer.take(chat_id, now)
                return True
        return False


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


__all__ = ["IN_FLIGHT", "PER_CHAT_GAP", "SENDS_PER_SECOND", "Pacer", "Sender", "deliver_due",
           "round_robin", "sender_for"]
