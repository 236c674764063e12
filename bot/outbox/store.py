"""The outbox's database part: queue a message, claim due rows, check a claim before a send, record what
happened. No Telegram here (sending is bot/outbox/delivery.py).

Claims are exactly-once. `claim` takes due rows with one conditional UPDATE that writes a fresh claim token and
a lease (`next_attempt_at` moves to the lease's end, so the rows are not due for anyone else meanwhile): on
SQLite that one statement is one write transaction, so two runs never take the same row; on PostgreSQL the
rows are picked with FOR UPDATE SKIP LOCKED and the UPDATE checks again that they are still due. Before each
send `prepare` renews the lease only if the row still carries this run's token, and `record` writes the outcome
only under that token too. A run whose lease ran out and whose rows another run took therefore neither sends
them nor overwrites what the other run recorded.
"""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import CareTeamMember, OutboxMessage, Person
from bot.outbox import notices
from bot.services.base import Services, audit, granted_scopes

LEASE = timedelta(minutes=2)  # a claim's life; every send renews it, so only a dead or stuck run loses it
MAX_BACKOFF = timedelta(hours=1)
MAX_ATTEMPTS = 12
PENDING = (OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None))


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
    No service uses it any more (they `refer`); rows it wrote are still sent as they are.
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
    """Queue a message as a fact: `ref` holds ids and small codes, never text. The renderer registered for `kind`
    (conversations/notices/) makes the text when it is sent. `about`: the client it is about, when that is not the
    recipient. True when added."""
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


class Addressee(Protocol):
    """Whom a message of a batch goes to: a Person, or a row with these two columns."""

    id: int
    chat_id: int


@dataclass(frozen=True)
class Reference:
    """One message of a batch for `refer_many`: a fact (kind and ids) for the person themselves."""

    dedup_key: str
    person: Addressee
    kind: str
    ref: dict[str, Any] = field(default_factory=dict)


async def refer_many(session: AsyncSession, references: list[Reference], *, now: datetime) -> int:
    """`refer` for a batch (the tick's prompts): one INSERT that skips keys already queued (ON CONFLICT DO NOTHING
    on the unique dedup_key, the same on SQLite and PostgreSQL: no round trip to look first, and no race with
    another process queueing the same key). Returns how many were added."""
    fresh: dict[str, Reference] = {}
    for reference in references:
        fresh.setdefault(reference.dedup_key, reference)
    if not fresh:
        return 0
    added = await session.execute(_insert_new(session.get_bind().dialect.name), [
        {"dedup_key": r.dedup_key, "person_id": r.person.id, "chat_id": r.person.chat_id, "kind": r.kind,
         "payload": None, "ref": r.ref, "about_id": None, "scope": None, "created_at": now,
         "next_attempt_at": now, "attempts": 0}
        for r in fresh.values()
    ])
    return len(added.all())


def _insert_new(dialect: str) -> Any:
    table = OutboxMessage.__table__
    statement = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    return statement.on_conflict_do_nothing(index_elements=[table.c.dedup_key]).returning(table.c.id)


async def withdraw(
    session: AsyncSession, *, about: Person, person: Person | None = None, scope: str | None = None
) -> int:
    """Drop unsent messages about this client (to `person` only, of `scope` only, when given). Returns how many."""
    query = delete(OutboxMessage).where(OutboxMessage.about_id == about.id, *PENDING)
    if person is not None:
        query = query.where(OutboxMessage.person_id == person.id)
    if scope is not None:
        query = query.where(OutboxMessage.scope == scope)
    result = await session.execute(query.execution_options(synchronize_session=False))
    return result.rowcount or 0


def backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    withdrawn: int = 0  # references with nothing left to say (a deleted account, a revoked consent)
    unreachable: list[int] = field(default_factory=list)
    rate_limited: int = 0  # 429s Telegram answered (each pauses every send of this bot)
    lost: int = 0  # claims another run had taken over by the time this one came to them (nothing sent)


@dataclass(frozen=True)
class Claim:
    """Rows this run may send, under `token`, oldest first: (message id, chat id)."""

    token: str
    items: list[tuple[int, int]]


async def claim(svc: Services, limit: int) -> Claim:
    """Take up to `limit` due rows for this run: one conditional UPDATE writes the token and the lease."""
    now = svc.now()
    token = secrets.token_hex(8)
    async with svc.unit() as session:
        due = (
            select(OutboxMessage.id)
            .where(*PENDING, OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        )
        if session.bind.dialect.name == "postgresql":
            # A row another run is taking now is left to it. Materialized, so the rows are picked once: a
            # subquery with SKIP LOCKED may be run again inside the UPDATE's join and pick more than `limit`.
            picked = due.with_for_update(skip_locked=True).cte("due").prefix_with("MATERIALIZED")
            ids: Any = select(picked.c.id)
        else:
            ids = due.scalar_subquery()
        taken = await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), *PENDING, OutboxMessage.next_attempt_at <= now)
            .values(claim_token=token, next_attempt_at=now + LEASE)
            .returning(OutboxMessage.id, OutboxMessage.chat_id)
            .execution_options(synchronize_session=False)
        )
        items = sorted((int(message_id), int(chat_id)) for message_id, chat_id in taken.all())
        await session.commit()
    return Claim(token, items)


