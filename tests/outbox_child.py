"""`houvast worker`'s loop (bot/ops/worker.py) in a process of its own, without the command's start-up checks
(migrations, the key, the Bot API, the locks): the kill -9 test in tests/ops/test_worker.py starts it twenty
times. It readies itself, then waits for a line on stdin before it ticks, so the test can start the next one
while the current one delivers. Settings come from the environment, as for `houvast worker`; SIGTERM lets the
sends in flight finish."""
from __future__ import annotations

import asyncio
import signal
import sys

from bot.clock import SystemClock
from bot.config import Settings
from bot.db.session import configure_encryption, make_engine, make_sessionmaker
from bot.ops.worker import Worker, make_bot
from bot.services.base import Services


async def main() -> None:
    settings = Settings()
    configure_encryption(settings.encryption_keys)
    engine = make_engine(settings.database_url)
    bot = make_bot(settings)
    await bot.initialize()
    worker = Worker(Services(make_sessionmaker(engine), SystemClock(), settings), bot)
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, worker.request_stop)
    await loop.run_in_executor(None, sys.stdin.readline)  # "go"
    try:
        await worker.run()
    finally:
        await bot.shutdown()
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
