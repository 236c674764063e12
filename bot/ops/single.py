"""Exactly one bot process per database, and one migration at a time.

Why one bot process: python-telegram-bot keeps conversation states in memory, read from the database at
start and written back after each step; a second process on the same database would not see the first one's
steps, so two processes disagree about where a person is in a form (docs/decisions.md). `houvast run` and
`houvast demo` therefore hold a lock for as long as they run, and a second one stops with one line:

- PostgreSQL: a session-level advisory lock on a connection held open for the life of the process. It goes
  away with the process (also after kill -9), so a restart never waits. After a lost connection the lock is
  taken again; if another process has it by then, this one stops.
- SQLite: an exclusive `flock` on a file next to the database (`<database>-run.lock`), also released by the
  kernel when the process ends.

Commands that do one thing and stop (invite, handover, backup, report, ...) do not take the lock: they work
through the same tables as the bot and may run beside it. Migrations take a lock of their own
(`migration_lock`), so two processes starting at once never race on the schema.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from bot.db.session import sqlite_path

RUN_KEY = 0x486F_7576_6173_7401  # "Houvast" + 1: the advisory lock of a running bot
MIGRATE_KEY = 0x486F_7576_6173_7402  # "Houvast" + 2: the advisory lock of a migration


class AlreadyRunning(Exception):
    """Another bot process holds this database."""


class RunLock:
    """Held by `houvast run` and `houvast demo` from start to stop."""

    def __init__(self, database_url: str) -> None:
        self.url = database_url
        self._path = _lock_file(database_url, "run")
        self._fd: int | None = None
        self._engine: AsyncEngine | None = None
        self._connection: AsyncConnection | None = None

    @property
    def postgres(self) -> bool:
        return self.url.startswith("postgresql")

    async def acquire(self) -> None:
        """Raises AlreadyRunning when another process has it; OSError and database errors when it cannot
        tell (the database is unreachable)."""
        if self.postgres:
            self._engine = create_async_engine(self.url, pool_size=1, max_overflow=0)
            if not await self._take():
                await self.release()
                raise AlreadyRunning(self.url)
        elif self._path is not None:
            self._fd = _flock(self._path)
            if self._fd is None:
                raise AlreadyRunning(self.url)

    async def _take(self) -> bool:
        assert self._engine is not None
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()
            self._connection = None
        connection = await self._engine.connect()
        held = bool((await connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": RUN_KEY})).scalar())
        await connection.commit()  # a session-level lock outlives the transaction
        if not held:
            await connection.close()
            return False
        self._connection = connection
        return True

    async def verify(self) -> bool | None:
        """Still ours? True: yes. False: the connection was lost and another process took the lock meanwhile
        (this one must stop). None: the database cannot be reached now; try again later."""
        if not self.postgres:
            return True
        try:
            assert self._connection is not None
            await self._connection.execute(text("SELECT 1"))
            await self._connection.commit()
            return True
        except Exception:  # noqa: BLE001 - the connection is gone; the lock went with it
            pass
        try:
            return await self._take()
        except Exception:  # noqa: BLE001 - still unreachable
            return None

    async def release(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": RUN_KEY})
                await self._connection.commit()
            with contextlib.suppress(Exception):
                await self._connection.close()
            self._connection = None
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None
        if self._fd is not None:
            os.close(self._fd)  # the kernel drops the flock with the last descriptor
            self._fd = None


async def is_running(database_url: str) -> bool:
    """Does a bot process hold this database? Looks without taking the lock for more than an instant, so
    `houvast status` never makes a bot that starts at that moment refuse (PostgreSQL: pg_locks only)."""
    if database_url.startswith("postgresql"):
        engine = create_async_engine(database_url, pool_size=1, max_overflow=0)
        try:
            async with engine.connect() as connection:
                held = (await connection.execute(text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    "AND classid = :high AND objid = :low AND objsubid = 1"
                ), {"high": RUN_KEY >> 32, "low": RUN_KEY & 0xFFFF_FFFF})).scalar_one()
        finally:
            await engine.dispose()
        return bool(held)
    path = _lock_file(database_url, "run")
    if path is None or not path.exists():
        return False
    fd = _flock(path)
    if fd is None:
        return True
    os.close(fd)
    return False


@contextlib.contextmanager
def migration_lock(database_url: str) -> Iterator[None]:
    """SQLite: an exclusive flock for the duration of a migration (PostgreSQL takes an advisory lock inside
    the migration's own connection, see bot/db/migrations/env.py). Waits for a migration that runs."""
    path = _lock_file(database_url, "migrate")
    if path is None:
        yield
        return
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _lock_file(database_url: str, purpose: str) -> Path | None:
    path = sqlite_path(database_url)
    return None if path is None else path.with_name(f"{path.name}-{purpose}.lock")


def _flock(path: Path) -> int | None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd
