"""The local Bot API over real HTTP, for a `houvast run` in a process of its own (the process tests, the
start-up part of `houvast bench`)."""
from __future__ import annotations

import asyncio
import json
from typing import Any

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

from bot.local.botapi import LocalBotApi

STRING_PARAMS = {"text", "caption", "secret_token", "url", "callback_query_id"}  # never JSON-decoded


def decode(name: str, raw: bytes) -> Any:
    value = raw.decode()
    if name in STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


class HttpBotApi:
    """Serves POST /bot<token>/<method> from a LocalBotApi; `send_delay` slows sendMessage down."""

    def __init__(self, api: LocalBotApi, send_delay: float = 0.0) -> None:
        self.api, self.send_delay = api, send_delay
        self.server: HTTPServer | None = None
        self.port = 0

    def start(self) -> int:
        outer = self

        class Handler(RequestHandler):
            async def post(self, _token: str, method: str) -> None:
                params = {name: decode(name, values[-1]) for name, values in self.request.body_arguments.items()}
                if self.request.headers.get("Content-Type", "").startswith("application/json") and self.request.body:
                    params.update(json.loads(self.request.body))
                if method.lower() == "sendmessage" and outer.send_delay:
                    await asyncio.sleep(outer.send_delay)
                status, body = await outer.api.dispatch(method, params)
                self.set_status(status)
                self.set_header("Content-Type", "application/json")
                self.finish(json.dumps(body))

        sockets = bind_sockets(0, address="127.0.0.1")
        self.port = sockets[0].getsockname()[1]
        self.server = HTTPServer(Application([(r"/bot([^/]+)/(\w+)", Handler)]))
        self.server.add_sockets(sockets)
        return self.port

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
