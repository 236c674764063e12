"""Shared fixtures: a migrated database per test (SQLite by default, PostgreSQL when
HOUVAST_TEST_DATABASE_URL is set), a fake clock, services, and the real Application on the local Bot API."""
from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.clock import FakeClock
from bot.config import Settings
from bot.db.migrate import upgrade
from bot.db.models import Base
from bot.db.session import configure_encryption, make_engine, make_sessionmaker
from bot.local.botapi import LocalBotApi
from bot.services.base import Services
from conversations import notices  # noqa: F401 - as whatever delivers: every kind has its renderer
from tests.chat import Chat, Harness

PG_URL = os.environ.get("HOUVAST_TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Migrate once per test run; each test then gets a copy (SQLite) or emptied tables (PostgreSQL)."""
    if PG_URL:
        upgrade(Settings(database_url=PG_URL).database_url)
        return Settings(database_url=PG_URL).database_url
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return str(path)


@pytest.fixture
async def database_url(_template: str, tmp_path: Path) -> str:
    if PG_URL:
        engine = make_engine(_template)
        tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
        async with engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        await engine.dispose()
        return _template
    path = tmp_path / "houvast.sqlite3"
    shutil.copyfile(_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
def clock() -> FakeClock:
    # A Saturday morning just before the clocks go forward (DST starts Sunday 29 March 2026).
    return FakeClock(datetime(2026, 3, 28, 8, 0, tzinfo=UTC))


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    configure_encryption(None)
    return Settings(
        database_url=database_url,
        data_dir=tmp_path / "data",
        demo_files_dir=tmp_path / "files",
        telegram_token="123:TEST",
        bot_username="houvast_bot",
        # Flows type fast on a frozen clock, where the bucket never refills; the flood tests set their own.
        rate_limit_per_minute=10_000,
        rate_limit_burst=10_000,
    )


@pytest.fixture
async def svc(settings: Settings, clock: FakeClock) -> AsyncIterator[Services]:
    engine = make_engine(settings.database_url)
    yield Services(make_sessionmaker(engine), clock, settings)
    await engine.dispose()


@pytest.fixture
def api() -> LocalBotApi:
    return LocalBotApi(bot_username="houvast_bot")


@pytest.fixture
async def harness(settings: Settings, clock: FakeClock, api: LocalBotApi) -> AsyncIterator[Harness]:
    harness = Harness(settings, clock, api)
    await harness.start()
    yield harness
    await harness.stop()


@pytest.fixture
def chat(harness: Harness):
    """chat(user_id, first_name) -> a Chat that talks to the running bot as that user."""

    def make(user_id: int = 501, first_name: str = "Sam") -> Chat:
        return harness.chat(user_id, first_name)

    return make


def pytest_report_header() -> str:
    return f"houvast database: {'PostgreSQL' if PG_URL else 'SQLite (a migrated copy per test)'}"
