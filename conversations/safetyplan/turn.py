"""The safety plans' handlers open like every other (conversations/handler.py), with one difference of this
package: a body that returns nothing ends the conversation it was a fallback of, so a button that needs
nothing typed, pressed in the middle of a question (the hoopbox waiting for a photo, say), ends the question
and does what it says."""
from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update

from bot.domain.roles import Role
from conversations.common import Context
from conversations.handler import END, Body, Turn
from conversations.handler import handler as opening

__all__ = ["END", "Turn", "handler"]


def handler(
    *roles: Role, flow: str | None = None, stop: Any = END
) -> Callable[[Body], Callable[[Update, Context], Awaitable[Any]]]:
    def wrap(body: Body) -> Callable[[Update, Context], Awaitable[Any]]:
        @functools.wraps(body)
        async def ending(turn: Turn) -> Any:
            result = await body(turn)
            return END if result is None else result

        return opening(*roles, flow=flow, stop=stop)(ending)

    return wrap
