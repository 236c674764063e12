"""Reliable delivery of proactive messages (prompts, nudges, alerts).

A message is a row first, with a de-duplication key, so a tick that runs twice or a restart never queues
it twice. Delivery claims due rows with a short lease (FOR UPDATE SKIP LOCKED on PostgreSQL, so several bot
processes never take the same row), sends them within Telegram's limits, and marks a row sent only after
Telegram accepted it. Network trouble and 429s are retried with back-off; a person who blocked the bot is
marked unreachable instead of being retried forever.

Two kinds of row. A message to the person it is about (their own prompt) may carry its text (`enqueue`). A
message to anyone else about a client carries a reference (`refer`): kind, ids and the client (`about_id`); its
text is rendered when it is sent, through the consent check (bot/services/notices.py). A row with `about_id`
goes when that client's account is deleted (ON DELETE CASCADE), a row with a consent `scope` is withdrawn when
the client revokes it (`withdraw`) and is checked again just before sending. A row that was sent, or failed for
good, keeps no text and no reference: only who, what kind and when.
"""
from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import FloodLimit
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.db.models import CareTeamMember, OutboxMessage, Person
from bot.i18n import translator
from bot.services import notices
from bot.services.base import Services, audit
from bot.services.notices import Rendered, renders

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=2)
MAX_BACKOFF = timedelta(hours=1)
MAX_ATTEMPTS = 12
PER_CHAT_GAP = 1.0  # seconds: Telegram allows about one message a second to one chat


async def enqueue(
    session: AsyncSession,
    *,
    dedup_key: str,
    person: Person,
    kind: str,
    text: str,
    buttons: list[list[tuple[str, str]]] | None = None,
    now: datetime,
    not_before: datetime | None = None,
    about: Person | None = None,
    scope: str | None = None,
) -> bool:
    """Add a message with its text to the open unit of work unless one with this key exists. True when added.
    For a message to the person themselves; a message to someone else about a client should `refer` instead.
    `about` ties it to that client (it goes with their account), `scope` to their consent (a revoke withdraws
    it, and it is checked again before sending)."""
    payload = {"text": text, "buttons": [[list(button) for button in row] for row in buttons or []]}
    return await _add(session, dedup_key=dedup_key, person=person, kind=kind, now=now, not_before=not_before,
                      about=about, scope=scope, payload=json.dumps(payload, ensure_ascii=False))


async def refer(
    session: AsyncSession,
    *,
    dedup_key: str,
    person: Person,
    kind: str,
    ref: dict[str, Any],
    about: Person | None,
    now: datetime,
    not_before: datetime | None = None,
    scope: str | None = None,
) -> bool:
    """Queue a message about a client as a reference: `ref` holds ids only, never text. The renderer registered
    for `kind` (bot/services/notices.py) makes the text when it is sent. True when added."""
    return await _add(session, dedup_key=dedup_key, person=person, kind=kind, now=now, not_before=not_before,
                      about=about, scope=scope, ref=ref)


async def _add(
    session: AsyncSession, *, dedup_key: str, person: Person, kind: str, now: datetime, not_before: datetime | None,
    about: Person | None, scope: str | None, payload: str | None = None, ref: dict[str, Any] | None = None,
) -> bool:
    exists = await session.execute(select(OutboxMessage.id).where(OutboxMessage.dedup_key == dedup_key))
    if exists.first() is not None:
        return False
    session.add(
        OutboxMessage(
            dedup_key=dedup_key,
            person_id=person.id,
            chat_id=person.chat_id,
            kind=kind,
            payload=payload,
            ref=ref,
            about_id=about.id if about is not None and about.id != person.id else None,
            scope=scope,
            created_at=now,
            next_attempt_at=not_before or now,
            attempts=0,
        )
    )
    return True


async def withdraw(session: AsyncSession, *, about: Person, person: Person | None = None, scope: str | None = None) -> int:
    """Drop unsent messages about this client (to `person` only, of `scope` only, when given). Returns how many."""
    query = delete(OutboxMessage).where(
        OutboxMessage.about_id == about.id, OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None))
    if person is not None:
        query = query.where(OutboxMessage.person_id == person.id)
    if scope is not None:
        query = query.where(OutboxMessage.scope == scope)
    result = await session.execute(query.execution_options(synchronize_session=False))
    return result.rowcount or 0


