"""Guards that see every update before the flows do: a flood limit and the private-chat rule.
(The crisis check comes before both: conversations/safety.py.)"""
from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.domain.ratelimit import TokenBucket
from bot.i18n import N_
from conversations import common
from conversations.common import Context

SLOW_DOWN = N_("You are sending a lot of messages at once. Please wait a minute, then go on.")
SLOW_DOWN_SHORT = N_("Too fast. Please wait a moment, then tap again.")
FORGET_ABOVE = 10_000  # people in the flood bucket before the full (idle) buckets are dropped


def _bucket(context: Context) -> TokenBucket:
    data = context.application.bot_data
    if "rate_window" not in data:
        settings = common.services(context).settings
        data["rate_window"] = TokenBucket(settings.rate_limit_per_minute, settings.rate_limit_burst)
    return data["rate_window"]


async def rate_limit(update: Update, context: Context) -> None:
    """A flood stops here. Runs after the crisis check, so crisis language is answered even in a flood.
    A button pressed in a flood still gets its spinner stopped, with a short line."""
    if update.effective_user is None:
        return
    svc = common.services(context)
    bucket = _bucket(context)
    if len(bucket) > FORGET_ABOVE:
        bucket.forget_idle(svc.now())
    verdict = bucket.check(update.effective_user.id, svc.now())
    if verdict == "ok":
        return
    if update.effective_chat is not None and update.effective_chat.type == "private":
        t = common.tr(context, await common.current(update, context))
        if update.callback_query is not None:
            await common.answer_button(update, t.gettext(SLOW_DOWN_SHORT))
        elif verdict == "warn":
            await common.say(update, context, t.gettext(SLOW_DOWN))
    raise ApplicationHandlerStop


async def private_only(update: Update, context: Context) -> None:
    chat = update.effective_chat
    if chat is not None and chat.type != "private":
        await common.refuse_group(update, context)
