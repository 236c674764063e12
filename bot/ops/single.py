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

`houvast worker` (only the tick and the outbox, bot/ops/worker.py) holds a *shared* worker lock instead, so any
number of workers run beside the bot and `houvast status` can count them. The tick's due work is done by one
process at a time (`tick_turn`), and `deliverers` tells each process how many send, to share Telegram's pace.
"""
from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from bot.db.session import sqlite_path

RUN_KEY = 0x486F_7576_6173_7401  # "Houvast" + 1: the advisory lock of a running bot
MIGRATE_KEY = 0x486F_7576_6173_7402  # "Houvast" + 2: the advisory lock of a migration
TICK_KEY = 0x486F_7576_6173_7403  # "Houvast" + 3: the tick's due work, one process at a time
WORKER_KEY = 0x486F_7576_6173_7404  # "Houvast" + 4: held shared by every running worker


class AlreadyRunning(Exception):
    """Another bot process holds this database."""


class RunLock:
    """Held by `houvast run` and `houvast demo` from start to stop."""

    KEY, PURPOSE, SHARED = RUN_KEY, "run", False

    def __init__(self, database_url: str) -> None:
        self.url = database_url
        self._path = _lock_file(database_url, self.PURPOSE)
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
            self._fd = _flock(self._path, shared=self.SHARED)
            for _ in range(40 if self.SHARED else 0):  # a shared lock waits out another's instant look (`_held`)
                if self._fd is not None:
                    break
                await asyncio.sleep(0.05)
                self._fd = _flock(self._path, shared=True)
            if self._fd is None:
                raise AlreadyRunning(self.url)

    async def _take(self) -> bool:
        assert self._engine is not None
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()
            self._connection = None
        connection = await self._engine.connect()
        take = "pg_try_advisory_lock_shared" if self.SHARED else "pg_try_advisory_lock"
        held = bool((await connection.execute(text(f"SELECT {take}(:key)"), {"key": self.KEY})).scalar())
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
        except Exception:
            pass
        try:
            return await self._take()
        except Exception:
            return None

    async def release(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                unlock = "pg_advisory_unlock_shared" if self.SHARED else "pg_advisory_unlock"
                await self._connection.execute(text(f"SELECT {unlock}(:key)"), {"key": self.KEY})
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


class WorkerLock(RunLock):
    """Held by `houvast worker` from start to stop, shared: any number of workers, beside the one bot."""

    KEY, PURPOSE, SHARED = WORKER_KEY, "worker", True


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
    return _held(_lock_file(database_url, "run"))


async def workers_running(database_url: str) -> int:
    """How many `houvast worker` processes run on this database (SQLite: 1 when any does)."""
    if database_url.startswith("postgresql"):
        engine = create_async_engine(database_url, pool_size=1, max_overflow=0)
        try:
            return await _holders(engine, (WORKER_KEY,))
        finally:
            await engine.dispose()
    return int(_held(_lock_file(database_url, "worker")))


async def deliverers(engine: AsyncEngine) -> int:
    """How many processes deliver the outbox on this database now: the bot and the workers (at least 1, the
    caller). Each sends at Telegram's pace divided by this, so together they stay within it."""
    if engine.dialect.name == "postgresql":
        return max(await _holders(engine, (RUN_KEY, WORKER_KEY)), 1)
    url = engine.url.render_as_string(hide_password=False)
    return max(int(_held(_lock_file(url, "run"))) + int(_held(_lock_file(url, "worker"))), 1)


async def _holders(engine: AsyncEngine, keys: tuple[int, ...]) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND classid = :high AND objid IN :lows AND objsubid = 1"
        ).bindparams(bindparam("lows", expanding=True)), {"high": keys[0] >> 32,
                                                         "lows": [key & 0xFFFF_FFFF for key in keys]})).scalar_one())


@contextlib.asynccontextmanager
async def tick_turn(engine: AsyncEngine) -> AsyncIterator[bool]:
    """The tick's due work (prompts, stall looks, the ladder, ...) is done by one process at a time: True when
    this one has the turn now, False when another process is doing it this minute. PostgreSQL: an advisory
    lock on a connection of its own; SQLite: a flock next to the database. Both go away with a dead process."""
    if engine.dialect.name == "postgresql":
        async with engine.connect() as connection:
            taken = await connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": TICK_KEY})
            mine = bool(taken.scalar())
            await connection.commit()
            try:
                yield mine
            finally:
                if mine:
                    try:
                        await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": TICK_KEY})
                        await connection.commit()
                    except Exception:  # the database went away: the lock went with the connection, never
                        await connection.invalidate()  # back into the pool holding it
                        raise
        return
    path = _lock_file(engine.url.render_as_string(hide_password=False), "tick")
    fd = _flock(path) if path is not None else None
    try:
        yield path is None or fd is not None
    finally:
        if fd is not None:
            os.close(fd)


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


def _held(path: Path | None) -> bool:
    """Does any process (this one included) hold a lock on this file? Looks for an instant only."""
    if path is None or not path.exists():
        return False
    fd = _flock(path)
    if fd is None:
        return True
    os.close(fd)
    return False


def _flock(path: Path, *, shared: bool = False) -> int | None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd
