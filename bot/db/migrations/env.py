"""Alembic environment: async engines, batch mode for SQLite, the models' naming convention."""
from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection

from bot.db.models import Base
from bot.db.session import make_engine
from bot.ops.single import MIGRATE_KEY

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        # One migration at a time: a second process starting at the same moment waits here, then finds the
        # schema up to date (SQLite gets a file lock in bot/db/migrate.py instead).
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATE_KEY})
        connection.commit()
    try:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    finally:
        if postgres:
            connection.rollback()  # a failed migration leaves its transaction open; unlock outside it
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATE_KEY})
            connection.commit()


async def _run_async() -> None:
    engine = make_engine(context.config.get_main_option("sqlalchemy.url") or "")
    async with engine.connect() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported")
asyncio.run(_run_async())