LOST = "lost"  # `prepare`: the row is no longer this run's (another run has it, or it is sent or gone)


async def prepare(svc: Services, message_id: int, token: str) -> dict[str, Any] | str | None:
    """Just before a send: renew the lease if the row is still ours, and render what it says now.
    Returns the message ({"text", "buttons"}), None when it was withdrawn (the row is deleted, audited, so
    nothing about the client stays behind), or LOST when this run no longer holds the row."""
    now = svc.now()
    async with svc.unit() as session:
        held = await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.claim_token == token, *PENDING)
            .values(next_attempt_at=now + LEASE)
            .execution_options(synchronize_session=False)
        )
        if held.rowcount != 1:
            await session.rollback()
            return LOST
        row = await session.get(OutboxMessage, message_id)
        assert row is not None
        message = await render_row(svc, session, row)
        if message is None:
            audit(session, at=now, action="message.withdrawn", scope=row.kind)
            await session.delete(row)
        await session.commit()
        return message


async def render_row(svc: Services, session: AsyncSession, row: OutboxMessage) -> dict[str, Any] | None:
    """What this row says now, as {"text", "buttons"}: a reference rendered through the consent check (its looks
    are added to the session as audit rows), a consent scope checked again; None when there is nothing to send."""

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


async def release(svc: Services, token: str, message_ids: list[int], *, at: datetime | None = None) -> None:
    """Claimed but not sent: due again at `at` (now by default) for any run. A clean stop gives its batch back
    this way instead of leaving it to the lease; a long RetryAfter gives back what would wait past the run."""
    if not message_ids:
        return
    async with svc.unit() as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(message_ids), OutboxMessage.claim_token == token, *PENDING)
            .values(next_attempt_at=at or svc.now(), claim_token=None)
            .execution_options(synchronize_session=False)
        )
        await session.commit()


@dataclass(frozen=True)
class Outcome:
    """What one send came to: "sent", "retry" (network trouble, 429), "blocked" (403) or "failed" (for good)."""

    kind: str
    error: str | None = None
    retry_after: float | None = None


async def record(svc: Services, message_id: int, token: str, outcome: Outcome, report: DeliveryReport) -> None:
    """Write what happened, only while the row still carries this run's token. Sent or failed for good: the
    row keeps no text and no reference. A client who blocked the bot is marked unreachable, their worker told."""
    now = svc.now()
    async with svc.unit() as session:
        held = await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.claim_token == token, *PENDING)
            .values(attempts=OutboxMessage.attempts + 1, last_error=outcome.error, claim_token=None)
            .returning(OutboxMessage.attempts, OutboxMessage.person_id)
            .execution_options(synchronize_session=False)
        )
        found = held.first()
        if found is None:  # another run took the row over: what it records stands
            await session.rollback()
            report.lost += 1
            return
        attempts, person_id = found
        done = {"payload": None, "ref": None}  # the database keeps no copy of what it said
        if outcome.kind == "sent":
            values: dict[str, Any] = {"sent_at": now, **done}
            report.sent += 1
        elif outcome.kind == "retry" and attempts < MAX_ATTEMPTS:
            delay = timedelta(seconds=outcome.retry_after) if outcome.retry_after else backoff(attempts)
            values = {"next_attempt_at": now + delay}
            report.retried += 1
        else:
            values = {"failed_at": now, **done}
            report.failed += 1
        await session.execute(
            update(OutboxMessage).where(OutboxMessage.id == message_id).values(**values)
            .execution_options(synchronize_session=False)
        )
        if outcome.kind == "blocked" and person_id is not None:
            # One conditional UPDATE: of two runs recording a 403 for one person at once, one marks them.
            marked = await session.execute(
                update(Person).where(Person.id == person_id, Person.unreachable.is_(False)).values(unreachable=True)
                .returning(Person.id).execution_options(synchronize_session=False)
            )
            if marked.first() is not None:
                person = await session.get(Person, person_id, populate_existing=True)
                report.unreachable.append(person_id)
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
            .where(CareTeamMember.household_id == client.household_id, CareTeamMember.role == "coordinating",
                   Person.active)
        )
    ).scalars()
    for worker in workers:
        await refer(session, dedup_key=f"unreachable:{client.id}:{worker.id}", person=worker, kind="unreachable",
                    ref={}, about=client, now=now)
