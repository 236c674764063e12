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
"""
from __future__ import annotations

import collections
import sqlite3
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
        async with self._adapt_connection._execute_mutex:
            done, rows = await self._connection._execute(_run, self._connection._conn, operation, parameters, many)
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
