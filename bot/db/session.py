"""Engine and session factory. SQLite gets WAL and foreign keys; a new SQLite file is private to its owner."""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from bot.db import crypto, sqlite_trips


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def prepare_sqlite_file(url: str) -> None:
    """Create the database file owner-only (0600) in an owner-only folder, before SQLite creates it 0644."""
    path = sqlite_path(url)
    if path is None or path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)


def make_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    prepare_sqlite_file(url)
    postgres = url.startswith("postgresql")
    # hide_parameters: SQL values (a client's words, names) never reach a log line or an exception message.
    # A database that does not answer fails a connection within 10 s (asyncpg waits 60 by default), so a tick,
    # a health check or a stop during an outage does not hang on it.
    # On SQLite a connection goes back to the pool without a second ROLLBACK: SQLAlchemy has already ended its
    # transaction (a session commits or rolls back before it lets go), and through aiosqlite each statement is
    # a trip to the database's thread and back: two of the fifteen trips a check-in took (issue 15).
    engine = create_async_engine(
        url, echo=echo, pool_pre_ping=postgres, hide_parameters=True, connect_args={"timeout": 10} if postgres else {},
        **({} if postgres else {"pool_reset_on_return": None}),
    )
    if engine.dialect.name == "sqlite":
        if engine.dialect.driver == "aiosqlite":
            sqlite_trips.install()

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={sqlite_trips.BUSY_TIMEOUT_MS}")
            # WAL with NORMAL, as SQLite advises for WAL: a commit is in the log before it returns, so a crash
            # or kill of the process loses nothing (tests/ops/test_worker_kill.py); only a power cut or an OS crash
            # may lose the last commits, never corrupt the file. FULL waited for the disk on every commit (0.3 ms
            # here, a tenth of a check-in). Production runs PostgreSQL (docs/decisions.md).
            cursor.execute("PRAGMA synchronous=NORMAL")
            # Deleted rows are overwritten, not left in free pages: /verwijderen must really delete.
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.close()

    return engine


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def configure_encryption(raw_keys: str | None) -> crypto.Cipher:
    cipher = crypto.Cipher(crypto.parse_keys(raw_keys))
    crypto.use(cipher)
    return cipher
