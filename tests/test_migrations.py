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
