"""Alembic, driven from code: `houvast migrate` and the automatic upgrade at start use the same function.

Alembic loads only when something is to be done: a start on a database that is already at `HEAD` (every start
but the first after an upgrade) asks the database one question instead (`at_head`), which saves a third of a
second of start-up. `tests/test_migrations.py` keeps `HEAD` equal to the newest migration.
"""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
HEAD = "0014"  # the newest revision in migrations/versions


def at_head(url: str) -> bool:
    """True when the database exists and is at HEAD; False when it is not, or cannot be asked (the upgrade that
    follows then says what is wrong)."""
    from bot.db.session import make_engine, sqlite_path

    path = sqlite_path(url)
    if path is not None and not path.exists():
        return False

    async def ask() -> bool:
        engine = make_engine(url)
        try:
            async with engine.connect() as connection:
                found = await connection.execute(text("SELECT version_num FROM alembic_version"))
                return [row[0] for row in found] == [HEAD]
        except Exception:  # no table yet, no database, no connection: the upgrade will tell
            return False
        finally:
            await engine.dispose()

    return asyncio.run(ask())


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Run in a thread of its own (Alembic's env runs its own event loop for the async engine)."""
    from alembic import command

    from bot.db.session import prepare_sqlite_file
    from bot.ops.single import migration_lock

    prepare_sqlite_file(url)
    with migration_lock(url):  # two processes starting at once: the second waits, then finds nothing to do
        command.upgrade(alembic_config(url), revision)