def _markup(payload: dict[str, Any]) -> InlineKeyboardMarkup | None:
    rows = payload.get("buttons") or []
    if not rows:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows])


def backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    withdrawn: int = 0  # references with nothing left to say (a deleted account, a revoked consent)
    unreachable: list[int] = field(default_factory=list)


async def _claim(svc: Services, limit: int) -> list[tuple[int, int]]:
    now = svc.now()
    async with svc.unit() as session:
        query = (
            select(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None))
            .where(OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows = list((await session.execute(query)).scalars())
        for row in rows:
            row.next_attempt_at = now + LEASE
        claimed = [(row.id, row.chat_id) for row in rows]
        await session.commit()
    return claimed


def round_robin(claimed: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """First message of every chat, then every chat's second, ...: one busy chat (a worker with twenty nudges)
    does not hold up everyone else while it waits its one second between messages."""
    per_chat: dict[int, list[tuple[int, int]]] = {}
    for item in claimed:
        per_chat.setdefault(item[1], []).append(item)
    rounds: list[tuple[int, int]] = []
    depth = max((len(items) for items in per_chat.values()), default=0)
    for index in range(depth):
        rounds += [items[index] for items in per_chat.values() if index < len(items)]
    return rounds


async def deliver_due(
    svc: Services, bot: Bot, *, batch: int = 200, budget: float = 45.0, stopping: asyncio.Event | None = None
) -> DeliveryReport:
    """Send what is due, batch after batch, until nothing is due or `budget` seconds have passed (the next
    tick goes on from there); at least one batch. Returns what happened. Once `stopping` is set (SIGTERM),
    the send in flight finishes and the rest of the batch is given back at once instead of after its lease."""
    report = DeliveryReport()
    loop = asyncio.get_running_loop()
    started = loop.time()
    last_sent: dict[int, float] = {}
    overall_gap = 1.0 / FloodLimit.MESSAGES_PER_SECOND
    previous = -overall_gap
    while True:
        claimed = round_robin(await _claim(svc, batch))
        for index, (message_id, chat_id) in enumerate(claimed):
            if stopping is not None and stopping.is_set():
                await release(svc, [item[0] for item in claimed[index:]])
                return report
            message = await _prepare(svc, message_id)
            if message is None:
                report.withdrawn += 1
                continue
            # Pace from the start of each send: 30 a second in all, one a second per chat.
            wait = max(previous + overall_gap, last_sent.get(chat_id, -PER_CHAT_GAP) + PER_CHAT_GAP) - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            previous = loop.time()
            last_sent[chat_id] = previous
            outcome, error, retry_after = await _send(bot, chat_id, message)
            await _record(svc, message_id, outcome, error, retry_after, report)
        if len(claimed) < batch or loop.time() - started >= budget or (stopping is not None and stopping.is_set()):
            return report


async def render_row(svc: Services, session: AsyncSession, row: OutboxMessage) -> dict[str, Any] | None:
    """What this row says now, as {"text", "buttons"}: a reference rendered through the consent check (its looks
    are added to the session as audit rows), a consent scope checked again; None when there is nothing to send."""
    from bot.services.consent import granted_scopes

    if row.sent_at is not None or row.failed_at is not None:
        return None
    recipient = await session.get(Person, row.person_id) if row.person_id is not None else None
    about = await session.get(Person, row.about_id) if row.about_id is not None else None
    if recipient is None or (row.about_id is not None and about is None):  # where foreign keys are not enforced
        return None
    if row.scope and about is not None and row.scope not in await granted_scopes(session, about.id, recipient.id):
        return None
    if row.ref is not None:
        rendered = await notices.render(svc, session, row.kind, recipient, about, row.ref)
        if rendered is None:
            return None
        return {"text": rendered.text, "buttons": [[list(button) for button in r] for r in rendered.buttons]}
    return json.loads(row.payload) if row.payload is not None else None


async def _prepare(svc: Services, message_id: int) -> dict[str, Any] | None:
    """The message as it goes out now. None when it was withdrawn: the row is deleted, so nothing about the
    client stays behind."""
    async with svc.unit() as session:
        row = await session.get(OutboxMessage, message_id)
        if row is None:
            return None
        message = await render_row(svc, session, row)
        if message is None and row.sent_at is None and row.failed_at is None:
            audit(session, at=svc.now(), action="message.withdrawn", scope=row.kind)
            await session.delete(row)
        await session.commit()
        return message


async def release(svc: Services, message_ids: list[int]) -> None:
    """Claimed but not sent: due again now (a clean stop gives its batch back instead of leaving the lease)."""
    if not message_ids:
        return
    async with svc.unit() as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(message_ids), OutboxMessage.sent_at.is_(None))
            .values(next_attempt_at=svc.now())
        )
        await session.commit()


