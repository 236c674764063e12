"""A process delivering the outbox, killed with SIGKILL at random moments twenty times, loses no message and
sends a message twice only when it was in flight at a kill (at most IN_FLIGHT per kill). The process is `houvast
worker`'s loop (tests/outbox_child.py) against the local Bot API over HTTP. Runs on SQLite in `make test` and on
PostgreSQL in CI (HOUVAST_TEST_DATABASE_URL)."""
from __future__ import annotations

import asyncio
import random
import signal
from collections import Counter
from datetime import UTC, datetime

import sqlalchemy as sa

from bot.db.models import OutboxMessage
from bot.outbox import IN_FLIGHT
from tests.ops.test_process import finished, until
from tests.ops.test_worker import CHILD, accepted, go, http_api, seed, start_worker, unsent  # noqa: F401 (fixture)


async def test_kill_9_while_delivering_loses_nothing_and_doubles_only_what_was_in_flight(tmp_path, http_api,
                                                                                          database_url, svc):
    """A 429 may come (a new process does not know the last one's pace in its final second): it is retried."""
    api = http_api.api
    texts = set(await seed(svc, api, 150, prefix="kill"))
    rng = random.Random(9)
    doubles_allowed = 0
    seen: Counter[str] = Counter()  # what the Bot API had accepted at the previous kill
    worker = standby = None
    try:
        standby, _ = await start_worker(tmp_path, http_api, database_url, module=CHILD)
        for kill in range(20):
            worker, standby = standby, None
            await go(worker)
            before = len(http_api.sent)
            standby, _ = await start_worker(tmp_path, http_api, database_url, module=CHILD)  # readies meanwhile
            if rng.random() < 0.3:  # anywhere: starting its tick, claiming, sending
                await asyncio.sleep(rng.uniform(0.0, 1.0))
            else:  # while sending
                await until(lambda: len(http_api.sent) > before or worker.returncode is not None
                            or set(http_api.sent) >= texts, "the worker to send")
                await asyncio.sleep(rng.uniform(0.0, 0.4))
            assert worker.returncode is None, (await worker.stderr.read()).decode()
            worker.kill()
            await worker.wait()
            await asyncio.sleep(0.1)  # requests on their way when it died arrive now
            # In flight at this kill: accepted by Telegram during this run, but not recorded as sent.
            now_accepted, waiting = accepted(http_api), await unsent(svc, texts)
            in_flight = {text for text in waiting if now_accepted[text] > seen[text]}
            assert len(in_flight) <= IN_FLIGHT, (kill, len(in_flight))
            doubles_allowed += len(in_flight)
            seen = now_accepted
            async with svc.unit() as session:  # the dead worker's leases run out (instead of after two minutes)
                await session.execute(sa.update(OutboxMessage).where(OutboxMessage.sent_at.is_(None),
                                                                     OutboxMessage.claim_token.is_not(None))
                                      .values(next_attempt_at=datetime.now(UTC)))
                await session.commit()
        worker, standby = standby, None
        await go(worker)
        await until(lambda: len(accepted(http_api)) == len(texts), "the rest to go out")
        for _ in range(100):  # and be recorded
            if not await unsent(svc, texts):
                break
            await asyncio.sleep(0.1)
        worker.send_signal(signal.SIGTERM)
        code, err = await finished(worker)
        assert code == 0, err
    finally:
        for process in (worker, standby):
            if process is not None and process.returncode is None:
                process.kill()
                await process.wait()
    sent = accepted(http_api)
    assert set(sent) == texts and not await unsent(svc, texts)  # nothing lost
    doubles = sum(count - 1 for count in sent.values())
    assert doubles <= doubles_allowed, (doubles, doubles_allowed)  # only what was in flight at a kill
