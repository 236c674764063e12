"""/verwijderen: the deletion asked for, cancelled, and carried out when it is due."""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    ConversationState,
    MisuseReport,
    OutboxMessage,
    PeerContact,
    Person,
)
from bot.services.base import Services, audit, person_by_telegram
from bot.services.gdpr.walk import (
    _BATCH,
    GRACE,
    HOUSEHOLDS,
    PEOPLE,
    _client,
    _conversation_rows,
    _references,
    _telegram_id_tables,
)

# ---- deletion ----------------------------------------------------------------------------------------


async def deletion_due(svc: Services, client_telegram_id: int) -> datetime | None:
    """When the account will be deleted, or None when no deletion is pending."""
    async with svc.unit() as session:
        person = await person_by_telegram(session, client_telegram_id)
        return person.deletion_due_at if person is not None else None


async def request_deletion(svc: Services, client_telegram_id: int) -> datetime:
    """Plan the deletion 7 days from now. Asking again while pending keeps the first date."""
    now = svc.now()
    async with svc.unit() as session:
        client = await _client(session, client_telegram_id)
        if client.deletion_due_at is not None:
            return client.deletion_due_at
        client.deletion_due_at = now + GRACE
        audit(session, at=now, action="deletion.requested", actor=client, subject=client)
        await session.commit()
        return client.deletion_due_at


async def cancel_deletion(svc: Services, client_telegram_id: int) -> bool:
    """Undo a pending deletion. False when nothing was pending."""
    now = svc.now()
    async with svc.unit() as session:
        client = await _client(session, client_telegram_id)
        if client.deletion_due_at is None:
            return False
        client.deletion_due_at = None
        audit(session, at=now, action="deletion.cancelled", actor=client, subject=client)
        await session.commit()
        return True


async def _scrub_messages_about(session: AsyncSession, person: Person) -> None:
    """Messages to *others* that still name this person in a text.

    Messages about a client refer (`outbox.refer`) and go with the account through `about_id`; messages to the
    person themselves go with the person row; a sent message keeps no text. This is the backstop for a text
    written before messages referred (an upgrade from an older version): found by the full name or the Telegram
    id, a waiting one is dropped and a sent one cleared.
    """
    patterns = [re.compile(rf"(?<!\d){person.telegram_id}(?!\d)")]
    if person.name:
        patterns.append(re.compile(rf"(?<!\w){re.escape(person.name)}(?!\w)", re.IGNORECASE))
    last_id = 0
    while True:
        rows = list(
            (
                await session.execute(
                    select(OutboxMessage)
                    .where(OutboxMessage.id > last_id, OutboxMessage.created_at >= person.created_at)
                    .where(OutboxMessage.payload.is_not(None))
                    .where(sa.or_(OutboxMessage.person_id.is_(None), OutboxMessage.person_id != person.id))
                    .order_by(OutboxMessage.id)
                    .limit(_BATCH)
                )
            ).scalars()
        )
        if not rows:
            return
        for message in rows:
            last_id = message.id
            if not any(pattern.search(message.payload or "") for pattern in patterns):
                continue
            if message.sent_at is None and message.failed_at is None:
                await session.delete(message)
            else:
                message.payload = None
        await session.flush()


async def _delete_written_about(session: AsyncSession, person: Person) -> None:
    """Rows that outlive their author by design (the reporter's link is SET NULL), but hold the client's words
    or words about a conversation with them: misuse reports by the client, or about a contact of theirs."""
    contacts = select(PeerContact.id).where(PeerContact.client_id == person.id)
    await session.execute(
        sa.delete(MisuseReport).where(
            sa.or_(MisuseReport.reporter_id == person.id, MisuseReport.contact_id.in_(contacts))
        )
    )


async def _delete_where(
    session: AsyncSession, table: sa.Table, condition: sa.ColumnElement[bool], depth: int = 0
) -> None:
    """Delete rows of `table`, children first, all the way down: a reference with SET NULL is nulled, any
    other reference (CASCADE or none) is deleted with it. Done by hand as well as by the database, so it also
    holds where foreign keys are not enforced, and for tables added later."""
    if depth > 8:
        raise RuntimeError(f"{table.name}: foreign keys nested too deep to delete by hand")
    keys = list(table.primary_key.columns)
    for child, column, ondelete in reversed(_references(table)):
        if child is table or len(keys) != 1:
            continue
        owned = select(keys[0]).where(condition)
        if ondelete == "SET NULL":
            await session.execute(sa.update(child).where(column.in_(owned)).values({column.name: None}))
        else:
            await _delete_where(session, child, column.in_(owned), depth + 1)
    await session.execute(sa.delete(table).where(condition))


async def _delete_references(session: AsyncSession, target: sa.Table, key: int) -> None:
    """Everything that points at one row of `target` (a person, a household), and what hangs below it."""
    for table, column, ondelete in reversed(_references(target)):
        if table is target:
            continue
        if ondelete == "SET NULL":
            await session.execute(sa.update(table).where(column == key).values({column.name: None}))
        else:
            await _delete_where(session, table, column == key)


async def _purge_one(svc: Services, person_id: int, now: datetime) -> int | None:
    """Delete one person for real, in one unit of work. Returns their Telegram id, or None if not due."""
    async with svc.unit() as session:
        person = await session.get(Person, person_id)
        if person is None or person.deletion_due_at is None or person.deletion_due_at > now:
            return None
        telegram_id, household_id = person.telegram_id, person.household_id
        await _scrub_messages_about(session, person)
        await _delete_written_about(session, person)
        for table in _telegram_id_tables():
            await session.execute(sa.delete(table).where(table.c.telegram_id == telegram_id))
        states = ConversationState.__table__
        for row in await _conversation_rows(session, telegram_id):
            await session.execute(sa.delete(states).where(states.c.id == row.id))
        await _delete_references(session, PEOPLE, person.id)
        # The trail keeps only the pseudonym: no actor, the deleted person as subject.
        audit(session, at=now, action="deletion.done", subject=person)
        await session.flush()
        session.expunge(person)
        await session.execute(sa.delete(PEOPLE).where(PEOPLE.c.id == person_id))
        if household_id is not None:
            left = (
                await session.execute(
                    select(sa.func.count()).select_from(PEOPLE).where(PEOPLE.c.household_id == household_id)
                )
            ).scalar_one()
            if left == 0:
                await _delete_references(session, HOUSEHOLDS, household_id)
                await session.execute(sa.delete(HOUSEHOLDS).where(HOUSEHOLDS.c.id == household_id))
        await session.commit()
        return telegram_id


async def purge_due(svc: Services, *, forget: Callable[[int], object] | None = None) -> int:
    """The tick's part: delete every person whose deletion date has come. Returns how many.

    `forget(telegram_id)` is called after each deletion, so the running bot can drop what it keeps in memory
    for that user (PTB's user_data and conversation state)."""
    now = svc.now()
    async with svc.unit() as session:
        due = list(
            (
                await session.execute(
                    select(Person.id).where(Person.deletion_due_at.is_not(None), Person.deletion_due_at <= now)
                    .order_by(Person.deletion_due_at, Person.id)
                )
            ).scalars()
        )
    done = 0
    for person_id in due:
        telegram_id = await _purge_one(svc, person_id, now)
        if telegram_id is None:
            continue
        done += 1
        if forget is not None:
            forget(telegram_id)
    return done
