"""Two `houvast worker` processes on one PostgreSQL share the tick and the outbox: every message goes out once,
both send, and the tick's due work is queued once. PostgreSQL only: there the workers count each other (the
shared advisory lock in pg_locks) and so each keeps to its part of Telegram's pace; on SQLite a second worker
is meant to run only beside the bot (docs/operations.md). CI runs it (.ci/run, HOUVAST_TEST_DATABASE_URL)."""
from __future__ import annotations

import signal

import pytest

from tests.conftest import PG_URL
from tests.ops.test_process import finished, wait_healthy
from tests.ops.test_worker import due_clients, each_sent_once, http_api, seed, start_worker  # noqa: F401 (fixture)

pytestmark = pytest.mark.skipif(not PG_URL, reason="two workers count each other on PostgreSQL only")


async def test_two_workers_on_one_postgresql_share_the_tick_and_the_outbox_and_send_each_message_once(
        tmp_path, http_api, database_url, svc):
    api = http_api.api
    workers: list = []
    try:
        for name in ("a", "b"):
            (tmp_path / name).mkdir()
            workers.append(await start_worker(tmp_path / name, http_api, database_url))
        for process, port in workers:
            await wait_healthy(process, port)
        texts = set(await seed(svc, api, 150, prefix="pg"))
        prompts = await due_clients(svc, api, 96_000, "pg")
        by_each = await each_sent_once(http_api, texts, prompts, [port for _, port in workers])
        assert all(count > 0 for count in by_each), by_each  # both sent: the outbox was shared
        assert sum(by_each) == len(texts) + 10
        for process, _ in workers:
            process.send_signal(signal.SIGTERM)
        for process, _ in workers:
            code, err = await finished(process)
            assert code == 0 and "Traceback" not in err, err
    finally:
        for process, _ in workers:
            if process.returncode is None:
                process.kill()
                await process.wait()
