""""🧹 Wis dit gesprek": the bot deletes the recent messages of this chat, the client's and its own.

In a private chat a bot may delete both sides' messages up to 48 hours old, 100 at a time. Both sides' messages
are numbered in one row, so the recent ones are just below the newest: the bot sends one short message to learn
the newest number, then deletes downwards in batches. When Telegram refuses a batch (a message in it is older
than 48 hours), the batch is split until the oldest message that may go is found; everything older stays, and
the client is told so honestly, with how to delete those themselves. What Houvast sent to others (a worker's
alert) stays with them, and the client hears that too.
"""
from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass

from babel.numbers import format_decimal
from telegram import Bot
from telegram.error import BadRequest, NetworkError, RetryAfter

from bot.domain.roles import Role
from bot.domain.safetyplans import WIPE_REACH, halves, kept_before, wipe_batches
from bot.i18n import N_
from conversations.safetyplan import keyboards
from conversations.safetyplan.turn import END, Turn, handler

log = logging.getLogger(__name__)
WORKING = N_("🧹 One moment…")


@dataclass
class Wiped:
    batches: int = 0
    refused: bool = False  # Telegram kept older messages (more than 48 hours old)
    failed: bool = False  # the network or Telegram's flood limit stopped us halfway
    reached_start: bool = False  # every message back to the first one is gone


async def _delete(bot: Bot, chat_id: int, ids: list[int], wiped: Wiped) -> bool:
    """Delete these ids; False when a too-old message was met (everything older stays as well)."""
    try:
        await bot.delete_messages(chat_id, ids)
        wiped.batches += 1
        return True
    except BadRequest as exc:
        if "not found" in exc.message.lower():
            return True  # nothing left there to delete
        if len(ids) == 1:
            wiped.refused = True
            return False
    newer, older = halves(ids)
    return await _delete(bot, chat_id, newer, wiped) and await _delete(bot, chat_id, older, wiped)


async def wipe_chat(bot: Bot, chat_id: int, newest_id: int) -> Wiped:
    wiped = Wiped()
    try:
        for batch in wipe_batches(newest_id):
            if not await _delete(bot, chat_id, batch, wiped):
                return wiped
    except (RetryAfter, NetworkError) as exc:
        log.info("wipe stopped: %s", type(exc).__name__)
        wiped.failed = True
        return wiped
    wiped.reached_start = newest_id <= WIPE_REACH
    return wiped


@handler(Role.CLIENT)
async def wipe(turn: Turn) -> int:
    """wipe:go and /wis: at once, no question first: in a hurry, one tap must be enough."""
    t = turn.t
    chat_id = turn.update.effective_chat.id
    marker = await turn.context.bot.send_message(chat_id, t.gettext(WORKING))
    wiped = await wipe_chat(turn.context.bot, chat_id, marker.message_id)
    if wiped.failed:
        lines = [t.gettext("Deleting did not fully work. Please try again in a minute.")]
    elif wiped.refused:
        lines = [
            t.gettext("🧹 I deleted the messages of the last 48 hours: yours and mine."),
            t.gettext("Older messages, from before {moment}, I am not allowed to delete. Only you can: hold a "
                      "message and tap Delete. Or delete the whole chat in Telegram.").format(
                moment=t.moment(kept_before(turn.svc.now()))),
        ]
    elif wiped.reached_start:
        lines = [t.gettext("🧹 I deleted this chat: your messages and mine.")]
    else:
        lines = [t.gettext("🧹 I deleted the last {n} messages: yours and mine. Older ones are still there. Only you "
                           "can delete those: hold a message and tap Delete. Or delete the whole chat in Telegram.")
                 .format(n=format_decimal(WIPE_REACH, locale=t.locale))]
    lines.append(t.gettext("Messages Houvast sent to others, like your worker, stay with them."))
    await turn.say("\n\n".join(lines), keyboards.wipe_done(t))
    return END


@handler(Role.CLIENT)
async def done(turn: Turn) -> None:
    """wipe:ok: the last message goes too; the chat is empty. /menu brings the menu back."""
    query = turn.update.callback_query
    if query is not None and query.message is not None:
        with contextlib.suppress(BadRequest):  # already gone
            await query.message.delete()
