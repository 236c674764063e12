"""`houvast worker` as an operator starts it, beside `houvast run` on one database.

A bot and a worker on one database share the tick and the outbox: each message goes out once and both send
(each at its part of Telegram's pace; `houvast bench` measures the pace). Runs on SQLite in `make test` and on
PostgreSQL in CI (HOUVAST_TEST_DATABASE_URL). The helpers here serve test_worker_kill.py and
test_workers_pg.py too."""
from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sys
from asyncio.subprocess import PIPE, Process
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from bot.db.models import OutboxMessage, Person
from bot.local.botapi import LocalBotApi
from bot.local.httpbotapi import HttpBotApi
from tests.flows.test_webhook import free_port
from tests.ops.test_process import finished, houvast_env, start_bot, until, wait_healthy

FIRST_CHAT = 90_000
ROOT = Path(__file__).resolve().parents[2]
CHILD = ("tests.outbox_child",)


@pytest.fixture
async def http_api():
    api = LocalBotApi(bot_username="houvast_bot", enforce_flood_limits=True)
    server = HttpBotApi(api, send_delay=0.03)  # a round trip: sends are in flight when a kill comes
    server.sent = []  # every text the Bot API accepted, in order
    api.listeners.append(lambda event, message: server.sent.append(message.text) if event == "sent" else None)
    server.start()
    yield server
    server.stop()


async def start_worker(tmp_path: Path, server: HttpBotApi, database_url: str, *,
                       module: tuple[str, ...] = ("bot.cli", "worker")) -> tuple[Process, int]:
    """`houvast worker`; with module=CHILD only its loop (tests/outbox_child.py), which waits for `go`."""
    health_port = free_port()
    env = houvast_env(tmp_path, server, database_url, worker_health_port=str(health_port))
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", *module, env=env, cwd=tmp_path,
                                                   stdin=PIPE, stdout=PIPE, stderr=PIPE)
    return process, health_port


async def due_clients(svc, api: LocalBotApi, first_id: int, prefix: str, count: int = 10) -> Callable[[], int]:
    """`count` clients whose phase check-in is due now (the tick's work); returns how many prompts they got."""
    now = datetime.now(UTC)
    async with svc.unit() as session:
        for i in range(count):
            session.add(Person(telegram_id=first_id + i, chat_id=first_id + i, role="client", locale="nl",
                               pseudonym=f"{prefix}{i}", created_at=now, onboarded=True, active=True,
                               reminders_paused=False, unreachable=False, checkin_time=time(10),
                               checkin_rhythm="daily", next_checkin_at=now - timedelta(minutes=1)))
            api.add_user(first_id + i, "Cliënt")
        await session.commit()
    return lambda: sum(len(api.messages(first_id + i)) for i in range(count))


async def each_sent_once(http_api, texts: set[str], prompts: Callable[[], int], ports: list[int]) -> list[int]:
    """Wait until the messages and the ten prompts went out, look again a second later, and check that each went
    once; returns how many each process sent (its /metrics)."""
    await until(lambda: len(accepted(http_api)) >= len(texts) and prompts() >= 10, "everything to go out")
    await asyncio.sleep(1)  # a second look: nothing comes twice
    sent = accepted(http_api)
    assert set(sent) >= texts and all(sent[text] == 1 for text in texts)
    assert prompts() == 10  # each prompt queued once (the tick's turn: one process a minute) and sent once
    return [await metric(port, "houvast_outbox_sent_total") for port in ports]


async def seed(svc, api: LocalBotApi, rows: int, *, prefix: str) -> list[str]:
    """`rows` messages due now, each to a chat of its own (so no chat's one-a-second holds anything up)."""
    now = datetime.now(UTC)  # the processes run on the real clock
    texts = [f"{prefix} {i}" for i in range(rows)]
    async with svc.unit() as session:
        # Ids of their own, far above PostgreSQL's sequence, which people added later in a test still draw on.
        first = max((await session.execute(select(func.coalesce(func.max(Person.id), 0)))).scalar_one(), 999_999) + 1
        await session.execute(sa.insert(Person.__table__), [
            {"id": first + i, "telegram_id": FIRST_CHAT + first + i, "chat_id": FIRST_CHAT + first + i,
             "role": "client", "locale": "nl", "pseudonym": f"w{first + i}", "created_at": now, "onboarded": True,
             "active": True, "reminders_paused": False, "unreachable": False, "checkin_rhythm": "daily"}
            for i in range(rows)])
        await session.execute(sa.insert(OutboxMessage.__table__), [
            {"dedup_key": f"{prefix}:{i}", "person_id": first + i, "chat_id": FIRST_CHAT + first + i, "kind": "test",
             "payload": json.dumps({"text": text, "buttons": []}), "created_at": now, "next_attempt_at": now,
             "attempts": 0}
            for i, text in enumerate(texts)])
        await session.commit()
    for i in range(rows):
        api.add_user(FIRST_CHAT + first + i, "Cliënt")
    return texts


async def go(process: Process) -> None:
    process.stdin.write(b"go\n")
    await process.stdin.drain()


def accepted(server: HttpBotApi) -> Counter[str]:
    """Every text the Bot API accepted (a 429 is not a send), with how often."""
    return Counter(server.sent)


async def unsent(svc, texts: set[str]) -> set[str]:
    async with svc.unit() as session:
        rows = (await session.execute(select(OutboxMessage.dedup_key, OutboxMessage.sent_at, OutboxMessage.failed_at)
                                      .where(OutboxMessage.kind == "test"))).all()
    assert all(failed is None for _, _, failed in rows)  # nothing given up on
    keys = {key for key, sent, _ in rows if sent is None}
    return {text for text in texts if text.replace(" ", ":") in keys}


async def metric(port: int, name: str) -> float:
    async with httpx.AsyncClient() as client:
        text = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
    return float(re.search(rf"^{name} (\S+)$", text, re.M).group(1))


async def test_a_bot_and_a_worker_share_the_tick_and_the_outbox_and_send_each_message_once(tmp_path, http_api,
                                                                                           database_url, svc):
    api = http_api.api
    (tmp_path / "bot").mkdir()
    (tmp_path / "worker").mkdir()
    bot, bot_port = await start_bot(tmp_path / "bot", http_api, database_url)
    worker = None
    try:
        await wait_healthy(bot, bot_port)
        worker, worker_port = await start_worker(tmp_path / "worker", http_api, database_url)
        await wait_healthy(worker, worker_port)
        texts = set(await seed(svc, api, 150, prefix="shared"))
        prompts = await due_clients(svc, api, 95_000, "due")
        by_bot, by_worker = await each_sent_once(http_api, texts, prompts, [bot_port, worker_port])
        assert by_bot > 0 and by_worker > 0, (by_bot, by_worker)  # both sent: the outbox was shared
        assert by_bot + by_worker == len(texts) + 10
        for process in (bot, worker):
            process.send_signal(signal.SIGTERM)
        for process in (bot, worker):
            code, err = await finished(process)
            assert code == 0 and "Traceback" not in err, err
    finally:
        for process in (bot, worker):
            if process is not None and process.returncode is None:
                process.kill()
                await process.wait()
