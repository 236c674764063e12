"""What `houvast run` adds around the Application: one process per database, /healthz and /metrics, one status
line a minute, quiet handling of repeating background errors, a second poller that gives way, and a stop on
SIGTERM that finishes the send in flight and gives the rest of the claimed messages back.

`claim` runs before anything changes (before migrations), `serve` runs the Application; both are one line
in `bot/cli.py`. The per-application state lives in `Runtime.of(application)`, so the handlers, the tick and
the error handler reach it without globals, and tests can drive it on the harness's Application.
"""
from __future__ import annotations

import asyncio
import logging
import signal
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import InterfaceError, OperationalError
from telegram import Update
from telegram.error import Conflict
from telegram.ext import Application, ContextTypes

from bot.clock import SystemClock
from bot.ops import figures as db_figures
from bot.ops.monitor import Monitor, status_line
from bot.ops.single import AlreadyRunning, RunLock

log = logging.getLogger("houvast.status")
EXIT_OTHER_INSTANCE = 3  # systemd: RestartPreventExitStatus=3, so a refused second process is not restarted
STATUS_EVERY = 60.0  # seconds between status lines
STOP_GRACE = 5.0  # seconds a running tick gets to finish its send in flight after SIGTERM
CONFLICT_LINE = ("Another process is polling Telegram with this bot's token (409 Conflict): this one stops. "
                 "Run one bot process per token.")
SECOND_RUN_LINE = ("Another houvast run is already using this database; only one bot process may run per "
                   "database (docs/operations.md). Stop the other one first.")


class StartRefused(Exception):
    """`houvast run` cannot start; the message is one line for the operator."""

    def __init__(self, line: str, code: int = 1) -> None:
        super().__init__(line)
        self.code = code


def is_database_error(error: BaseException) -> bool:
    """The database did not answer (as opposed to a bug): connection refused, dropped, timed out."""
    return isinstance(error, (OperationalError, InterfaceError, OSError, TimeoutError, ConnectionError))


class Runtime:
    def __init__(self, application: Application) -> None:
        self.application = application
        self.svc = application.bot_data.get("services")
        self.now = self.svc.now if self.svc is not None else SystemClock().now
        self.monitor = Monitor(started_at=self.now())
        self.stopping = asyncio.Event()
        self.tick_task: asyncio.Task[Any] | None = None
        self.lock: RunLock | None = None
        self.exit_line: str | None = None
        self.exit_code = 0
        self.outage_reference: str | None = None
        self.stop: Callable[[], None] = application.stop_running  # tests put a recorder here

    @staticmethod
    def of(application: Application) -> Runtime:
        runtime = application.bot_data.get("runtime")
        if runtime is None:
            runtime = application.bot_data["runtime"] = Runtime(application)
        return runtime

    def request_stop(self, line: str | None = None, code: int = 0) -> None:
        """A stop signal, a lost lock or a second poller. The first request lets a running tick finish the
        send in flight (the outbox gives the other claimed messages back), for at most STOP_GRACE seconds;
        a second request stops at once."""
        if line is not None and self.exit_line is None:
            self.exit_line, self.exit_code = line, code
        if self.stopping.is_set():
            self._cancel_tick()
            self.stop()
            return
        self.stopping.set()
        asyncio.get_running_loop().create_task(self._graceful(), name="houvast-stop")

    async def _graceful(self) -> None:
        task = self.tick_task
        if task is not None and not task.done():
            done, _ = await asyncio.wait({task}, timeout=STOP_GRACE)
            if not done:
                self._cancel_tick()
                await asyncio.wait({task}, timeout=1.0)
        self.stop()

    def _cancel_tick(self) -> None:
        if self.tick_task is not None and not self.tick_task.done():
            self.tick_task.cancel()


# ---- hooks the Application calls ------------------------------------------------------------------------


