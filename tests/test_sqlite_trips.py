"""The one-trip SQLite cursor (bot/db/sqlite_trips.py) is in use with the libraries this project installs, and
gives SQLAlchemy what its own cursor gave: rows, rowcount, lastrowid, executemany and SQLite's errors."""
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from bot.db import sqlite_trips
from bot.db.session import make_engine


def test_it_fits_the_installed_sqlalchemy_and_aiosqlite():
    # Without it the bot still works, one trip slower per step: this says so when an upgrade moves the parts.
    assert sqlite_trips._fits()


async def test_a_sqlite_engine_answers_as_before_in_one_trip_a_statement(tmp_path):
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'trips.sqlite3'}")
    trips: list[str] = []
    try:
        async with engine.connect() as connection:
            raw = (await connection.get_raw_connection()).driver_connection
            original = raw._execute

            async def counted(fn, *args, **kwargs):
                trips.append(getattr(fn, "__name__", "?"))
                return await original(fn, *args, **kwargs)

            raw._execute = counted
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
            assert trips == ["_run"] * 7  # one trip per statement (the failed one too)
            await connection.rollback()
    finally:
        await engine.dispose()
