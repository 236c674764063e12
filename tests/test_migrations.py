"""`alembic upgrade head` on an empty database gives exactly the models' schema."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from bot.db.models import Base


async def test_migrations_match_the_models(database_url):
    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        diff = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata)
        )
    await engine.dispose()
    assert diff == [], f"models and migrations differ; add a migration: {diff}"


def test_a_new_sqlite_file_is_private(tmp_path):
    from bot.db.migrate import upgrade

    path = tmp_path / "db" / "new.sqlite3"
    upgrade(f"sqlite+aiosqlite:///{path}")
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700


def test_head_names_the_newest_migration():
    from alembic.script import ScriptDirectory

    from bot.db.migrate import HEAD, alembic_config

    assert ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head() == HEAD


def test_a_start_asks_alembic_only_when_the_database_is_not_at_head(tmp_path):
    from bot.db.migrate import at_head, upgrade

    url = f"sqlite+aiosqlite:///{tmp_path / 'start.sqlite3'}"
    assert not at_head(url)  # no file yet: no file is made by asking
    assert not (tmp_path / "start.sqlite3").exists()
    upgrade(url, "0013")
    assert not at_head(url)
    upgrade(url)
    assert at_head(url)
