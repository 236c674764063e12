"""Every service that queues messages which refer (`outbox.refer`) registers how such a message is written at
send time (`@renders`, bot/outbox/notices.py). Importing this module imports them all, so every kind has its
renderer: whatever delivers the outbox imports it first (bot/scheduler.py, conversations/common.py, the tests).
A service that starts to write a kind at send time is added here; tests/services/test_notices.py checks it."""
from bot.outbox import store  # noqa: F401 - "unreachable", to the coordinating worker
from bot.services import alerts, checkins, consent, goal_requests, nudges, peers, safetyplans, together  # noqa: F401
