"""How each kind of queued message is written when it is sent: the services queue facts (`outbox.refer`: a kind
and ids, bot/outbox/store.py), and a renderer here, registered with `@renders(kind)` (bot/outbox/notices.py),
asks a service for what they mean now (through the consent check, when it is about a client) and writes the text
with the recipient's translator and the buttons with the chat's own keyboards. One module per family.

Importing this package imports them all, so every kind has its renderer: whatever delivers the outbox imports it
first (bot/scheduler.py, and so `houvast worker`; the chat's `deliver_now`; the tests).
tests/services/test_notices.py checks that every `@renders` in the code is registered through this list.
"""
from conversations.notices import alerts, closing, goals, nudges, peers, prompts, safety, team, together  # noqa: F401
