"""Secure defaults and loud failures at start: every check here either passes or raises `StartupError` with one
line that says what is wrong and which setting to change. The command line prints that line and stops.

- the encryption key: required on Telegram (`require_key`); a stored canary proves the configured keys read
  this database (`verify_key`), so a wrong key stops the start instead of failing later on a client's data;
- the webhook: a secret token of at least 32 characters (`check_webhook`);
- the database's purpose: the demo runs only on a database of its own, never on one with real people, and
  `houvast run` never on the demo's (`claim_database`);
- one process per SQLite file (`sqlite_lock`);
- the Bot API: reachable, and the token accepted (`check_bot_api`);
- `houvast check` runs them all and reports every problem (`preflight`).
"""
from __future__ import annotations

import fcntl
import os
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.db import crypto

CANARY = "houvast-key-canary"
MIN_SECRET = 32
DEMO_IDS_BELOW = 10_000  # the local Bot API's people (1001.., 2001..); real Telegram ids are far larger
_META = sa.table("meta", sa.column("key"), sa.column("value"), sa.column("secret"))  # untyped: the stored text


class StartupError(Exception):
    """Why Houvast does not start. The message is one line, names the setting, and holds no data. `code` is the
    exit code: 1, or 3 when another process already has the database (as bot/ops/runtime.py says it)."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


# --- settings ----------------------------------------------------------------------------------------------


def require_key(settings: Settings) -> None:
    if not crypto.parse_keys(settings.encryption_keys) and not settings.allow_plaintext:
        raise StartupError(
            "HOUVAST_ENCRYPTION_KEYS is not set: Houvast does not keep clients' words unencrypted. Make a key "
            "with `houvast keygen` and set it (HOUVAST_ALLOW_PLAINTEXT=1 runs without one: never with real clients)."
        )


def check_webhook(settings: Settings) -> None:
    if settings.webhook_url and len(settings.webhook_secret or "") < MIN_SECRET:
        raise StartupError(
            f"HOUVAST_WEBHOOK_SECRET must be at least {MIN_SECRET} characters (letters, digits, _ and -) in webhook "
            "mode: without it anyone could post updates as any Telegram user."
        )


# --- the key canary ----------------------------------------------------------------------------------------


async def _sample_encrypted(session: AsyncSession) -> str | None:
    """One encrypted value from any table, or None: to check a key against data from before the canary."""
    from bot.services.keys import secret_columns

    for target in secret_columns():
        column = sa.column(target.column)
        row = (
            await session.execute(
                sa.select(column)
                .select_from(sa.table(target.table, column))
                .where(column.like(f"{crypto.PREFIX}%"))
                .limit(1)
            )
        ).first()
        if row is not None:
            return row[0]
    return None


def _readable(cipher: crypto.Cipher, stored: str) -> bool:
    try:
        cipher.decrypt(stored)
    except RuntimeError:
        return False
    return True


async def verify_key(sessions: async_sessionmaker[AsyncSession], cipher: crypto.Cipher) -> None:
    """The stored canary must decrypt with the configured keys. The first start writes it (after checking
    any encrypted data already there); a canary written without a key is encrypted once a key is set."""
    await _first_write_wins(lambda: _verify_key(sessions, cipher))


async def _first_write_wins(check: Callable[[], Awaitable[None]]) -> None:
    """Two processes starting at once (a bot and a worker) may both find a mark missing and both write it: the
    second's insert fails, and it looks again, now at the first's mark."""
    try:
        await check()
    except sa.exc.IntegrityError:
        await check()


async def _verify_key(sessions: async_sessionmaker[AsyncSession], cipher: crypto.Cipher) -> None:
    async with sessions() as session:
        stored = (await session.execute(sa.select(_META.c.secret).where(_META.c.key == "canary"))).scalar_one_or_none()
        if stored is None:
            sample = await _sample_encrypted(session)
        elif stored.startswith(crypto.PREFIX):
            sample = stored
        else:
            sample = None
        if sample is not None and not cipher.enabled:
            raise StartupError("The database is encrypted, but HOUVAST_ENCRYPTION_KEYS is not set.")
        if sample is not None and not _readable(cipher, sample):
            raise StartupError(
                "HOUVAST_ENCRYPTION_KEYS cannot read this database: none of its keys is the one the data was "
                "encrypted with. Put the old key back in the list (newest first)."
            )
        if stored is not None and stored.startswith(crypto.PREFIX) and cipher.decrypt(stored) != CANARY:
            raise StartupError("The key canary in this database is damaged; restore the database from a backup.")
        if stored is None or (cipher.enabled and not stored.startswith(crypto.PREFIX)):
            value = cipher.encrypt(CANARY)
            if stored is None:
                await session.execute(sa.insert(_META).values(key="canary", secret=value))
            else:
                await session.execute(sa.update(_META).where(_META.c.key == "canary").values(secret=value))
            await session.commit()


# --- demo or live ------------------------------------------------------------------------------------------


async def claim_database(sessions: async_sessionmaker[AsyncSession], purpose: str, url: str) -> None:
    """"demo" or "live": a database is one or the other for good. The first start marks it; a database with
    people but no mark from before this check counts as the demo's when all its people are the demo's."""
    await _first_write_wins(lambda: _claim_database(sessions, purpose, url))


async def _claim_database(sessions: async_sessionmaker[AsyncSession], purpose: str, url: str) -> None:
    where = database_name(url)
    async with sessions() as session:
        mark = (await session.execute(sa.select(_META.c.value).where(_META.c.key == "purpose"))).scalar_one_or_none()
        if mark is None:
            ids = list((await session.execute(sa.text("SELECT telegram_id FROM people"))).scalars())
            mark = "demo" if ids and all(i < DEMO_IDS_BELOW for i in ids) else ("live" if ids else None)
            if mark is None or mark == purpose:
                await session.execute(sa.insert(_META).values(key="purpose", value=mark or purpose))
                await session.commit()
                return
        if mark == purpose:
            return
    if purpose == "demo":
        raise StartupError(
            f"HOUVAST_DATABASE_URL ({where}) holds real people: the demo runs only on a database of its own. "
            "Point HOUVAST_DATABASE_URL at a new file for the demo, or set HOUVAST_TELEGRAM_TOKEN to run on Telegram."
        )
    raise StartupError(
        f"HOUVAST_DATABASE_URL ({where}) is the demo's database, with its demo people. "
        "Use another database for real clients."
    )


def database_name(url: str) -> str:
    """The database without its password, to name it in a message."""
    return sa.engine.make_url(url).render_as_string(hide_password=True)


# --- one process per SQLite file ---------------------------------------------------------------------------

_held: list[IO[str]] = []


@contextmanager
def sqlite_lock(url: str) -> Iterator[None]:
    """Hold an exclusive lock next to a SQLite file for as long as the bot runs; a second process is refused.
    PostgreSQL needs none: several processes share it safely (FOR UPDATE SKIP LOCKED)."""
    from bot.db.session import prepare_sqlite_file, sqlite_path

    path = sqlite_path(url)
    if path is None:
        yield
        return
    prepare_sqlite_file(url)
    lock_path = Path(f"{path}.lock")
    handle = open(lock_path, "a+")  # noqa: SIM115 (held open on purpose)
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise StartupError(
            f"Another Houvast process is already running on {path} (HOUVAST_DATABASE_URL). Stop it first.", code=3
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    _held.append(handle)
    try:
        yield
    finally:
        _held.remove(handle)
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()


def sqlite_in_use(url: str) -> bool:
    """True while a bot holds the lock of this SQLite file (for `houvast rotate-key` and `check`)."""
    from bot.db.session import sqlite_path

    path = sqlite_path(url)
    if path is None or not Path(f"{path}.lock").exists():
        return False
    with open(f"{path}.lock", "a+") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        return False


# --- the Bot API -------------------------------------------------------------------------------------------


async def check_bot_api(settings: Settings) -> str:
    """getMe with the configured token and URL. Returns the bot's username."""
    from telegram import Bot
    from telegram.error import InvalidToken, NetworkError, TelegramError
    from telegram.request import HTTPXRequest

    if not settings.telegram_token:
        raise StartupError("HOUVAST_TELEGRAM_TOKEN is not set.")
    request = HTTPXRequest(connect_timeout=5, read_timeout=10)
    bot = Bot(settings.telegram_token, base_url=settings.bot_api_base_url, request=request)
    try:
        async with bot:
            return bot.username
    except InvalidToken:
        raise StartupError(
            "HOUVAST_TELEGRAM_TOKEN was refused by the Bot API: check the token from @BotFather."
        ) from None
    except NetworkError:
        raise StartupError(
            f"Cannot reach the Bot API at HOUVAST_BOT_API_BASE_URL ({_host(settings.bot_api_base_url)}): "
            "check the address and the network."
        ) from None
    except TelegramError as exc:
        raise StartupError(f"The Bot API refused getMe ({type(exc).__name__}): check HOUVAST_TELEGRAM_TOKEN.") from None


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else url


