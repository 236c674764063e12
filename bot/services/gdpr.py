"""AVG/GDPR rights of a client: a copy of all their data (/mijngegevens) and deletion after 7 days (/verwijderen).

Both walk `Base.metadata` instead of a hand-made list of tables, so a table added later is exported and
purged without touching this file, as long as it points at `people.id` with a foreign key, hangs below such
a row with an ON DELETE CASCADE foreign key (a goal's check-ins), or keeps a `telegram_id` column. A new
model must be imported by bot/db/models.py to be part of `Base.metadata`.

Messages: a message to someone else about the client refers to them (`outbox.refer`, `about_id`), so it goes
with the account whether it was sent or not; a sent message keeps no text. Alerts that are still queued as a
text are found by the client's full name, Telegram id or alert key (`_scrub_messages_about`). Misuse reports
by the client or about a contact of theirs go too (`_delete_written_about`). tests/services/test_purge.py
proves it: after the purge no column of any table holds a word of the client.

Reminders: a person with `deletion_due_at` set gets no reminders. Today those are the phase check-in
prompt (checkins.queue_due_prompts), the goal prompt (goals.queue_goal_prompts), the stall message
(goals.sweep_stalls), the self-scan invitation and the peer expert's quiet-contact reminder; all skip them. Every new
kind of reminder must skip `Person.deletion_due_at.is_not(None)` as well. Replies to what the client does
themselves still work in the 7 days, so they can use the bot, take their data with them and change their mind.
"""
from __future__ import annotations

import base64
import contextlib
import json
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    AuditEntry,
    Base,
    CareTeamMember,
    ConversationState,
    Household,
    MisuseReport,
    OutboxMessage,
    PeerContact,
    Person,
)
from bot.db.types import SecretText
from bot.domain.roles import Role
from bot.services.base import NotAllowed, NotFound, Services, audit, person_by_telegram

EXPORT_FORMAT = "houvast-export/1"
GRACE = timedelta(days=7)
PEOPLE = Person.__table__
HOUSEHOLDS = Household.__table__
# These have their own part in the export (or are the trail itself).
_OWN_SECTIONS = {PEOPLE.name, HOUSEHOLDS.name, AuditEntry.__table__.name}
_BATCH = 500


# ---- the generic walk --------------------------------------------------------------------------------


def _references(target: sa.Table) -> list[tuple[sa.Table, sa.Column, str | None]]:
    """Every (table, column, ondelete) with a foreign key to target's primary key, in dependency order."""
    found = []
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table is target and fk.column.primary_key:
                found.append((table, fk.parent, (fk.ondelete or "").upper() or None))
    return found


def _telegram_id_tables() -> list[sa.Table]:
    """Tables without a foreign key that still hold someone's Telegram id (invite attempts, user_data)."""
    return [t for t in Base.metadata.sorted_tables if t is not PEOPLE and "telegram_id" in t.c]


def _key_holds(raw_key: str, telegram_id: int) -> bool:
    """conversation_states keys are JSON lists of ints (chat id, user id)."""
    try:
        key = json.loads(raw_key)
    except ValueError:
        return False
    return isinstance(key, list) and telegram_id in key


async def _conversation_rows(session: AsyncSession, telegram_id: int) -> list[sa.Row]:
    table = ConversationState.__table__
    # LIKE narrows the rows down portably; the JSON check makes sure 501 does not match 15012.
    rows = await session.execute(select(table).where(table.c.key.like(f"%{int(telegram_id)}%")))
    return [row for row in rows if _key_holds(row._mapping["key"], telegram_id)]


def jsonable(value: Any) -> Any:
    """Datetimes and times as ISO strings; everything else as JSON can hold it."""
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    return value


def _row_dict(table: sa.Table, row: sa.Row) -> dict[str, Any]:
    """One row as a dict; encrypted text is already decrypted by SecretText, JSON in it is decoded."""
    result: dict[str, Any] = {}
    for column in table.columns:
        value = row._mapping[column]
        if isinstance(column.type, SecretText) and isinstance(value, str) and value[:1] in ("{", "["):
            with contextlib.suppress(ValueError):  # text that only looks like JSON stays text
                value = json.loads(value)
        result[column.name] = jsonable(value)
    return result


async def _names(session: AsyncSession, ids: Iterable[int]) -> dict[int, Person]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    rows = await session.execute(select(Person).where(Person.id.in_(ids)))
    return {person.id: person for person in rows.scalars()}


def _staff_name(person: Person | None) -> str | None:
    # Names of staff are shown; another client's name is never part of someone's export.
    if person is None or person.role == Role.CLIENT:
        return None
    return person.name


async def _client(session: AsyncSession, telegram_id: int) -> Person:
    person = await person_by_telegram(session, telegram_id)
    if person is None:
        raise NotFound("person")
    if person.role != Role.CLIENT:
        raise NotAllowed("only a client uses /mijngegevens and /verwijderen")
    return person


# ---- export ------------------------------------------------------------------------------------------


async def export_data(svc: Services, client_telegram_id: int) -> dict[str, Any]:
    """Everything stored about this client, as a JSON-able dict. Audited as data.exported."""
    now = svc.now()
    async with svc.unit() as session:
        client = await _client(session, client_telegram_id)
        person_row = (await session.execute(select(PEOPLE).where(PEOPLE.c.id == client.id))).one()
        tables, people_refs = await _client_tables(session, client)
        await _name_others(session, client, tables, people_refs)
        household, care_team = await _household_of(session, client)
        audit_rows = await _audit_rows(session, client)
        audit(session, at=now, action="data.exported", actor=client, subject=client)
        await session.commit()

    return {
        "format": EXPORT_FORMAT,
        "exported_at": jsonable(now),
        "person": _row_dict(PEOPLE, person_row),
        "household": household,
        "care_team": care_team,
        "tables": tables,
        "audit": audit_rows,
    }


