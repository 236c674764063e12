"""Key rotation: re-encrypt every SecretText column of every model under the newest key (`houvast rotate-key`).

Stored strings are read and written with plain Core columns (no type), so SecretText does not decrypt or
encrypt them on the way: `Cipher.rotate` sees exactly what is stored. Plain values (from before a key was
set) get encrypted; values under an older key move to the newest one. One batch is one transaction, so a
rotation that stops half-way can simply be run again.

Safe while the bot runs: each row is written only if it still holds what was read (compare-and-set); a row the
bot changed in between is read again and rotated from its new value, never overwritten with the old one.
Restart the bot with the new key first in HOUVAST_ENCRYPTION_KEYS before rotating, so what it writes meanwhile
is under the new key too.
"""
from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import sqlalchemy as sa
from cryptography.fernet import InvalidToken
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.crypto import Cipher
from bot.db.models import Base
from bot.db.types import SecretText
from bot.services.base import Services

BATCH = 500
# progress(label, done, total): called once per column before it starts, and after every batch.
Progress = Callable[[str, int, int], object]


@dataclass(frozen=True)
class SecretColumn:
    table: str
    column: str
    key: str  # the single-column primary key

    @property
    def label(self) -> str:
        return f"{self.table}.{self.column}"


def secret_columns() -> list[SecretColumn]:
    found = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, SecretText):
                keys = list(table.primary_key.columns)
                if len(keys) != 1:
                    raise RuntimeError(f"{table.name}: rotation needs a single-column primary key")
                found.append(SecretColumn(table.name, column.name, keys[0].name))
    return found


def _raw(target: SecretColumn) -> tuple[sa.TableClause, sa.ColumnClause, sa.ColumnClause]:
    """The column's table untyped (the stored text, not the decrypted value), its key and the column."""
    raw = sa.table(target.table, sa.column(target.key), sa.column(target.column))
    return raw, raw.c[target.key], raw.c[target.column]


async def _batches(
    sessions: async_sessionmaker[AsyncSession], target: SecretColumn
) -> AsyncIterator[tuple[AsyncSession, list[sa.Row]]]:
    """The stored values of one secret column in key order, BATCH rows at a time, each batch in its own
    session (so a long run holds no transaction open)."""
    _table, key, value = _raw(target)
    last = None
    while True:
        async with sessions() as session:
            query = sa.select(key, value).where(value.is_not(None)).order_by(key).limit(BATCH)
            if last is not None:
                query = query.where(key > last)
            rows = list((await session.execute(query)).all())
            if not rows:
                return
            yield session, rows
        last = rows[-1][0]


async def _rotate_column(
    sessions: async_sessionmaker[AsyncSession], cipher: Cipher, target: SecretColumn, progress: Progress | None
) -> int:
    raw, key, value = _raw(target)
    async with sessions() as session:
        count = sa.select(sa.func.count()).select_from(raw).where(value.is_not(None))
        total = (await session.execute(count)).scalar_one()
    if progress is not None:
        progress(target.label, 0, total)
    done = 0
    async for session, rows in _batches(sessions, target):
        for row_key, stored in rows:
            await _rotate_value(session, raw, key, value, target, row_key, stored, cipher)
        await session.commit()
        done += len(rows)
        if progress is not None:
            progress(target.label, done, total)
    return done


async def _rotate_value(
    session: AsyncSession, raw: sa.TableClause, key: sa.ColumnClause, value: sa.ColumnClause, target: SecretColumn,
    row_key: object, stored: str, cipher: Cipher, attempts: int = 5,
) -> None:
    """Compare-and-set: write the rotated value only where the row still holds `stored`; if the bot changed it
    meanwhile, rotate what it holds now."""
    for _ in range(attempts):
        try:
            rotated = cipher.rotate(stored)
        except InvalidToken:
            # The value itself is never printed; the row is named by its key only.
            raise RuntimeError(
                f"{target.label} ({target.key} {row_key}) is encrypted with a key that is not configured"
            ) from None
        if rotated == stored:
            return
        done = await session.execute(
            sa.update(raw).where(key == row_key, value == stored).values({target.column: rotated})
        )
        if done.rowcount == 1:
            return
        current = (await session.execute(sa.select(value).where(key == row_key))).first()
        if current is None or current[0] is None:
            return  # deleted or emptied meanwhile: nothing to rotate
        stored = current[0]
    raise RuntimeError(f"{target.label} ({target.key} {row_key}) kept changing during the rotation; run it again")


def readable(cipher: Cipher, stored: str) -> bool:
    """Can the configured keys open this stored value? Plain values always can."""
    try:
        cipher.decrypt(stored)
    except RuntimeError:
        return False
    return True


async def unreadable(sessions: async_sessionmaker[AsyncSession], cipher: Cipher) -> dict[str, int]:
    """Per column, how many stored values none of the cipher's keys opens (empty: all are readable).
    Reads every secret value once; used before a rotation and a restore, which must not leave any behind."""
    found: dict[str, int] = {}
    for target in secret_columns():
        async for _session, rows in _batches(sessions, target):
            bad = sum(1 for _key, stored in rows if not readable(cipher, stored))
            if bad:
                found[target.label] = found.get(target.label, 0) + bad
    return found


def describe_unreadable(found: dict[str, int]) -> str:
    return ", ".join(f"{label} ({count})" for label, count in sorted(found.items()))


async def rotate_all(
    svc_or_sessions: Services | async_sessionmaker[AsyncSession], cipher: Cipher, progress: Progress | None = None
) -> int:
    """Re-encrypt every stored secret under the cipher's newest key. Returns how many values were rewritten.

    The cipher holds the new key first and the old ones after it (HOUVAST_ENCRYPTION_KEYS, newest first);
    afterwards the old keys can be removed from the setting."""
    if not cipher.enabled:
        raise RuntimeError("no encryption key configured")
    sessions = svc_or_sessions.sessions if isinstance(svc_or_sessions, Services) else svc_or_sessions
    # Refuse before writing anything when a value would stay unreadable: a key missing from the setting
    # (usually the old one, dropped too early). The values themselves are never shown; only where they are.
    found = await unreadable(sessions, cipher)
    if found:
        raise RuntimeError(
            "Some values are encrypted with a key that is not configured in HOUVAST_ENCRYPTION_KEYS: "
            f"{describe_unreadable(found)}. Nothing was changed; add the old key after the new one and run again."
        )
    total = 0
    for target in secret_columns():
        total += await _rotate_column(sessions, cipher, target, progress)
    return total
