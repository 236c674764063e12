"""`/healthz` and `/metrics` on a local port (HOUVAST_HEALTH_LISTEN, HOUVAST_HEALTH_PORT), in polling and in
webhook mode. Served by Tornado, which python-telegram-bot's webhook extra already brings; it runs in the
bot's own event loop, so a stuck loop also makes /healthz stop answering.

No personal data: counts and yes/no checks only.
"""
from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable

from tornado.httpserver import HTTPServer
from tornado.web import Application, RequestHandler

from bot.ops import figures as db_figures
from bot.ops.monitor import Monitor, prometheus
from bot.services.base import Services

log = logging.getLogger(__name__)
DATABASE_TIMEOUT = 3.0  # seconds: a scrape never waits longer for the database


async def _figures(svc: Services) -> db_figures.Figures | None:
    try:
        return await asyncio.wait_for(db_figures.read(svc.sessions, svc.now()), DATABASE_TIMEOUT)
    except Exception:
        return None


class _Base(RequestHandler):
    def initialize(self, monitor: Monitor, svc: Services, running: Callable[[], bool]) -> None:  # type: ignore[override]
        self.monitor, self.svc, self.running = monitor, svc, running

    def log_exception(self, typ, value, tb) -> None:  # type: ignore[no-untyped-def]
        log.error("health endpoint failed: %s", typ.__name__ if typ else "unknown")


class Healthz(_Base):
    async def get(self) -> None:
        figures = await _figures(self.svc)
        checks = self.monitor.health(
            self.svc.now(), database_ok=figures is not None, backlog=figures.backlog if figures else None,
            max_backlog=self.svc.settings.health_max_backlog, running=self.running(),
        )
        healthy = all(checks.values())
        self.set_status(200 if healthy else 503)
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps({"status": "ok" if healthy else "fail",
                                "checks": {name: "ok" if ok else "fail" for name, ok in checks.items()}}))


class Metrics(_Base):
    async def get(self) -> None:
        figures = await _figures(self.svc)
        self.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(prometheus(self.monitor, figures, self.svc.now(), database_ok=figures is not None))


def make_app(monitor: Monitor, svc: Services, running: Callable[[], bool] = lambda: True) -> Application:
    args = {"monitor": monitor, "svc": svc, "running": running}
    return Application([(r"/healthz", Healthz, args), (r"/metrics", Metrics, args)], log_function=lambda _h: None)


def start(monitor: Monitor, svc: Services, listen: str, port: int,
          running: Callable[[], bool] = lambda: True) -> HTTPServer:
    """Bind now and serve once the event loop runs (tests; `houvast run` binds early in runtime.claim).
    Raises OSError when the port cannot be bound."""
    server = HTTPServer(make_app(monitor, svc, running))
    server.listen(port, address=listen)
    return server