async def _client_tables(
    session: AsyncSession, client: Person
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[sa.Column]]]:
    """Per table, the client's rows; and per table, the columns that point at a person."""
    tables: dict[str, list[dict[str, Any]]] = {}
    people_refs: dict[str, list[sa.Column]] = {}
    by_table: dict[str, list[sa.Column]] = {}
    for table, column, _ondelete in _references(PEOPLE):
        by_table.setdefault(table.name, []).append(column)
    # Parents come before children in sorted_tables, so one pass also finds rows that belong to the
    # client through another row (a goal's check-ins through the goal): a CASCADE foreign key to a row
    # already exported means "part of it".
    selected: dict[sa.Table, sa.ColumnElement[bool]] = {}  # table -> which of its rows are the client's
    for table in Base.metadata.sorted_tables:
        if table.name in _OWN_SECTIONS:
            continue
        if table is ConversationState.__table__:
            tables[table.name] = [
                _row_dict(table, r) for r in await _conversation_rows(session, client.telegram_id)
            ]
            continue
        columns = by_table.get(table.name, [])
        conditions = [column == client.id for column in columns]
        if "telegram_id" in table.c:
            conditions.append(table.c.telegram_id == client.telegram_id)
        for fk in table.foreign_keys:
            parent = selected.get(fk.column.table)
            if parent is not None and fk.column.primary_key and (fk.ondelete or "").upper() == "CASCADE":
                # A subquery, not a list of ids: no limit on how many rows the parent has.
                conditions.append(fk.parent.in_(select(fk.column).where(parent)))
        if not conditions:
            continue
        pk = list(table.primary_key.columns)
        selected[table] = sa.or_(*conditions)
        rows = list(await session.execute(select(table).where(selected[table]).order_by(*pk)))
        tables[table.name] = [_row_dict(table, row) for row in rows]
        people_refs[table.name] = [c for c in table.columns if any(
            fk.column.table is PEOPLE for fk in c.foreign_keys)]
    return tables, people_refs


async def _name_others(
    session: AsyncSession, client: Person, tables: dict[str, list[dict[str, Any]]],
    people_refs: dict[str, list[sa.Column]],
) -> None:
    # Other people a row points at (a viewer, who saved a version): their name, if they are staff.
    referenced = {
        row[column.name]
        for name, columns in people_refs.items()
        for row in tables[name]
        for column in columns
        if row[column.name] not in (None, client.id)
    }
    others = await _names(session, referenced)
    for name, columns in people_refs.items():
        for row in tables[name]:
            for column in columns:
                value = row[column.name]
                if value is not None and value != client.id and column.name.endswith("_id"):
                    row[column.name[:-3] + "_name"] = _staff_name(others.get(value))


async def _household_of(session: AsyncSession, client: Person) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The client's household row and its care team (names, roles, since)."""
    household = None
    care_team: list[dict[str, Any]] = []
    if client.household_id is not None:
        household_row = (
            await session.execute(select(HOUSEHOLDS).where(HOUSEHOLDS.c.id == client.household_id))
        ).one_or_none()
        household = _row_dict(HOUSEHOLDS, household_row) if household_row is not None else None
        team = await session.execute(
            select(Person.name, CareTeamMember.role, CareTeamMember.since)
            .join(CareTeamMember, CareTeamMember.worker_id == Person.id)
            .where(CareTeamMember.household_id == client.household_id)
            .order_by(CareTeamMember.id)
        )
        care_team = [{"name": name, "role": role, "since": jsonable(since)} for name, role, since in team.all()]
    return household, care_team


async def _audit_rows(session: AsyncSession, client: Person) -> list[dict[str, Any]]:
    """The audit trail by or about the client, with the names of the client and the staff in it."""
    trail = list(
        (
            await session.execute(
                select(AuditEntry)
                .where(sa.or_(AuditEntry.subject == client.pseudonym, AuditEntry.actor == client.pseudonym))
                .order_by(AuditEntry.at, AuditEntry.id)
            )
        ).scalars()
    )
    pseudonyms = {p for entry in trail for p in (entry.actor, entry.subject) if p and p != client.pseudonym}
    by_pseudonym: dict[str, Person] = {}
    if pseudonyms:
        rows = await session.execute(select(Person).where(Person.pseudonym.in_(pseudonyms)))
        by_pseudonym = {person.pseudonym: person for person in rows.scalars()}

    def who(pseudonym: str | None) -> str | None:
        if pseudonym is None:
            return None
        if pseudonym == client.pseudonym:
            return client.name
        return _staff_name(by_pseudonym.get(pseudonym))

    audit_rows = [
        {
            "at": jsonable(entry.at),
            "action": entry.action,
            "scope": entry.scope,
            "outcome": entry.outcome,
            "by_you": entry.actor == client.pseudonym,
            "about_you": entry.subject == client.pseudonym,
            "actor_role": entry.actor_role,
            "actor_name": who(entry.actor),
            "subject_name": who(entry.subject),
        }
        for entry in trail
    ]
    return audit_rows


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
