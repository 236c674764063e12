"""One trip to SQLite's thread per statement, not four.

aiosqlite runs SQLite in a thread of its own; SQLAlchemy's adapter asks that thread four times for one SELECT
(open a cursor, execute, fetch the rows, close the cursor), and every trip is a hand-over between threads that
a busy machine makes slow. A phase check-in took 13 such trips for its 3 statements (issue 15). This cursor does
the four steps in one function on the database's thread and keeps what SQLAlchemy reads afterwards
(description, rowcount, lastrowid, the rows), so a statement costs one trip. Same SQL, same results, same
errors (SQLite's own, raised on the thread and translated by SQLAlchemy as before).

It leans on two libraries' inner parts (SQLAlchemy's asyncio cursor adapter, aiosqlite's `_execute` and
`_conn`); `install` checks that they are there and leaves SQLAlchemy's own cursor in place when they are not,
so an upgrade costs speed, never correctness. Streaming (server-side) cursors keep SQLAlchemy's own class.

A read need not go to the thread at all. A trip costs 0.1-0.2 ms of hand-overs on this machine; the reads of
an update (the person, a plan) take 5-15 microseconds in SQLite. So a SELECT first runs right here, on the event
loop's thread, within a budget: SQLite interrupts it after `INLINE_BUDGET` and it does not wait for a lock
(busy timeout 0 for that call). A read that runs out of time, meets a lock or fails in any way runs again
on the thread as before, and what happens there is the answer: a read changes nothing, and an interrupted
SELECT leaves the transaction it is in as it was. Writes and commits always go to the thread: an interrupted
write would roll back the whole transaction, and a commit may checkpoint the log.
"""
from __future__ import annotations

import collections
import sqlite3
import time
from typing import Any

from sqlalchemy.dialects.sqlite import aiosqlite as dialect
from sqlalchemy.util import EMPTY_DICT


class _Done:
    """What SQLAlchemy reads from a cursor after its statement ran, kept from the real (closed) cursor."""

    __slots__ = ("arraysize", "description", "lastrowid", "rowcount")

    def __init__(self, description: Any = None, rowcount: int = -1, lastrowid: int | None = None) -> None:
        self.description, self.rowcount, self.lastrowid, self.arraysize = description, rowcount, lastrowid, 1

    def close(self) -> None:
        pass  # the cursor was closed on the database's thread


def _run(connection: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> tuple[_Done, list | None]:
    """On the database's thread: cursor, execute, rows, close."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        rows = cursor.fetchall() if cursor.description else None
        return _Done(cursor.description, cursor.rowcount, cursor.lastrowid), rows
    finally:
        cursor.close()


BUSY_TIMEOUT_MS = 5000  # how long a statement on the thread waits for another connection's lock (bot/db/session.py)
INLINE_BUDGET = 0.001  # seconds a read may hold the event loop before it is left to the thread
_CHECK_EVERY = 1000  # SQLite virtual machine steps between two looks at the clock


def _is_read(operation: Any) -> bool:
    return isinstance(operation, str) and operation.lstrip()[:6].upper() == "SELECT"


def _run_inline(connection: sqlite3.Connection, operation: str, parameters: Any) -> tuple[_Done, list | None] | None:
    """On the event loop's thread: the read's result, or None when it must go to the thread (too long, a lock,
    any error, or a connection that may only be used on its own thread)."""
    deadline = time.perf_counter() + INLINE_BUDGET
    try:
        connection.execute("PRAGMA busy_timeout = 0")
    except sqlite3.Error:
        return None
    connection.set_progress_handler(lambda: time.perf_counter() > deadline, _CHECK_EVERY)
    try:
        return _run(connection, operation, parameters, False)
    except sqlite3.Error:
        return None
    finally:
        connection.set_progress_handler(None, 0)
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


class OneTripCursor(dialect.AsyncAdapt_aiosqlite_cursor):
    __slots__ = ()
    _awaitable_cursor_close = False  # nothing left to close on the thread

    def __init__(self, adapt_connection: Any) -> None:  # no trip to open a cursor: _run opens its own
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = _Done()
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        return await self._trip(operation, parameters, many=False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        return await self._trip(operation, seq_of_parameters, many=True)

    async def _trip(self, operation: Any, parameters: Any, *, many: bool) -> _Done:
        connection = self._connection
        async with self._adapt_connection._execute_mutex:
            ran = None if many or not _is_read(operation) else _run_inline(connection._conn, operation, parameters)
            if ran is None:
                ran = await connection._execute(_run, connection._conn, operation, parameters, many)
            done, rows = ran
        self._cursor = done
        if rows is not None:
            self._rows = collections.deque(rows)
        return done


def _fits() -> bool:
    """The inner parts this cursor uses are where it expects them (SQLAlchemy 2.0.44+ and 2.1; aiosqlite)."""
    try:
        from aiosqlite.core import Connection
        from sqlalchemy.connectors.asyncio import AsyncAdapt_dbapi_cursor
    except ImportError:
        return False

    base = dialect.AsyncAdapt_aiosqlite_cursor
    return (
        issubclass(base, AsyncAdapt_dbapi_cursor)
        and {"_adapt_connection", "_connection", "_cursor", "_rows", "_soft_closed_memoized"}
        <= set(AsyncAdapt_dbapi_cursor.__slots__)
        and hasattr(base, "_awaitable_cursor_close")
        and hasattr(dialect.AsyncAdapt_aiosqlite_connection, "_cursor_cls")
        and callable(getattr(Connection, "_execute", None))
        and isinstance(getattr(Connection, "_conn", None), property)
    )


_library_rollback = dialect.AsyncAdapt_aiosqlite_connection.rollback


def _rollback_if_begun(adapted: Any) -> None:
    """No trip to the thread to end a transaction that never began: the sqlite3 module begins one only before a
    write, so after a read (every update's look-up of the person) there is nothing to roll back."""
    connection = getattr(adapted._connection, "_connection", None)  # aiosqlite's sqlite3 connection, or None
    if isinstance(connection, sqlite3.Connection) and not connection.in_transaction:
        return
    _library_rollback(adapted)


def install() -> bool:
    """Use the one-trip cursor, and the rollback that skips a trip when there is nothing to roll back, for every
    aiosqlite connection of this process (all of them are ours)."""
    if _fits():
        dialect.AsyncAdapt_aiosqlite_connection._cursor_cls = OneTripCursor
        dialect.AsyncAdapt_aiosqlite_connection.rollback = _rollback_if_begun  # type: ignore[method-assign]
        return True
    return False
