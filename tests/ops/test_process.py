"""`houvast run` as an operator starts it: a process of its own, polling a Bot API over HTTP.

It answers /healthz and /metrics, refuses a second process on its database, gives way when it is the newer
of two pollers on one token, and on SIGTERM finishes the send in flight, gives the other claimed messages
back and exits cleanly within 10 seconds."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from asyncio.subprocess import PIPE, Process
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from bot.db.models import OutboxMessage, Person
from bot.local.botapi import LocalBotApi
from bot.local.httpbotapi import HttpBotApi
from tests.flows.test_webhook import free_port

CHATS = range(7001, 7031)  # thirty people with a message waiting


@pytest.fixture
async def http_api():
    api = LocalBotApi(bot_username="houvast_bot")
    server = HttpBotApi(api)
    server.start()
    yield server
    server.stop()


TEST_KEY = Fernet.generate_key().decode()


def houvast_env(tmp_path: Path, server: HttpBotApi, database_url: str, **settings: str) -> dict[str, str]:
    """The environment of a Houvast process under test: this machine's, without its HOUVAST_ settings, then the
    local Bot API, the database, a data folder, a 5-second tick and a key; `settings` add or override."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("HOUVAST_")}
    env.update({
        "HOUVAST_TELEGRAM_TOKEN": "123:TEST",
        "HOUVAST_BOT_API_BASE_URL": f"http://127.0.0.1:{server.port}/bot",
        "HOUVAST_BOT_API_BASE_FILE_URL": f"http://127.0.0.1:{server.port}/file/bot",
        "HOUVAST_DATABASE_URL": database_url,
        "HOUVAST_DATA_DIR": str(tmp_path / "data"),
        "HOUVAST_TICK_SECONDS": "5",
        "HOUVAST_ENCRYPTION_KEYS": TEST_KEY,  # run refuses to start on Telegram without one
        **{f"HOUVAST_{name.upper()}": value for name, value in settings.items()},
    })
    return env


async def start_bot(tmp_path: Path, server: HttpBotApi, database_url: str, **settings: str) -> tuple[Process, int]:
    health_port = free_port()
    env = houvast_env(tmp_path, server, database_url, health_port=str(health_port), **settings)
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "run", env=env, cwd=tmp_path,
                                                   stdout=PIPE, stderr=PIPE)
    return process, health_port


async def wait_healthy(process: Process, port: int) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(300):  # a guard against hanging, not a measurement
            if process.returncode is not None:
                raise AssertionError((await process.stderr.read()).decode())
            try:
                if (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError("houvast run did not become healthy")


async def until(condition, what: str) -> None:
    for _ in range(300):
        if condition():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"waited in vain for {what}")


async def finished(process: Process, timeout: float = 10) -> tuple[int, str]:
    _out, err = await asyncio.wait_for(process.communicate(), timeout)
    return process.returncode, err.decode()


def sends_to(api: LocalBotApi, chats: range) -> int:
    return sum(1 for method, params in api.calls if method.lower() == "sendmessage" and params.get("chat_id") in chats)