async def _send(bot: Bot, chat_id: int, payload: dict[str, Any]) -> tuple[str, str | None, float | None]:
    """(outcome, error, retry_after): sent, retry (network trouble, 429), blocked, or failed for good."""
    try:
        await bot.send_message(chat_id, payload["text"], reply_markup=_markup(payload))
        return "sent", None, None
    except RetryAfter as exc:
        delay = exc.retry_after
        return "retry", "RetryAfter", float(delay if isinstance(delay, (int, float)) else delay.total_seconds())
    except Forbidden:
        return "blocked", "Forbidden", None
    except BadRequest as exc:
        return "failed", f"BadRequest: {exc.message[:120]}", None
    except NetworkError as exc:
        return "retry", type(exc).__name__, None


async def _record(
    svc: Services, message_id: int, outcome: str, error: str | None, retry_after: float | None, report: DeliveryReport
) -> None:
    now = svc.now()
    async with svc.unit() as session:
        row = await session.get(OutboxMessage, message_id)
        if row is None:
            return
        row.attempts += 1
        row.last_error = error
        if outcome == "sent":
            row.sent_at = now
            row.payload, row.ref = None, None  # delivered: the database keeps no copy of what it said
            report.sent += 1
        elif outcome == "retry" and row.attempts < MAX_ATTEMPTS:
            row.next_attempt_at = now + (timedelta(seconds=retry_after) if retry_after else backoff(row.attempts))
            report.retried += 1
        else:
            row.failed_at = now
            row.payload, row.ref = None, None  # never tried again: nothing to keep
            report.failed += 1
            if outcome == "blocked" and row.person_id is not None:
                person = await session.get(Person, row.person_id)
                if person is not None and not person.unreachable:
                    person.unreachable = True
                    report.unreachable.append(person.id)
                    await _tell_worker_unreachable(svc, session, person, now)
        await session.commit()


async def _tell_worker_unreachable(svc: Services, session: AsyncSession, client: Person, now: datetime) -> None:
    """A client who blocked the bot is not retried forever: their coordinating worker is told, once."""
    if client.role != "client" or client.household_id is None:
        return
    workers = (
        await session.execute(
            select(Person)
            .join(CareTeamMember, CareTeamMember.worker_id == Person.id)
            .where(CareTeamMember.household_id == client.household_id, CareTeamMember.role == "coordinating", Person.active)
        )
    ).scalars()
    for worker in workers:
        await refer(session, dedup_key=f"unreachable:{client.id}:{worker.id}", person=worker, kind="unreachable",
                    ref={}, about=client, now=now)


@renders("unreachable")
async def _render_unreachable(
    svc: Services, session: AsyncSession, worker: Person, client: Person | None, ref: dict[str, Any]
) -> Rendered | None:
    if client is None:
        return None
    t = translator(worker.locale, svc.settings.zone)
    # Without consent the worker may hear only that the client has not responded (bot/domain/disclosure.py).
    return Rendered(t.gettext("{name} has not responded for a while. Please get in touch another way.").format(
        name=client.name or "?"))
