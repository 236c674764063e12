"""Messages that refer, not copy: how a queued reference becomes a text at the moment it is sent.

A message to someone other than the client it is about is queued as a fact: its kind, the ids it refers to
and the client it is about (`outbox.refer`). No words of the client are stored with it. When the outbox sends
it, the renderer registered here for its kind reads the rows it refers to *then*, through the same consent
check as any view (each look audited), and returns the text and buttons; or None, and the message is withdrawn:
the rows it refers to are gone (an account deleted), the relation ended, or there is nothing left to say.
Once Telegram accepted it, the outbox row keeps no text (see bot/outbox/store.py).

The renderers live in the Telegram layer, one module per family in conversations/notices/, registered with
`@renders("kind")`: a service queues the facts, a renderer asks a service for what they mean now and writes them
with the chat's own words and keyboards. The outbox imports none of them: whatever delivers (bot/scheduler.py,
the chat's `deliver_now`, the tests) imports conversations/notices/ first, the one list.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Person
from bot.services.base import Services

Buttons = list[list[tuple[str, str]]]
# The renderers' argument types, named here so the layer above (conversations/notices) needs no database import.
Session = AsyncSession
Recipient = Person


@dataclass(frozen=True)
class Rendered:
    text: str
    buttons: Buttons = field(default_factory=list)


# render(svc, session, recipient, about, ref) -> Rendered, or None to withdraw the message.
Renderer = Callable[[Services, AsyncSession, Person, Person | None, dict[str, Any]], Awaitable[Rendered | None]]
_RENDERERS: dict[str, Renderer] = {}
_ABOUT_A_CLIENT: set[str] = set()


def renders(kind: str, *, about_a_client: bool = False) -> Callable[[Renderer], Renderer]:
    """Register the renderer of `kind`. `about_a_client`: the message says something about its client, so when
    that client is gone (their account deleted) it is withdrawn without asking the renderer."""

    def register(function: Renderer) -> Renderer:
        if kind in _RENDERERS and _RENDERERS[kind] is not function:
            raise RuntimeError(f"two renderers for {kind}")
        _RENDERERS[kind] = function
        if about_a_client:
            _ABOUT_A_CLIENT.add(kind)
        return function

    return register


async def render(
    svc: Services, session: AsyncSession, kind: str, recipient: Person, about: Person | None, ref: dict[str, Any]
) -> Rendered | None:
    renderer = _RENDERERS.get(kind)
    if renderer is None:
        raise LookupError(f"no renderer for outbox kind {kind}")
    if about is None and kind in _ABOUT_A_CLIENT:
        return None
    return await renderer(svc, session, recipient, about, ref)


def kinds() -> frozenset[str]:
    return frozenset(_RENDERERS)