async def test_houvast_run_is_watched_refuses_a_second_process_and_stops_cleanly(tmp_path, http_api, database_url, svc):
    api = http_api.api
    bot, health_port = await start_bot(tmp_path, http_api, database_url)
    try:
        await wait_healthy(bot, health_port)
        api.add_user(601, "Noor")
        api.send_text(601, "/start")
        await until(lambda: api.messages(601), "an answer over long polling")
        async with httpx.AsyncClient() as client:
            metrics = (await client.get(f"http://127.0.0.1:{health_port}/metrics")).text
        assert "houvast_up 1" in metrics and "houvast_updates_total 1" in metrics and "Noor" not in metrics

        (tmp_path / "second").mkdir()
        second, _ = await start_bot(tmp_path / "second", http_api, database_url)
        code, err = await finished(second, timeout=60)
        assert code == 3, err
        # One line, the last: the run lock (bot/ops) or, on SQLite, the file lock taken just before it (bot/startup).
        last = err.strip().splitlines()[-1]
        assert "Another houvast run" in last or "Another Houvast process is already running" in last
        assert sum("Another" in line for line in err.splitlines()) == 1

        # Thirty messages due, and a Bot API that takes 0.4 s per message: a stop comes mid-delivery.
        http_api.send_delay = 0.4
        now = datetime.now(UTC)
        async with svc.unit() as session:
            for chat in CHATS:
                api.add_user(chat, "Client")
                # A message is for a person (one without is withdrawn, see bot/outbox.render_row).
                person = Person(telegram_id=chat, chat_id=chat, role="client", locale="nl", pseudonym=f"p{chat}",
                                created_at=now)
                session.add(person)
                await session.flush()
                session.add(OutboxMessage(dedup_key=f"stop-test:{chat}", person_id=person.id, chat_id=chat,
                                          kind="test", payload='{"text": "Een bericht", "buttons": []}',
                                          created_at=now, next_attempt_at=now, attempts=0))
            await session.commit()
        await until(lambda: sends_to(api, CHATS) >= 3, "the delivery to begin")
        bot.send_signal(signal.SIGTERM)
        stopped_at = datetime.now(UTC)
        code, err = await finished(bot)  # within 10 seconds, or this raises
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()
    assert code == 0, err
    assert "Traceback" not in err and "Task was destroyed" not in err and "Task exception" not in err, err
    async with svc.unit() as session:
        rows = (await session.execute(sa.select(OutboxMessage).where(OutboxMessage.kind == "test"))).scalars().all()
    sent = [row for row in rows if row.sent_at is not None]
    waiting = [row for row in rows if row.sent_at is None]
    assert len(sent) == sends_to(api, CHATS)  # every message Telegram got is marked sent: none goes twice
    assert waiting, "the stop came after everything was sent; the test proves nothing"
    # The rest is due again at once, not held by a two-minute lease of a process that is gone.
    assert all(row.next_attempt_at <= stopped_at + timedelta(seconds=15) for row in waiting)
    assert all(row.failed_at is None and row.attempts == 0 for row in waiting)


async def test_the_newer_of_two_pollers_on_one_token_stops_in_one_line(tmp_path, http_api):
    api = http_api.api
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, health_port = await start_bot(
        tmp_path / "a", http_api, f"sqlite+aiosqlite:///{tmp_path / 'a' / 'h.sqlite3'}"
    )
    try:
        await wait_healthy(first, health_port)
        await asyncio.sleep(16)  # the first one has been polling for a while (monitor.NEWCOMER is 15 s)
        second, _ = await start_bot(tmp_path / "b", http_api, f"sqlite+aiosqlite:///{tmp_path / 'b' / 'h.sqlite3'}")
        code, err = await finished(second, timeout=60)
        assert code == 3, err
        assert err.strip().splitlines()[-1] == (
            "Another process is polling Telegram with this bot's token (409 Conflict): this one stops. "
            "Run one bot process per token.")
        assert "Traceback" not in err, err
        api.add_user(602, "Iris")
        api.send_text(602, "/start")
        await until(lambda: api.messages(602), "the first poller to go on answering")
        first.send_signal(signal.SIGTERM)
        code, err = await finished(first)
        assert code == 0, err
    finally:
        if first.returncode is None:
            first.kill()
            await first.wait()


async def test_houvast_run_in_webhook_mode_is_watched_the_same_way(tmp_path, http_api):
    api = http_api.api
    webhook_port, secret = free_port(), "a-long-secret-token-0123456789abcdef"
    bot, health_port = await start_bot(tmp_path, http_api, f"sqlite+aiosqlite:///{tmp_path / 'h.sqlite3'}",
                                       webhook_url="https://houvast.example.org", webhook_port=str(webhook_port),
                                       webhook_secret=secret)
    try:
        await wait_healthy(bot, health_port)
        assert api.webhook_url == "https://houvast.example.org/telegram"
        api.add_user(601, "Noor")
        update = api.send_text(601, "/start")
        async with httpx.AsyncClient() as client:
            posted = await client.post(f"http://127.0.0.1:{webhook_port}/telegram", content=json.dumps(update),
                                       headers={"Content-Type": "application/json",
                                                "X-Telegram-Bot-Api-Secret-Token": secret})
            assert posted.status_code == 200
            await until(lambda: api.messages(601), "an answer to the webhook update")
            metrics = (await client.get(f"http://127.0.0.1:{health_port}/metrics")).text
        assert "houvast_updates_total 1" in metrics
        bot.send_signal(signal.SIGTERM)
        code, err = await finished(bot)
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()
    assert code == 0 and "Traceback" not in err and "Task was destroyed" not in err, err
