"""`houvast worker`: a process that only ticks and delivers, beside the one bot process (docs/operations.md).

It answers no updates and keeps no conversation states, so it does not take the bot's run lock: it holds a
shared worker lock, which `houvast status` counts, and any number of workers may run. It shares the work with
the bot and the other workers through the database only: the tick's due work is done by one process at a time
(whoever has the tick's turn that minute), outbox rows are claimed exactly once (bot/outbox/store.py), and
Telegram's 30 messages a second are divided between the processes that deliver. Deleting accounts stays with
the bot, which also clears the conversation states it holds.

As `houvast run` does: /healthz and /metrics on a port of its own (HOUVAST_WORKER_HEALTH_PORT), one status line
a minute, and SIGTERM lets the sends in flight finish, gives the rest back and exits within 10 seconds; a second
SIGTERM stops at once.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from telegram import Bot
from telegram.request import HTTPXRequest

from bot.clock import SystemClock
from bot.config import Settings
from bot.ops import figures as db_figures
from bot.ops.monitor import Monitor, status_line
from bot.ops.runtime import STATUS_EVERY, STOP_GRACE, Claim, is_database_error, release
from bot.services.base import Services

log = logging.getLogger("houvast.status")


class Worker:
    def __init__(self, svc: Services, bot: Bot) -> None:
        self.svc, self.bot = svc, bot
        self.monitor = Monitor(started_at=svc.now())
        self.stopping = asyncio.Event()
        self.tick_task: asyncio.Task[object] | None = None

    def request_stop(self) -> None:
        """SIGTERM: the running tick finishes its sends in flight (for at most STOP_GRACE seconds); a second
        signal stops at once."""
        if self.stopping.is_set():
            if self.tick_task is not None:
                self.tick_task.cancel()
            return
        self.stopping.set()
        if self.tick_task is not None:
            asyncio.get_running_loop().call_later(STOP_GRACE, self.tick_task.cancel)

    async def run(self) -> None:
        from bot.ops.logs import describe
        from bot.scheduler import worker_tick

        loop = asyncio.get_running_loop()
        status = asyncio.create_task(self._status_lines(), name="worker-status")
        try:
            while not self.stopping.is_set():
                started = loop.time()
                self.tick_task = asyncio.create_task(worker_tick(self.svc, self.bot, self.stopping))
                try:
                    report = await self.tick_task
                except asyncio.CancelledError:
                    break
                except Exception as exc:
                    self.monitor.tick_failed(self.svc.now(), describe(exc), database_down=is_database_error(exc))
                else:
                    self.monitor.tick_done(self.svc.now(), loop.time() - started, report.sent, report.retried,
                                           report.failed, rate_limited=report.rate_limited)
                finally:
                    self.tick_task = None
                wait = self.svc.settings.tick_seconds - (loop.time() - started)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.stopping.wait(), max(wait, 0))
        finally:
            status.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await status

    async def _status_lines(self) -> None:
        while True:
            await asyncio.sleep(STATUS_EVERY)
            now = self.svc.now()
            try:
                found = await asyncio.wait_for(db_figures.read(self.svc.sessions, now), 10)
            except Exception:
                found = None
            line = "worker " + status_line(self.monitor.take_window(), found, self.monitor, now)
            failing = found is None or self.monitor.failing_since is not None
            log.log(logging.WARNING if failing else logging.INFO, line)


def make_bot(settings: Settings) -> Bot:
    """A Bot of its own with room for the sends in flight (bot/outbox/delivery.IN_FLIGHT) and a little more."""
    from bot.outbox.delivery import IN_FLIGHT

    request = HTTPXRequest(connection_pool_size=IN_FLIGHT * 2, connect_timeout=5, read_timeout=10, write_timeout=10)
    return Bot(settings.telegram_token or "", base_url=settings.bot_api_base_url,
               base_file_url=settings.bot_api_base_file_url, request=request)


def serve(settings: Settings, claimed: Claim) -> int:
    """Run the worker until SIGTERM/SIGINT; returns the exit code."""
    from tornado.httpserver import HTTPServer

    from bot.db.session import make_engine, make_sessionmaker
    from bot.ops.web import make_app

    loop = claimed.loop
    asyncio.set_event_loop(loop)
    engine = make_engine(settings.database_url)
    svc = Services(make_sessionmaker(engine), SystemClock(), settings)
    bot = make_bot(settings)
    worker = Worker(svc, bot)
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, worker.request_stop)
    server = None
    if claimed.sockets:
        server = HTTPServer(make_app(worker.monitor, svc, lambda: not worker.stopping.is_set()))
        server.add_sockets(claimed.sockets)

    async def main() -> None:
        await bot.initialize()
        log.info("worker started: ticks every %s s beside the bot", settings.tick_seconds)
        try:
            await worker.run()
        finally:
            await bot.shutdown()
            await engine.dispose()

    try:
        loop.run_until_complete(main())
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        if server is not None:
            server.stop()
            claimed.sockets = []
        release(claimed)
    log.info("stopped")
    return 0
