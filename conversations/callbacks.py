"""callback_data is `flow:action[:arg]`, ASCII, at most 64 bytes; built and parsed only here.

The codec belongs to the Telegram layer: the services hand facts and ids, the flows and the renderers of
conversations/notices make the buttons (the layers contract keeps bot/services from importing it).
Whatever comes back from a button is untrusted: it may be forged or stale. Parsing only checks the form;
the service checks that the person pressing may do what the button asks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from telegram.constants import InlineKeyboardButtonLimit

# Telegram's limit on a button's callback_data, in bytes.
MAX_CALLBACK_DATA: int = InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
_PART = re.compile(r"^[a-z0-9_]{1,24}$")
_ARG = re.compile(r"^[A-Za-z0-9_.,-]{0,40}$")


class BadCallback(ValueError):
    """Callback data that we did not make (forged, or from an old version)."""


@dataclass(frozen=True)
class Callback:
    flow: str
    action: str
    arg: str | None = None

    def int_arg(self) -> int:
        if self.arg is None or not self.arg.isdigit() or len(self.arg) > 12:
            raise BadCallback("expected a number")
        return int(self.arg)


def make(flow: str, action: str, arg: object | None = None) -> str:
    data = f"{flow}:{action}" if arg is None else f"{flow}:{action}:{arg}"
    if not _PART.match(flow) or not _PART.match(action) or (arg is not None and not _ARG.match(str(arg))):
        raise ValueError(f"bad callback parts: {data!r}")
    if len(data.encode()) > MAX_CALLBACK_DATA:
        raise ValueError(f"callback data too long: {data!r}")
    return data


def parse(data: str | None, flow: str | None = None) -> Callback:
    if not data or len(data.encode()) > MAX_CALLBACK_DATA:
        raise BadCallback("empty or too long")
    parts = data.split(":", 2)
    if len(parts) < 2 or not _PART.match(parts[0]) or not _PART.match(parts[1]):
        raise BadCallback("malformed")
    arg = parts[2] if len(parts) == 3 else None
    if arg is not None and not _ARG.match(arg):
        raise BadCallback("malformed argument")
    if flow is not None and parts[0] != flow:
        raise BadCallback("other flow")
    return Callback(parts[0], parts[1], arg)


def ints(arg: str | None, count: int) -> list[int]:
    """An argument of `count` numbers joined by dots ("12.0.3"), or BadCallback."""
    parts = (arg or "").split(".")
    if len(parts) != count or not all(part.isdigit() and len(part) <= 12 for part in parts):
        raise BadCallback("expected numbers")
    return [int(part) for part in parts]


def pattern(flow: str, action: str | None = None) -> str:
    return rf"^{flow}:{action}(:|$)" if action else rf"^{flow}:"
