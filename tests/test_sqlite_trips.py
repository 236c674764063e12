"""The one-trip SQLite cursor (bot/db/sqlite_trips.py) is in use with the libraries this project installs, and
gives SQLAlchemy what its own cursor gave: rows, rowcount, lastrowid, executemany and SQLite's errors. A short
read runs on the event loop's thread; a long one, one that meets a lock, or one that fails goes to the thread."""
from contextlib import asynccontextmanager

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.db import sqlite_trips
from bot.db.session import make_engine


async def _count_trips(connection) -> list[str]:
    """The trips this connection makes to SQLite's thread from now on, by the name of what ran there."""
    raw = (await connection.get_raw_connection()).driver_connection
    original, trips = raw._execute, []

    async def counted(fn, *args, **kwargs):
        trips.append(getattr(fn, "__name__", "?"))
        return await original(fn, *args, **kwargs)

    raw._execute = counted
    return trips


def test_it_fits_the_installed_sqlalchemy_and_aiosqlite():
    # Without it the bot still works, one trip slower per step: this says so when an upgrade moves the parts.
    assert sqlite_trips._fits()


async def test_a_sqlite_engine_answers_as_before_in_one_trip_a_statement(tmp_path):
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'trips.sqlite3'}")
    try:
        async with engine.connect() as connection:
            trips = await _count_trips(connection)
            await connection.execute(sa.text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)"))
            inserted = await connection.execute(sa.text("INSERT INTO t (v) VALUES ('a')"))
            assert inserted.lastrowid == 1
            many = await connection.execute(sa.text("INSERT INTO t (v) VALUES (:v)"), [{"v": "b"}, {"v": "c"}])
            assert many.rowcount == 2
            changed = await connection.execute(sa.text("UPDATE t SET v = v || '!' WHERE id > 1"))
            assert changed.rowcount == 2
            rows = (await connection.execute(sa.text("SELECT id, v FROM t ORDER BY id"))).all()
            assert [tuple(row) for row in rows] == [(1, "a"), (2, "b!"), (3, "c!")]
            assert (await connection.execute(sa.text("SELECT v FROM t WHERE id = 9"))).first() is None
            with pytest.raises(IntegrityError):
                await connection.execute(sa.text("INSERT INTO t (v) VALUES ('a')"))
            assert trips == ["_run"] * 5  # one trip per write (the failed one too); the two reads made none
            await connection.rollback()
    finally:
        await engine.dispose()


@asynccontextmanager
async def _counted(tmp_path, name="reads.sqlite3"):
    """A connection to a file with a table of 3 rows, and the list of trips to SQLite's thread it makes."""
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / name}")
    try:
        async with engine.connect() as connection:
            await connection.execute(sa.text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"))
            await connection.execute(sa.text("INSERT INTO t (v) VALUES ('a'), ('b'), ('c')"))
            await connection.commit()
            trips = await _count_trips(connection)
            yield connection, trips
    finally:
        await engine.dispose()


# About 100,000 steps of SQLite's machine: far more than the budget checks, a few ms.
LONG_READ = sa.text("SELECT (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000) "
                    "SELECT count(*) FROM c)")


async def test_a_read_out_of_time_runs_again_on_the_thread_and_keeps_the_transaction(tmp_path, monkeypatch):
    monkeypatch.setattr(sqlite_trips, "INLINE_BUDGET", 0.0)  # every look at the clock is too late
    async with _counted(tmp_path) as (connection, trips):
        assert (await connection.execute(sa.text("SELECT v FROM t WHERE id = 2"))).scalar_one() == "b"
        assert trips == []  # too short to be looked at: it ran here
        await connection.execute(sa.text("INSERT INTO t (v) VALUES ('d')"))  # a write transaction is open
        assert (await connection.execute(LONG_READ)).scalar_one() == 20000  # interrupted here, answered there
        assert trips == ["_run", "_run"]
        await connection.commit()
        assert [v for (v,) in await connection.execute(sa.text("SELECT v FROM t ORDER BY id"))] == ["a", "b", "c", "d"]
        # The busy timeout is back after the read: a later write still waits for a lock as long as before.
        assert (await connection.execute(sa.text("PRAGMA busy_timeout"))).scalar_one() == sqlite_trips.BUSY_TIMEOUT_MS


async def test_a_failing_read_gives_sqlites_error_from_the_thread(tmp_path):
    async with _counted(tmp_path) as (connection, trips):
        with pytest.raises(OperationalError, match="no such table"):
            await connection.execute(sa.text("SELECT * FROM missing"))
        assert trips == ["_run"]
        assert (await connection.execute(sa.text("SELECT count(*) FROM t"))).scalar_one() == 3


async def test_a_read_here_does_not_wait_for_a_lock_and_one_there_does(tmp_path, monkeypatch):
    # In WAL mode a reader meets a lock only in rare moments (another process recovering the log), too rare to
    # make happen here: what can be seen is the busy timeout each read runs with. Here none, so a locked file is
    # an error at once and the read goes to the thread, which waits as long as every statement there.
    busy = sa.text("SELECT * FROM pragma_busy_timeout")
    async with _counted(tmp_path) as (connection, trips):
        assert (await connection.execute(busy)).scalar_one() == 0
        assert trips == []
        monkeypatch.setattr(sqlite_trips, "INLINE_BUDGET", 0.0)
        assert (await connection.execute(LONG_READ)).scalar_one() == 20000
        assert (await connection.execute(sa.text("PRAGMA busy_timeout"))).scalar_one() == sqlite_trips.BUSY_TIMEOUT_MS


async def test_a_connection_bound_to_its_thread_reads_there(tmp_path):
    # An in-memory database: SQLAlchemy keeps sqlite3's same-thread check on, so nothing may run here.
    engine = make_engine("sqlite+aiosqlite://")
    try:
        async with engine.connect() as connection:
            await connection.execute(sa.text("CREATE TABLE t (v TEXT)"))
            await connection.execute(sa.text("INSERT INTO t VALUES ('a')"))
            trips = await _count_trips(connection)
            assert (await connection.execute(sa.text("SELECT v FROM t"))).scalar_one() == "a"
            assert trips == ["_run"]
    finally:
        await engine.dispose()