async def count_update(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """First handler of all (bot/app.py): counts every update for /metrics; never replies, never stops."""
    Runtime.of(context.application).monitor.count_update()


async def run_tick(application: Application, tick: Callable[[asyncio.Event], Awaitable[Any]]) -> None:
    """Run one tick and record it. A failing tick (the database is down) is counted and shown in the next
    status line, not logged on every tick; no tick starts once a stop was asked for."""
    runtime = Runtime.of(application)
    if runtime.stopping.is_set():
        return
    from bot.ops.logs import describe

    loop = asyncio.get_running_loop()
    started = loop.time()
    runtime.tick_task = asyncio.current_task()
    try:
        report = await tick(runtime.stopping)
    except Exception as exc:
        runtime.monitor.tick_failed(runtime.now(), describe(exc), database_down=is_database_error(exc))
        return
    finally:
        runtime.tick_task = None
    runtime.monitor.tick_done(runtime.now(), loop.time() - started, report.sent, report.retried, report.failed,
                              rate_limited=report.rate_limited)


def background_error(application: Application, error: BaseException | None, where: str) -> bool:
    """An error outside an update (polling, a job, a persistence flush). True when it is dealt with here:
    a 409 Conflict (see Monitor.conflict_stops_us), or the same error already logged within the minute."""
    runtime = Runtime.of(application)
    now = runtime.now()
    runtime.monitor.count_error()
    if isinstance(error, Conflict):
        if runtime.monitor.conflict_stops_us(now):
            if not runtime.stopping.is_set():
                log.error(CONFLICT_LINE)
                # The Updater's last getUpdates on the way out meets the same conflict: nothing new to say.
                logging.getLogger("telegram.ext.Updater").setLevel(logging.CRITICAL)
                runtime.request_stop(CONFLICT_LINE, EXIT_OTHER_INSTANCE)
        elif runtime.monitor.should_log("conflict", now):
            log.warning("Another process is polling with this token (409 Conflict); this one was first and "
                        "carries on, the newer one should stop.")
        return True
    return not runtime.monitor.should_log(where, now)


def shared_reference(application: Application, error: BaseException | None, reference: str) -> tuple[str, bool]:
    """While the database is away, every update that fails on it within the same minute gets the same
    reference and one log line between them: (reference, whether to log it)."""
    if error is None or not is_database_error(error):
        return reference, True
    runtime = Runtime.of(application)
    if runtime.monitor.should_log("database-update", runtime.now()):
        runtime.outage_reference = reference
        return reference, True
    return runtime.outage_reference or reference, False


def update_error(application: Application, update_id: int) -> bool:
    """Counts the error; True for the first error of this update (the one that gets an apology)."""
    runtime = Runtime.of(application)
    runtime.monitor.count_error()
    return runtime.monitor.first_apology(update_id)


async def status_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await log_status(Runtime.of(context.application))


async def log_status(runtime: Runtime) -> None:
    """One line a minute: what the tick did, what waits; one line (a warning) while the database is away."""
    now = runtime.now()
    figures = None
    if runtime.svc is not None:
        try:
            figures = await asyncio.wait_for(db_figures.read(runtime.svc.sessions, now), 10)
        except Exception:
            figures = None
    line = status_line(runtime.monitor.take_window(), figures, runtime.monitor, now)
    log.log(logging.INFO if figures is not None and runtime.monitor.failing_since is None else logging.WARNING, line)
    if runtime.lock is not None and await runtime.lock.verify() is False:
        log.error(SECOND_RUN_LINE)
        runtime.request_stop(SECOND_RUN_LINE, EXIT_OTHER_INSTANCE)


# ---- houvast run -------------------------------------------------------------------------------------------


@dataclass
class Claim:
    loop: asyncio.AbstractEventLoop
    lock: RunLock
    sockets: list[socket.socket]


def claim(database_url: str, *, health_listen: str = "127.0.0.1", health_port: int = 0,
          lock: RunLock | None = None, port_setting: str = "HOUVAST_HEALTH_PORT") -> Claim:
    """Before anything changes: take the database's run lock (or the given lock: a worker's) and bind the
    /healthz port. Raises StartRefused with one line: another bot on this database, an unreachable database,
    the port in use."""
    from tornado.netutil import bind_sockets

    loop = asyncio.new_event_loop()
    lock = lock or RunLock(database_url)
    try:
        loop.run_until_complete(lock.acquire())
    except AlreadyRunning:
        loop.close()
        raise StartRefused(SECOND_RUN_LINE, EXIT_OTHER_INSTANCE) from None
    except Exception as exc:
        loop.close()
        raise StartRefused(f"Cannot reach the database (HOUVAST_DATABASE_URL): {type(exc).__name__}") from None
    sockets: list[socket.socket] = []
    if health_port:
        try:
            sockets = bind_sockets(health_port, address=health_listen)
        except OSError as exc:
            loop.run_until_complete(lock.release())
            loop.close()
            raise StartRefused(
                f"Cannot listen on {health_listen}:{health_port} for /healthz and /metrics "
                f"(HOUVAST_HEALTH_LISTEN, {port_setting}): {exc.strerror or type(exc).__name__}"
            ) from None
    return Claim(loop, lock, sockets)


def release(claimed: Claim) -> None:
    """Give the lock and the port back and close the loop as asyncio.run would: what is still pending (a
    warm-up in a thread, started before the Application ran) is cancelled and awaited, never destroyed."""
    loop = claimed.loop
    for sock in claimed.sockets:
        sock.close()
    loop.run_until_complete(claimed.lock.release())
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.wait(pending))
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.run_until_complete(loop.shutdown_default_executor())
    loop.close()


def serve(application: Application, claimed: Claim, webhook: dict[str, Any] | None = None) -> int:
    """Run the Application until SIGTERM/SIGINT (or a second poller, or a lost lock); returns the exit code."""
    from tornado.httpserver import HTTPServer

    from bot.ops.web import make_app

    loop = claimed.loop
    asyncio.set_event_loop(loop)  # python-telegram-bot runs on the current loop: the one holding the lock
    runtime = Runtime.of(application)
    runtime.lock = claimed.lock
    runtime.monitor.started_at = runtime.now()  # polling starts now: the newcomer rule counts from here
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, runtime.request_stop)
    server = None
    if claimed.sockets:
        running = lambda: application.running and not runtime.stopping.is_set()
        server = HTTPServer(make_app(runtime.monitor, application.bot_data["services"], running))
        server.add_sockets(claimed.sockets)
    application.job_queue.run_repeating(status_job, interval=STATUS_EVERY, first=STATUS_EVERY, name="status")
    try:
        if webhook is not None:
            application.run_webhook(**webhook, allowed_updates=Update.ALL_TYPES, stop_signals=None, close_loop=False)
        else:
            application.run_polling(allowed_updates=Update.ALL_TYPES, stop_signals=None, close_loop=False)
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        if server is not None:
            server.stop()
            claimed.sockets = []  # closed by server.stop()
        release(claimed)
    if runtime.exit_line:
        log.info("stopped: %s", runtime.exit_line)
    else:
        log.info("stopped")
    return runtime.exit_code
