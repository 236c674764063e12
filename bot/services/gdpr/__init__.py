"""AVG/GDPR rights of a client: a copy of all their data (/mijngegevens) and deletion after 7 days (/verwijderen).

Both walk `Base.metadata` instead of a hand-made list of tables, so a table added later is exported and
purged without touching this package, as long as it points at `people.id` with a foreign key, hangs below such
a row with an ON DELETE CASCADE foreign key (a goal's check-ins), or keeps a `telegram_id` column. A new
model must be imported by bot/db/models.py to be part of `Base.metadata`.

Messages: a message to someone else about the client refers to them (`outbox.refer`, `about_id`), so it goes
with the account whether it was sent or not; a sent message keeps no text. Alerts that are still queued as a
text are found by the client's full name, Telegram id or alert key (`_scrub_messages_about`). Misuse reports
by the client or about a contact of theirs go too (`_delete_written_about`). tests/services/test_purge.py
proves it: after the purge no column of any table holds a word of the client.

Reminders: a person with `deletion_due_at` set gets no reminders. Today those are the phase check-in
prompt (checkins.queue_due_prompts), the goal prompt (goals.queue_goal_prompts), the stall message
(goals.sweep_stalls), the self-scan invitation and the peer expert's quiet-contact reminder; all skip them. Every new
kind of reminder must skip `Person.deletion_due_at.is_not(None)` as well. Replies to what the client does
themselves still work in the 7 days, so they can use the bot, take their data with them and change their mind.

By topic: walk.py (which rows are about a person), export.py (/mijngegevens) and deletion.py (/verwijderen and
the purge when it is due).
"""

from __future__ import annotations

from bot.services.gdpr.deletion import cancel_deletion, deletion_due, purge_due, request_deletion
from bot.services.gdpr.export import export_data
from bot.services.gdpr.walk import EXPORT_FORMAT, GRACE, HOUSEHOLDS, PEOPLE, jsonable

__all__ = [
    "EXPORT_FORMAT",
    "GRACE",
    "HOUSEHOLDS",
    "PEOPLE",
    "cancel_deletion",
    "deletion_due",
    "export_data",
    "jsonable",
    "purge_due",
    "request_deletion",
]
