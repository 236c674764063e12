"""Alembic, driven from code: `houvast migrate` and the automatic upgrade at start use the same function."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Run in a thread of its own (Alembic's env runs its own event loop for the async engine)."""
    from bot.db.session import prepare_sqlite_file
    from bot.ops.single import migration_lock

    prepare_sqlite_file(url)
    with migration_lock(url):  # two processes starting at once: the second waits, then finds nothing to do
        command.upgrade(alembic_config(url), revision)
