"""Reliable delivery of proactive messages (prompts, nudges, alerts).

A message is a row first, with a de-duplication key, so a tick that runs twice or a restart never queues
it twice. Delivery claims due rows exactly once (a claim token and a lease the sending run must still hold,
in one process or several), sends several at once within Telegram's limits, and marks a row sent only after
Telegram accepted it. Network trouble and 429s are retried with back-off; a person who blocked the bot is
marked unreachable instead of being retried forever.

A service queues a fact (`refer`, or `refer_many` for a batch): kind, ids and, for a message to someone else
about a client, that client (`about_id`); its text is written when it is sent, by the renderer of its kind
(bot/outbox/notices.py, conversations/notices/), through the consent check. A row with a text (`enqueue`) is
still sent as it is: rows queued by an older version, and the tests. A row with `about_id` goes when that client's
account is deleted (ON DELETE CASCADE), a row with a consent `scope` is withdrawn when the client revokes it
(`withdraw`) and is checked again just before sending. A row that was sent, or failed for good, keeps no text and
no reference: only who, what kind and when.

Two parts: `bot/outbox/store.py` is the database (queue, claim, check a claim, record; no Telegram), and
`bot/outbox/delivery.py` sends (pacing, sends in flight, what each Telegram error means). The sending names are
loaded on first use, so services that only queue (`from bot.outbox import store`) never import Telegram.
"""
from __future__ import annotations

from typing import Any

from bot.outbox.store import (
    LEASE,
    MAX_ATTEMPTS,
    MAX_BACKOFF,
    Claim,
    DeliveryReport,
    Outcome,
    backoff,
    claim,
    enqueue,
    prepare,
    record,
    refer,
    refer_many,
    release,
    render_row,
    withdraw,
)

_DELIVERY = frozenset({"IN_FLIGHT", "PER_CHAT_GAP", "SENDS_PER_SECOND", "Pacer", "deliver_due", "round_robin",
                       "sender_for"})


def __getattr__(name: str) -> Any:
    if name in _DELIVERY:
        from bot.outbox import delivery

        return getattr(delivery, name)
    raise AttributeError(name)


__all__ = [
    "IN_FLIGHT", "LEASE", "MAX_ATTEMPTS", "MAX_BACKOFF", "PER_CHAT_GAP", "SENDS_PER_SECOND", "Claim",
    "DeliveryReport", "Outcome", "Pacer", "backoff", "claim", "deliver_due", "enqueue", "prepare", "record",
    "refer", "refer_many", "release", "render_row", "round_robin", "sender_for", "withdraw",
]