# --- houvast check -----------------------------------------------------------------------------------------


async def _database_problems(settings: Settings) -> list[str]:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from bot.db.migrate import alembic_config
    from bot.db.session import make_engine, make_sessionmaker, sqlite_path

    path = sqlite_path(settings.database_url)
    if path is not None and not path.exists():
        return [f"HOUVAST_DATABASE_URL: {path} does not exist yet (`houvast migrate` creates it)."]
    engine = make_engine(settings.database_url)
    try:
        try:
            async with engine.connect() as connection:
                current = await connection.run_sync(
                    lambda sync: MigrationContext.configure(sync).get_current_revision()
                )
        except Exception as exc:
            return [f"HOUVAST_DATABASE_URL: cannot open the database ({type(exc).__name__})."]
        head = ScriptDirectory.from_config(alembic_config(settings.database_url)).get_current_head()
        if current != head:
            return [f"The database is at revision {current or 'none'}, not {head}: run `houvast migrate`."]
        try:
            await verify_key(make_sessionmaker(engine), crypto.Cipher(crypto.parse_keys(settings.encryption_keys)))
        except StartupError as exc:
            return [str(exc)]
        return []
    finally:
        await engine.dispose()


async def preflight(settings: Settings) -> list[str]:
    """Every problem `houvast run` would meet, one line each; an empty list means ready to run."""
    problems: list[str] = []
    for check in (require_key, check_webhook):
        try:
            check(settings)
        except StartupError as exc:
            problems.append(str(exc))
    problems += await _database_problems(settings)
    try:
        await check_bot_api(settings)
    except StartupError as exc:
        problems.append(str(exc))
    return problems
