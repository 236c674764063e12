"""The generic walk over the schema: which rows are about a person, and how a row reads as JSON."""
from __future__ import annotations

import base64
import contextlib
import json
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    AuditEntry,
    Base,
    ConversationState,
    Household,
    Person,
)
from bot.db.types import SecretText
from bot.domain.roles import Role
from bot.services.base import NotAllowed, NotFound, person_by_telegram

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
