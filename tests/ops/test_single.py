"""One bot process per database, one migration at a time: on SQLite (a file lock) and on PostgreSQL (advisory
locks), whichever the suite runs on."""
import asyncio
import secrets
import sys
from asyncio.subprocess import PIPE

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.db.session import make_engine
from bot.ops.single import AlreadyRunning, RunLock, is_running
from tests.conftest import PG_URL


async def test_a_second_bot_process_on_the_same_database_is_refused(database_url):
    first, second = RunLock(database_url), RunLock(database_url)
    assert not await is_running(database_url)
    await first.acquire()
    try:
        assert await is_running(database_url)  # what `houvast status` says, without taking the lock
        with pytest.raises(AlreadyRunning):
            await second.acquire()
        assert await first.verify() is True
    finally:
        await first.release()
    assert not await is_running(database_url)
    await second.acquire()  # once the first one stops, the next may start
    await second.release()


@pytest.fixture
async def empty_database(tmp_path):
    """A database without any schema yet: a new file, or a new database on the test server."""
    if not PG_URL:
        yield f"sqlite+aiosqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    name = f"houvast_lock_{secrets.token_hex(3)}"
    admin = create_async_engine(PG_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def test_three_processes_migrating_at_once_all_succeed(empty_database):
    # Real processes: Alembic's context is global to a process, and processes are what race in production.
    script = "import sys; from bot.db.migrate import upgrade; sys.stdin.read(); upgrade(sys.argv[1])"
    processes = [
        await asyncio.create_subprocess_exec(sys.executable, "-c", script, empty_database, stdin=PIPE, stderr=PIPE)
        for _ in range(3)
    ]
    for process in processes:  # all three are started and loaded before any of them migrates
        process.stdin.close()
    results = [(await process.wait(), (await process.stderr.read()).decode()) for process in processes]
    assert [code for code, _err in results] == [0, 0, 0], results
    engine = make_engine(empty_database)
    async with engine.connect() as connection:
        versions = (await connection.execute(text("SELECT version_num FROM alembic_version"))).all()
    await engine.dispose()
    assert len(versions) == 1


@pytest.mark.skipif(not PG_URL, reason="a lost connection only drops the lock on PostgreSQL")
async def test_a_process_that_lost_its_lock_to_another_learns_it_must_stop(database_url):
    first, second = RunLock(database_url), RunLock(database_url)
    await first.acquire()
    admin = make_engine(database_url)
    try:
        async with admin.connect() as connection:  # the server loses the first process's session (an outage)
            await connection.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
                "AND classid = 1215264118 AND objid = 1634956289"))
            await connection.commit()
        await second.acquire()  # meanwhile a second process starts and takes the database
        assert await first.verify() is False
    finally:
        await second.release()
        await first.release()
        await admin.dispose()
